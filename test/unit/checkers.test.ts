import assert from "node:assert/strict";
import type { Op, OpType } from "../../history/op.js";
import { setChecker, type SetDetails } from "../../checkers/set.js";
import { counterChecker, type CounterDetails } from "../../checkers/counter.js";
import { statsChecker, type StatsDetails } from "../../checkers/stats.js";

// --- History builders --------------------------------------------------------
// Each helper returns the lines of one operation; `hist` merges them in time order
// (stable, so an invoke and its completion keep their order) and numbers them.

type Outcome = "ok" | "fail" | "info" | "open";

interface Extra {
  node?: string;
  error?: string;
}

function line(time: number, process: number | "nemesis", type: OpType, f: string, key?: string, value?: unknown, extra: Extra = {}): Op {
  const op: Op = { index: 0, time, process, type, f };
  if (key !== undefined) op.key = key;
  if (value !== undefined) op.value = value;
  return { ...op, ...extra };
}

/** An operation invoked at t0 and completed at t1 with `outcome` ("open": never completed). */
function op(process: number, f: string, key: string, value: unknown, t0: number, t1: number, outcome: Outcome, extra: Extra = {}): Op[] {
  const invokeValue = f === "read" ? undefined : value;
  const lines = [line(t0, process, "invoke", f, key, invokeValue)];
  if (outcome !== "open") {
    const doneValue = f === "read" && outcome !== "ok" ? undefined : value;
    lines.push(line(t1, process, outcome, f, key, doneValue, { node: "n1", ...extra }));
  }
  return lines;
}

const add = (p: number, key: string, value: number, t0: number, t1: number, outcome: Outcome = "ok", extra?: Extra) =>
  op(p, "add", key, value, t0, t1, outcome, extra);
const read = (p: number, key: string, value: unknown, t0: number, t1: number, outcome: Outcome = "ok", extra?: Extra) =>
  op(p, "read", key, value, t0, t1, outcome, extra);
/** A nemesis fault, as an invoke/info pair like Jepsen logs them. */
const nemesis = (f: string, t: number, key?: string, value?: unknown): Op[] => [
  line(t, "nemesis", "invoke", f, key, value),
  line(t + 1, "nemesis", "info", f, key, value),
];

function hist(...groups: Op[][]): Op[] {
  return groups
    .flat()
    .map((o, i) => ({ o, i }))
    .sort((a, b) => a.o.time - b.o.time || a.i - b.i)
    .map(({ o }, index) => ({ ...o, index }));
}

/** Details must survive results.json unchanged. */
function assertJsonSafe(details: unknown): void {
  assert.deepEqual(JSON.parse(JSON.stringify(details)), details);
}

// --- Set ---------------------------------------------------------------------

describe("setChecker", () => {
  const check = (h: Op[]) => {
    const v = setChecker.check(h);
    assertJsonSafe(v.details);
    return { ...v, d: v.details as SetDetails };
  };

  it("is named set", () => assert.equal(setChecker.name, "set"));

  it("is valid when every acknowledged add is in the final read", () => {
    const v = check(hist(add(0, "s0", 1, 0, 10), add(1, "s0", 2, 5, 15), add(0, "s0", 3, 20, 30), read(2, "s0", [1, 2, 3], 100, 110)));
    assert.equal(v.valid, true);
    assert.deepEqual(v.d.lost, []);
    assert.deepEqual(v.d.unexpected, []);
    assert.equal(v.d.counts.attempted, 3);
    assert.equal(v.d.counts.acknowledged, 3);
    assert.equal(v.d.counts.present, 3);
    assert.equal(v.summary, "0 of 3 acknowledged adds lost; 0 unexpected");
  });

  it("reports an acknowledged add missing from the final read as lost", () => {
    const v = check(hist(
      add(0, "s0", 1, 0, 10),
      add(1, "s0", 2, 5, 17, "ok", { node: "n3" }),
      add(0, "s0", 3, 20, 30),
      read(2, "s0", [1, 3], 100, 110),
    ));
    assert.equal(v.valid, false);
    assert.deepEqual(v.d.lost, [{ key: "s0", value: 2, ackTime: 17, invokeTime: 5, node: "n3", process: 1 }]);
    assert.equal(v.d.counts.lost, 1);
    assert.equal(v.d.keys.s0.lost, 1);
    assert.equal(v.summary, "1 of 3 acknowledged adds lost (key s0); 0 unexpected");
  });

  it("sorts the lost list by acknowledgement time across keys", () => {
    const v = check(hist(
      add(0, "a", 1, 0, 50),
      add(1, "b", 2, 0, 30),
      add(2, "a", 3, 0, 40),
      read(3, "a", [], 100, 110),
      read(3, "b", [], 120, 130),
    ));
    assert.deepEqual(v.d.lost.map((l) => [l.key, l.value, l.ackTime]), [["b", 2, 30], ["a", 3, 40], ["a", 1, 50]]);
    assert.match(v.summary, /^3 of 3 acknowledged adds lost \(keys a, b\)/);
  });

  it("counts an indeterminate add that is present as recovered, and is valid", () => {
    const v = check(hist(add(0, "s0", 1, 0, 10), add(1, "s0", 2, 5, 15, "info", { error: "timeout" }), add(3, "s0", 4, 6, 0, "open"), read(2, "s0", [1, 2, 4], 100, 110)));
    assert.equal(v.valid, true);
    assert.equal(v.d.counts.indeterminate, 2);
    assert.equal(v.d.counts.recovered, 2);
    assert.equal(v.d.counts.unexpected, 0);
  });

  it("is valid when an indeterminate add is absent", () => {
    const v = check(hist(add(0, "s0", 1, 0, 10), add(1, "s0", 2, 5, 15, "info"), read(2, "s0", [1], 100, 110)));
    assert.equal(v.valid, true);
    assert.equal(v.d.counts.indeterminate, 1);
    assert.equal(v.d.counts.recovered, 0);
    assert.equal(v.d.counts.lost, 0);
  });

  it("reports a failed add that is present as unexpected", () => {
    const v = check(hist(add(0, "s0", 1, 0, 10), add(1, "s0", 2, 5, 15, "fail", { error: "READONLY" }), read(2, "s0", [1, 2], 100, 110)));
    assert.equal(v.valid, false);
    assert.equal(v.d.counts.failed, 1);
    assert.deepEqual(v.d.unexpected, [{ key: "s0", value: 2, reason: "failed" }]);
    assert.equal(v.summary, "0 of 1 acknowledged adds lost; 1 unexpected");
  });

  it("reports a value that was never added as unexpected", () => {
    const v = check(hist(add(0, "s0", 1, 0, 10), read(2, "s0", [1, 77], 100, 110)));
    assert.equal(v.valid, false);
    assert.deepEqual(v.d.unexpected, [{ key: "s0", value: 77, reason: "never-added" }]);
  });

  it("is unknown when a key with adds has no ok final read", () => {
    const v = check(hist(
      add(0, "s0", 1, 0, 10),
      add(0, "s1", 2, 20, 30),
      read(2, "s0", [1], 100, 110),
      read(2, "s1", undefined, 120, 130, "fail"),
      read(3, "s1", undefined, 140, 150, "info"),
    ));
    assert.equal(v.valid, "unknown");
    assert.deepEqual(v.d.keysWithoutFinalRead, ["s1"]);
    assert.equal(v.d.keys.s1.finalRead, false);
    assert.match(v.summary, /no final read for s1/);
  });

  it("lets a loss win over an unknown key", () => {
    const v = check(hist(add(0, "s0", 1, 0, 10), add(0, "s1", 2, 20, 30), read(2, "s0", [], 100, 110)));
    assert.equal(v.valid, false);
  });

  it("judges several keys separately, using the last ok read of each", () => {
    const v = check(hist(
      add(0, "s0", 1, 0, 10),
      add(1, "s1", 1, 0, 12),
      add(0, "s0", 2, 20, 30),
      add(1, "s1", 2, 20, 32),
      read(2, "s0", [1], 40, 45), // an earlier read: superseded by the final one
      read(2, "s0", [1, 2], 100, 110),
      read(2, "s1", [1, 2], 60, 65),
      read(2, "s1", [2], 120, 130),
    ));
    assert.equal(v.valid, false);
    assert.equal(v.d.keys.s0.lost, 0);
    assert.equal(v.d.keys.s0.finalReadTime, 110);
    assert.equal(v.d.keys.s1.lost, 1);
    assert.equal(v.d.keys.s1.present, 1);
    assert.deepEqual(v.d.lost.map((l) => [l.key, l.value]), [["s1", 1]]);
    assert.equal(v.d.counts.acknowledged, 4);
    assert.equal(v.summary, "1 of 4 acknowledged adds lost (key s1); 0 unexpected");
  });

  it("ignores nemesis operations", () => {
    const v = check(hist(
      nemesis("partition", 1),
      add(0, "s0", 1, 0, 10),
      nemesis("add", 12, "s0", 99), // a nemesis op shaped like an add must not count
      nemesis("heal", 50),
      read(2, "s0", [1], 100, 110),
    ));
    assert.equal(v.valid, true);
    assert.equal(v.d.counts.attempted, 1);
    assert.deepEqual(v.d.lost, []);
  });

  it("does not call an add acknowledged after the final read began lost", () => {
    const v = check(hist(add(0, "s0", 1, 0, 10), add(1, "s0", 2, 50, 120), read(2, "s0", [1], 100, 110)));
    assert.equal(v.valid, true);
    assert.equal(v.d.counts.lost, 0);
    assert.equal(v.d.counts.concurrentWithRead, 1);
  });
});

// --- Counter -----------------------------------------------------------------

describe("counterChecker", () => {
  const check = (h: Op[]) => {
    const v = counterChecker.check(h);
    assertJsonSafe(v.details);
    return { ...v, d: v.details as CounterDetails };
  };

  it("is named counter", () => assert.equal(counterChecker.name, "counter"));

  it("accepts a valid concurrent history", () => {
    const v = check(hist(
      add(0, "c0", 1, 0, 10),
      add(1, "c0", 1, 5, 30),
      read(2, "c0", 1, 8, 12), // neither add certain yet, both possible: [0, 2]
      read(2, "c0", 1, 15, 20), // first add certain: [1, 2]
      add(0, "c0", 1, 35, 45, "fail"),
      read(3, "c0", 2, 50, 60), // the failed add cannot count: [2, 2]
    ));
    assert.equal(v.valid, true);
    assert.equal(v.d.errorCount, 0);
    assert.equal(v.d.reads, 3);
    assert.deepEqual(v.d.keys.c0.final, { value: 2, lower: 2, upper: 2, time: 60, acknowledged: 2, indeterminate: 0, lost: 0, valid: true });
    assert.equal(v.summary, "0 of 3 reads out of bounds; final c0 = 2 in [2, 2]");
  });

  it("rejects a read lower than an increment acknowledged before it began", () => {
    const v = check(hist(add(0, "c0", 1, 0, 10), read(1, "c0", 0, 20, 25, "ok", { node: "n2" }), read(1, "c0", 1, 30, 35)));
    assert.equal(v.valid, false);
    assert.deepEqual(v.d.errors, [{ key: "c0", value: 0, expected: { lower: 1, upper: 1 }, time: 25, invokeTime: 20, process: 1, node: "n2" }]);
    assert.equal(v.d.keys.c0.errors, 1);
    assert.match(v.summary, /^1 of 2 reads out of bounds \(key c0\)/);
  });

  it("accepts a read that counts an indeterminate increment, and one that does not", () => {
    for (const value of [1, 2]) {
      const v = check(hist(add(0, "c0", 1, 0, 10), add(1, "c0", 1, 11, 15, "info", { error: "timeout" }), read(2, "c0", value, 20, 25)));
      assert.equal(v.valid, true, `value ${value}`);
      assert.deepEqual([v.d.keys.c0.final?.lower, v.d.keys.c0.final?.upper], [1, 2]);
      assert.equal(v.d.keys.c0.final?.indeterminate, 1);
    }
  });

  it("counts an increment that never completed as possible", () => {
    const v = check(hist(add(0, "c0", 1, 0, 10), add(1, "c0", 1, 11, 0, "open"), read(2, "c0", 2, 20, 25)));
    assert.equal(v.valid, true);
  });

  it("rejects a read above every increment that could have happened", () => {
    const v = check(hist(
      add(0, "c0", 1, 0, 10),
      add(1, "c0", 1, 2, 8, "fail"),
      read(2, "c0", 2, 20, 25),
      add(0, "c0", 1, 30, 40), // invoked after the read completed
    ));
    assert.equal(v.valid, false);
    assert.deepEqual(v.d.errors[0].expected, { lower: 1, upper: 1 });
    assert.equal(v.d.errors[0].value, 2);
  });

  it("reports acknowledged increments missing from the final value as lost", () => {
    const v = check(hist(
      add(0, "c0", 1, 0, 10),
      add(0, "c0", 1, 11, 20),
      add(0, "c0", 1, 21, 30),
      add(1, "c0", 1, 5, 35),
      add(1, "c0", 1, 36, 40),
      read(2, "c0", 3, 100, 110),
    ));
    assert.equal(v.valid, false);
    assert.equal(v.d.keys.c0.final?.acknowledged, 5);
    assert.equal(v.d.keys.c0.final?.lost, 2);
    assert.equal(v.d.keys.c0.final?.valid, false);
    assert.equal(v.d.lost, 2);
    assert.equal(v.summary, "1 of 1 reads out of bounds (key c0); final c0 = 3 in [5, 5], 2 acknowledged lost");
  });

  it("is unknown when a key with adds has no ok read", () => {
    const v = check(hist(add(0, "c0", 1, 0, 10), add(0, "c1", 1, 0, 10), read(1, "c0", 1, 20, 25), read(2, "c1", undefined, 20, 25, "info")));
    assert.equal(v.valid, "unknown");
    assert.deepEqual(v.d.keysWithoutRead, ["c1"]);
    assert.equal(v.d.keys.c1.final, null);
    assert.match(v.summary, /no read for c1/);
  });

  it("bounds negative deltas correctly", () => {
    // +5 certain, -3 indeterminate: the value is 5 or 2.
    const h = (value: number) => hist(add(0, "c0", 5, 0, 10), add(1, "c0", -3, 12, 14, "info"), read(2, "c0", value, 20, 22));
    assert.equal(check(h(2)).valid, true);
    assert.equal(check(h(5)).valid, true);
    assert.equal(check(h(1)).valid, false);
    assert.equal(check(h(6)).valid, false);
    // A certain decrement lowers the upper bound too.
    const v = check(hist(add(0, "c0", 5, 0, 10), add(1, "c0", -3, 12, 14), add(0, "c0", 1, 15, 30), read(2, "c0", 3, 20, 22)));
    assert.deepEqual(v.d.errors, []);
    assert.deepEqual([v.d.keys.c0.final?.lower, v.d.keys.c0.final?.upper], [2, 3]);
  });

  it("accepts integer strings and treats a null read as zero", () => {
    const v = check(hist(read(1, "c0", null, 0, 1), add(0, "c0", 1, 2, 10), read(1, "c0", "1", 20, 25)));
    assert.equal(v.valid, true);
    assert.equal(v.d.keys.c0.final?.value, 1);
  });

  it("rejects a read that is not an integer", () => {
    const v = check(hist(add(0, "c0", 1, 0, 10), read(1, "c0", "one", 20, 25)));
    assert.equal(v.valid, false);
    assert.equal(v.d.errors[0].value, "one");
  });

  it("ignores nemesis operations", () => {
    const v = check(hist(add(0, "c0", 1, 0, 10), nemesis("add", 12, "c0", 100), read(1, "c0", 1, 20, 25)));
    assert.equal(v.valid, true);
    assert.equal(v.d.keys.c0.adds.attempted, 1);
  });
});

// --- Stats -------------------------------------------------------------------

describe("statsChecker", () => {
  const check = (h: Op[]) => {
    const v = statsChecker.check(h);
    assertJsonSafe(v.details);
    return { ...v, d: v.details as StatsDetails };
  };

  it("is named stats", () => assert.equal(statsChecker.name, "stats"));

  it("counts outcomes and error texts per f, and nemesis ops", () => {
    const v = check(hist(
      nemesis("partition", 0),
      op(0, "write", "r", 1, 1, 2, "ok"),
      op(0, "write", "r", 2, 3, 4, "ok"),
      op(1, "write", "r", 3, 3, 5, "fail", { error: "READONLY" }),
      op(1, "write", "r", 4, 6, 7, "fail", { error: "READONLY" }),
      op(1, "write", "r", 5, 8, 9, "info", { error: "timeout" }),
      op(2, "read", "r", 2, 1, 9, "ok"),
      op(3, "write", "r", 6, 10, 0, "open"),
      nemesis("heal", 20),
    ));
    assert.equal(v.valid, true);
    assert.deepEqual(v.d.byF.write, {
      invoked: 6, ok: 2, fail: 2, info: 2, unfinished: 1,
      errors: [{ error: "READONLY", count: 2 }, { error: "timeout", count: 1 }],
      otherErrors: 0,
    });
    assert.deepEqual(v.d.byF.read, { invoked: 1, ok: 1, fail: 0, info: 0, unfinished: 0, errors: [], otherErrors: 0 });
    assert.deepEqual(v.d.nemesis, { ops: 2, byF: { partition: 1, heal: 1 } });
    assert.deepEqual(v.d.neverOk, []);
    assert.equal(v.summary, "write: 2 ok, 2 fail, 2 info; read: 1 ok, 0 fail, 0 info");
  });

  it("is invalid when an f was invoked but never succeeded", () => {
    const v = check(hist(
      op(0, "write", "r", 1, 1, 2, "ok"),
      op(1, "cas", "r", [1, 2], 1, 3, "fail", { error: "mismatch" }),
      op(1, "cas", "r", [1, 2], 4, 5, "info"),
    ));
    assert.equal(v.valid, false);
    assert.deepEqual(v.d.neverOk, ["cas"]);
    assert.match(v.summary, /never ok: cas$/);
  });

  it("keeps the most frequent error texts and sums the rest", () => {
    const ops: Op[][] = [op(0, "write", "r", 0, 0, 1, "ok")];
    for (let i = 0; i < 12; i++) ops.push(op(1, "write", "r", i, 10 + 2 * i, 11 + 2 * i, "fail", { error: `e${i}` }));
    ops.push(op(1, "write", "r", 99, 50, 51, "fail", { error: "e11" }));
    const v = check(hist(...ops));
    assert.equal(v.d.byF.write.errors.length, 10);
    assert.deepEqual(v.d.byF.write.errors[0], { error: "e11", count: 2 });
    assert.equal(v.d.byF.write.otherErrors, 2);
  });

  it("is valid for a history with no client operations", () => {
    const v = check(hist(nemesis("partition", 0)));
    assert.equal(v.valid, true);
    assert.equal(v.summary, "no client operations");
    assert.equal(v.d.nemesis.ops, 1);
  });
});
