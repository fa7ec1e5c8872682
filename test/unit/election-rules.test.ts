// The election-rules checker on hand-written observer records: textbook failovers pass, and
// each rule fails a record that breaks it; missing data gives unknown, never valid.
import assert from "node:assert/strict";
import { checkElectionRules, type ElectionDetails, type FailoverRow, type Rule } from "../../checkers/election-rules.js";
import type { Verdict } from "../../core/verdict.js";
import { ObsRecord, Hist, RUN_ID, master, replica } from "../support/observed.js";

const OPTS = { quorum: 2, sentinels: 3, downAfterMs: 1000 };

function check(rec: ObsRecord, hist = new Hist()): Verdict {
  const v = checkElectionRules(hist.build(), { events: rec.events }, OPTS);
  assert.deepEqual(JSON.parse(JSON.stringify(v.details)), v.details, "details survive results.json");
  return v;
}

function rows(v: Verdict): FailoverRow[] {
  return (v.details as ElectionDetails).failovers;
}

function rule(v: Verdict, r: Rule, row = 0): { valid: unknown; note: string } {
  const c = rows(v)[row].checks.find((x) => x.rule === r);
  assert.ok(c, `no ${r} check in ${JSON.stringify(rows(v)[row].checks)}`);
  return c;
}

/** A healthy record with one failover of n1 to n2 (n2 wins the run-id tie: 22.. < 33..). */
function textbook(): ObsRecord {
  return new ObsRecord({ stop: 30 })
    .masterInfo(1, "n1", 1000)
    .replicaInfo(1, "n2", "n1", 1000)
    .replicaInfo(1, "n3", "n1", 1000)
    .failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1 })
    .info(17, "n1", { role: "slave", master_host: "127.0.0.12", master_port: "7002" });
}

describe("election-rules checker", () => {
  it("passes a textbook failover and reports it as a row", () => {
    const v = check(textbook());
    assert.equal(v.valid, true, v.summary);
    const [row] = rows(v);
    assert.equal(row.epoch, 1);
    assert.equal(row.leader, "s1");
    assert.equal(row.oldPrimary, "n1");
    assert.equal(row.promoted, "n2");
    assert.equal(row.best, "n2");
    assert.deepEqual(row.votes.for, ["s1", "s2", "s3"]);
    assert.equal(row.votes.required, 2);
    assert.deepEqual(
      row.candidates.map((c) => [c.node, c.eligible, c.priority, c.offset]),
      [
        ["n2", true, 100, 1000],
        ["n3", true, 100, 1000],
      ],
    );
    for (const c of row.checks) assert.equal(c.valid, true, `${c.rule}: ${c.note}`);
    assert.match(rule(v, "best-replica").note, /n3 ties on priority 100 and offset 1000, run id 33333333 > 22222222/);
    assert.match(rule(v, "old-primary-rejoins").note, /n1 seen as a replica at 16\.000 s \(\+convert-to-slave from s1\)/);
    assert.match(v.report!.join("\n"), /failover epoch 1 by s1: n1 -> n2 at 6\.100 s: valid/);
  });

  it("says so when there is nothing to check, and is unknown without a record", () => {
    assert.equal(check(new ObsRecord({ stop: 10 })).valid, true);
    assert.equal(check(new ObsRecord({ stop: 10 })).summary, "no failover in the record");
    const none = checkElectionRules([], undefined, OPTS);
    assert.equal(none.valid, "unknown");
    assert.match(none.summary, /no observer record/);
  });

  describe("replica selection", () => {
    it("fails when the promoted replica had a worse priority than an eligible one", () => {
      const rec = new ObsRecord({ stop: 30 }).failover(5, {
        old: "n1",
        promoted: "n2",
        leader: "s1",
        epoch: 1,
        candidates: [{ id: "n2", priority: 100 }, { id: "n3", priority: 10 }],
      });
      const v = check(rec);
      assert.equal(v.valid, false);
      assert.equal(rule(v, "best-replica").valid, false);
      assert.match(rule(v, "best-replica").note, /promoted n2 but n3 was better \(priority 10, .*\) than n2 \(priority 100/);
      assert.equal(rows(v)[0].best, "n3");
    });

    it("fails when the promoted replica had a lower offset at the same priority", () => {
      const rec = new ObsRecord({ stop: 30 }).failover(5, {
        old: "n1",
        promoted: "n2",
        leader: "s1",
        epoch: 1,
        candidates: [{ id: "n2", offset: 900 }, { id: "n3", offset: 1000 }],
      });
      const v = check(rec);
      assert.equal(rule(v, "best-replica").valid, false);
      assert.match(rule(v, "best-replica").note, /n3 was better \(priority 100, offset 1000/);
    });

    it("fails when the promoted replica was not eligible: priority 0, SDOWN, or not listed", () => {
      for (const [n2, why] of [
        [{ id: "n2", priority: 0 }, /priority 0/],
        [{ id: "n2", flags: "s_down,slave" }, /SDOWN/],
        [{ id: "n2", pingAgoMs: 9000 }, /last ok ping reply 9\.\d s ago/],
      ] as const satisfies ReadonlyArray<readonly [{ id: string; priority?: number; flags?: string; pingAgoMs?: number }, RegExp]>) {
        const rec = new ObsRecord({ stop: 30 }).failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1, candidates: [n2, { id: "n3" }] });
        // The snapshot after the selection says no ping reply came in between.
        const after = { ...n2, ...("pingAgoMs" in n2 ? { pingAgoMs: n2.pingAgoMs + 100 } : {}), infoAgoMs: 500 };
        rec.state(5.15, "s1", "n1", [after, { id: "n3", infoAgoMs: 500 }], { masterFlags: "master,s_down,o_down" });
        const v = check(rec);
        assert.equal(rule(v, "best-replica").valid, false, rule(v, "best-replica").note);
        assert.match(rule(v, "best-replica").note, why);
      }
      const unlisted = new ObsRecord({ stop: 30 }).failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1, candidates: [{ id: "n3" }] });
      assert.match(rule(check(unlisted), "best-replica").note, /did not list/);
    });

    it("excluded replicas do not count against the choice", () => {
      const rec = new ObsRecord({ stop: 30 }).failover(5, {
        old: "n1",
        promoted: "n3",
        leader: "s1",
        epoch: 1,
        candidates: [{ id: "n2", priority: 1, flags: "slave,disconnected" }, { id: "n3" }],
      });
      const v = check(rec);
      assert.equal(rule(v, "best-replica").valid, true, rule(v, "best-replica").note);
      assert.match(rule(v, "best-replica").note, /n2 excluded \(link disconnected\)/);
      assert.deepEqual(
        rows(v)[0].candidates.map((c) => [c.node, c.eligible, c.reasons]),
        [
          ["n2", false, ["link disconnected"]],
          ["n3", true, []],
        ],
      );
    });

    it("is unknown when the leader refreshed INFO right at the selection and the readings disagree", () => {
      // Snapshot before: n3 ahead. Snapshot after: n2 ahead, refreshed within the slack of the selection.
      const rec = new ObsRecord({ stop: 30 }).failover(5, {
        old: "n1",
        promoted: "n2",
        leader: "s1",
        epoch: 1,
        candidates: [{ id: "n2", offset: 900 }, { id: "n3", offset: 1000 }],
      });
      rec.state(5.15, "s1", "n1", [{ id: "n2", offset: 1100, infoAgoMs: 50 }, { id: "n3", offset: 1000, infoAgoMs: 900 }], { masterFlags: "master,s_down,o_down" });
      // The selected-slave event is at 5.100 s; the refresh of n2 seen at 5.150 - 0.050 = 5.100 s.
      const v = check(rec);
      assert.equal(rule(v, "best-replica").valid, "unknown", rule(v, "best-replica").note);
      assert.match(rule(v, "best-replica").note, /1 of 2 possible readings/);
    });

    it("a leader's snapshot up to 2 s before the selection still holds its view; the promoted replica's link, cut by its promotion, does not count", () => {
      // The observer writes a snapshot when something besides an age changes, else once a second:
      // here the last one before the selection (5.1 s) is from 3.5 s. In the one after, the
      // leader's link to n2 is down: the promotion's CLIENT KILL cut it.
      const base = () => {
        const rec = new ObsRecord({ stop: 30 })
          .failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1 })
          .info(17, "n1", { role: "slave", master_host: "127.0.0.12", master_port: "7002" });
        rec.events.splice(0, rec.events.length, ...rec.events.filter((e) => e.kind !== "sentinel-state"));
        return rec;
      };
      const after = [{ id: "n2", flags: "slave,disconnected", infoAgoMs: 2050 }, { id: "n3", infoAgoMs: 2050 }];
      const rec = base()
        .state(3.5, "s1", "n1", [{ id: "n2" }, { id: "n3" }])
        .state(5.15, "s1", "n1", after, { masterFlags: "master,s_down,o_down" });
      const v = check(rec);
      assert.equal(rule(v, "best-replica").valid, true, rule(v, "best-replica").note);
      // Older than 2 s, the snapshot before is not used; the one after alone cannot say the link
      // was down when the leader chose: unknown, not broken.
      const old = check(base().state(2.9, "s1", "n1", [{ id: "n2" }, { id: "n3" }]).state(5.15, "s1", "n1", after, { masterFlags: "master,s_down,o_down" }));
      assert.equal(rule(old, "best-replica").valid, "unknown", rule(old, "best-replica").note);
      assert.match(rule(old, "best-replica").note, /link disconnected after the selection/);
    });

    it("without the leader's view: judged on priority from INFO, unknown on a tie", () => {
      const base = () =>
        new ObsRecord({ stop: 30 })
          .failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1 })
          .info(17, "n1", { role: "slave", master_host: "127.0.0.12", master_port: "7002" });
      const strip = (rec: ObsRecord) => {
        rec.events.splice(0, rec.events.length, ...rec.events.filter((e) => e.kind !== "sentinel-state"));
        return rec;
      };
      const tie = strip(base().replicaInfo(4.9, "n2", "n1", 1000).replicaInfo(4.9, "n3", "n1", 1000));
      const v = check(tie);
      assert.equal(rule(v, "best-replica").valid, "unknown");
      assert.match(rule(v, "best-replica").note, /leader's view was not sampled/);
      const lower = strip(base().replicaInfo(4.9, "n2", "n1", 1000, { slave_priority: "10" }).replicaInfo(4.9, "n3", "n1", 1000));
      assert.equal(rule(check(lower), "best-replica").valid, true);
      const zero = strip(base().replicaInfo(4.9, "n2", "n1", 1000, { slave_priority: "0" }).replicaInfo(4.9, "n3", "n1", 1000));
      assert.equal(rule(check(zero), "best-replica").valid, false);
      const nothing = strip(base());
      assert.equal(rule(check(nothing), "best-replica").valid, "unknown");
    });
  });

  describe("election", () => {
    it("fails a failover without ODOWN", () => {
      const v = check(new ObsRecord({ stop: 30 }).failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1, odown: false }));
      assert.equal(v.valid, false);
      assert.equal(rule(v, "odown-first").valid, false);
      assert.match(rule(v, "odown-first").note, /s1 started a failover at 5\.002 s without seeing the master ODOWN/);
    });

    it("fails an ODOWN below the quorum", () => {
      const v = check(new ObsRecord({ stop: 30 }).failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1, quorum: "1/2" }));
      assert.equal(rule(v, "odown-first").valid, false);
      assert.match(rule(v, "odown-first").note, /1 of 2 sentinels agreeing/);
    });

    it("is unknown without ODOWN when the leader's events were not heard throughout", () => {
      const rec = new ObsRecord({ stop: 30 }).link(2, "s1", "events", "down").link(4, "s1", "events", "up");
      rec.failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1, odown: false });
      assert.equal(rule(check(rec), "odown-first").valid, "unknown");
    });

    it("fails a leader elected with too few votes, and is unknown when a voter was not heard", () => {
      const v = check(new ObsRecord({ stop: 30 }).failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1, voters: ["s1"] }));
      assert.equal(rule(v, "enough-votes").valid, false);
      assert.match(rule(v, "enough-votes").note, /elected with 1 votes \(s1\), 2 needed/);
      const deaf = new ObsRecord({ stop: 30 }).link(4.9, "s2", "events", "down").link(6, "s2", "events", "up");
      deaf.failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1, voters: ["s1"] });
      assert.equal(rule(check(deaf), "enough-votes").valid, "unknown");
    });

    it("a sentinel killed during the election need not be heard", () => {
      const rec = new ObsRecord({ stop: 30 }).link(3, "s3", "events", "down").link(9, "s3", "events", "up");
      rec.failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1, voters: ["s1"] });
      const hist = new Hist().nemesis(3, "start", { fault: "kill", node: "s3", role: "sentinel" }).nemesis(9, "stop", { fault: "kill", node: "s3", role: "sentinel" });
      assert.equal(rule(check(rec, hist), "enough-votes").valid, false);
    });

    it("fails two leaders in one epoch", () => {
      const rec = new ObsRecord({ stop: 40 }).failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1, voters: ["s1", "s2"] });
      rec.ev(5.0025, "s3", "+new-epoch", "1");
      rec.ev(5.003, "s3", "+try-failover", master("n1"));
      rec.ev(5.02, "s3", "+vote-for-leader", `${RUN_ID.s3} 1`);
      rec.ev(5.08, "s3", "+elected-leader", master("n1"));
      const v = check(rec);
      assert.equal(v.valid, false);
      assert.equal(rows(v).length, 2);
      assert.match(rule(v, "one-leader-per-epoch").note, /epoch 1 has 2 leaders: s1, s3/);
      assert.match(rule(v, "one-leader-per-epoch", 1).note, /epoch 1 has 2 leaders/);
    });

    it("fails a sentinel voting twice in one epoch", () => {
      const rec = textbook();
      rec.ev(5.2, "s2", "+vote-for-leader", `${RUN_ID.s3} 1`);
      const v = check(rec);
      assert.equal(v.valid, false);
      const g = (v.details as ElectionDetails).global.find((c) => c.rule === "one-vote-per-epoch")!;
      assert.equal(g.valid, false);
      assert.match(g.note, /s2 voted for 2 candidates in epoch 1 \(s1, s3\)/);
      assert.equal(rule(v, "one-vote-per-epoch").valid, false, "the failover of that epoch is marked too");
    });

    it("fails epochs that go back", () => {
      const rec = textbook().failover(20, { old: "n2", promoted: "n3", leader: "s2", epoch: 1 }).info(32, "n2", { role: "slave" });
      const v = check(rec);
      assert.equal(v.valid, false);
      assert.match(v.summary, /epoch/);
      const g = (v.details as ElectionDetails).global.find((c) => c.rule === "epochs-grow")!;
      assert.equal(g.valid, false);
      assert.match(g.note, /announced epoch 1 after epoch 1/);
    });

    it("fails a failover whose leader could not reach a majority of the sentinels", () => {
      // s1 alone with n1 and the clients: it cannot gather votes, yet it says it was elected.
      const hist = new Hist().nemesis(3, "start", {
        fault: "partition",
        shape: "isolate-sentinel",
        sides: [["s1"], ["n1", "n2", "n3", "s2", "s3", "clients"]],
        cut: ["s1->n1", "n1->s1", "s1->n2", "n2->s1", "s1->n3", "n3->s1", "s1->s2", "s2->s1", "s1->s3", "s3->s1"],
      }).nemesis(9, "stop", { fault: "partition", shape: "isolate-sentinel" });
      const v = check(textbook(), hist);
      assert.equal(rule(v, "reachable-majority").valid, false);
      assert.match(rule(v, "reachable-majority").note, /at most 1 sentinels \(itself included\) could reach s1 during its election, 2 needed/);
    });

    it("a forced failover (SENTINEL FAILOVER) needs no ODOWN and no votes", () => {
      const rec = new ObsRecord({ stop: 30 }).failover(5, { old: "n1", promoted: "n2", leader: "s2", epoch: 1, odown: false, voters: ["s2"] });
      rec.info(17, "n1", { role: "slave" });
      const hist = new Hist().nemesis(5.01, "start", { fault: "failover", via: "s2", reply: "OK" });
      const v = check(rec, hist);
      assert.equal(v.valid, true, JSON.stringify(rows(v)[0].checks));
      assert.equal(rows(v)[0].forced, true);
      assert.equal(check(rec).valid, false, "the same record without the nemesis op breaks the rules");
    });
  });

  describe("the old primary", () => {
    /** A failover of n1 at 5 s whose old primary is never converted, sampled as a master at 20 s and at `last`. */
    const unconverted = (stop: number, last: number) => {
      const rec = new ObsRecord({ stop }).failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1 });
      rec.events.splice(0, rec.events.length, ...rec.events.filter((e) => !(e.kind === "sentinel-event" && e.event === "+convert-to-slave")));
      return rec.masterInfo(20, "n1", 5000).masterInfo(last, "n1", 6000);
    };

    it("fails when the old primary is still a master after Sentinel had time enough without faults to demote it", () => {
      // Time enough: 4 hello periods (8 s) seeing it as a master, 2 INFO periods (20 s), 5 s slack.
      const v = check(unconverted(45, 44), new Hist().partition(2, 8));
      assert.equal(rule(v, "old-primary-rejoins").valid, false);
      assert.match(rule(v, "old-primary-rejoins").note, /n1 never came back as a replica: still role:master at its last sample \(44\.000 s\), though no fault was active from 8\.000 s for 33 s/);
    });

    it("asks nothing of an old primary that faults kept Sentinel from demoting: promoted again, valid; at the end, unknown", () => {
      // Faults every few seconds after the failover: never 33 s without one.
      const busy = new Hist().partition(2, 8).partition(12, 18, "n2").partition(22, 28, "n2");
      const end = check(unconverted(45, 44), busy);
      assert.equal(rule(end, "old-primary-rejoins").valid, "unknown", rule(end, "old-primary-rejoins").note);
      assert.match(rule(end, "old-primary-rejoins").note, /the record had never 33 s without a fault/);
      const again = unconverted(45, 29).failover(30, { old: "n2", promoted: "n1", leader: "s2", epoch: 2 }).info(42, "n2", { role: "slave" });
      const v = check(again, busy);
      assert.equal(rule(v, "old-primary-rejoins", 0).valid, true, rule(v, "old-primary-rejoins", 0).note);
      assert.match(rule(v, "old-primary-rejoins", 0).note, /n1 was promoted again at 31\.100 s before Sentinel could demote it/);
    });

    it("is unknown without any sample of it", () => {
      const rec = new ObsRecord({ stop: 30 }).failover(5, { old: "n1", promoted: "n2", leader: "s1", epoch: 1 });
      rec.events.splice(0, rec.events.length, ...rec.events.filter((e) => !(e.kind === "sentinel-event" && e.event === "+convert-to-slave")));
      assert.equal(rule(check(rec), "old-primary-rejoins").valid, "unknown");
    });
  });

  it("the same pair failing over again is a new failover, matched to its own election", () => {
    const rec = textbook()
      .failover(20, { old: "n2", promoted: "n1", leader: "s2", epoch: 2 })
      .info(32, "n2", { role: "slave" })
      .failover(40, { old: "n1", promoted: "n2", leader: "s3", epoch: 3 })
      .info(52, "n1", { role: "slave" });
    const v = check(rec);
    assert.equal(v.valid, true, `${v.summary}\n${v.report?.join("\n")}`);
    assert.deepEqual(
      rows(v).map((r) => [r.epoch, r.leader, r.oldPrimary, r.promoted, r.times.switch]),
      [
        [1, "s1", "n1", "n2", 6.1e9],
        [2, "s2", "n2", "n1", 21.1e9],
        [3, "s3", "n1", "n2", 41.1e9],
      ],
    );
  });

  it("a master change without an observed election is unknown, not valid", () => {
    const rec = new ObsRecord({ stop: 30 });
    rec.ev(6, "s2", "+switch-master", "mymaster 127.0.0.11 7001 127.0.0.12 7002");
    rec.ev(17, "s1", "+convert-to-slave", replica("n1", "n2"));
    const v = check(rec);
    assert.equal(v.valid, "unknown");
    assert.equal(rows(v)[0].leader, null);
  });
});
