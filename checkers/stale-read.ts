// Stale-read checker: reads served by replicas while writes go to the primary (the
// stale-read workload), and how far behind each read was:
//
// - in acknowledged writes: the writes of the key acknowledged before the read began and
//   begun after the write whose value it returned completed: they were surely in the
//   primary's state before the read started, and the read did not see them;
// - in milliseconds: how long the oldest of those had been acknowledged when the read began.
//
// Both are lower bounds (concurrent writes count for nothing), so a read with 0 is not proven
// stale. Results: the distribution (percentiles, histogram) and the stalest reads. Verdict:
// invalid when a read returns a value no write wrote (or whose every write failed), when a
// replica acknowledged a write sent through a replica connection (`replica-write` whose
// transaction's ROLE said slave: replica-read-only broken), or when the spec asks for
// linearizable replica reads and any read is behind; unknown when no read succeeded; valid
// otherwise, with the staleness reported. Pure.
import { outcomeOf, pairOps, type History, type Pair } from "../history/op.js";
import type { Validity, Verdict } from "../core/verdict.js";
import { fitsOwnWorkloads, type Checker, type CheckerDescriptor } from "./checker.js";

export interface StaleReadOptions {
  /** The spec asks for linearizable replica reads: any stale read is invalid. */
  linearizable?: boolean;
}

export interface StaleRead {
  key: string;
  value: unknown;
  node: string | null;
  invokeTime: number;
  completeTime: number;
  process: number;
  behindWrites: number;
  behindMs: number;
  /** The newest value acknowledged before the read began. */
  latestAcknowledged: unknown;
}

export interface Distribution {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Upper bound of each bucket (inclusive) -> reads in it; the last bucket is "more". */
  histogram: { upTo: number | "more"; count: number }[];
}

export interface StaleReadDetails {
  [field: string]: unknown;
  reads: number;
  stale: number;
  /** Reads served per node (a replica, or the primary when no replica was available). */
  servedBy: Record<string, number>;
  behindWrites: Distribution;
  behindMs: Distribution;
  /** The stalest reads, by milliseconds behind, at most 20. */
  stalest: StaleRead[];
  /** Reads of values that no write could have produced. */
  impossible: { key: string; value: unknown; node: string | null; invokeTime: number; reason: string }[];
  /** Writes through a replica connection that a replica acknowledged (it should answer READONLY). */
  replicaAcknowledged: { key: string; value: unknown; node: string | null; invokeTime: number }[];
  linearizableRequired: boolean;
}

const MS_BUCKETS = [0, 1, 10, 100, 1000, 10_000];
const WRITE_BUCKETS = [0, 1, 10, 100, 1000];
const STALEST = 20;

export function checkStaleReads(history: History, options: StaleReadOptions = {}): Verdict {
  const byKey = new Map<string, { writes: Pair[]; reads: Pair[] }>();
  for (const p of pairOps(history)) {
    const key = p.invoke.key ?? "";
    const slot = byKey.get(key) ?? { writes: [], reads: [] };
    byKey.set(key, slot);
    if (p.invoke.f === "write" || p.invoke.f === "replica-write") slot.writes.push(p);
    else if (p.invoke.f === "read" && outcomeOf(p) === "ok") slot.reads.push(p);
  }
  const all: StaleRead[] = [];
  const impossible: StaleReadDetails["impossible"] = [];
  const servedBy: Record<string, number> = {};
  const replicaAcknowledged: StaleReadDetails["replicaAcknowledged"] = [];
  for (const [key, { writes, reads }] of byKey) {
    for (const w of writes) {
      if (w.invoke.f === "replica-write" && outcomeOf(w) === "ok" && w.complete!.value === "slave") {
        replicaAcknowledged.push({ key, value: w.invoke.value, node: w.complete!.node ?? null, invokeTime: w.invoke.time });
      }
    }
    // Lower bounds: only the primary's writes count as acknowledged.
    const acked = writes.filter((w) => w.invoke.f === "write" && outcomeOf(w) === "ok").sort((a, b) => a.complete!.time - b.complete!.time);
    const byValue = new Map<string, Pair[]>();
    for (const w of writes) {
      const k = String(w.invoke.value);
      byValue.set(k, [...(byValue.get(k) ?? []), w]);
    }
    for (const r of reads) {
      const done = r.complete!;
      const node = done.node ?? null;
      servedBy[node ?? "?"] = (servedBy[node ?? "?"] ?? 0) + 1;
      const v = done.value;
      // The write that produced the value: the read began after it completed, or overlaps it.
      let after: number; // writes begun after this time are surely newer than the value read
      if (v === null || v === undefined) after = -Infinity;
      else {
        const sources = (byValue.get(String(v)) ?? []).filter((w) => w.invoke.time <= done.time);
        if (sources.length === 0) {
          impossible.push({ key, value: v, node, invokeTime: r.invoke.time, reason: "never written" });
          continue;
        }
        const possible = sources.filter((w) => !failed(w));
        if (possible.length === 0) {
          impossible.push({ key, value: v, node, invokeTime: r.invoke.time, reason: "every write of it failed" });
          continue;
        }
        // Of several writes of one value (never, with unique values), the latest possible completion.
        after = Math.max(...possible.map((w) => (outcomeOf(w) === "ok" ? w.complete!.time : Infinity)));
      }
      const missed = acked.filter((w) => w.complete!.time < r.invoke.time && w.invoke.time > after);
      const oldest = missed.length ? Math.min(...missed.map((w) => w.complete!.time)) : undefined;
      const latest = acked.filter((w) => w.complete!.time < r.invoke.time).at(-1);
      all.push({
        key,
        value: v ?? null,
        node,
        invokeTime: r.invoke.time,
        completeTime: done.time,
        process: r.invoke.process as number,
        behindWrites: missed.length,
        behindMs: oldest === undefined ? 0 : (r.invoke.time - oldest) / 1e6,
        latestAcknowledged: latest?.invoke.value ?? null,
      });
    }
  }
  const stale = all.filter((r) => r.behindWrites > 0);
  const details: StaleReadDetails = {
    reads: all.length + impossible.length,
    stale: stale.length,
    servedBy,
    behindWrites: distribution(all.map((r) => r.behindWrites), WRITE_BUCKETS),
    behindMs: distribution(all.map((r) => r.behindMs), MS_BUCKETS),
    stalest: [...stale].sort((a, b) => b.behindMs - a.behindMs || b.behindWrites - a.behindWrites).slice(0, STALEST),
    impossible,
    replicaAcknowledged,
    linearizableRequired: options.linearizable ?? false,
  };
  let valid: Validity = true;
  if (impossible.length > 0 || replicaAcknowledged.length > 0 || (details.linearizableRequired && stale.length > 0)) valid = false;
  else if (details.reads === 0) valid = "unknown";
  return { valid, summary: summarise(details), details, report: reportLines(details) };
}

/** A write that surely did not happen: it failed, or a read-only replica refused it. */
function failed(w: Pair): boolean {
  return outcomeOf(w) === "fail" || (w.invoke.f === "replica-write" && w.complete?.value === "refused");
}

export const descriptor: CheckerDescriptor = {
  name: "stale-read",
  doc: "replica reads returned written values, and how stale they were (with expect.replica-reads: linearizable, none may be)",
  unfit: fitsOwnWorkloads("stale-read"),
  configure: (run) => staleReadChecker(run ? { linearizable: run.spec.expect.replicaReads === "linearizable" } : {}),
};

export function staleReadChecker(options: StaleReadOptions = {}): Checker {
  return { name: "stale-read", check: (history) => checkStaleReads(history, options) };
}

function distribution(values: number[], buckets: number[]): Distribution {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0);
  const histogram: Distribution["histogram"] = buckets.map((upTo) => ({ upTo, count: 0 }));
  histogram.push({ upTo: "more", count: 0 });
  for (const v of values) {
    const i = buckets.findIndex((b) => v <= b);
    histogram[i < 0 ? buckets.length : i].count++;
  }
  return {
    count: values.length,
    p50: round(at(0.5)),
    p90: round(at(0.9)),
    p99: round(at(0.99)),
    max: round(sorted.at(-1) ?? 0),
    mean: round(values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0),
    histogram,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function summarise(d: StaleReadDetails): string {
  if (d.reads === 0) return "no replica read succeeded";
  const parts = [
    `${d.stale} of ${d.reads} replica reads stale`,
    `behind by writes p50 ${d.behindWrites.p50} / p99 ${d.behindWrites.p99} / max ${d.behindWrites.max}`,
    `by ms p50 ${d.behindMs.p50} / p99 ${d.behindMs.p99} / max ${d.behindMs.max}`,
  ];
  if (d.linearizableRequired && d.stale > 0) parts.push("the spec asks for linearizable replica reads");
  if (d.impossible.length) parts.push(`${d.impossible.length} reads of values never written`);
  if (d.replicaAcknowledged.length) {
    const nodes = [...new Set(d.replicaAcknowledged.map((w) => w.node ?? "?"))].join(", ");
    parts.push(`${d.replicaAcknowledged.length} writes acknowledged by a replica (${nodes}), which should refuse them (READONLY)`);
  }
  return parts.join("; ");
}

function reportLines(d: StaleReadDetails): string[] {
  const hist = (x: Distribution, unit: string) =>
    x.histogram.map((h) => `${h.upTo === "more" ? `>${x.histogram.at(-2)!.upTo}` : `<=${h.upTo}`}${unit}: ${h.count}`).join(", ");
  const served = Object.entries(d.servedBy).map(([n, c]) => `${n} ${c}`).join(", ");
  return [`served by ${served}`, `behind (writes): ${hist(d.behindWrites, "")}`, `behind (ms): ${hist(d.behindMs, " ms")}`];
}
