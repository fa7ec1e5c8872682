// A linearizability oracle written apart from checkers/linearizable and checkers/models, to
// judge them: its own pairing of invocations with completions, its own sequential meaning of
// every model (the Redis commands the workloads send), and an exhaustive search over the
// orders that real time allows. Exponential: for the small histories of property tests only.
//
// Outcomes as Jepsen and Knossos read them: `ok` happened between its invocation and its
// completion, with the reply it carries; `fail` certainly did not happen; `info`, or no
// completion at all, may have taken effect at any time after the invocation, or never.
import type { History, Op } from "../../history/op.js";

/** One invocation with its completion folded in, as this oracle sees it (its own type: nothing here is the checker's LinOp). */
export interface OracleOp {
  /** History index of the invocation: how ops are named to and by the checker. */
  index: number;
  process: number | string;
  f: string;
  key?: string;
  input: unknown;
  /** The reply of an `ok` op; undefined when the outcome is unknown. */
  output: unknown;
  /** True for `ok`: it happened, with that reply. False: it may have happened, or not. */
  certain: boolean;
  call: number;
  /** Completion time; Infinity when the outcome is unknown. */
  ret: number;
}

/** A call as a client makes it; kv calls name their key. */
export interface Call {
  f: string;
  key?: string;
  input: unknown;
}

/** What a call does to a state: the reply (undefined when it returns nothing to compare, as SET's OK) and the state after. */
export interface Effect<S> {
  reply?: unknown;
  next: S;
}

/** The sequential meaning of a model, as the Redis commands behind it define it. */
export interface SequentialSpec<S> {
  init: S;
  /** The call run on `state`; undefined when it cannot take effect (a cas whose expected value is absent, an unknown f). */
  run(state: S, call: Call): Effect<S> | undefined;
  /** Whether an observed reply is the one `run` gives. */
  sameReply(expected: unknown, observed: unknown): boolean;
  /** Canonical text of a state, worded as the checker's explanations word it. */
  show(state: S): string;
}

/** JSON text of a value, a missing value (undefined, Redis nil) read as null. */
function text(v: unknown): string {
  return v === undefined ? "null" : JSON.stringify(v);
}

const sameText = (a: unknown, b: unknown) => text(a) === text(b);

/** GET / SET, and Knossos's compare-and-set (WATCH, GET, MULTI, SET, EXEC): sets `to` only when the value is `from`. */
function runRegister(value: unknown, call: Call, withCas: boolean): Effect<unknown> | undefined {
  if (call.f === "read") return { reply: value ?? null, next: value };
  if (call.f === "write") return { next: call.input ?? null };
  if (withCas && call.f === "cas" && Array.isArray(call.input) && call.input.length === 2) {
    const [from, to] = call.input;
    return sameText(value, from) ? { next: to } : undefined;
  }
  return undefined;
}

const registerSpec: SequentialSpec<unknown> = {
  init: null,
  run: (value, call) => runRegister(value, call, false),
  sameReply: sameText,
  show: text,
};

const casRegisterSpec: SequentialSpec<unknown> = { ...registerSpec, run: (value, call) => runRegister(value, call, true) };

/** Many cas-registers, one per key (a missing key reads as nil); the state is the keys' values. */
const kvSpec: SequentialSpec<Readonly<Record<string, unknown>>> = {
  init: {},
  run(values, call) {
    if (call.key === undefined) throw new Error(`kv: ${call.f} names no key`);
    const effect = runRegister(values[call.key] ?? null, call, true);
    return effect && { reply: effect.reply, next: { ...values, [call.key]: effect.next } };
  },
  sameReply: sameText,
  show: (values) => text(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
};

/** INCRBY by the delta (INCR when none is given) and GET, a never-incremented counter reading as 0 (nil). */
const counterSpec: SequentialSpec<number> = {
  init: 0,
  run(n, call) {
    if (call.f === "read") return { reply: n, next: n };
    if (call.f === "add" || call.f === "incr") {
      const delta = call.input === undefined || call.input === null ? 1 : Number(call.input);
      return Number.isFinite(delta) ? { next: n + delta } : undefined;
    }
    return undefined;
  },
  sameReply: (expected, observed) => Number(observed ?? 0) === expected,
  show: String,
};

/** SADD and SMEMBERS: members are unique and come back in no particular order. The state: member texts, sorted. */
const setSpec: SequentialSpec<readonly string[]> = {
  init: [],
  run(members, call) {
    if (call.f === "read") return { reply: members.map((m) => JSON.parse(m)), next: members };
    if (call.f === "add") {
      const member = text(call.input);
      return { next: members.includes(member) ? members : [...members, member].sort() };
    }
    return undefined;
  },
  sameReply(expected, observed) {
    if (!Array.isArray(observed)) return false;
    const members = (values: unknown[]) => text([...new Set(values.map(text))].sort());
    return members(observed) === members(expected as unknown[]);
  },
  show: (members) => `#{${members.join(" ")}}`,
};

/** RPUSH and LPOP: the oldest element comes out first; popping an empty list replies nil. */
const fifoQueueSpec: SequentialSpec<readonly unknown[]> = {
  init: [],
  run(queue, call) {
    if (call.f === "enqueue") return { next: [...queue, call.input] };
    if (call.f === "dequeue") return queue.length === 0 ? { reply: null, next: queue } : { reply: queue[0], next: queue.slice(1) };
    return undefined;
  },
  sameReply: sameText,
  show: (queue) => `[${queue.map(text).join(" ")}]`,
};

/** Every model the checker knows, by the checker's name for it. */
export const SPECS: Record<string, SequentialSpec<unknown>> = {
  register: registerSpec,
  "cas-register": casRegisterSpec,
  kv: kvSpec as SequentialSpec<unknown>,
  counter: counterSpec as SequentialSpec<unknown>,
  set: setSpec as SequentialSpec<unknown>,
  "fifo-queue": fifoQueueSpec as SequentialSpec<unknown>,
};

/**
 * Pairs each client invocation with the next completion of its process (a process runs one op
 * at a time; an invocation followed by another one of the same process never completed).
 * `fail` ops are dropped. For kv, Jepsen's independent tuples ([key value] in and out) are
 * unwrapped into a key and a value.
 */
export function prepareHistory(history: History, model: string): OracleOp[] {
  const open = new Map<number | string, Op>();
  const ops: OracleOp[] = [];
  const unknown = (invoke: Op) => ops.push(fold(invoke, undefined));
  for (const op of history) {
    if (op.process === "nemesis") continue;
    if (op.type === "invoke") {
      const earlier = open.get(op.process);
      if (earlier) unknown(earlier);
      open.set(op.process, op);
      continue;
    }
    const invoke = open.get(op.process);
    if (!invoke) continue;
    open.delete(op.process);
    if (op.type === "ok") ops.push(fold(invoke, op));
    else if (op.type === "info") unknown(invoke);
  }
  for (const invoke of open.values()) unknown(invoke);
  ops.sort((a, b) => a.index - b.index);
  return model === "kv" ? ops.map(independentKey) : ops;
}

function fold(invoke: Op, ok: Op | undefined): OracleOp {
  return {
    index: invoke.index,
    process: invoke.process,
    f: invoke.f,
    key: invoke.key,
    input: invoke.value,
    output: ok?.value,
    certain: ok !== undefined,
    call: invoke.time,
    ret: ok ? ok.time : Infinity,
  };
}

function independentKey(op: OracleOp): OracleOp {
  if (op.key !== undefined) return op;
  if (!Array.isArray(op.input) || op.input.length !== 2) throw new Error(`kv: op ${op.index} has neither a key nor a [key value] tuple`);
  const output = op.certain && Array.isArray(op.output) ? op.output[1] : undefined;
  return { ...op, key: String(op.input[0]), input: op.input[1], output };
}

/** The ops of one key (kv), for the checker's per-key verdicts. */
export function opsOfKey(ops: readonly OracleOp[], key: string): OracleOp[] {
  return ops.filter((op) => op.key === key);
}

/** The state after `op` takes effect, or undefined when it cannot (or cannot have replied what it did). */
function apply<S>(spec: SequentialSpec<S>, state: S, op: OracleOp): S | undefined {
  const effect = spec.run(state, op);
  if (effect === undefined) return undefined;
  if (op.certain && effect.reply !== undefined && !spec.sameReply(effect.reply, op.output)) return undefined;
  return effect.next;
}

/**
 * Real-time order: an op may take effect next unless a certain op not yet placed had completed
 * before it was invoked. At equal times the two overlap (the checker's permissive reading).
 */
function mayComeNext(ops: readonly OracleOp[], placed: ReadonlySet<OracleOp>, op: OracleOp): boolean {
  return ops.every((other) => other === op || placed.has(other) || other.ret >= op.call);
}

const MAX_OPS = 24;

/**
 * Whether some order of the ops is legal: it respects real time, the model accepts every op
 * with its reply, every certain op is in it, and the uncertain ones are in it or not (left
 * out: they never happened). Depth-first over the ops that may come next, with the dead ends
 * (placed set, state) remembered.
 */
export function isLinearizable(spec: SequentialSpec<unknown>, ops: readonly OracleOp[]): boolean {
  if (ops.length > MAX_OPS) throw new Error(`brute force: ${ops.length} ops is too many (at most ${MAX_OPS})`);
  const certain = ops.filter((op) => op.certain).length;
  const deadEnds = new Set<string>();
  const search = (placed: Set<OracleOp>, placedCertain: number, state: unknown): boolean => {
    if (placedCertain === certain) return true;
    const memo = `${ops.map((op) => (placed.has(op) ? 1 : 0)).join("")}|${spec.show(state)}`;
    if (deadEnds.has(memo)) return false;
    for (const op of ops) {
      if (placed.has(op) || !mayComeNext(ops, placed, op)) continue;
      const next = apply(spec, state, op);
      if (next === undefined) continue;
      placed.add(op);
      const found = search(placed, placedCertain + (op.certain ? 1 : 0), next);
      placed.delete(op);
      if (found) return true;
    }
    deadEnds.add(memo);
    return false;
  };
  return search(new Set(), 0, spec.init);
}

export type Replay = { ok: true; states: string[] } | { ok: false; why: string };

/**
 * Checks a counterexample the checker gave: `prefix` (history indexes, in order) is a legal
 * partial order, and after it the op `blocked` must come now (real time allows it) but no state
 * the object may then be in accepts it. Returns the states after the prefix, shown as `show` does.
 */
export function replayCounterexample(spec: SequentialSpec<unknown>, ops: readonly OracleOp[], prefix: readonly number[], blocked: number): Replay {
  const byIndex = new Map(ops.map((op) => [op.index, op]));
  const placed = new Set<OracleOp>();
  let states: unknown[] = [spec.init];
  for (const index of prefix) {
    const op = byIndex.get(index);
    if (!op) return { ok: false, why: `the prefix names index ${index}, which is no op that may have happened` };
    if (placed.has(op)) return { ok: false, why: `the prefix places index ${index} twice` };
    if (!mayComeNext(ops, placed, op)) return { ok: false, why: `the prefix places index ${index} before an op that completed before it was invoked` };
    const after = states.flatMap((s) => {
      const next = apply(spec, s, op);
      return next === undefined ? [] : [next];
    });
    // An uncertain op may also not have happened.
    states = distinct(spec, op.certain ? after : [...states, ...after]);
    if (states.length === 0) return { ok: false, why: `the prefix places index ${index}, which no state accepts` };
    placed.add(op);
  }
  const op = byIndex.get(blocked);
  if (!op) return { ok: false, why: `the blocked op, index ${blocked}, is no op that may have happened` };
  if (placed.has(op)) return { ok: false, why: `the blocked op, index ${blocked}, is in the prefix` };
  if (!op.certain) return { ok: false, why: `the blocked op, index ${blocked}, has an unknown outcome: it could be left out` };
  if (!mayComeNext(ops, placed, op)) return { ok: false, why: `the blocked op, index ${blocked}, must wait for an op completed before its invocation` };
  const accepting = states.filter((s) => apply(spec, s, op) !== undefined);
  if (accepting.length > 0) return { ok: false, why: `the blocked op, index ${blocked}, is accepted from ${accepting.map(spec.show).join(", ")}` };
  return { ok: true, states: states.map(spec.show).sort() };
}

function distinct(spec: SequentialSpec<unknown>, states: unknown[]): unknown[] {
  return [...new Map(states.map((s) => [spec.show(s), s])).values()];
}
