// A workload: which operations clients invoke, how each maps to Redis commands, and
// which checkers judge the resulting history.
import type { Redis } from "ioredis";
import type { Rng } from "../core/rng.js";

/** What an invocation carries: the op's function, key and argument. */
export interface OpInput {
  f: string;
  key?: string;
  value?: unknown;
}

/** Where a worker's connection goes: the primary, or a replica (reads only). */
export type ClientRole = "primary" | "replica";

/** Which checkers judge a workload is in harness/spec.ts (WORKLOAD_CHECKERS), so specs can be validated without one. */
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

export function keyNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/** Parses a GET reply that holds an integer written by the workload, or nil. */
export function intOrNull(reply: string | null): number | null {
  return reply === null ? null : Number(reply);
}
