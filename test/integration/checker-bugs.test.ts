// The loss-window checker against the bundled server's replication bug switches: each makes a
// partition run fail, and the same run (same spec and seed) passes against the correct server,
// its honest twin, run in turn, never at the same time. Real redis-sentinel
// processes fail the bundled data nodes over, so a failing run can only be the data nodes'
// doing, not the bundled Sentinel's; the spec says `target: bundled` for the data nodes.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LossDetails } from "../../checkers/loss-window.js";
import { run } from "../../harness/runner.js";
import { parseHistory } from "../../history/jsonl.js";
import { parseSpec } from "../../spec/index.js";
import type { Spec } from "../../core/spec.js";
import { bundledPrograms } from "../../targets/bundled.js";
import { ProcessTarget } from "../../targets/process-target.js";
import { redisPrograms } from "../../targets/redis.js";
import { tempDir } from "../helpers.js";

/** A primary-with-clients partition 2 s in, for 6 s, with min-replicas-to-write 1 and min-replicas-max-lag 1 (bound: 3 s). */
function partitionSpec(bugs: string[]): Spec {
  const spec = parseSpec(
    [
      "target: redis",
      "seed: 5",
      "topology: {type: sentinel}",
      "sentinel: {down-after-milliseconds: 1000, failover-timeout: 3000}",
      "replication: {min-replicas-to-write: 1, min-replicas-max-lag: 1}",
      "workload: {type: set, rate: 200, timeout-ms: 500}",
      "nemesis: {faults: [partition], partitions: [primary-with-clients], interval: 2, duration: 6}",
      // Not the set checker: the split brain loses acknowledged adds even on the correct server,
      // and judging that loss against its bound is loss-window's part.
      "checkers: [loss-window, election-rules, stats]",
      "time-limit: 10",
      `results-dir: ${join(tempDir(), "results")}`,
    ].join("\n"),
    "bugs.yaml",
  );
  return { ...spec, target: "bundled", bugs };
}

async function runMixed(spec: Spec) {
  const { results, runDir } = await run(spec, {
    createTarget: (s, runDir, supervisor) => new ProcessTarget(s, runDir, supervisor, { server: bundledPrograms().server, sentinel: redisPrograms().sentinel }),
  });
  assert.equal(results.error, undefined, results.error);
  // The fault happened: seed 5's one partition, primary with its clients.
  const faults = parseHistory(readFileSync(join(runDir, "history.jsonl"), "utf8")).filter((op) => op.process === "nemesis" && op.f === "start");
  assert.deepEqual(faults.map((op) => (op.value as { shape?: string }).shape), ["primary-with-clients"]);
  const loss = results.checkers["loss-window"];
  return { results, loss, details: loss.details as LossDetails };
}

describe("checkers against the bundled server's bug switches (real sentinels)", function () {
  this.timeout(90_000);

  it("the correct server: acknowledged writes lost in the split, all within L + 2 s; Sentinel's rules hold", async () => {
    const { results, loss, details } = await runMixed(partitionSpec([]));
    assert.equal(loss.valid, true, `${loss.summary}\n${loss.report?.join("\n")}`);
    assert.equal(results.valid, true);
    assert.ok(details.lostCount > 0, "the split brain lost nothing");
    assert.ok(details.lost.some((l) => l.category === "split-brain" && l.phase === "partition"), loss.summary);
    assert.ok(details.lost.every((l) => (l.category === "split-brain" || l.category === "tail") && !l.beyondBound && !l.tooFewReplicas), loss.summary);
    assert.equal(results.checkers["election-rules"].valid, true, results.checkers["election-rules"].summary);
  });

  it("ignore-min-replicas: the isolated primary acknowledges past L + 2 s, and the loss-window checker fails the run", async () => {
    const { results, loss, details } = await runMixed(partitionSpec(["ignore-min-replicas"]));
    assert.equal(loss.valid, false, loss.summary);
    assert.equal(results.valid, false);
    assert.ok(details.lost.some((l) => l.beyondBound), loss.summary);
    assert.match(loss.summary, /past the bound \(L \+ 2 = 3 s\)/);
  });

  it("skip-propagation: writes the promoted replica should have are lost, and the loss-window checker fails the run", async () => {
    const { results, loss, details } = await runMixed(partitionSpec(["skip-propagation"]));
    assert.equal(loss.valid, false, loss.summary);
    assert.equal(results.valid, false);
    const unexplained = details.lost.filter((l) => l.category === "unexplained");
    assert.ok(unexplained.length > 0, `${loss.summary}\n${loss.report?.join("\n")}`);
    assert.match(loss.summary, /lost with no failover or restart to explain it/);
  });
});
