// The loss-window checker on hand-written histories and observer records: losses inside the
// bound pass, losses past it (or any loss when none is expected, or a loss nothing explains)
// fail, and losses the record cannot attribute are unknown.
import assert from "node:assert/strict";
import type { Verdict } from "../../core/verdict.js";
import { checkLossWindow, type LossDetails, type LossWindowOptions } from "../../checkers/loss-window.js";
import type { Op } from "../../history/op.js";
import { Hist, ObsRecord, replica } from "../support/observed.js";

const BOUNDED: LossWindowOptions = { minReplicasToWrite: 1, minReplicasMaxLagS: 1 };

function check(history: Op[], rec: ObsRecord | undefined, opts: LossWindowOptions): Verdict {
  const v = checkLossWindow(history, rec ? { events: rec.events } : undefined, opts);
  assert.deepEqual(JSON.parse(JSON.stringify(v.details)), v.details, "details survive results.json");
  return v;
}

const details = (v: Verdict) => v.details as LossDetails;

/** n1 primary; the partition isolates it (with the clients) at 10 s, heals at 20 s; n2 promoted at 14.1 s. */
function splitBrain(): ObsRecord {
  return new ObsRecord({ stop: 40 })
    .masterInfo(9, "n1", 1000)
    .replicaInfo(9, "n2", "n1", 1000)
    .failover(13, { old: "n1", promoted: "n2", leader: "s2", epoch: 1 });
}

/**
 * Set adds 1..n: `before` acknowledged by n1 before the partition and kept, then adds acknowledged
 * by n1 at the given times (seconds) during the split, all lost; the final read on n2 holds the kept ones.
 */
function setHistory(lostAt: number[], opts: { kept?: number; extraKept?: number[] } = {}): Op[] {
  const h = new Hist().partition(10, 20);
  const kept = opts.kept ?? 5;
  let v = 1;
  const present: number[] = [];
  for (let i = 0; i < kept; i++, v++) {
    h.op(0, "add", "s0", v, 5 + i * 0.1, 5 + i * 0.1 + 0.01, "ok");
    present.push(v);
  }
  for (const t of lostAt) h.op(1, "add", "s0", v++, t - 0.01, t, "ok");
  for (const t of opts.extraKept ?? []) {
    h.op(2, "add", "s0", v, t - 0.01, t, "ok", "n2");
    present.push(v++);
  }
  h.op(9, "read", "s0", present, 30, 30.1, "ok", "n2");
  return h.build();
}

describe("loss-window checker", () => {
  it("names the lost writes, their primary and the window, within the bound L + 2", () => {
    const v = check(setHistory([10.2, 11, 12.5]), splitBrain(), BOUNDED);
    assert.equal(v.valid, true, v.summary);
    const d = details(v);
    assert.equal(d.lostCount, 3);
    assert.equal(d.acknowledged, 8);
    assert.deepEqual(d.bound, { seconds: 3 });
    assert.deepEqual(
      d.lost.map((l) => [l.value, l.node, l.category, l.beyondBound]),
      [
        [6, "n1", "split-brain", false],
        [7, "n1", "split-brain", false],
        [8, "n1", "split-brain", false],
      ],
    );
    // Relative to the partition's start and end, +switch-master (14.1 s) and +convert-to-slave (24 s).
    assert.deepEqual(d.lost[0].relative, { partitionStart: 0.2e9, partitionEnd: -9.8e9, switchMaster: -3.9e9, convertToSlave: -13.8e9 });
    const [e] = d.episodes;
    assert.equal(e.node, "n1");
    assert.match(e.cause, /partition primary-with-clients/);
    assert.deepEqual(e.failover, { from: "n1", to: "n2", epoch: 1, switchTime: 14.1e9, convertTime: 24e9 });
    assert.equal(e.window, 2.3e9);
    assert.equal(e.ackedAfterSplit, 2.5e9);
    assert.equal(e.within, true);
    assert.match(v.summary, /3 of 8 acknowledged writes lost \(by n1\); window 2\.300 s, acknowledged up to 2\.500 s after the split; within the bound \(L \+ 2 = 3 s\)/);
    assert.match(v.report!.join("\n"), /lost by n1 .*partition at 10\.000 s, healed 20\.000 s; \+switch-master n1 -> n2 at 14\.100 s; \+convert-to-slave 24\.000 s\): 3 \(3 split-brain\)/);
  });

  it("fails a write the old primary took more than L + 2 s after the partition began", () => {
    const v = check(setHistory([10.5, 13.5]), splitBrain(), BOUNDED);
    assert.equal(v.valid, false);
    assert.deepEqual(details(v).lost.map((l) => l.beyondBound), [false, true]);
    assert.equal(details(v).episodes[0].within, false);
    assert.match(v.summary, /1 past the bound \(L \+ 2 = 3 s\)/);
    // Judged on the invocation: a write begun inside the bound and answered after it is not proof.
    const h = new Hist().partition(10, 20).op(1, "add", "s0", 1, 12.99, 13.5, "ok").op(9, "read", "s0", [], 30, 30.1, "ok", "n2").build();
    assert.equal(check(h, splitBrain(), BOUNDED).valid, true);
  });

  it("writes taken after the heal, before the demotion, are reported apart and not held to the bound", () => {
    const v = check(setHistory([10.5, 20.3]), splitBrain(), BOUNDED);
    assert.equal(v.valid, true, v.summary);
    assert.deepEqual(details(v).lost.map((l) => [l.phase, l.beyondBound]), [["partition", false], ["after-heal", undefined]]);
    assert.equal(details(v).episodes[0].ackedAfterSplit, 0.5e9);
    assert.match(v.summary, /1 taken after the partition healed, before the old primary was demoted/);
  });

  it("fails a write taken while the primary's INFO said it had too few good replicas, even inside L + 2", () => {
    const lag10 = { minReplicasToWrite: 1, minReplicasMaxLagS: 10 };
    const rec = splitBrain();
    rec.info(10.9, "n1", { role: "master", min_slaves_good_slaves: "0", master_repl_offset: "1200" });
    rec.info(11.2, "n1", { role: "master", min_slaves_good_slaves: "0", master_repl_offset: "1300" });
    rec.events.sort((a, b) => a.time - b.time);
    const v = check(setHistory([11]), rec, lag10);
    assert.equal(v.valid, false, v.summary);
    assert.deepEqual(details(v).lost[0].tooFewReplicas, { before: 0, after: 0, required: 1 });
    assert.equal(details(v).lost[0].beyondBound, false);
    assert.match(v.summary, /1 taken with fewer good replicas than min-replicas-to-write/);
    // One sample still counting a good replica: the count may have been right when the write came.
    const edge = splitBrain();
    edge.info(10.9, "n1", { role: "master", min_slaves_good_slaves: "1" });
    edge.info(11.2, "n1", { role: "master", min_slaves_good_slaves: "0" });
    edge.events.sort((a, b) => a.time - b.time);
    assert.equal(check(setHistory([11]), edge, lag10).valid, true);
  });

  it("without min-replicas there is no bound, and the report says so", () => {
    const v = check(setHistory([10.5, 19]), splitBrain(), {});
    assert.equal(v.valid, true);
    assert.deepEqual(details(v).bound, { none: "min-replicas-to-write is 0, so the configuration promises no bound" });
    assert.match(v.summary, /no bound: min-replicas-to-write is 0/);
  });

  it("no bound either when the old primary kept enough replicas on its side", () => {
    const h = new Hist();
    h.nemesis(10, "start", { fault: "partition", shape: "halves", sides: [["n1", "n3"], ["n2", "s1", "s2", "s3"]], cut: ["n1->n2", "n2->n1", "n3->n2", "n2->n3", "n1->s1", "s1->n1", "n1->s2", "s2->n1", "n1->s3", "s3->n1"] });
    h.nemesis(20, "stop", { fault: "partition", shape: "halves" });
    h.op(1, "add", "s0", 1, 15, 15.01, "ok").op(9, "read", "s0", [], 30, 30.1, "ok", "n2");
    const v = check(h.build(), splitBrain(), BOUNDED);
    assert.equal(v.valid, true, v.summary);
    assert.deepEqual(details(v).episodes[0].bound, { none: "n1 kept 1 replica on its side, enough for min-replicas-to-write 1" });
  });

  it("fails any loss when the test expects none", () => {
    const v = check(setHistory([10.2]), splitBrain(), { ...BOUNDED, expectNoLoss: true });
    assert.equal(v.valid, false);
    assert.match(v.summary, /the test expects no loss/);
    assert.equal(check(setHistory([]), splitBrain(), { ...BOUNDED, expectNoLoss: true }).valid, true);
  });

  it("the replication tail before the split is reported, not judged by the bound", () => {
    const v = check(setHistory([9.9, 10.5]), splitBrain(), BOUNDED);
    assert.equal(v.valid, true, v.summary);
    assert.deepEqual(details(v).lost.map((l) => l.category), ["tail", "split-brain"]);
  });

  it("fails a loss the promoted replica had already replicated (nothing explains it)", () => {
    // The write at 9.5 s: n1's offset right after it is 1000; n2 reached offset 1000 before its promotion.
    const rec = splitBrain().masterInfo(9.6, "n1", 1000).replicaInfo(9.8, "n2", "n1", 1000);
    rec.events.sort((a, b) => a.time - b.time);
    const v = check(setHistory([9.5]), rec, BOUNDED);
    assert.equal(v.valid, false);
    assert.equal(details(v).lost[0].category, "unexplained");
    assert.equal(details(v).episodes[0].node, "n2", "lost by the holder it passed to");
    assert.deepEqual(details(v).episodes[0].ackedBy, ["n1"]);
    assert.match(details(v).episodes[0].cause, /n2 had it \(from n1\), and was neither failed over nor restarted/);
    // With a lower offset on n2 the same loss is the tail.
    const behind = splitBrain().masterInfo(9.6, "n1", 1000).replicaInfo(9.8, "n2", "n1", 900);
    assert.equal(details(check(setHistory([9.5]), behind, BOUNDED)).lost[0].category, "tail");
  });

  it("follows a write through failovers: lost at the one that promoted a replica without it", () => {
    // n1 -> n2 at 14.1 s (n2 had the write), then n2 -> n3 at 30.1 s (n3 never replicated n2).
    const rec = splitBrain().masterInfo(9.6, "n1", 1000).replicaInfo(9.8, "n2", "n1", 1000);
    rec.masterInfo(15, "n2", 1100).replicaInfo(15, "n3", "n1", 0);
    rec.failover(29, { old: "n2", promoted: "n3", leader: "s1", epoch: 2 });
    rec.events.sort((a, b) => a.time - b.time);
    const h = new Hist().partition(10, 20).op(1, "add", "s0", 1, 9.49, 9.5, "ok").op(9, "read", "s0", [], 45, 45.1, "ok", "n3");
    const v = check(h.build(), rec, BOUNDED);
    assert.equal(v.valid, true, v.summary);
    const [lost] = details(v).lost;
    assert.deepEqual([lost.node, lost.category], ["n1", "tail"]);
    const e = details(v).episodes[lost.episode!];
    assert.deepEqual([e.node, e.ackedBy, e.failover?.from, e.failover?.to], ["n2", ["n1"], "n2", "n3"]);
    assert.match(v.report!.join("\n"), /lost by n2 \(.*n2 had it from n1; .*\+switch-master n2 -> n3 at 30\.100 s.*\): 1 \(1 tail, acknowledged by n1\)/);
  });

  it("fails a loss with no failover at all, and calls a restart without persistence a restart", () => {
    const quiet = new ObsRecord({ stop: 40 });
    const h = new Hist().op(1, "add", "s0", 1, 5, 5.01, "ok").op(9, "read", "s0", [], 30, 30.1, "ok");
    const v = check(h.build(), quiet, BOUNDED);
    assert.equal(v.valid, false);
    assert.equal(details(v).lost[0].category, "unexplained");
    assert.match(v.summary, /1 lost with no failover or restart to explain it/);
    const killed = new Hist().op(1, "add", "s0", 1, 5, 5.01, "ok").nemesis(8, "start", { fault: "kill", node: "n1", role: "primary" }).nemesis(12, "stop", { fault: "kill", node: "n1", role: "primary" }).op(9, "read", "s0", [], 30, 30.1, "ok");
    const r = check(killed.build(), quiet, BOUNDED);
    assert.equal(r.valid, true, r.summary);
    assert.equal(details(r).lost[0].category, "restart");
    assert.equal(check(killed.build(), quiet, { ...BOUNDED, persistence: "appendonly" }).valid, false, "with appendonly a restart keeps the write");
  });

  it("is unknown when losses cannot be attributed, and when the final state was not read", () => {
    const v = check(setHistory([10.5]), undefined, BOUNDED);
    assert.equal(v.valid, "unknown");
    assert.equal(details(v).lost[0].category, "unattributed");
    const deaf = new ObsRecord({ stop: 40 }).link(4, "s2", "events", "down");
    assert.equal(check(new Hist().op(1, "add", "s0", 1, 5, 5.01, "ok").op(9, "read", "s0", [], 30, 30.1, "ok").build(), deaf, BOUNDED).valid, "unknown");
    const unread = new Hist().op(1, "add", "s0", 1, 5, 5.01, "ok").build();
    const u = check(unread, splitBrain(), BOUNDED);
    assert.equal(u.valid, "unknown");
    assert.deepEqual(details(u).unreadKeys, ["s0"]);
  });

  it("counter: the missing increments are the old primary's after the split, then its tail", () => {
    const h = new Hist().partition(10, 20);
    for (let i = 0; i < 5; i++) h.op(0, "add", "c0", 1, 5 + i, 5 + i + 0.01, "ok"); // 5..9 s, kept but the last
    h.op(1, "add", "c0", 1, 11, 11.01, "ok").op(1, "add", "c0", 1, 12, 12.01, "ok"); // split brain: lost
    h.op(2, "add", "c0", 1, 16, 16.01, "ok", "n2"); // on the new primary: kept
    h.op(9, "read", "c0", 4, 30, 30.1, "ok", "n2"); // 8 acknowledged, 4 present: 4 lost
    // Without offsets in the record, the tail is the newest increments before the split.
    const noOffsets = new ObsRecord({ stop: 40 }).failover(13, { old: "n1", promoted: "n2", leader: "s2", epoch: 1 });
    const v = check(h.build(), noOffsets, { ...BOUNDED, workload: "counter" });
    assert.equal(v.valid, true, v.summary);
    const d = details(v);
    assert.equal(d.lostCount, 4);
    assert.deepEqual(
      d.lost.map((l) => [l.ackTime / 1e9, l.category, l.inferred]),
      [
        [8.01, "tail", true],
        [9.01, "tail", true],
        [11.01, "split-brain", true],
        [12.01, "split-brain", true],
      ],
    );
    // The record says n2 had everything n1 acknowledged up to 9 s: one of the four is unexplained.
    const v1 = check(h.build(), splitBrain(), { ...BOUNDED, workload: "counter" });
    assert.equal(v1.valid, false, v1.summary);
    assert.equal(details(v1).lost.filter((l) => l.category === "unexplained").length, 1);
    // More lost than the split brain and its tail can explain: the rest is unexplained.
    const h2 = new Hist().op(0, "add", "c0", 1, 5, 5.01, "ok", "n2").op(0, "add", "c0", 1, 16, 16.01, "ok", "n2").op(9, "read", "c0", 0, 30, 30.1, "ok", "n2");
    const v2 = check(h2.build(), splitBrain(), { ...BOUNDED, workload: "counter" });
    assert.equal(v2.valid, false, v2.summary);
  });

  it("register: a write is lost when a later read shows the state from before it", () => {
    const h = new Hist().partition(10, 20);
    h.op(0, "write", "r0", 1, 5, 5.01, "ok"); // replicated before the split
    h.op(0, "write", "r0", 2, 11, 11.01, "ok"); // the old primary's, lost
    h.op(1, "read", "r0", 2, 12, 12.01, "ok"); // seen on the old primary: not proof of anything
    h.op(2, "read", "r0", 1, 16, 16.01, "ok", "n2"); // the new primary has 1: 2 is gone
    h.op(2, "write", "r0", 3, 17, 17.01, "ok", "n2");
    h.op(9, "read", "r0", 3, 30, 30.1, "ok", "n2");
    const v = check(h.build(), splitBrain(), { ...BOUNDED, workload: "register" });
    assert.equal(v.valid, true, v.summary);
    const d = details(v);
    assert.deepEqual(d.lost.map((l) => [l.value, l.category]), [[2, "split-brain"]]);
    assert.deepEqual(d.lost[0].evidence, { readValue: 1, readInvoke: 16e9, readNode: "n2" });
    // A later read of the write itself withdraws the proof.
    const h2 = new Hist().op(0, "write", "r0", 1, 5, 5.01, "ok").op(0, "write", "r0", 2, 11, 11.01, "ok").op(1, "read", "r0", 1, 16, 16.01, "ok").op(1, "read", "r0", 2, 17, 17.01, "ok");
    assert.equal(details(check(h2.build(), splitBrain(), { workload: "register" })).lostCount, 0);
  });

  it("infers the workload from the history", () => {
    assert.equal(details(check(setHistory([]), splitBrain(), {})).workload, "set");
    assert.equal(details(check(new Hist().op(0, "write", "r0", 1, 1, 2, "ok").build(), splitBrain(), {})).workload, "register");
    assert.equal(details(check(new Hist().op(0, "add", "c0", 1, 1, 2, "ok").op(0, "read", "c0", 1, 3, 4, "ok").build(), splitBrain(), {})).workload, "counter");
  });

  it("a forced failover: the old primary's writes after the promotion are lost, with no bound promised", () => {
    const rec = new ObsRecord({ stop: 40 }).failover(13, { old: "n1", promoted: "n2", leader: "s2", epoch: 1, odown: false });
    rec.ev(24, "s1", "+convert-to-slave", replica("n1", "n2"));
    const h = new Hist().nemesis(13.01, "start", { fault: "failover", via: "s2", reply: "OK" });
    h.op(1, "add", "s0", 1, 15, 15.01, "ok").op(9, "read", "s0", [], 30, 30.1, "ok", "n2");
    const v = check(h.build(), rec, BOUNDED);
    assert.equal(v.valid, true, v.summary);
    assert.match(details(v).episodes[0].cause, /SENTINEL FAILOVER at s2/);
    assert.equal(details(v).episodes[0].splitStart, 14e9, "the split is the promotion (+promoted-slave)");
    assert.ok("none" in details(v).episodes[0].bound);
  });
});
