import assert from "node:assert/strict";
import type { History, Op, OpType } from "../../history/op.js";
import { checkLinearizability, explain, modelByName } from "../../checkers/linearizable/check.js";
import { checkLinearizabilityParallel } from "../../checkers/linearizable/parallel.js";

/** A history from a compact table: [process, type, f, value, key?]; time is the row number. */
function h(rows: Array<[number, OpType, string, unknown, string?]>): History {
  return rows.map(([process, type, f, value, key], i) => ({ index: i, time: i, process, type, f, value, key }) as Op);
}

const verdict = (history: History, model: string) => checkLinearizability(history, model).verdict;

describe("linearizability: classic cases", () => {
  it("an empty history is linearizable", () => {
    assert.equal(verdict([], "register"), "ok");
  });

  it("a history of only failures is linearizable", () => {
    assert.equal(verdict(h([[0, "invoke", "write", 1], [0, "fail", "write", 1], [1, "invoke", "cas", [1, 2]], [1, "fail", "cas", [1, 2]]]), "cas-register"), "ok");
  });

  it("a stale read after a completed write is illegal, and the counterexample names it", () => {
    const history = h([
      [0, "invoke", "write", 1],
      [0, "ok", "write", 1],
      [1, "invoke", "write", 2],
      [1, "ok", "write", 2],
      [2, "invoke", "read", null],
      [2, "ok", "read", 1],
    ]);
    const result = checkLinearizability(history, "register");
    assert.equal(result.verdict, "illegal");
    const part = result.partitions[0];
    const c = part.counterexamples![0];
    assert.deepEqual(c.linearization.map((id) => part.ops[id].index), [0, 2]);
    assert.deepEqual(c.states, ["2"]);
    assert.deepEqual(c.unplaceable.map((id) => part.ops[id].index), [4]);
    assert.match(explain(part, modelByName("register"))[0], /state is 2, and read -> 1 \(process 2, index 4\) cannot be linearized/);
  });

  it("a read concurrent with a write may see either value", () => {
    const rows: Array<[number, OpType, string, unknown]> = [
      [0, "invoke", "write", 1],
      [0, "ok", "write", 1],
      [1, "invoke", "write", 2],
      [2, "invoke", "read", null],
      [2, "ok", "read", 1],
      [1, "ok", "write", 2],
    ];
    assert.equal(verdict(h(rows), "register"), "ok");
  });

  it("two readers seeing concurrent writes in different orders is illegal", () => {
    // w1 and w2 overlap; reader A sees 1 then 2, reader B sees 2 then 1, all reads after both writes began.
    const history = h([
      [0, "invoke", "write", 1],
      [1, "invoke", "write", 2],
      [2, "invoke", "read", null],
      [2, "ok", "read", 1],
      [3, "invoke", "read", null],
      [3, "ok", "read", 2],
      [2, "invoke", "read", null],
      [2, "ok", "read", 2],
      [3, "invoke", "read", null],
      [3, "ok", "read", 1],
      [0, "ok", "write", 1],
      [1, "ok", "write", 2],
    ]);
    assert.equal(verdict(history, "register"), "illegal");
  });

  it("a cas that succeeded from a value never written is illegal", () => {
    const history = h([
      [0, "invoke", "write", 1],
      [0, "ok", "write", 1],
      [1, "invoke", "cas", [5, 6]],
      [1, "ok", "cas", [5, 6]],
    ]);
    assert.equal(verdict(history, "cas-register"), "illegal");
  });

  it("an info write may show up late, or never", () => {
    const late = h([
      [0, "invoke", "write", 1],
      [0, "info", "write", 1],
      [1, "invoke", "read", null],
      [1, "ok", "read", null],
      [1, "invoke", "read", null],
      [1, "ok", "read", 1],
    ]);
    assert.equal(verdict(late, "register"), "ok");
    const never = h([
      [0, "invoke", "write", 1],
      [0, "info", "write", 1],
      [1, "invoke", "read", null],
      [1, "ok", "read", null],
    ]);
    assert.equal(verdict(never, "register"), "ok");
    // ...but not before it was invoked.
    const early = h([
      [1, "invoke", "read", null],
      [1, "ok", "read", 1],
      [0, "invoke", "write", 1],
      [0, "info", "write", 1],
    ]);
    assert.equal(verdict(early, "register"), "illegal");
  });

  it("an info write, once seen, cannot vanish again", () => {
    const history = h([
      [0, "invoke", "write", 1],
      [0, "info", "write", 1],
      [1, "invoke", "read", null],
      [1, "ok", "read", 1],
      [1, "invoke", "read", null],
      [1, "ok", "read", null],
    ]);
    assert.equal(verdict(history, "register"), "illegal");
  });

  it("kv checks each key alone and reports per key", () => {
    const history = h([
      [0, "invoke", "write", 1, "a"],
      [0, "ok", "write", 1, "a"],
      [1, "invoke", "read", null, "b"],
      [1, "ok", "read", 1, "b"],
    ]);
    const result = checkLinearizability(history, "kv");
    assert.equal(result.verdict, "illegal");
    assert.deepEqual(
      result.partitions.map((p) => [p.label, p.verdict]).sort(),
      [["a", "ok"], ["b", "illegal"]],
    );
  });

  it("kv understands Jepsen's independent [key value] tuples", () => {
    const history = h([
      [0, "invoke", "write", ["x", 1]],
      [0, "ok", "write", ["x", 1]],
      [1, "invoke", "read", ["x", null]],
      [1, "ok", "read", ["x", 1]],
      [1, "invoke", "read", ["y", null]],
      [1, "ok", "read", ["y", 1]],
    ]);
    const result = checkLinearizability(history, "kv");
    assert.deepEqual(result.partitions.map((p) => [p.label, p.verdict]).sort(), [["x", "ok"], ["y", "illegal"]]);
  });

  it("counter, set and fifo-queue models", () => {
    assert.equal(verdict(h([[0, "invoke", "add", 1], [0, "ok", "add", 1], [1, "invoke", "read", null], [1, "ok", "read", 1]]), "counter"), "ok");
    assert.equal(verdict(h([[0, "invoke", "add", 1], [0, "ok", "add", 1], [1, "invoke", "read", null], [1, "ok", "read", 0]]), "counter"), "illegal");
    assert.equal(verdict(h([[0, "invoke", "add", 3], [0, "ok", "add", 3], [1, "invoke", "read", null], [1, "ok", "read", [3]]]), "set"), "ok");
    assert.equal(verdict(h([[0, "invoke", "add", 3], [0, "ok", "add", 3], [1, "invoke", "read", null], [1, "ok", "read", []]]), "set"), "illegal");
    const queue = h([
      [0, "invoke", "enqueue", 1],
      [0, "ok", "enqueue", 1],
      [0, "invoke", "enqueue", 2],
      [0, "ok", "enqueue", 2],
      [1, "invoke", "dequeue", null],
      [1, "ok", "dequeue", 2],
    ]);
    assert.equal(verdict(queue, "fifo-queue"), "illegal");
  });

  it("gives up with unknown at the time limit instead of hanging", () => {
    // Many concurrent writes of distinct values and an impossible read: the search must explore a lot.
    const rows: Array<[number, OpType, string, unknown]> = [];
    for (let p = 0; p < 40; p++) rows.push([p, "invoke", "write", p]);
    rows.push([99, "invoke", "read", null], [99, "ok", "read", -1]);
    for (let p = 0; p < 40; p++) rows.push([p, "ok", "write", p]);
    const result = checkLinearizability(h(rows), "register", { timeLimitMs: 200, memoryBytes: 1 << 30 });
    assert.equal(result.verdict, "unknown");
    assert.match(result.partitions[0].reason!, /time limit/);
    const small = checkLinearizability(h(rows), "register", { timeLimitMs: 60_000, memoryBytes: 1 << 16 });
    assert.equal(small.verdict, "unknown");
    assert.match(small.partitions[0].reason!, /memory limit/);
  });

  it("worker threads give the same verdicts as the single thread", async () => {
    const rows: Array<[number, OpType, string, unknown, string]> = [];
    for (let k = 0; k < 20; k++) {
      rows.push([k, "invoke", "write", k, `k${k}`], [k, "ok", "write", k, `k${k}`]);
      rows.push([k, "invoke", "read", null, `k${k}`], [k, "ok", "read", k % 7 === 0 ? -1 : k, `k${k}`]);
    }
    const single = checkLinearizability(h(rows), "kv");
    const parallel = await checkLinearizabilityParallel(h(rows), "kv", undefined, 2);
    assert.equal(parallel.verdict, "illegal");
    assert.deepEqual(
      parallel.partitions.map((p) => [p.label, p.verdict, p.ops.length]),
      single.partitions.map((p) => [p.label, p.verdict, p.ops.length]),
    );
  });
});
