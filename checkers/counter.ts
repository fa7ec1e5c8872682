// Counter checker (Jepsen's `counter` checker, generalised to signed deltas).
//
// For an ok read R of a key, an add is
//   - certain   if its ok completion came before R was invoked;
//   - possible  if it was invoked before R completed and did not fail (ok, info or open);
//   - excluded  otherwise (failed, or invoked after R completed).
// Every certain add is also possible. The value R may see is the certain sum plus any
// subset of the other possible deltas, so with positive and negative parts split:
//   lower = (positive certain) + (negative possible)
//   upper = (positive possible) + (negative certain)
// For increments only this is Jepsen's rule: acknowledged <= value <= acknowledged + pending.

import { outcomeOf, pairOps, type History, type Pair } from "../history/op.js";
import type { Validity, Verdict } from "../core/verdict.js";
import { fitsOwnWorkloads, type Checker, type CheckerDescriptor } from "./checker.js";

export interface CounterError {
  key: string;
  /** What the read returned (as recorded, even if it was not an integer). */
  value: unknown;
  expected: { lower: number; upper: number };
  /** Completion time of the read. */
  time: number;
  invokeTime: number;
  process: number;
  node: string | null;
}

export interface CounterFinal {
  /** The last ok read of the key, with its bounds. */
  value: number | null;
  lower: number;
  upper: number;
  time: number;
  /** Sum of every acknowledged delta, whenever it was acknowledged. */
  acknowledged: number;
  /** Sum of every indeterminate (info or never completed) delta. */
  indeterminate: number;
  /** Acknowledged increments missing from the final value: max(0, lower - value). */
  lost: number;
  valid: boolean;
}

export interface CounterKeyReport {
  adds: { attempted: number; ok: number; fail: number; info: number };
  reads: number;
  errors: number;
  /** Null when the key has no ok read. */
  final: CounterFinal | null;
}

export interface CounterDetails {
  [field: string]: unknown;
  reads: number;
  errorCount: number;
  /** Every out-of-bounds read, in time order. */
  errors: CounterError[];
  keys: Record<string, CounterKeyReport>;
  /** Keys that had adds but not a single ok read. */
  keysWithoutRead: string[];
  /** Adds whose delta was not an integer; they make their key's verdict unknown. */
  malformedAdds: { key: string; value: unknown; invokeTime: number; process: number }[];
  /** Sum over keys of `final.lost`. */
  lost: number;
}

/** Integers, integer strings (a raw Redis reply) and null (GET of a missing key is 0). */
function toInt(v: unknown): number | undefined {
  if (v === null) return 0;
  if (typeof v === "number") return Number.isSafeInteger(v) ? v : undefined;
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return toInt(Number(v.trim()));
  return undefined;
}

const keyOf = (p: Pair): string => p.invoke.key ?? p.complete?.key ?? "";

/**
 * Sums of deltas of points sorted by time, so "sum of those at or before t" (or strictly
 * before t) is a binary search plus a prefix lookup. Keeps each read O(log n).
 */
class PrefixSums {
  private readonly times: number[];
  private readonly pos: number[];
  private readonly neg: number[];

  constructor(points: { time: number; delta: number }[]) {
    const sorted = [...points].sort((a, b) => a.time - b.time);
    this.times = sorted.map((p) => p.time);
    this.pos = [0];
    this.neg = [0];
    for (const p of sorted) {
      this.pos.push(this.pos[this.pos.length - 1] + Math.max(0, p.delta));
      this.neg.push(this.neg[this.neg.length - 1] + Math.min(0, p.delta));
    }
  }

  /** Positive and negative sums of points with time < t (strict) or <= t. */
  before(t: number, inclusive: boolean): { pos: number; neg: number } {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.times[mid] < t || (inclusive && this.times[mid] === t)) lo = mid + 1;
      else hi = mid;
    }
    return { pos: this.pos[lo], neg: this.neg[lo] };
  }
}

interface KeyOps {
  adds: Pair[];
  reads: Pair[];
}

function groupByKey(history: History): Map<string, KeyOps> {
  const keys = new Map<string, KeyOps>();
  for (const pair of pairOps(history)) {
    const f = pair.invoke.f;
    if (f !== "add" && f !== "read") continue;
    const k = keyOf(pair);
    let slot = keys.get(k);
    if (!slot) keys.set(k, (slot = { adds: [], reads: [] }));
    if (f === "add") slot.adds.push(pair);
    else if (outcomeOf(pair) === "ok") slot.reads.push(pair);
  }
  return keys;
}

function checkKey(key: string, ops: KeyOps, details: CounterDetails): CounterKeyReport {
  const certain: { time: number; delta: number }[] = [];
  const possible: { time: number; delta: number }[] = [];
  const counts = { attempted: 0, ok: 0, fail: 0, info: 0 };
  let acknowledged = 0;
  let indeterminate = 0;
  for (const add of ops.adds) {
    counts.attempted++;
    const o = outcomeOf(add);
    counts[o]++;
    const delta = toInt(add.invoke.value ?? add.complete?.value);
    if (delta === undefined) {
      details.malformedAdds.push({ key, value: add.invoke.value, invokeTime: add.invoke.time, process: add.invoke.process as number });
      continue;
    }
    if (o === "fail") continue; // a failed add certainly did not happen
    possible.push({ time: add.invoke.time, delta });
    if (o === "ok") {
      certain.push({ time: add.complete!.time, delta });
      acknowledged += delta;
    } else {
      indeterminate += delta;
    }
  }
  const certainSums = new PrefixSums(certain);
  const possibleSums = new PrefixSums(possible);

  // Ties on time are resolved towards wider bounds: only strictly earlier acks are
  // certain, and adds invoked at the very instant the read completed are possible.
  const boundsOf = (read: Pair): { lower: number; upper: number } => {
    const c = certainSums.before(read.invoke.time, false);
    const p = possibleSums.before(read.complete!.time, true);
    return { lower: c.pos + p.neg, upper: p.pos + c.neg };
  };

  let errors = 0;
  let final: CounterFinal | null = null;
  for (const read of ops.reads) {
    const done = read.complete!;
    const value = toInt(done.value);
    const { lower, upper } = boundsOf(read);
    const ok = value !== undefined && lower <= value && value <= upper;
    if (!ok) {
      errors++;
      details.errors.push({
        key, value: done.value, expected: { lower, upper }, time: done.time,
        invokeTime: read.invoke.time, process: read.invoke.process as number, node: done.node ?? null,
      });
    }
    // Reads are in completion order, so the last one is the final state of the key.
    final = {
      value: value ?? null, lower, upper, time: done.time, acknowledged, indeterminate,
      lost: value === undefined ? 0 : Math.max(0, lower - value), valid: ok,
    };
  }
  return { adds: counts, reads: ops.reads.length, errors, final };
}

/** Names a few keys; the summary is one line even when hundreds of keys are involved. */
function listKeys(keys: string[], max = 5): string {
  return keys.length <= max ? keys.join(", ") : `${keys.slice(0, max).join(", ")} and ${keys.length - max} more`;
}

/** One line: the error count, then the final value of the keys worth reading about. */
function summarise(d: CounterDetails, reports: [string, CounterKeyReport][]): string {
  const badKeys = reports.filter(([, r]) => r.errors > 0).map(([k]) => k);
  const keyNote = badKeys.length ? ` (${badKeys.length === 1 ? "key" : "keys"} ${listKeys(badKeys)})` : "";
  const parts = [`${d.errorCount} of ${d.reads} reads out of bounds${keyNote}`];
  // Keys whose end state is wrong always; otherwise all of them when there are few.
  const finals = reports.filter(([, r]) => r.final !== null);
  const troubled = finals.filter(([, r]) => !r.final!.valid || r.final!.lost > 0);
  for (const [k, r] of (troubled.length ? troubled : finals.length <= 3 ? finals : []).slice(0, 3)) {
    const f = r.final!;
    parts.push(`final ${k} = ${f.value ?? "?"} in [${f.lower}, ${f.upper}]` + (f.lost > 0 ? `, ${f.lost} acknowledged lost` : ""));
  }
  if (troubled.length > 3) parts.push(`${troubled.length - 3} more keys with a bad final value`);
  if (d.keysWithoutRead.length) parts.push(`no read for ${listKeys(d.keysWithoutRead)}`);
  if (d.malformedAdds.length) parts.push(`${d.malformedAdds.length} adds with non-integer delta`);
  return parts.join("; ");
}

export function checkCounter(history: History): Verdict {
  const details: CounterDetails = {
    reads: 0, errorCount: 0, errors: [], keys: {}, keysWithoutRead: [], malformedAdds: [], lost: 0,
  };
  const reports: [string, CounterKeyReport][] = [];
  const byKey = [...groupByKey(history)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, ops] of byKey) {
    const report = checkKey(key, ops, details);
    reports.push([key, report]);
    details.reads += report.reads;
    details.lost += report.final?.lost ?? 0;
    if (report.adds.attempted > 0 && report.reads === 0) details.keysWithoutRead.push(key);
  }
  // fromEntries defines own properties, so even a key named "__proto__" is kept as data.
  details.keys = Object.fromEntries(reports);
  details.errors.sort((a, b) => a.time - b.time);
  details.errorCount = details.errors.length;

  let valid: Validity = true;
  if (details.errorCount > 0) valid = false;
  else if (details.keysWithoutRead.length || details.malformedAdds.length) valid = "unknown";
  return { valid, summary: summarise(details, reports), details };
}

export const counterChecker = { name: "counter", check: checkCounter } satisfies Checker;

export const descriptor: CheckerDescriptor = {
  name: "counter",
  doc: "every read lies between the increments acknowledged before it began and those invoked before it ended",
  unfit: fitsOwnWorkloads("counter"),
  configure: () => counterChecker,
};
