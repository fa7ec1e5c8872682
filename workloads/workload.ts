// A workload: which operations clients invoke, how each maps to Redis commands, and its
// descriptor: its name, which checkers judge the resulting history, and how to make one.
import type { Redis } from "ioredis";
import type { Rng } from "../core/rng.js";
import type { WorkloadSpec } from "../core/spec.js";
import type { WorkloadTraits } from "../core/workload-traits.js";

/** What an invocation carries: the op's function, key and argument. */
export interface OpInput {
  f: string;
  key?: string;
  value?: unknown;
}

/** Where a worker's connection goes: the primary, or a replica (reads only). */
export type ClientRole = "primary" | "replica";

export interface Workload {
  /** The connection each worker uses; every worker talks to the primary when absent. */
  roleOf?(worker: number): ClientRole;
  /** The next invocation of a worker (whose connection has `role`). Values written are unique across the run. */
  next(rng: Rng, role?: ClientRole): OpInput;
  /** Performs one op; resolves with the value for the `ok` completion, rejects on any error. */
  apply(client: Redis, op: OpInput): Promise<unknown>;
  /** Reads run once after the final heal, to learn the final state. */
  finalOps(): OpInput[];
}

/**
 * One kind of workload, as the spec, the checkers and the runner know it. Each workload's file
 * exports its descriptor; workloads/index.ts lists them, and the names the spec accepts come
 * from that list.
 */
export interface WorkloadDescriptor extends WorkloadTraits {
  /** One line saying what it does, for the spec reference. */
  readonly doc: string;
  /** workload.keys when the spec does not say. */
  readonly defaultKeys: number;
  /** A fresh workload for a run (WAIT is added around it by createWorkload). */
  create(spec: WorkloadSpec): Workload;
}

export function keyNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** Parses a GET reply that holds an integer written by the workload, or nil. */
export function intOrNull(reply: string | null): number | null {
  return reply === null ? null : Number(reply);
}
