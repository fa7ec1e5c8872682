// Knossos's cas-register on several keys: read, write and compare-and-set of small values
// (0..4, so that a cas often finds its expected value). CAS is WATCH / GET / MULTI / SET /
// EXEC on the worker's own connection: EXEC aborts if another client wrote in between.
import type { Redis } from "ioredis";
import { DefiniteFailure } from "../core/outcome.js";
import type { Rng } from "../core/rng.js";
import { intOrNull, keyNames, type OpInput, type Workload, type WorkloadDescriptor } from "./workload.js";

const VALUES = 5;

export const descriptor: WorkloadDescriptor = {
  name: "cas-register",
  doc: "Knossos's register: read, write and cas of values 0..4 on several keys (cas is WATCH / GET / MULTI / SET / EXEC; a cas that does not match or whose EXEC aborts fails)",
  defaultKeys: 5,
  checkers: ["linearizable"],
  // No lossShape: values repeat (0..4), so no read can prove which write was lost.
  readsReplicas: false,
  create: (spec) => new CasRegisterWorkload(spec.keys),
};

export class CasRegisterWorkload implements Workload {
  private readonly keys: string[];

  constructor(keyCount: number) {
    this.keys = keyNames("cr", keyCount);
  }

  next(rng: Rng): OpInput {
    const key = rng.pick(this.keys);
    const roll = rng.next();
    if (roll < 0.4) return { f: "read", key };
    if (roll < 0.7) return { f: "write", key, value: rng.int(VALUES) };
    return { f: "cas", key, value: [rng.int(VALUES), rng.int(VALUES)] };
  }

  async apply(client: Redis, op: OpInput): Promise<unknown> {
    const key = op.key!;
    if (op.f === "read") return intOrNull(await client.get(key));
    if (op.f === "write") {
      await client.set(key, String(op.value));
      return op.value;
    }
    const [from, to] = op.value as [number, number];
    await client.watch(key);
    if (intOrNull(await client.get(key)) !== from) {
      await client.unwatch();
      throw new DefiniteFailure(`cas: value is not ${from}`);
    }
    const replies = await client.multi().set(key, String(to)).exec();
    if (replies === null) throw new DefiniteFailure("cas: EXEC aborted, the key changed after WATCH");
    const [err] = replies[0];
    if (err) throw err;
    return op.value;
  }

  finalOps(): OpInput[] {
    return this.keys.map((key) => ({ f: "read", key }));
  }
}
