// WAIT after writes: a write is ok only when enough replicas acknowledged it; fewer is info.
import assert from "node:assert/strict";
import type { Redis } from "ioredis";
import { classifyError } from "../../core/outcome.js";
import { Rng } from "../../core/rng.js";
import { SetWorkload } from "../../workloads/set.js";
import { NotConfirmed, withWait } from "../../workloads/wait.js";

function fakeClient(acks: number): { client: Redis; calls: string[] } {
  const calls: string[] = [];
  const client = {
    sadd: async (key: string, v: string) => (calls.push(`SADD ${key} ${v}`), 1),
    smembers: async () => (calls.push("SMEMBERS"), ["1"]),
    wait: async (n: number, ms: number) => (calls.push(`WAIT ${n} ${ms}`), acks),
  } as unknown as Redis;
  return { client, calls };
}

describe("withWait", () => {
  it("sends WAIT after each write and passes the write's value through when enough replicas acknowledged", async () => {
    const w = withWait(new SetWorkload(1), 2, 50);
    const { client, calls } = fakeClient(2);
    const op = w.next(new Rng(1));
    assert.equal(await w.apply(client, op), op.value);
    assert.deepEqual(calls, [`SADD s0 ${op.value}`, "WAIT 2 50"]);
    await w.apply(client, { f: "read", key: "s0" });
    assert.deepEqual(calls.slice(2), ["SMEMBERS"], "no WAIT after a read");
  });

  it("makes a write that fewer replicas acknowledged indeterminate (info), not failed", async () => {
    const w = withWait(new SetWorkload(1), 2, 50);
    const { client } = fakeClient(1);
    const err = await w.apply(client, { f: "add", key: "s0", value: 7 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(err instanceof NotConfirmed);
    assert.deepEqual(classifyError(err), { type: "info", error: "WAIT: 1 of 2 replicas acknowledged within 50 ms" });
  });
});
