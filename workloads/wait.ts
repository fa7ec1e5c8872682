// WAIT after every write: a write is `ok` only once `replicas` replicas acknowledged it
// within the timeout; fewer is `info` (the primary applied it, and nobody knows whether it
// survives a failover). The loss-window checker with `expect.loss: none` then says whether
// writes confirmed this way were lost after all (Redis does not promise they are not).
import type { Redis } from "ioredis";
import type { Rng } from "../core/rng.js";
import type { ClientRole, OpInput, Workload } from "./workload.js";

const WRITES = new Set(["write", "add", "cas"]);

export class NotConfirmed extends Error {
  override name = "NotConfirmed";
}

export function withWait(inner: Workload, replicas: number, timeoutMs: number): Workload {
  return {
    next: (rng: Rng, role?: ClientRole) => inner.next(rng, role),
    ...(inner.roleOf ? { roleOf: (worker: number) => inner.roleOf!(worker) } : {}),
    finalOps: () => inner.finalOps(),
    async apply(client: Redis, op: OpInput): Promise<unknown> {
      const value = await inner.apply(client, op);
      if (WRITES.has(op.f)) {
        const acked = await client.wait(replicas, timeoutMs);
        if (acked < replicas) throw new NotConfirmed(`WAIT: ${acked} of ${replicas} replicas acknowledged within ${timeoutMs} ms`);
      }
      return value;
    },
  };
}
