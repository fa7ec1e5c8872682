// SADD of unique elements; after the final heal every set is read back whole, so any
// acknowledged element that is missing was lost.
import type { Redis } from "ioredis";
import type { Rng } from "../core/rng.js";
import { keyNames, type OpInput, type Workload, type WorkloadDescriptor } from "./workload.js";

export const descriptor: WorkloadDescriptor = {
  name: "set",
  doc: "adds (SADD) of unique elements; after the heal every set is read back whole (SMEMBERS)",
  defaultKeys: 1,
  checkers: ["set"],
  lossShape: "set",
  readsReplicas: false,
  create: (spec) => new SetWorkload(spec.keys),
};

export class SetWorkload implements Workload {
  private readonly keys: string[];
  private nextValue = 1;

  constructor(keyCount: number) {
    this.keys = keyNames("s", keyCount);
  }

  next(rng: Rng): OpInput {
    return { f: "add", key: rng.pick(this.keys), value: this.nextValue++ };
  }

  async apply(client: Redis, op: OpInput): Promise<unknown> {
    if (op.f === "add") {
      await client.sadd(op.key!, String(op.value));
      return op.value;
    }
    const members = await client.smembers(op.key!);
    return members.map(Number).sort((a, b) => a - b);
  }

  finalOps(): OpInput[] {
    return this.keys.map((key) => ({ f: "read", key }));
  }
}
