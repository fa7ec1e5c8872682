// INCR and reads on a few counters. Every acknowledged increment must be visible to
// later reads; an increment that timed out may or may not be.
import type { Redis } from "ioredis";
import type { Rng } from "../core/rng.js";
import { intOrNull, keyNames, type OpInput, type Workload, type WorkloadDescriptor } from "./workload.js";

export const descriptor: WorkloadDescriptor = {
  name: "counter",
  doc: "increments (INCRBY 1) and reads (GET) of a few counters",
  defaultKeys: 1,
  checkers: ["counter"],
  lossShape: "counter",
  readsReplicas: false,
  create: (spec) => new CounterWorkload(spec.keys),
};

export class CounterWorkload implements Workload {
  private readonly keys: string[];

  constructor(keyCount: number) {
    this.keys = keyNames("c", keyCount);
  }

  next(rng: Rng): OpInput {
    const key = rng.pick(this.keys);
    return rng.next() < 0.75 ? { f: "add", key, value: 1 } : { f: "read", key };
  }

  async apply(client: Redis, op: OpInput): Promise<unknown> {
    if (op.f === "add") {
      await client.incrby(op.key!, op.value as number);
      return op.value;
    }
    return intOrNull(await client.get(op.key!)) ?? 0;
  }

  finalOps(): OpInput[] {
    return this.keys.map((key) => ({ f: "read", key }));
  }
}
