// Runs the checkers a spec asks for over a history: used at the end of a run and by `redline check`.
import { combineValidity, type Validity, type Verdict } from "../core/verdict.js";
import { type Checker } from "../checkers/checker.js";
import { CHECKERS } from "../checkers/index.js";
import { linearizableChecker } from "../checkers/linearizable/checker.js";
import type { Observation } from "../history/events.js";
import type { History } from "../history/op.js";
import { electionRulesChecker } from "../checkers/election-rules.js";
import { lossWindowChecker, type LossWorkload } from "../checkers/loss-window.js";
import { staleReadChecker } from "../checkers/stale-read.js";
import { checkersFitting, type CheckerName, type Spec } from "../core/spec.js";
import { renderView } from "../report/views.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CheckOutcome {
  valid: Validity;
  checkers: Record<string, Verdict>;
}

export function checkersFor(spec: Spec): CheckerName[] {
  return spec.checkers.length > 0 ? spec.checkers : checkersFitting(spec.workload.type, spec.topology.type);
}

/** The spec's checkers, configured by it: the search's budget, what the configuration promises, what the test expects. */
export function checkersOf(spec: Spec, names: readonly CheckerName[] = checkersFor(spec)): Checker[] {
  return names.map((n) => configured(spec, n));
}

function configured(spec: Spec, name: CheckerName): Checker {
  switch (name) {
    case "linearizable":
      return linearizableChecker("kv", { timeLimitMs: spec.linearizability.timeLimitS * 1000, memoryBytes: spec.linearizability.memoryLimitMb * 2 ** 20 });
    case "loss-window":
      return lossWindowChecker({
        workload: spec.workload.type as LossWorkload,
        minReplicasToWrite: spec.replication.minReplicasToWrite,
        minReplicasMaxLagS: spec.replication.minReplicasMaxLag,
        expectNoLoss: spec.expect.loss === "none",
        persistence: spec.persistence,
      });
    case "election-rules":
      return electionRulesChecker({ quorum: spec.sentinel.quorum, sentinels: spec.topology.sentinels, downAfterMs: spec.sentinel.downAfterMs });
    case "stale-read":
      return staleReadChecker({ linearizable: spec.expect.replicaReads === "linearizable" });
    default:
      return CHECKERS[name];
  }
}

export async function runCheckersWith(history: History, list: readonly Checker[], observation?: Observation): Promise<CheckOutcome> {
  const checkers: Record<string, Verdict> = {};
  for (const checker of list) {
    try {
      checkers[checker.name] = await checker.check(history, observation);
    } catch (err) {
      // A checker bug must not hide the other verdicts; it makes this one unknown.
      checkers[checker.name] = { valid: "unknown", summary: `checker crashed: ${(err as Error).message}`, details: {} };
    }
  }
  return { valid: combineValidity(Object.values(checkers).map((v) => v.valid)), checkers };
}

/** Client op counts by completion type, for summaries. */
export function opCounts(history: History): Record<string, number> {
  const counts: Record<string, number> = { invoke: 0, ok: 0, fail: 0, info: 0, nemesis: 0 };
  for (const op of history) {
    if (op.process === "nemesis") counts.nemesis++;
    else counts[op.type]++;
  }
  return counts;
}

/** Renders the checkers' pages into the run folder and returns the verdicts without their data, for results.json. */
export function storeArtifacts(runDir: string, checkers: Record<string, Verdict>): Record<string, Verdict> {
  const stored: Record<string, Verdict> = {};
  for (const [name, { views, ...verdict }] of Object.entries(checkers)) {
    for (const [file, data] of Object.entries(views ?? {})) writeFileSync(join(runDir, file), renderView(file, data));
    stored[name] = verdict;
  }
  return stored;
}
