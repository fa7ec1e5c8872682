// Replica reads: half the workers write unique values to the primary (SET), the other half
// read the same keys from replicas (GET through a connection Sentinel points at a replica, as
// ioredis's `role: "slave"` does, or straight to a replica without Sentinel). The stale-read
// checker measures how far behind each read was.
import type { Redis } from "ioredis";
import type { Rng } from "../core/rng.js";
import { intOrNull, keyNames, type ClientRole, type OpInput, type Workload, type WorkloadDescriptor } from "./workload.js";

export const descriptor: WorkloadDescriptor = {
  name: "stale-read",
  doc: "even workers write unique values to the primary (SET), odd workers read them (GET) from replicas",
  defaultKeys: 1,
  checkers: ["stale-read"],
  readsReplicas: true,
  create: (spec) => new StaleReadWorkload(spec.keys),
};

export class StaleReadWorkload implements Workload {
  private readonly keys: string[];
  private nextValue = 1;

  constructor(keyCount: number) {
    this.keys = keyNames("sr", keyCount);
  }

  /** Even workers write to the primary, odd ones read from replicas. */
  roleOf(worker: number): ClientRole {
    return worker % 2 === 0 ? "primary" : "replica";
  }

  next(rng: Rng, role: ClientRole = "primary"): OpInput {
    const key = rng.pick(this.keys);
    return role === "primary" ? { f: "write", key, value: this.nextValue++ } : { f: "read", key };
  }

  async apply(client: Redis, op: OpInput): Promise<unknown> {
    if (op.f === "write") {
      await client.set(op.key!, String(op.value));
      return op.value;
    }
    return intOrNull(await client.get(op.key!));
  }

  finalOps(): OpInput[] {
    return [];
  }
}
