// The linearizability checker of a run: the kv model (a cas-register per key) over the
// register and cas-register workloads, with a verdict, a readable account and the data of its
// page (report/linearizability draws it).
import type { Validity, Verdict } from "../../core/verdict.js";
import { fitsOwnWorkloads, type Checker, type CheckerDescriptor } from "../checker.js";
import type { History } from "../../history/op.js";
import { describeOpDefault, type Model } from "../models/model.js";
import { DEFAULT_LIMITS, explain, modelByName, type LinearizabilityOptions } from "./check.js";
import { checkLinearizabilityParallel } from "./parallel.js";
import { faultIntervals } from "./prepare.js";
import type { LinearizabilityResult, LinearizabilityView, PartitionResult } from "./types.js";

/** The page's file in the run folder. */
export const LINEARIZABILITY_VIEW = "linearizability.html";

/** The kv model; the search's budget comes from the spec. */
export const descriptor: CheckerDescriptor = {
  name: "linearizable",
  doc: "the history has a linearization: an order of the ops that respects real time and that the kv model accepts",
  unfit: fitsOwnWorkloads("linearizable"),
  configure: (run) =>
    run
      ? linearizableChecker("kv", { timeLimitMs: run.spec.linearizability.timeLimitS * 1000, memoryBytes: run.spec.linearizability.memoryLimitMb * 2 ** 20 })
      : linearizableChecker(),
};

export function linearizableChecker(modelName = "kv", limits: LinearizabilityOptions = DEFAULT_LIMITS): Checker {
  return {
    name: "linearizable",
    async check(history: History): Promise<Verdict> {
      const result = await checkLinearizabilityParallel(history, modelName, limits);
      return linearizabilityVerdict(result, history);
    },
  };
}

/** Verdict, summary, details and the page's data of a finished check. */
export function linearizabilityVerdict(result: LinearizabilityResult, history: History): Verdict {
  const model = modelByName(result.model);
  const bad = result.partitions.filter((p) => p.verdict !== "ok");
  const view: LinearizabilityView = { title: `linearizability (${result.model})`, result, faults: faultIntervals(history) };
  return {
    valid: validity(result),
    summary: summarize(result),
    details: {
      model: result.model,
      verdict: result.verdict,
      partitions: result.partitions.length,
      ops: result.partitions.reduce((n, p) => n + p.ops.length, 0),
      elapsedMs: result.elapsedMs,
      explanation: bad.flatMap((p) => (p.verdict === "illegal" ? explain(p, model) : [`${p.label}: unknown (${p.reason})`])),
      problems: bad.map((p) => problemDetails(p, model)),
      view: LINEARIZABILITY_VIEW,
    },
    views: { [LINEARIZABILITY_VIEW]: view },
  };
}

function validity(result: LinearizabilityResult): Validity {
  return result.verdict === "ok" ? true : result.verdict === "illegal" ? false : "unknown";
}

function summarize(result: LinearizabilityResult): string {
  const count = (v: string) => result.partitions.filter((p) => p.verdict === v).map((p) => p.label);
  const illegal = count("illegal");
  const unknown = count("unknown");
  const total = result.partitions.length;
  const parts: string[] = [];
  if (illegal.length > 0) parts.push(`${illegal.length} of ${total} keys not linearizable (${names(illegal)})`);
  if (unknown.length > 0) parts.push(`${unknown.length} of ${total} keys undecided (${names(unknown)})`);
  if (parts.length === 0) parts.push(`all ${total} keys linearizable`);
  return `${parts.join("; ")}; ${result.model} model, ${(result.elapsedMs / 1000).toFixed(1)} s`;
}

function names(labels: string[]): string {
  return labels.length > 5 ? `${labels.slice(0, 5).join(", ")} and ${labels.length - 5} more` : labels.join(", ");
}

/** The data behind the explanation: each counterexample's ops, by history index. */
function problemDetails(p: PartitionResult, model: Model<unknown>): Record<string, unknown> {
  const describe = model.describeOp ?? describeOpDefault;
  const op = (id: number) => ({ index: p.ops[id].index, process: p.ops[id].process, op: describe(p.ops[id]) });
  return {
    key: p.label,
    verdict: p.verdict,
    reason: p.reason,
    counterexamples: (p.counterexamples ?? []).map((c) => ({
      linearization: c.linearization.map(op),
      states: c.states,
      unplaceable: c.unplaceable.map(op),
    })),
  };
}
