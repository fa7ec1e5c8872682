// A model is a sequential specification: the states an object can be in and what each
// operation does to them. The linearizability search asks only these questions.
import type { LinOp } from "../linearizable/types.js";

export interface Model<S = unknown> {
  readonly name: string;
  init(): S;
  /**
   * The states `op` can lead to from `state`; empty when `op` (with its observed output)
   * cannot happen in `state`. Several states model non-determinism. For an op whose outcome
   * is unknown (`op.ok` false) the output is undefined; the search itself adds the
   * possibility that it never happened.
   */
  step(state: S, op: LinOp): S[];
  /** Canonical text of a state: equal states have equal keys, different states different keys. */
  key(state: S): string;
  /** Splits a history into parts that can be checked alone (P-compositionality), e.g. by key. */
  partition?(ops: LinOp[]): Array<{ label: string; ops: LinOp[] }>;
  /** True when the op cannot change the state, so that one with an unknown outcome can be dropped. */
  readOnly?(op: LinOp): boolean;
  describeOp?(op: LinOp): string;
  describeState?(state: S): string;
}

/** Structural key of a JSON-like value. */
export function valueKey(v: unknown): string {
  if (typeof v === "number") return String(v); // the hot case, without JSON.stringify
  return v === undefined ? "null" : JSON.stringify(v);
}

/** Structural equality of JSON-like values (undefined reads as null). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a ?? null) === null) return (b ?? null) === null;
  if (typeof a !== "object" || typeof b !== "object") return false;
  return valueKey(a) === valueKey(b);
}

export function describeOpDefault(op: LinOp): string {
  const input = op.input === undefined || op.input === null ? "" : ` ${valueKey(op.input)}`;
  // A write's output repeats its input: show it only when it says something.
  const silent = op.output === undefined || valueKey(op.output) === valueKey(op.input);
  const output = op.ok ? (silent ? "" : ` -> ${valueKey(op.output)}`) : " -> ?";
  return `${op.f}${input}${output}`;
}
