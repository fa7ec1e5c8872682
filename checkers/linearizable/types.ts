// Shapes shared by the linearizability search, its models, its report and its page (report/linearizability).

/** One operation as the search sees it: an invocation with its completion folded in. */
export interface LinOp {
  /** Position within its partition (0..n-1); the search's bit index. */
  id: number;
  /** Index of the invocation in the original history, to point back at it. */
  index: number;
  process: number | string;
  f: string;
  key?: string;
  /** The invocation's value (what was written, [from, to] of a cas, ...). */
  input: unknown;
  /** The `ok` completion's value (what was read); undefined when the outcome is unknown. */
  output: unknown;
  /** True for an `ok` completion; false for `info` (or never completed): it may or may not have happened. */
  ok: boolean;
  /** Invocation time, ns. */
  call: number;
  /** Completion time, ns; Infinity when the outcome is unknown (it may take effect any time after the call). */
  ret: number;
}

export type PartitionVerdict = "ok" | "illegal" | "unknown";

/** The deepest point the search reached in an illegal partition. */
export interface Counterexample {
  /** Ops in linearization order: the longest prefix that the model accepts. */
  linearization: number[];
  /** Model state(s) after that prefix, described for people. */
  states: string[];
  /** Ops that had to come next (their completion had been reached) but could not be placed after the prefix. */
  unplaceable: number[];
}

export interface PartitionResult {
  /** What the partition is (a key for the kv model; "all" when the model does not partition). */
  label: string;
  verdict: PartitionVerdict;
  /** Why the verdict is unknown (time or memory limit). */
  reason?: string;
  ops: LinOp[];
  /** Present when illegal: the longest partial linearizations found (distinct, longest first). */
  counterexamples?: Counterexample[];
  elapsedMs: number;
}

export interface LinearizabilityResult {
  model: string;
  verdict: PartitionVerdict;
  partitions: PartitionResult[];
  elapsedMs: number;
}

/** An interval of nemesis activity, for shading. */
export interface FaultInterval {
  start: number;
  /** Infinity when the fault never ended within the history. */
  end: number;
  label: string;
}

/** What the linearizability page shows (report/linearizability renders it): the result and the nemesis activity beside it. */
export interface LinearizabilityView {
  title: string;
  result: LinearizabilityResult;
  faults: FaultInterval[];
}
