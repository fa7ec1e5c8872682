// The observer and the checkers that read its record, against real redis-server and
// redis-sentinel 7: what the observer records during a failover, and whole runs whose printed
// summary says how many acknowledged writes were lost, over what window, whether that is
// within what the configuration promises, and whether each failover followed Sentinel's rules.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { checkElectionRules, type ElectionDetails } from "../../checkers/election-rules.js";
import type { LossDetails } from "../../checkers/loss-window.js";
import type { StaleReadDetails } from "../../checkers/stale-read.js";
import { parseEvents, type InfoRecord, type ObsEvent } from "../../history/events.js";
import { parseHistory } from "../../history/jsonl.js";
import type { Op } from "../../history/op.js";
import { Observer } from "../../harness/observer.js";
import { parseSpec } from "../../spec/index.js";
import type { RunResults } from "../../core/run-folder.js";
import { Supervisor } from "../../targets/supervisor.js";
import { ProcessTarget } from "../../targets/process-target.js";
import { redisPrograms } from "../../targets/redis.js";
import { MASTER_NAME } from "../../targets/topology.js";
import { onlyRunDir, readJson, runCli, tempDir, waitFor } from "../helpers.js";

/** The INFO samples of one node in the observer's record. */
function samplesOf(events: readonly ObsEvent[], id: string): InfoRecord[] {
  return events.filter((e): e is InfoRecord => e.kind === "info" && e.node === id);
}

describe("the observer against real Redis", function () {
  this.timeout(120_000);

  it("records INFO at least 100 ms apart before, during and after a forced failover, every sentinel event and snapshot of a forced failover; the election rules hold", async () => {
    const dir = tempDir();
    const spec = parseSpec(
      "topology: {type: sentinel}\nsentinel: {down-after-milliseconds: 1000, failover-timeout: 3000}\nsetup-timeout: 30\n",
      "observer.yaml",
    );
    const supervisor = new Supervisor();
    const target = new ProcessTarget(spec, dir, supervisor, redisPrograms());
    const t0 = process.hrtime.bigint();
    const now = () => Number(process.hrtime.bigint() - t0);
    let observer: Observer | undefined;
    const history: Op[] = [];
    try {
      await target.setup();
      observer = new Observer({
        nodes: target.nodes.map(({ id, kind, host, port }) => ({ id, kind, host, port })),
        admin: (id) => target.adminAddress(id),
        now,
        file: join(dir, "events.jsonl"),
        masterName: MASTER_NAME,
      });
      await observer.start();
      const obs = observer;
      await waitFor("three INFO samples of every data node", 30_000, () => ["n1", "n2", "n3"].every((id) => samplesOf(obs.events(), id).length >= 3));
      const reply = await target.failover({ node: "s2", shard: MASTER_NAME });
      history.push({ index: 0, time: now(), process: "nemesis", type: "info", f: "start", value: { fault: "failover", via: "s2", reply } });
      // The old primary is converted ~10 s after the switch (Sentinel waits 8 s, then its next INFO).
      await waitFor("the old primary converted to a replica", 60_000, () => obs.events().some((e) => e.kind === "sentinel-event" && e.event === "+convert-to-slave"));
      await waitFor("an INFO sample of the old primary as a replica", 30_000, () => samplesOf(obs.events(), "n1").some((e) => e.fields.role === "slave"));
    } finally {
      await observer?.stop();
      await target.teardown();
      await supervisor.close();
    }
    const events: ObsEvent[] = parseEvents(readFileSync(join(dir, "events.jsonl"), "utf8"));
    assert.deepEqual(events, observer!.events(), "the file holds what the observer kept");
    assert.deepEqual(events.map((e) => e.kind).slice(0, 2), ["observer", "nodes"]);
    assert.equal(events.at(-1)!.kind, "observer");

    // How often it samples on a loaded machine is not the point: that it samples throughout, and
    // never more often than its 100 ms lower period.
    const failoverAt = history[0].time;
    const switchedAt = Math.min(...events.filter((e) => e.kind === "sentinel-event" && e.event === "+switch-master").map((e) => e.time));
    for (const id of ["n1", "n2", "n3"]) {
      const samples = samplesOf(events, id);
      const gaps = samples.slice(1).map((s, i) => (s.sent - samples[i].sent) / 1e6);
      assert.ok(samples.filter((s) => s.sent < failoverAt).length >= 3, `${id}: fewer than 3 INFO samples before the failover`);
      assert.ok(samples.some((s) => s.sent > switchedAt), `${id}: no INFO sample after +switch-master`);
      assert.ok(Math.min(...gaps) >= 95, `${id}: samples ${Math.min(...gaps)} ms apart`);
      assert.match(samples[0].fields.run_id, /^[0-9a-f]{40}$/);
      assert.ok(samples.every((s) => s.fields.role === "master" || s.fields.role === "slave"));
    }
    const n1 = samplesOf(events, "n1");
    assert.deepEqual([n1[0].fields.role, n1.at(-1)!.fields.role], ["master", "slave"], "the old primary seen as master, then as a replica");
    const seen = (event: string) => events.filter((e) => e.kind === "sentinel-event" && e.event === event).map((e) => (e as { node: string }).node);
    assert.deepEqual(seen("+switch-master").sort(), ["s1", "s2", "s3"]);
    for (const e of ["+new-epoch", "+try-failover", "+elected-leader", "+selected-slave", "+promoted-slave", "+convert-to-slave"]) {
      assert.ok(seen(e).length > 0, `no ${e}`);
    }
    for (const s of ["s1", "s2", "s3"]) {
      const states = events.filter((e) => e.kind === "sentinel-state" && e.node === s);
      assert.ok(states.length > 3, `${s}: ${states.length} snapshots`);
      const last = states.at(-1) as Extract<ObsEvent, { kind: "sentinel-state" }>;
      assert.equal(last.replicas.length, 2);
      assert.equal(last.sentinels.length, 2);
      assert.match(last.myid ?? "", /^[0-9a-f]{40}$/);
    }

    const verdict = checkElectionRules(history, { events }, { quorum: 2, sentinels: 3, downAfterMs: 1000 });
    const rows = (verdict.details as ElectionDetails).failovers;
    assert.equal(verdict.valid, true, `${verdict.summary}\n${verdict.report?.join("\n")}`);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].forced, true);
    assert.equal(rows[0].leader, "s2");
    assert.equal(rows[0].oldPrimary, "n1");
    assert.ok(rows[0].checks.every((c) => c.valid === true));
    assert.equal(rows[0].candidates.length, 2);
  });
});

describe("checkers of the observer's record, in runs against real Redis", function () {
  this.timeout(90_000);

  it("a partition leaving the primary alone with its clients: writes lost within min-replicas-max-lag + 2 s, and Sentinel followed its rules", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli([
      "run",
      ...["--target", "redis", "--topology", "sentinel", "--workload", "set", "--rate", "200", "--timeout-ms", "500"],
      ...["--nemesis", "partition", "--partitions", "primary-with-clients", "--nemesis-interval", "2", "--nemesis-duration", "6"],
      ...["--down-after-ms", "1000", "--failover-timeout-ms", "3000", "--min-replicas-to-write", "1", "--min-replicas-max-lag", "1"],
      ...["--time-limit", "10", "--seed", "5", "--results-dir", results],
    ]);
    // The set checker fails the run (acknowledged writes were lost); the two below judge it.
    assert.equal(res.code, 1, `${res.stderr}\n${res.stdout}`);
    const runDir = onlyRunDir(results);
    const verdict = readJson<RunResults>(join(runDir, "results.json"));
    const loss = verdict.checkers["loss-window"];
    const election = verdict.checkers["election-rules"];
    assert.equal(loss.valid, true, loss.summary);
    assert.equal(election.valid, true, `${election.summary}\n${election.report?.join("\n")}`);

    const d = loss.details as LossDetails;
    const history = parseHistory(readFileSync(join(runDir, "history.jsonl"), "utf8"));
    const partition = history.find((o) => o.process === "nemesis" && o.f === "start")!;
    assert.ok(d.lostCount > 0, "no acknowledged write was lost");
    assert.equal(d.lostCount, (verdict.checkers.set.details.lost as unknown[]).length, "the same writes as the set checker");
    assert.deepEqual(d.bound, { seconds: 3 });
    for (const l of d.lost) {
      assert.equal(l.node, "n1");
      if (l.phase !== "partition") continue; // the tail before it, or a stale ACK's moment after the heal
      assert.ok(l.invokeTime - partition.time <= 3e9, `a write invoked ${(l.invokeTime - partition.time) / 1e9} s after the partition was acknowledged`);
    }
    const [episode] = d.episodes;
    assert.equal(episode.failover?.from, "n1");
    assert.ok(episode.ackedAfterSplit !== null && episode.ackedAfterSplit <= 3e9);

    const [row] = (election.details as ElectionDetails).failovers;
    assert.equal(row.oldPrimary, "n1");
    assert.equal(row.promoted, row.best);
    assert.ok(row.votes.for.length >= 2);

    // What the run prints: the loss, its window, the bound, and each failover with its verdict.
    assert.match(res.stdout, /loss-window +valid +\d+ of \d+ acknowledged writes lost \(by n1\); window \d+\.\d{3} s, acknowledged up to \d\.\d{3} s after the split; within the bound \(L \+ 2 = 3 s\)/);
    assert.match(res.stdout, /election-rules valid +1 failover: 1 followed the rules/);
    assert.match(res.stdout, /failover epoch 1 by s\d: n1 -> n\d at \d+\.\d{3} s: valid/);
    assert.match(res.stdout, /ok best-replica: n\d was the best/);
    assert.match(readFileSync(join(runDir, "events.jsonl"), "utf8"), /"\+switch-master"/);
    assert.ok(!history.some((o) => typeof o.process === "number" && o.f !== "add" && o.f !== "read"), "only the workload's ops are in the history");

    // `redline check` on the run folder reads events.jsonl again and reaches the same verdicts.
    const again = await runCli(["check", runDir, "--checkers", "loss-window,election-rules", "--out", join(tempDir(), "check")]);
    assert.equal(again.code, 0, `${again.stderr}\n${again.stdout}`);
    assert.match(again.stdout, /loss-window +valid +\d+ of \d+ acknowledged writes lost \(by n1\)/);
    assert.match(again.stdout, /election-rules valid +1 failover: 1 followed the rules/);
  });

  it("stale-read: replicas read through Sentinel (role slave) lag behind the primary; linearizable replica reads are refused", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli([
      "run",
      ...["--target", "redis", "--topology", "sentinel", "--workload", "stale-read", "--concurrency", "4", "--rate", "200"],
      ...["--nemesis", "lag", "--lag-links", "primary-replicas", "--lag-ms", "300", "--lag-jitter-ms", "0"],
      ...["--nemesis-interval", "1", "--nemesis-duration", "4", "--time-limit", "6", "--expect-replica-reads", "linearizable"],
      ...["--seed", "3", "--results-dir", results],
    ]);
    assert.equal(res.code, 1, `${res.stderr}\n${res.stdout}`);
    const verdict = readJson<RunResults>(join(onlyRunDir(results), "results.json"));
    const stale = verdict.checkers["stale-read"];
    assert.equal(stale.valid, false, stale.summary);
    const d = stale.details as StaleReadDetails;
    assert.ok(d.stale > 0 && d.reads > d.stale, stale.summary);
    assert.ok(d.behindMs.max >= 100, `at most ${d.behindMs.max} ms behind under 300 ms of lag`);
    assert.deepEqual(Object.keys(d.servedBy).filter((n) => n !== "n2" && n !== "n3"), [], `reads served by ${Object.keys(d.servedBy)}`);
    assert.equal(verdict.checkers.stats.valid, true);
    assert.match(res.stdout, /stale-read +INVALID +\d+ of \d+ replica reads stale; .*the spec asks for linearizable replica reads/);
    assert.match(res.stdout, /behind \(ms\): <=0 ms: \d+/);
  });
});
