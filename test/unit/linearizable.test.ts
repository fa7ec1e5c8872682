import assert from "node:assert/strict";
import fc from "fast-check";
import type { History, Op, OpType } from "../../history/op.js";
import { checkLinearizability, explain, modelByName, prepareParts } from "../../checkers/linearizable/check.js";
import { checkLinearizabilityParallel } from "../../checkers/linearizable/parallel.js";
import { searchLinearization } from "../../checkers/linearizable/search.js";
import { bruteForceLinearizable } from "../support/brute-force.js";

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

// ---- property tests: the search against brute force on small random histories ----

interface OpPlan {
  process: number;
  kind: number;
  value: number;
  start: number;
  length: number;
  /** 0 ok, 1 info that took effect, 2 info that did not, 3 never completed (crashed), 4 corrupt output */
  fate: number;
}

const planArb = fc.array(
  fc.record({
    process: fc.integer({ min: 0, max: 3 }),
    kind: fc.integer({ min: 0, max: 2 }),
    value: fc.integer({ min: 0, max: 3 }),
    start: fc.integer({ min: 0, max: 40 }),
    length: fc.integer({ min: 1, max: 15 }),
    fate: fc.integer({ min: 0, max: 9 }),
  }),
  { minLength: 0, maxLength: 8 },
);

/** Sequential semantics used to simulate a real execution per model: returns [f, input, output, happened]. */
type Sim = (kind: number, value: number, state: unknown) => { f: string; input: unknown; output: unknown; next: unknown; happened: boolean };

const SIMS: Record<string, { init: unknown; sim: Sim }> = {
  register: {
    init: null,
    sim: (kind, v, s) => (kind === 0 ? { f: "read", input: null, output: s, next: s, happened: true } : { f: "write", input: v, output: v, next: v, happened: true }),
  },
  "cas-register": {
    init: null,
    sim: (kind, v, s) => {
      if (kind === 0) return { f: "read", input: null, output: s, next: s, happened: true };
      if (kind === 1) return { f: "write", input: v, output: v, next: v, happened: true };
      const from = v % 2;
      const ok = s === from;
      return { f: "cas", input: [from, v], output: [from, v], next: ok ? v : s, happened: ok };
    },
  },
  counter: {
    init: 0,
    sim: (kind, _v, s) => (kind === 0 ? { f: "read", input: null, output: s, next: s, happened: true } : { f: "add", input: 1, output: 1, next: (s as number) + 1, happened: true }),
  },
  "fifo-queue": {
    init: [],
    sim: (kind, v, s) => {
      const q = s as number[];
      if (kind === 0) return { f: "dequeue", input: null, output: q[0] ?? null, next: q.slice(1), happened: true };
      return { f: "enqueue", input: v, output: v, next: [...q, v], happened: true };
    },
  },
};

/** Simulates the plan: each op takes effect at a point inside its interval, in point order. */
function simulate(model: string, plans: OpPlan[]): History {
  const { init, sim } = SIMS[model];
  // One op at a time per process: shift each process's ops so they do not overlap.
  const byProcess = new Map<number, number>();
  const timed = plans.map((p, i) => {
    const start = Math.max(p.start, byProcess.get(p.process) ?? 0);
    const end = start + p.length;
    byProcess.set(p.process, end + 1);
    return { ...p, i, start, end, point: start + ((p.value + i) % p.length) + 0.5 };
  });
  let state = init;
  const events: Array<{ time: number; op: Omit<Op, "index"> }> = [];
  for (const t of [...timed].sort((a, b) => a.point - b.point)) {
    const takesEffect = t.fate !== 2 && t.fate !== 3;
    const r = sim(t.kind, t.value, state);
    if (takesEffect) state = r.next;
    const base = { process: t.process, f: r.f };
    events.push({ time: t.start * 2, op: { ...base, time: t.start * 2, type: "invoke", value: r.input } });
    if (t.fate === 3) continue; // crashed: no completion at all
    if (!r.happened && takesEffect) {
      events.push({ time: t.end * 2 + 1, op: { ...base, time: t.end * 2 + 1, type: "fail", value: r.input } });
      continue;
    }
    const type: OpType = t.fate === 1 || t.fate === 2 ? "info" : "ok";
    const output = t.fate === 4 ? corrupt(r.output) : r.f === "write" || r.f === "add" || r.f === "enqueue" || r.f === "cas" ? r.input : r.output;
    events.push({ time: t.end * 2 + 1, op: { ...base, time: t.end * 2 + 1, type, value: type === "ok" ? output : r.input } });
  }
  return events.sort((a, b) => a.time - b.time).map((e, index) => ({ ...e.op, index }) as Op);
}

function corrupt(v: unknown): unknown {
  if (typeof v === "number") return v + 1;
  if (v === null) return 7;
  if (Array.isArray(v)) return [...v, 9];
  return v;
}

describe("linearizability: agrees with brute force on random small histories", () => {
  for (const model of Object.keys(SIMS)) {
    it(`${model}`, () => {
      let illegal = 0;
      let legal = 0;
      fc.assert(
        fc.property(planArb, (plans) => {
          const history = simulate(model, plans);
          const m = modelByName(model);
          const [part] = prepareParts(history, m);
          const expected = bruteForceLinearizable(m, part?.ops ?? []);
          const got = searchLinearization(m, part?.ops ?? [], { deadline: Date.now() + 10_000, memoryBytes: 1 << 28 }).verdict;
          if (expected) legal++;
          else illegal++;
          return got === (expected ? "ok" : "illegal");
        }),
        { numRuns: 400, seed: 42 },
      );
      // The generator must exercise both answers, or the comparison proves little.
      assert.ok(legal > 50 && illegal > 20, `legal ${legal}, illegal ${illegal}`);
    });
  }
});
