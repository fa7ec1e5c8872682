// Linearizability of a whole history: prepare, split by the model (P-compositionality),
// search each part, combine. `checkParts` is what each worker thread runs too.
import type { History } from "../../history/op.js";
import { MODELS } from "../models/index.js";
import { describeOpDefault, type Model } from "../models/model.js";
import { partition, toLinOps, type Part } from "./prepare.js";
import { searchLinearization } from "./search.js";
import type { LinearizabilityResult, LinOp, PartitionResult, PartitionVerdict } from "./types.js";

export interface LinearizabilityOptions {
  /** Wall-clock budget for the whole history; parts not finished in time are `unknown`. */
  timeLimitMs: number;
  /** Approximate bytes the search caches may use (per search). */
  memoryBytes: number;
}

export const DEFAULT_LIMITS: LinearizabilityOptions = { timeLimitMs: 120_000, memoryBytes: 1 << 30 };

export function modelByName(name: string): Model<unknown> {
  const model = MODELS[name];
  if (!model) throw new Error(`unknown model '${name}'; expected one of ${Object.keys(MODELS).join(", ")}`);
  return model;
}

export function prepareParts(history: History, model: Model<unknown>): Part[] {
  return partition(toLinOps(history, model), model);
}

/** Searches each part in turn, within one deadline. */
export function checkParts(model: Model<unknown>, parts: readonly Part[], deadline: number, memoryBytes: number): PartitionResult[] {
  return parts.map((part) => {
    const started = Date.now();
    const r = searchLinearization(model, part.ops, { deadline, memoryBytes });
    return {
      label: part.label,
      verdict: r.verdict,
      reason: r.reason,
      ops: part.ops,
      counterexamples: r.counterexamples,
      elapsedMs: Date.now() - started,
    };
  });
}

export function combine(model: string, partitions: PartitionResult[], elapsedMs: number): LinearizabilityResult {
  const verdicts = partitions.map((p) => p.verdict);
  const verdict: PartitionVerdict = verdicts.includes("illegal") ? "illegal" : verdicts.includes("unknown") ? "unknown" : "ok";
  return { model, verdict, partitions, elapsedMs };
}

/** The whole check in this thread. */
export function checkLinearizability(
  history: History,
  modelName: string,
  opts: LinearizabilityOptions = DEFAULT_LIMITS,
): LinearizabilityResult {
  const started = Date.now();
  const model = modelByName(modelName);
  const parts = prepareParts(history, model);
  return combine(modelName, checkParts(model, parts, started + opts.timeLimitMs, opts.memoryBytes), Date.now() - started);
}

/** A person's account of why a partition is illegal, one line per counterexample. */
export function explain(result: PartitionResult, model: Model<unknown>): string[] {
  const describe = (op: LinOp) => `${(model.describeOp ?? describeOpDefault)(op)} (process ${op.process}, index ${op.index})`;
  return (result.counterexamples ?? []).map((c) => {
    const prefix = c.linearization.map((id) => describe(result.ops[id]));
    const blocked = c.unplaceable.map((id) => describe(result.ops[id]));
    const prefixText = prefix.length > 6 ? `${prefix.length} ops, ending ${prefix.slice(-3).join(", ")}` : `[${prefix.join(", ")}]`;
    return `${result.label}: after ${prefixText} the state is ${c.states.join(" or ")}, and ${blocked.join(", ")} cannot be linearized`;
  });
}
