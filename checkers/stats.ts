// Stats checker (Jepsen's `stats`): outcome counts per operation function, and the
// one judgement Jepsen draws from them: a function that was invoked but never once
// succeeded means the test exercised nothing, so the run is invalid.

import { isClientOp, outcomeOf, pairOps, type History } from "../history/op.js";
import type { Verdict } from "../core/verdict.js";
import type { Checker, CheckerDescriptor } from "./checker.js";

/** How many distinct error texts to keep per function; the rest are summed. */
export const TOP_ERRORS = 10;

export interface FStats {
  invoked: number;
  ok: number;
  fail: number;
  /** Includes invocations that never completed. */
  info: number;
  /** The part of `info` that never completed at all. */
  unfinished: number;
  /** Most frequent error texts of fail and info completions, most frequent first. */
  errors: { error: string; count: number }[];
  /** Completions with an error text not among the top ones. */
  otherErrors: number;
}

export interface StatsDetails {
  [field: string]: unknown;
  /** Per `f`, in order of first invocation. */
  byF: Record<string, FStats>;
  /** Functions invoked at least once that never returned ok. */
  neverOk: string[];
  nemesis: { ops: number; byF: Record<string, number> };
}

function newStats(): FStats {
  return { invoked: 0, ok: 0, fail: 0, info: 0, unfinished: 0, errors: [], otherErrors: 0 };
}

/** Error texts by count (ties alphabetically, so the output is stable), cut to TOP_ERRORS. */
function topErrors(counts: Map<string, number>): { top: { error: string; count: number }[]; other: number } {
  const all = [...counts].map(([error, count]) => ({ error, count }));
  all.sort((a, b) => b.count - a.count || (a.error < b.error ? -1 : a.error > b.error ? 1 : 0));
  const top = all.slice(0, TOP_ERRORS);
  const other = all.slice(TOP_ERRORS).reduce((n, e) => n + e.count, 0);
  return { top, other };
}

/**
 * Nemesis ops are counted by invocation; a nemesis that logs only completions is
 * counted by those instead, so it is never reported as zero when it acted.
 */
function nemesisCounts(history: History): { ops: number; byF: Record<string, number> } {
  const nemesis = history.filter((op) => !isClientOp(op));
  const invokes = nemesis.filter((op) => op.type === "invoke");
  const counted = invokes.length ? invokes : nemesis;
  const byF = new Map<string, number>();
  for (const op of counted) byF.set(op.f, (byF.get(op.f) ?? 0) + 1);
  return { ops: counted.length, byF: Object.fromEntries(byF) };
}

export function checkStats(history: History): Verdict {
  // Maps, not object literals, while counting: an `f` such as "constructor" must not
  // find a property inherited from Object.prototype.
  const stats = new Map<string, FStats>();
  const errorTexts = new Map<string, Map<string, number>>();
  for (const pair of pairOps(history)) {
    const f = pair.invoke.f;
    let s = stats.get(f);
    if (!s) stats.set(f, (s = newStats()));
    s.invoked++;
    const o = outcomeOf(pair);
    s[o]++;
    if (!pair.complete) s.unfinished++;
    const err = pair.complete?.error;
    if (err !== undefined && o !== "ok") {
      let texts = errorTexts.get(f);
      if (!texts) errorTexts.set(f, (texts = new Map()));
      texts.set(err, (texts.get(err) ?? 0) + 1);
    }
  }
  for (const [f, texts] of errorTexts) {
    const { top, other } = topErrors(texts);
    const s = stats.get(f)!;
    s.errors = top;
    s.otherErrors = other;
  }
  const byF: Record<string, FStats> = Object.fromEntries(stats);

  const neverOk = [...stats].filter(([, s]) => s.invoked > 0 && s.ok === 0).map(([f]) => f);
  const details: StatsDetails = { byF, neverOk, nemesis: nemesisCounts(history) };
  const perF = [...stats].map(([f, s]) => `${f}: ${s.ok} ok, ${s.fail} fail, ${s.info} info`);
  let summary = perF.length ? perF.join("; ") : "no client operations";
  if (neverOk.length) summary += `; never ok: ${neverOk.join(", ")}`;
  return { valid: neverOk.length === 0, summary, details };
}

export const statsChecker = { name: "stats", check: checkStats } satisfies Checker;

/** Fits every run: any history has op counts and errors to summarise. */
export const descriptor: CheckerDescriptor = {
  name: "stats",
  doc: "every kind of op invoked succeeded at least once; outcome counts and the commonest errors per kind",
  unfit: () => undefined,
  configure: () => statsChecker,
};
