// Every checker, one line each: the names the spec accepts (checkers) come from this list, in
// this order, and so does the default set of a run.
import type { TopologyName } from "../core/spec.js";
import type { WorkloadTraits } from "../core/workload-traits.js";
import type { CheckerDescriptor } from "./checker.js";
import { descriptor as counter } from "./counter.js";
import { descriptor as electionRules } from "./election-rules.js";
import { descriptor as linearizable } from "./linearizable/checker.js";
import { descriptor as lossWindow } from "./loss-window.js";
import { descriptor as set } from "./set.js";
import { descriptor as staleRead } from "./stale-read.js";
import { descriptor as stats } from "./stats.js";

export const CHECKERS: readonly CheckerDescriptor[] = [linearizable, set, counter, stats, lossWindow, electionRules, staleRead];

/** The checker a validated name names (spec/ and the CLI accept only these names). */
export function checkerNamed(name: string): CheckerDescriptor {
  const found = CHECKERS.find((c) => c.name === name);
  if (!found) throw new Error(`no checker named ${name}`);
  return found;
}

/**
 * The checkers that fit a workload on a topology, which run unless the spec picks some: the
 * workload's own first, in its order, then every other that fits, in the order above.
 */
export function checkersFitting(workload: WorkloadTraits, topology: TopologyName): CheckerDescriptor[] {
  const own = workload.checkers.map(checkerNamed);
  const others = CHECKERS.filter((c) => !workload.checkers.includes(c.name));
  return [...own, ...others].filter((c) => c.unfit(workload, topology) === undefined);
}
