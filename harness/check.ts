// Runs the checkers a spec asks for over a history: used at the end of a run and by `redline check`.
import { combineValidity, type Checker, type Validity, type Verdict } from "../checkers/checker.js";
import { CHECKERS } from "../checkers/index.js";
import { linearizableChecker } from "../checkers/linearizable/checker.js";
import type { History } from "../history/op.js";
import { WORKLOAD_CHECKERS, type CheckerName, type Spec } from "./spec.js";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export interface CheckOutcome {
  valid: Validity;
  checkers: Record<string, Verdict>;
}

export function checkersFor(spec: Spec): CheckerName[] {
  return spec.checkers.length > 0 ? spec.checkers : [...WORKLOAD_CHECKERS[spec.workload.type]];
}

/** The spec's checkers, configured by it (the linearizability search's budget). */
export function checkersOf(spec: Spec, names: readonly CheckerName[] = checkersFor(spec)): Checker[] {
  const limits = { timeLimitMs: spec.linearizability.timeLimitS * 1000, memoryBytes: spec.linearizability.memoryLimitMb * 2 ** 20 };
  return names.map((n) => (n === "linearizable" ? linearizableChecker("kv", limits) : CHECKERS[n]));
}

export async function runCheckersWith(history: History, list: readonly Checker[]): Promise<CheckOutcome> {
  const checkers: Record<string, Verdict> = {};
  for (const checker of list) {
    try {
      checkers[checker.name] = await checker.check(history);
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

/** Writes the checkers' files into the run folder and returns the verdicts without them, for results.json. */
export function storeArtifacts(runDir: string, checkers: Record<string, Verdict>): Record<string, Verdict> {
  const stored: Record<string, Verdict> = {};
  for (const [name, { artifacts, ...verdict }] of Object.entries(checkers)) {
    for (const [file, content] of Object.entries(artifacts ?? {})) writeFileSync(join(runDir, file), content);
    stored[name] = verdict;
  }
  return stored;
}
