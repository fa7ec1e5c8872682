// Reads and writes of unique values on several keys: a register per key, judged for
// linearizability by the kv model.
import type { Redis } from "ioredis";
import type { Rng } from "../core/rng.js";
import { intOrNull, keyNames, type OpInput, type Workload, type WorkloadDescriptor } from "./workload.js";

export const descriptor: WorkloadDescriptor = {
  name: "register",
  doc: "reads and writes (SET of a unique value, GET) on several keys",
  defaultKeys: 5,
  checkers: ["linearizable"],
  lossShape: "register",
  readsReplicas: false,
  create: (spec) => new RegisterWorkload(spec.keys),
};

export class RegisterWorkload implements Workload {
  private readonly keys: string[];
  private nextValue = 1;

  constructor(keyCount: number) {
    this.keys = keyNames("r", keyCount);
  }

  next(rng: Rng): OpInput {
    const key = rng.pick(this.keys);
    return rng.next() < 0.5 ? { f: "write", key, value: this.nextValue++ } : { f: "read", key };
  }

  async apply(client: Redis, op: OpInput): Promise<unknown> {
    if (op.f === "write") {
      await client.set(op.key!, String(op.value));
      return op.value;
    }
    return intOrNull(await client.get(op.key!));
  }

  finalOps(): OpInput[] {
    return this.keys.map((key) => ({ f: "read", key }));
  }
}
