// Replica reads: half the workers write unique values to the primary (SET), the other half
// read the same keys from replicas (GET through a connection Sentinel points at a replica, as
// ioredis's `role: "slave"` does, or straight to a replica without Sentinel). The stale-read
// checker measures how far behind each read was.
//
// A replica worker also checks, one op in REPLICA_WRITE_EVERY, that its replica refuses writes
// (replica-read-only yes): `replica-write` sends MULTI, ROLE, SET, EXEC through the replica
// connection, so the role that took the write is known for sure. Its result is `refused` (the
// READONLY that aborts the transaction) or that role: `slave` is a write a replica
// acknowledged, which the checker flags; `master` means the connection reached a primary.
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

const REPLICA_WRITE_EVERY = 20;

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
    if (role === "primary") return { f: "write", key, value: this.nextValue++ };
    return rng.next() < 1 / REPLICA_WRITE_EVERY ? { f: "replica-write", key, value: this.nextValue++ } : { f: "read", key };
  }

  async apply(client: Redis, op: OpInput): Promise<unknown> {
    if (op.f === "write") {
      await client.set(op.key!, String(op.value));
      return op.value;
    }
    if (op.f === "replica-write") return replicaWrite(client, op.key!, String(op.value));
    return intOrNull(await client.get(op.key!));
  }

  finalOps(): OpInput[] {
    return [];
  }
}

/** `refused`, or the role (ROLE's first field) of the node that took the write in the same transaction. */
async function replicaWrite(client: Redis, key: string, value: string): Promise<string> {
  try {
    const replies = await client.multi().role().set(key, value).exec();
    const [roleErr, role] = replies![0];
    if (roleErr) throw roleErr;
    return String((role as unknown[])[0]);
  } catch (err) {
    // A read-only replica refuses the SET as it is queued, and EXEC aborts (processCommand's READONLY).
    if (err instanceof Error && /READONLY|EXECABORT/.test(err.message)) return "refused";
    throw err;
  }
}
