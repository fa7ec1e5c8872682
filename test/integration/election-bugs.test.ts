// The bundled Sentinel's bug switches, each caught by the election-rules checker in a run of a
// bundled primary, replicas and 3 sentinels, beside its honest twin: the same arguments and
// seed without the bug, run right after it, so that the twin's timing is not judged under the
// buggy run's load. Each run checks that its fault happened (the nemesis's ops in the history).
import assert from "node:assert/strict";
import { faultStarts, twins, type CliRun } from "../support/twins.js";

/** A bundled sentinel run judged by election-rules and stats, with and without the bug. */
function electionTwins(bug: string, args: string[]) {
  return twins(bug, ["--topology", "sentinel", "--workload", "set", "--persistence", "appendonly", ...args, "--checkers", "election-rules,stats"]);
}

/** Exit 1 with election-rules invalid, or exit 0 with every checker valid. */
function assertElection(run: CliRun, valid: boolean): void {
  assert.equal(run.code, valid ? 0 : 1, run.output);
  assert.equal(run.results.valid, valid, run.output);
  assert.equal(run.results.checkers["election-rules"].valid, valid, run.results.checkers["election-rules"].summary);
  assert.equal(run.results.checkers.stats.valid, true, run.results.checkers.stats.summary);
}

describe("bug switches of the bundled Sentinel, each beside its honest twin", function () {
  this.timeout(120_000);

  it("failover-without-quorum: a sentinel cut from the primary alone fails it over, and election-rules says ODOWN lacked the quorum; honest, nobody fails over", async () => {
    const { buggy, honest } = await electionTwins("failover-without-quorum", [
      ...["--nemesis", "partition", "--partitions", "sentinel-from-primary", "--nemesis-interval", "2", "--nemesis-duration", "7", "--time-limit", "9", "--seed", "3"],
    ]);
    for (const run of [buggy, honest]) assert.equal(faultStarts(run, "partition").length, 1, run.output);
    assertElection(buggy, false);
    assert.match(buggy.stdout, /BROKEN odown-first: ODOWN with 1 of 2 sentinels agreeing \(#quorum 1\/2\)/);
    assertElection(honest, true);
    assert.match(honest.stdout, /election-rules valid +no failover in the record/);
  });

  it("select-lowest-offset: with one replica's stream lagging 2 s, a forced failover promotes it, and election-rules names the better one; honest, the replica ahead", async () => {
    // The lag runs long enough for every sentinel's INFO of the replicas (each 10 s) to see
    // the lagging one behind; the forced failover then selects from those offsets.
    const { buggy, honest } = await electionTwins("select-lowest-offset", [
      ...["--nemesis", "lag,failover", "--nemesis-mode", "together", "--nemesis-intervals", "1,12", "--nemesis-durations", "14,3", "--time-limit", "16"],
      ...["--lag-links", "primary-replica", "--lag-ms", "2000", "--lag-jitter-ms", "0", "--seed", "3"],
    ]);
    for (const run of [buggy, honest]) {
      assert.equal(faultStarts(run, "lag").length, 1, run.output);
      assert.equal(faultStarts(run, "failover").length, 1, run.output);
    }
    assertElection(buggy, false);
    const broken = /BROKEN best-replica: promoted (n\d) but (?!\1)n\d was better \(priority 100, offset (\d+), .*\) than \1 \(priority 100, offset (\d+)/.exec(buggy.stdout);
    assert.ok(broken, buggy.stdout);
    const [, , better, worse] = broken;
    assert.ok(Number(better) > Number(worse), `${better} > ${worse}`);
    assertElection(honest, true);
    // Not a tie broken by run id: the honest leader saw the offsets apart, and took the one ahead.
    assert.match(honest.stdout, /ok best-replica: n\d was the best: n\d has offset (\d+) < (\d+)/);
  });

  it("vote-twice-per-epoch: with votes slowed between sentinels, several stand in one epoch and each votes for all of them; honest, each votes once", async () => {
    // 2.5 s on every sentinel-to-sentinel link: a sentinel that reaches ODOWN cannot hear the
    // first candidate's vote request before it stands itself, so candidates share an epoch.
    const { buggy, honest } = await electionTwins("vote-twice-per-epoch", [
      ...["--nemesis", "lag,kill", "--nemesis-mode", "together", "--nemesis-targets", "primary", "--nemesis-intervals", "1,2", "--nemesis-durations", "16,8"],
      ...["--lag-links", "sentinels", "--lag-ms", "2500", "--lag-jitter-ms", "0", "--time-limit", "18", "--seed", "3"],
    ]);
    for (const run of [buggy, honest]) {
      assert.equal(faultStarts(run, "lag").length, 1, run.output);
      assert.equal(faultStarts(run, "kill").length, 1, run.output);
    }
    assertElection(buggy, false);
    assert.match(buggy.stdout, /BROKEN one-vote-per-epoch: s\d voted for [23] candidates in epoch \d+/);
    assertElection(honest, true);
    // The same situation arose: two or more candidates in one epoch; each sentinel voted once.
    const election = honest.results.checkers["election-rules"];
    const attempts = election.details.attempts as { leader: string; epoch: number | null }[];
    const byEpoch = new Map<number | null, Set<string>>();
    for (const a of attempts) byEpoch.set(a.epoch, (byEpoch.get(a.epoch) ?? new Set()).add(a.leader));
    assert.ok([...byEpoch.values()].some((leaders) => leaders.size >= 2), `no epoch with two candidates: ${JSON.stringify(attempts)}`);
    const global = election.details.global as { rule: string; valid: boolean | string }[];
    assert.deepEqual(global.find((g) => g.rule === "one-vote-per-epoch")?.valid, true);
  });

  it("ignore-priority: a forced failover promotes the only replica though its replica-priority is 0, and election-rules says it was not eligible; honest, NOGOODSLAVE", async () => {
    const { buggy, honest } = await electionTwins("ignore-priority", [
      ...["--replicas", "1", "--replica-priority", "0", "--nemesis", "failover", "--nemesis-interval", "1", "--nemesis-duration", "3", "--time-limit", "4", "--seed", "5"],
    ]);
    for (const run of [buggy, honest]) assert.equal(faultStarts(run, "failover").length, 1, run.output);
    assertElection(buggy, false);
    assert.match(buggy.stdout, /BROKEN best-replica: promoted n2 but n2 was not eligible \(priority 0\)/);
    assertElection(honest, true);
    assert.match(String((faultStarts(honest, "failover")[0].value as { reply?: string }).reply), /NOGOODSLAVE No suitable replica to promote/);
    assert.match(honest.stdout, /election-rules valid +no failover in the record/);
  });
});
