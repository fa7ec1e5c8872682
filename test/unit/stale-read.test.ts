// The stale-read checker on hand-written histories: how far behind each replica read was, in
// acknowledged writes and in ms; invalid only when linearizable replica reads are required or a
// read returns something never written.
import assert from "node:assert/strict";
import type { Verdict } from "../../core/verdict.js";
import { checkStaleReads, type StaleReadDetails } from "../../checkers/stale-read.js";
import { Hist } from "../support/observed.js";

const details = (v: Verdict) => v.details as StaleReadDetails;

/** Writes 1..4 acknowledged at 1, 2, 3, 4 s (invoked 0.1 s before); reads from replica n2. */
function history(reads: Array<[value: number | null, at: number]>): Hist {
  const h = new Hist();
  for (let v = 1; v <= 4; v++) h.op(0, "write", "sr0", v, v - 0.1, v, "ok");
  reads.forEach(([value, at], i) => h.op(1 + i * 2, "read", "sr0", value, at, at + 0.01, "ok", "n2"));
  return h;
}

describe("stale-read checker", () => {
  it("measures how far behind each read was, in acknowledged writes and in ms", () => {
    const v = checkStaleReads(history([[4, 4.5], [2, 4.5], [null, 1.5], [1, 2.05]]).build());
    assert.equal(v.valid, true, v.summary);
    const d = details(v);
    assert.equal(d.reads, 4);
    assert.equal(d.stale, 3);
    assert.deepEqual(d.servedBy, { n2: 4 });
    // 2 at 4.5 s missed 3 and 4 (acknowledged at 3 and 4 s): 2 writes, 1500 ms behind; nil at
    // 1.5 s missed 1 (acknowledged at 1 s): 500 ms; 1 at 2.05 s missed 2 (begun at 1.9 s, after
    // 1 was acknowledged, and acknowledged at 2 s): 50 ms.
    assert.deepEqual(
      d.stalest.map((r) => [r.value, r.behindWrites, r.behindMs]),
      [
        [2, 2, 1500],
        [null, 1, 500],
        [1, 1, 50],
      ],
    );
    assert.equal(d.behindWrites.max, 2);
    assert.equal(d.behindMs.max, 1500);
    assert.deepEqual(
      d.behindMs.histogram.map((b) => b.count),
      [1, 0, 0, 1, 1, 1, 0],
    );
    assert.match(v.summary, /3 of 4 replica reads stale/);
  });

  it("is invalid when the spec asks for linearizable replica reads and one was stale", () => {
    const stale = history([[2, 4.5]]).build();
    assert.equal(checkStaleReads(stale).valid, true);
    const v = checkStaleReads(stale, { linearizable: true });
    assert.equal(v.valid, false);
    assert.match(v.summary, /the spec asks for linearizable replica reads/);
    assert.equal(checkStaleReads(history([[4, 4.5]]).build(), { linearizable: true }).valid, true, "fresh reads pass");
  });

  it("a read concurrent with the write it misses is not stale", () => {
    // Write 5 invoked at 4.9 s, acknowledged at 5.5 s; a read at 5.0 s of 4 is fine.
    const h = history([[4, 5.0]]).op(0, "write", "sr0", 5, 4.9, 5.5, "ok");
    assert.equal(details(checkStaleReads(h.build(), { linearizable: true })).stale, 0);
  });

  it("is invalid for a value never written or whose write failed", () => {
    assert.equal(checkStaleReads(history([[99, 4.5]]).build()).valid, false);
    const failed = history([]).op(0, "write", "sr0", 7, 5, 5.1, "fail").op(3, "read", "sr0", 7, 6, 6.1, "ok", "n2");
    const v = checkStaleReads(failed.build());
    assert.equal(v.valid, false);
    assert.deepEqual(details(v).impossible.map((i) => i.reason), ["every write of it failed"]);
  });

  it("is invalid when a replica acknowledged a write sent through a replica connection; a refused one is fine, and never read", () => {
    /** A replica-write of `value` whose transaction answered `result` (refused, or ROLE's first field). */
    const replicaWrite = (h: Hist, value: number, t: number, result: string) => {
      h.op(5, "replica-write", "sr0", value, t, t + 0.01, "ok", "n2");
      const ops = h.build().map((op) => (op.f === "replica-write" && op.value === value && op.type === "ok" ? { ...op, value: result } : op));
      return ops;
    };
    const refused = replicaWrite(history([[4, 4.5]]), 9, 4.6, "refused");
    assert.equal(checkStaleReads(refused).valid, true);
    // A read of the refused value is a read of a value never on any node.
    const readRefused = replicaWrite(history([[9, 4.8]]), 9, 4.6, "refused");
    assert.deepEqual(details(checkStaleReads(readRefused)).impossible.map((i) => i.reason), ["every write of it failed"]);
    const acknowledged = checkStaleReads(replicaWrite(history([[9, 4.8]]), 9, 4.6, "slave"));
    assert.equal(acknowledged.valid, false);
    assert.deepEqual(details(acknowledged).replicaAcknowledged, [{ key: "sr0", value: 9, node: "n2", invokeTime: 4.6e9 }]);
    assert.deepEqual(details(acknowledged).impossible, [], "the value read is the one the replica took");
    assert.match(acknowledged.summary, /1 writes acknowledged by a replica \(n2\), which should refuse them \(READONLY\)/);
    // The connection reached a primary (Sentinel's list of replicas was behind): a write like any other.
    assert.equal(checkStaleReads(replicaWrite(history([[9, 4.8]]), 9, 4.6, "master")).valid, true);
  });

  it("is unknown when no read succeeded", () => {
    const v = checkStaleReads(history([]).build());
    assert.equal(v.valid, "unknown");
    assert.equal(v.summary, "no replica read succeeded");
  });
});
