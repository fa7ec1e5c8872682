// Wing & Gong's search for a linearization, with Lowe's cache of visited configurations,
// as Porcupine does it. One partition at a time (the caller splits by key).
//
// The history becomes a list of call and return entries in time order. The search walks
// it: at a call it tries to linearize that op now (the model must accept it from the
// current state, and the configuration (linearized set, state) must be new); at a
// return of an op not yet linearized, the order chosen so far cannot work, so it undoes
// the last choice. It succeeds when every op is linearized.
//
// Non-deterministic models are handled as Porcupine does: the search state is the set
// of states the object may be in. An op whose outcome is unknown maps a set S to
// S ∪ step(S): it may have taken effect, or never.
import type { Model } from "../models/model.js";
import type { Counterexample, LinOp, PartitionVerdict } from "./types.js";

export interface SearchLimits {
  /** Date.now() after which the search gives up with `unknown`. */
  deadline: number;
  /** Approximate bytes the cache of visited configurations may use. */
  memoryBytes: number;
}

export interface SearchResult {
  verdict: PartitionVerdict;
  reason?: string;
  counterexamples?: Counterexample[];
}

interface Entry {
  id: number;
  /** Position of the op's call in time order: its bit in the linearized set. */
  bit: number;
  isCall: boolean;
  time: number;
  prev: Entry | null;
  next: Entry | null;
  /** The call's return entry (on call entries). */
  match: Entry | null;
}

interface StateSet<S> {
  states: S[];
  key: string;
  /** 32-bit hash of `key`, computed once per set. */
  hash: number;
}

/**
 * A visited configuration. Bits follow call order and the search moves forward in time,
 * so a linearized set is nearly always "every op called before the first pending one,
 * plus a few later ones": stored as that boundary and the few words after it, which
 * keeps cache entries small however long the history is.
 */
interface Seen {
  boundary: number;
  tail: Uint32Array;
  h2: number;
  stateKey: string;
}

interface Frame<S> {
  entry: Entry;
  state: StateSet<S>;
  /** Highest linearized bit before this frame's op was linearized. */
  maxBit: number;
}

const MAX_COUNTEREXAMPLES = 3;
/** How often (in search steps) the clock and the cache size are looked at. */
const CHECK_EVERY = 4096;

/**
 * Recording counterexamples costs time on every backtrack, so the first search runs
 * without it; only a history found illegal is searched again to explain why.
 */
export function searchLinearization<S>(model: Model<S>, ops: readonly LinOp[], limits: SearchLimits): SearchResult {
  const quick = search(model, ops, limits, false);
  return quick.verdict === "illegal" ? search(model, ops, limits, true) : quick;
}

function search<S>(model: Model<S>, ops: readonly LinOp[], limits: SearchLimits, explain: boolean): SearchResult {
  const n = ops.length;
  if (n === 0) return { verdict: "ok" };
  const head = buildEntries(ops);
  const linearized = new Uint32Array((n + 31) >>> 5);
  const zobrist = zobristTable(n);
  let h1 = 0;
  let h2 = 0;
  let maxBit = -1;
  const cache = new Map<number, Seen[]>();
  let cacheBytes = 0;

  let state = setOf(model, [model.init()]);
  const calls: Array<Frame<S>> = [];
  let best: Counterexample[] = [];
  let bestLength = -1;
  let steps = 0;
  let entry = head.next!;

  while (head.next !== null) {
    if (++steps % CHECK_EVERY === 0) {
      if (Date.now() > limits.deadline) return { verdict: "unknown", reason: "time limit reached" };
      if (cacheBytes > limits.memoryBytes) return { verdict: "unknown", reason: "memory limit reached" };
    }
    if (entry.isCall) {
      const next = stepSet(model, state, ops[entry.id]);
      if (next !== undefined) {
        const bit = entry.bit;
        const n1 = h1 ^ zobrist[2 * bit];
        const n2 = h2 ^ zobrist[2 * bit + 1];
        linearized[bit >>> 5] |= 1 << (bit & 31);
        lift(entry);
        const boundary = head.next === null ? n : head.next.bit;
        const top = Math.max(maxBit, bit);
        const added = remember(cache, n1 ^ next.hash, { boundary, tail: tailOf(linearized, boundary, top), h2: n2, stateKey: next.key });
        if (added > 0) {
          cacheBytes += added;
          calls.push({ entry, state, maxBit });
          state = next;
          h1 = n1;
          h2 = n2;
          maxBit = top;
          entry = head.next!;
          continue;
        }
        unlift(entry);
        linearized[bit >>> 5] &= ~(1 << (bit & 31));
      }
      entry = entry.next!;
    } else {
      // The return of an op that is not linearized yet: what was chosen so far cannot work.
      if (explain && calls.length >= bestLength) {
        const found = counterexample(model, calls, state, entry.id);
        if (calls.length > bestLength) best = [];
        bestLength = calls.length;
        if (best.length < MAX_COUNTEREXAMPLES && !best.some((b) => sameOps(b, found))) best.push(found);
      }
      const top = calls.pop();
      if (top === undefined) return { verdict: "illegal", counterexamples: best };
      state = top.state;
      maxBit = top.maxBit;
      const bit = top.entry.bit;
      linearized[bit >>> 5] &= ~(1 << (bit & 31));
      h1 ^= zobrist[2 * bit];
      h2 ^= zobrist[2 * bit + 1];
      unlift(top.entry);
      entry = top.entry.next!;
    }
  }
  return { verdict: "ok" };
}

/** The words of the linearized set from the boundary's word to the highest linearized bit. */
function tailOf(bits: Uint32Array, boundary: number, maxBit: number): Uint32Array {
  return maxBit < boundary ? EMPTY : bits.slice(boundary >>> 5, (maxBit >>> 5) + 1);
}

const EMPTY = new Uint32Array(0);

/** Call and return entries in time order (calls first at equal times: overlapping is the permissive reading). */
function buildEntries(ops: readonly LinOp[]): Entry {
  const events: Array<{ id: number; isCall: boolean; time: number }> = [];
  for (const op of ops) {
    events.push({ id: op.id, isCall: true, time: op.call });
    events.push({ id: op.id, isCall: false, time: op.ret });
  }
  events.sort((a, b) => a.time - b.time || (a.isCall === b.isCall ? a.id - b.id : a.isCall ? -1 : 1));
  const head: Entry = { id: -1, bit: -1, isCall: false, time: -Infinity, prev: null, next: null, match: null };
  const calls = new Map<number, Entry>();
  let last = head;
  let bits = 0;
  for (const e of events) {
    const call = e.isCall ? undefined : calls.get(e.id)!;
    const entry: Entry = { ...e, bit: call ? call.bit : bits++, prev: last, next: null, match: null };
    last.next = entry;
    last = entry;
    if (call) call.match = entry;
    else calls.set(e.id, entry);
  }
  return head;
}

/** Takes a call and its return out of the list (the op is linearized). */
function lift(call: Entry): void {
  call.prev!.next = call.next;
  if (call.next) call.next.prev = call.prev;
  const ret = call.match!;
  ret.prev!.next = ret.next;
  if (ret.next) ret.next.prev = ret.prev;
}

/** Puts them back, in reverse order of lift. */
function unlift(call: Entry): void {
  const ret = call.match!;
  ret.prev!.next = ret;
  if (ret.next) ret.next.prev = ret;
  call.prev!.next = call;
  if (call.next) call.next.prev = call;
}

/** Adds the configuration to the cache; returns the bytes it took, or 0 when it was there already. */
function remember(cache: Map<number, Seen[]>, h1: number, seen: Seen): number {
  const bytes = 120 + seen.tail.length * 4 + seen.stateKey.length * 2;
  const bucket = cache.get(h1);
  if (bucket === undefined) {
    cache.set(h1, [seen]);
    return bytes;
  }
  for (const other of bucket) if (sameConfiguration(other, seen)) return 0;
  bucket.push(seen);
  return bytes;
}

function sameConfiguration(a: Seen, b: Seen): boolean {
  if (a.h2 !== b.h2 || a.boundary !== b.boundary || a.stateKey !== b.stateKey || a.tail.length !== b.tail.length) return false;
  for (let i = 0; i < a.tail.length; i++) if (a.tail[i] !== b.tail[i]) return false;
  return true;
}

function setOf<S>(model: Model<S>, states: S[]): StateSet<S> {
  if (states.length === 1) return single(model, states[0]);
  const byKey = new Map<string, S>();
  for (const s of states) byKey.set(model.key(s), s);
  const keys = [...byKey.keys()].sort();
  const key = keys.join("\u0001");
  return { states: keys.map((k) => byKey.get(k)!), key, hash: hashString(key) };
}

function single<S>(model: Model<S>, state: S): StateSet<S> {
  const key = model.key(state);
  return { states: [state], key, hash: hashString(key) };
}

/** FNV-1a, mixed so that similar keys land far apart. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
}

function stepSet<S>(model: Model<S>, set: StateSet<S>, op: LinOp): StateSet<S> | undefined {
  // The common case, kept free of allocation beyond the step itself.
  if (op.ok && set.states.length === 1) {
    const next = model.step(set.states[0], op);
    if (next.length === 0) return undefined;
    return next.length === 1 ? single(model, next[0]) : setOf(model, next);
  }
  const next: S[] = op.ok ? [] : [...set.states];
  for (const s of set.states) for (const t of model.step(s, op)) next.push(t);
  return next.length === 0 ? undefined : setOf(model, next);
}

function counterexample<S>(model: Model<S>, calls: Array<Frame<S>>, state: StateSet<S>, blocked: number): Counterexample {
  const describe = model.describeState ?? model.key;
  return {
    linearization: calls.map((c) => c.entry.id),
    states: state.states.map((s) => describe(s)),
    unplaceable: [blocked],
  };
}

function sameOps(a: Counterexample, b: Counterexample): boolean {
  return a.linearization.length === b.linearization.length && a.linearization.every((id, i) => id === b.linearization[i]);
}

/** Two random 32-bit words per op: the hash of a linearized set is the XOR of its members'. */
function zobristTable(n: number): Int32Array {
  const table = new Int32Array(2 * n);
  let x = 0x9e3779b9 ^ n;
  for (let i = 0; i < table.length; i++) {
    // xorshift32: deterministic, so a run's verdict and counterexample never depend on chance.
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    table[i] = x;
  }
  return table;
}
