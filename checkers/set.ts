// Set checker (Jepsen's `set` checker): every acknowledged SADD must be in the
// final read of its key, and the final read may only hold values whose add could
// have happened. Pure: it looks at the history and nothing else.

import { outcomeOf, pairOps, type History, type Op, type Pair } from "../history/op.js";
import type { Validity, Verdict } from "../core/verdict.js";
import { fitsOwnWorkloads, type Checker, type CheckerDescriptor } from "./checker.js";

/** An acknowledged add that the final read does not contain. */
export interface LostAdd {
  key: string;
  value: unknown;
  /** Time of the `ok` completion: when the system promised the write. */
  ackTime: number;
  invokeTime: number;
  node: string | null;
  process: number;
}

/** A value in the final read that no add could have put there. */
export interface UnexpectedValue {
  key: string;
  value: unknown;
  /** `never-added`: no add of it was invoked; `failed`: every add of it failed. */
  reason: "never-added" | "failed";
}

export interface SetCounts {
  attempted: number;
  acknowledged: number;
  failed: number;
  indeterminate: number;
  /** Distinct values in the final read. */
  present: number;
  lost: number;
  unexpected: number;
  /** Indeterminate adds that turned out to have happened. */
  recovered: number;
  /**
   * Acknowledged adds missing from the final read but not acknowledged before that read
   * began: they were concurrent with it, so their absence proves nothing.
   */
  concurrentWithRead: number;
}

export interface SetKeyReport extends SetCounts {
  /** Whether the key has an ok final read; without it nothing else can be judged. */
  finalRead: boolean;
  finalReadTime: number | null;
}

export interface SetDetails {
  [field: string]: unknown;
  counts: SetCounts;
  keys: Record<string, SetKeyReport>;
  /** Every lost add, oldest acknowledgement first. */
  lost: LostAdd[];
  unexpected: UnexpectedValue[];
  /** Keys that had adds but no ok final read. */
  keysWithoutFinalRead: string[];
  /** Keys whose last ok read did not return an array (reported, treated as unread). */
  keysWithMalformedRead: string[];
}

interface KeyOps {
  adds: Pair[];
  /** Last ok read, in history order. */
  finalRead?: Pair;
}

/**
 * Values are compared through a canonical string so that `5` from the workload and
 * `"5"` from a Redis reply that escaped parsing still match.
 */
function canon(value: unknown): string {
  return typeof value === "number" || typeof value === "string" ? String(value) : JSON.stringify(value);
}

const keyOf = (p: Pair): string => p.invoke.key ?? p.complete?.key ?? "";

/** The add's value lives on the invocation; a completion may echo it. */
const addValue = (p: Pair): unknown => p.invoke.value ?? p.complete?.value;

function emptyCounts(): SetCounts {
  return {
    attempted: 0, acknowledged: 0, failed: 0, indeterminate: 0,
    present: 0, lost: 0, unexpected: 0, recovered: 0, concurrentWithRead: 0,
  };
}

function groupByKey(history: History): Map<string, KeyOps> {
  const keys = new Map<string, KeyOps>();
  const slot = (k: string): KeyOps => {
    let s = keys.get(k);
    if (!s) keys.set(k, (s = { adds: [] }));
    return s;
  };
  for (const pair of pairOps(history)) {
    if (pair.invoke.f === "add") slot(keyOf(pair)).adds.push(pair);
    // History is in completion order, so the last ok read seen is the final one.
    else if (pair.invoke.f === "read" && outcomeOf(pair) === "ok") slot(keyOf(pair)).finalRead = pair;
  }
  return keys;
}

/** Judges one key; pushes its lost and unexpected entries onto the shared lists. */
function checkKey(key: string, ops: KeyOps, lost: LostAdd[], unexpected: UnexpectedValue[]): SetKeyReport {
  const counts = emptyCounts();
  for (const add of ops.adds) {
    counts.attempted++;
    const o = outcomeOf(add);
    if (o === "ok") counts.acknowledged++;
    else if (o === "fail") counts.failed++;
    else counts.indeterminate++;
  }

  const read = ops.finalRead?.complete;
  const readValue = read?.value;
  if (!ops.finalRead || !read || !Array.isArray(readValue)) {
    return { ...counts, finalRead: false, finalReadTime: null };
  }

  const present = new Map<string, unknown>();
  for (const v of readValue) present.set(canon(v), v);
  counts.present = present.size;
  const readStart = ops.finalRead.invoke.time;

  // What the adds of each value allow: any ok or info add means the value may be there.
  const mayExist = new Set<string>();
  const invoked = new Set<string>();
  for (const add of ops.adds) {
    const c = canon(addValue(add));
    invoked.add(c);
    const o = outcomeOf(add);
    if (o !== "fail") mayExist.add(c);
    const isPresent = present.has(c);
    if (o === "info" && isPresent) counts.recovered++;
    if (o === "ok" && !isPresent) {
      const ack = add.complete as Op;
      if (ack.time < readStart) {
        counts.lost++;
        lost.push({
          key, value: addValue(add), ackTime: ack.time, invokeTime: add.invoke.time,
          node: ack.node ?? null, process: add.invoke.process as number,
        });
      } else {
        counts.concurrentWithRead++;
      }
    }
  }

  for (const [c, v] of present) {
    if (mayExist.has(c)) continue;
    counts.unexpected++;
    unexpected.push({ key, value: v, reason: invoked.has(c) ? "failed" : "never-added" });
  }
  return { ...counts, finalRead: true, finalReadTime: read.time };
}

function sumCounts(reports: SetKeyReport[]): SetCounts {
  const total = emptyCounts();
  for (const r of reports) {
    for (const f of Object.keys(total) as (keyof SetCounts)[]) total[f] += r[f];
  }
  return total;
}

function keysWith(reports: [string, SetKeyReport][], pred: (r: SetKeyReport) => boolean): string[] {
  return reports.filter(([, r]) => pred(r)).map(([k]) => k);
}

/** Names a few keys; the summary is one line even when hundreds of keys are involved. */
function listKeys(keys: string[], max = 5): string {
  return keys.length <= max ? keys.join(", ") : `${keys.slice(0, max).join(", ")} and ${keys.length - max} more`;
}

function summarise(d: SetDetails): string {
  const { counts } = d;
  const lostKeys = [...new Set(d.lost.map((l) => l.key))].sort();
  const keyNote = lostKeys.length ? ` (${lostKeys.length === 1 ? "key" : "keys"} ${listKeys(lostKeys)})` : "";
  let s = `${counts.lost} of ${counts.acknowledged} acknowledged adds lost${keyNote}; ${counts.unexpected} unexpected`;
  if (counts.recovered) s += `; ${counts.recovered} indeterminate recovered`;
  if (d.keysWithoutFinalRead.length) s += `; no final read for ${listKeys(d.keysWithoutFinalRead)}`;
  return s;
}

export function checkSet(history: History): Verdict {
  const lost: LostAdd[] = [];
  const unexpected: UnexpectedValue[] = [];
  const reports: [string, SetKeyReport][] = [];
  const malformed: string[] = [];
  const byKey = [...groupByKey(history)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [key, ops] of byKey) {
    reports.push([key, checkKey(key, ops, lost, unexpected)]);
    if (ops.finalRead && !Array.isArray(ops.finalRead.complete?.value)) malformed.push(key);
  }
  lost.sort((a, b) => a.ackTime - b.ackTime);
  // fromEntries defines own properties, so even a key named "__proto__" is kept as data.
  const keys: Record<string, SetKeyReport> = Object.fromEntries(reports);

  const details: SetDetails = {
    counts: sumCounts(reports.map(([, r]) => r)),
    keys,
    lost,
    unexpected,
    keysWithoutFinalRead: keysWith(reports, (r) => r.attempted > 0 && !r.finalRead),
    keysWithMalformedRead: malformed,
  };
  let valid: Validity = true;
  if (lost.length || unexpected.length) valid = false;
  else if (details.keysWithoutFinalRead.length) valid = "unknown";
  return { valid, summary: summarise(details), details };
}

export const setChecker = { name: "set", check: checkSet } satisfies Checker;

export const descriptor: CheckerDescriptor = {
  name: "set",
  doc: "every acknowledged add is in the final read, and the final read holds nothing never added",
  unfit: fitsOwnWorkloads("set"),
  configure: () => setChecker,
};
