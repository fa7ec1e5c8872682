// The bundled server's data-node bug switches, each caught by its checker in a run, beside its
// honest twin: the same arguments and seed without the bug, run right after it. The buggy run
// exits 1 with the checker's evidence in its summary; the twin exits 0, the same checker valid.
// The loss-window bugs (ignore-min-replicas, skip-propagation) are in checker-bugs.test.ts,
// the bundled Sentinel's in election-bugs.test.ts; docs/bug-switches.md lists them all.
import assert from "node:assert/strict";
import type { StaleReadDetails } from "../../checkers/stale-read.js";
import { twins, type CliRun } from "../support/twins.js";

/** The run's verdict, its exit code and one checker's: all invalid (exit 1), or all valid (exit 0). */
function assertVerdict(run: CliRun, checker: string, valid: boolean): void {
  assert.equal(run.code, valid ? 0 : 1, run.output);
  assert.equal(run.results.valid, valid, run.output);
  assert.equal(run.results.checkers[checker].valid, valid, run.results.checkers[checker].summary);
}

describe("bug switches of the bundled server, each beside its honest twin", function () {
  this.timeout(120_000);

  it("lost-ack with the set workload: the set checker names the acknowledged adds that were lost; honest, none", async () => {
    const { buggy, honest } = await twins("lost-ack", ["--target", "bundled", "--workload", "set", "--time-limit", "3", "--seed", "21"]);
    assertVerdict(buggy, "set", false);
    const [, lost, acknowledged] = /(\d+) of (\d+) acknowledged adds lost/.exec(buggy.results.checkers.set.summary)!;
    // Every 10th write is lost (the final read is not a write).
    assert.ok(Number(lost) >= Math.floor(Number(acknowledged) / 10) - 1 && Number(lost) > 0, buggy.results.checkers.set.summary);
    assert.equal((buggy.results.checkers.set.details.lost as unknown[]).length, Number(lost));
    assertVerdict(honest, "set", true);
    assert.match(honest.results.checkers.set.summary, /^0 of \d+ acknowledged adds lost; 0 unexpected/);
  });

  it("lost-ack with the counter workload: the counter checker finds reads below the acknowledged increments; honest, every read in bounds", async () => {
    const { buggy, honest } = await twins("lost-ack", ["--target", "bundled", "--workload", "counter", "--keys", "2", "--time-limit", "3", "--seed", "21"]);
    assertVerdict(buggy, "counter", false);
    assert.match(buggy.results.checkers.counter.summary, /\d+ of \d+ reads out of bounds .*, [1-9]\d* acknowledged lost/);
    assertVerdict(honest, "counter", true);
    assert.match(honest.results.checkers.counter.summary, /^0 of [1-9]\d* reads out of bounds/);
    assert.doesNotMatch(honest.results.checkers.counter.summary, /acknowledged lost/);
  });

  it("stale-read: the linearizability checker finds the stale reads; honest, every key linearizable", async () => {
    const { buggy, honest } = await twins("stale-read", ["--target", "bundled", "--workload", "register", "--keys", "2", "--time-limit", "3", "--seed", "21"]);
    assertVerdict(buggy, "linearizable", false);
    assert.match(buggy.results.checkers.linearizable.summary, /^2 of 2 keys not linearizable \(r0, r1\)/);
    assertVerdict(honest, "linearizable", true);
    assert.match(honest.results.checkers.linearizable.summary, /^all 2 keys linearizable/);
  });

  /** Replica reads on a bundled primary and 2 replicas. */
  const replicaReads = ["--target", "bundled", "--topology", "replication", "--replicas", "2", "--workload", "stale-read", "--concurrency", "4", "--rate", "200"];

  it("replica-writable: writes through a replica connection are acknowledged, and the stale-read checker flags them; honest, each one refused", async () => {
    const { buggy, honest } = await twins("replica-writable", [...replicaReads, "--time-limit", "4", "--seed", "11"]);
    const replicaWrites = (run: CliRun) => run.history.filter((op) => op.f === "replica-write" && op.type === "ok");
    assertVerdict(buggy, "stale-read", false);
    const acknowledged = (buggy.results.checkers["stale-read"].details as StaleReadDetails).replicaAcknowledged;
    assert.ok(acknowledged.length > 0 && acknowledged.length === replicaWrites(buggy).length, buggy.results.checkers["stale-read"].summary);
    assert.ok(acknowledged.every((w) => w.node === "n2" || w.node === "n3"), JSON.stringify(acknowledged));
    assert.match(buggy.results.checkers["stale-read"].summary, /\d+ writes acknowledged by a replica \(n\d(, n\d)?\), which should refuse them \(READONLY\)/);
    assertVerdict(honest, "stale-read", true);
    // The same writes were tried, and each replica refused them.
    assert.ok(replicaWrites(honest).length > 0);
    assert.deepEqual(new Set(replicaWrites(honest).map((op) => op.value)), new Set(["refused"]));
  });

  it("ack-before-apply: WAIT counts replicas that have not applied the write, and the stale-read checker finds the replica reads behind it; honest, none", async () => {
    // WAIT 2 after every write: once it returns, both replicas have the write, so a replica read
    // begun afterwards is linearizable, as the spec then promises.
    const args = [...replicaReads, "--wait-replicas", "2", "--wait-timeout-ms", "400", "--expect-replica-reads", "linearizable", "--time-limit", "4", "--seed", "11"];
    const { buggy, honest } = await twins("ack-before-apply", args);
    assertVerdict(buggy, "stale-read", false);
    const stale = buggy.results.checkers["stale-read"];
    const d = stale.details as StaleReadDetails;
    assert.ok(d.stale > d.reads / 2, stale.summary);
    assert.ok(d.behindMs.max >= 500 && d.behindMs.max < 2000, `the replicas apply 1 s late: ${stale.summary}`);
    assert.match(stale.summary, /\d+ of \d+ replica reads stale; .*the spec asks for linearizable replica reads/);
    assertVerdict(honest, "stale-read", true);
    assert.match(honest.results.checkers["stale-read"].summary, /^0 of [1-9]\d* replica reads stale/);
  });
});
