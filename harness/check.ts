// Runs the checkers a spec asks for over a history: used at the end of a run and by `redline check`.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Spec } from "../core/spec.js";
import { combineValidity, type Validity, type Verdict } from "../core/verdict.js";
import type { Checker } from "../checkers/checker.js";
import { checkerNamed, checkersFitting } from "../checkers/index.js";
import type { Observation } from "../history/events.js";
import type { History } from "../history/op.js";
import { workloadNamed } from "../workloads/index.js";
import { renderView } from "../report/views.js";

export interface CheckOutcome {
  valid: Validity;
  checkers: Record<string, Verdict>;
}

/** The names of the spec's checkers: those it picks, else all that fit its workload and topology. */
export function checkersFor(spec: Spec): string[] {
  if (spec.checkers.length > 0) return spec.checkers;
  return checkersFitting(workloadNamed(spec.workload.type), spec.topology.type).map((c) => c.name);
}

/** The spec's checkers, configured by it: the search's budget, what the configuration promises, what the test expects. */
export function checkersOf(spec: Spec, names: readonly string[] = checkersFor(spec)): Checker[] {
  const run = { spec, workload: workloadNamed(spec.workload.type) };
  return names.map((name) => checkerNamed(name).configure(run));
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
