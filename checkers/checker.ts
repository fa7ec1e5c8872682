// The checker seam: a checker turns a history (and the observer's record) into a verdict; its
// descriptor says which runs it fits and how a run's spec configures it.
import type { Spec, TopologyName } from "../core/spec.js";
import type { Verdict } from "../core/verdict.js";
import type { WorkloadTraits } from "../core/workload-traits.js";
import type { Observation } from "../history/events.js";
import type { History } from "../history/op.js";

/**
 * A checker is a pure function of the history and, for those that need it, of what the
 * observer recorded beside it (events.jsonl; undefined when there is no such record). It may
 * be asynchronous so that it can spread its work over worker threads.
 */
export interface Checker {
  name: string;
  check(history: History, observation?: Observation): Verdict | Promise<Verdict>;
}

/** The run a checker judges: its resolved spec, and the traits of its workload. */
export interface RunToJudge {
  spec: Spec;
  workload: WorkloadTraits;
}

/**
 * One checker as the spec and the harness know it. Each checker's file exports its descriptor;
 * checkers/index.ts lists them, and the names the spec accepts come from that list.
 */
export interface CheckerDescriptor {
  /** Its name in specs (checkers) and in results. */
  readonly name: string;
  /** One line saying what it judges, for the spec reference. */
  readonly doc: string;
  /** Why it cannot judge a run of `workload` on `topology` (the spec says so after its name), or undefined when it can. */
  unfit(workload: WorkloadTraits, topology: TopologyName): string | undefined;
  /** The checker for a run, configured from its spec (only reading it); for a bare history, its defaults. */
  configure(run?: RunToJudge): Checker;
}

/** `unfit` of a checker made for some workloads' histories: it judges those that list it among their own. */
export function fitsOwnWorkloads(name: string): CheckerDescriptor["unfit"] {
  return (workload) => (workload.checkers.includes(name) ? undefined : `cannot judge the ${workload.name} workload (workload.type)`);
}
