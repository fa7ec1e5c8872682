// Runs the checkers a spec asks for over a history: used at the end of a run and by `redline check`.
import { combineValidity, type Validity, type Verdict } from "../checkers/checker.js";
import { CHECKERS } from "../checkers/index.js";
import type { History } from "../history/op.js";
import type { CheckerName, Spec } from "./spec.js";
import { createWorkload } from "../workloads/index.js";

export interface CheckOutcome {
  valid: Validity;
  checkers: Record<string, Verdict>;
}

export function checkersFor(spec: Spec): CheckerName[] {
  return spec.checkers.length > 0 ? spec.checkers : [...createWorkload(spec.workload).checkers];
}

export function runCheckers(history: History, names: readonly CheckerName[]): CheckOutcome {
  const checkers: Record<string, Verdict> = {};
  for (const name of names) {
    try {
      checkers[name] = CHECKERS[name].check(history);
    } catch (err) {
      // A checker bug must not hide the other verdicts; it makes this one unknown.
      checkers[name] = { valid: "unknown", summary: `checker crashed: ${(err as Error).message}`, details: {} };
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
