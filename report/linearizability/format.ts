// How the linearizability page writes ops, processes, times and verdicts (escaping and
// truncating are report/format.ts's).
import { formatValue } from "../../history/format.js";
import type { LinOp, PartitionVerdict } from "../../checkers/linearizable/types.js";
import { safeJson, truncate } from "../format.js";
import { LABEL_VALUE_CHARS } from "./limits.js";

export function isFiniteNumber(n: unknown): n is number {
  return typeof n === "number" && Number.isFinite(n);
}

/** A value as people write it (history/format.ts), a little deeper than the run report's. */
function labelValue(v: unknown): string {
  return formatValue(v, { maxDepth: 4, maxItems: 32 });
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || safeJson(a) === safeJson(b);
}

function hasValue(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Short label of an op, drawn on its bar: `f input -> output` (e.g. `write 3`, `read -> 4`, `cas [3 4]`). */
export function defaultDescribe(op: LinOp): string {
  let s = op.f;
  if (hasValue(op.input)) s += ` ${truncate(labelValue(op.input), LABEL_VALUE_CHARS)}`;
  if (op.ok) {
    if (op.output !== undefined && !(hasValue(op.input) && sameValue(op.input, op.output))) {
      s += ` -> ${truncate(labelValue(op.output), LABEL_VALUE_CHARS)}`;
    }
  } else if (!hasValue(op.input)) {
    s += " -> ?";
  }
  return s;
}

export function processName(p: number | string): string {
  return typeof p === "number" ? `p${p}` : String(p);
}

/** A time or duration in ns, with a unit that suits it. */
export function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return ns > 0 ? "∞" : "-∞";
  const a = Math.abs(ns);
  if (ns === 0) return "0";
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${(ns / 1e3).toFixed(3)} µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${(ns / 1e9).toFixed(3)} s`;
}

/** An axis step of 1, 2 or 5 times a power of ten giving about `target` ticks over `span`. */
export function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

export function tickLabel(ns: number, step: number): string {
  const [unit, size] = step >= 1e8 ? ["s", 1e9] : step >= 1e5 ? ["ms", 1e6] : step >= 1e2 ? ["µs", 1e3] : ["ns", 1];
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / size) + 1e-9)));
  return `${(ns / size).toFixed(decimals)} ${unit}`;
}

export function verdictOf(v: string): PartitionVerdict {
  return v === "ok" || v === "illegal" ? v : "unknown";
}

/** Illegal partitions first, then unknown, then ok. */
export function verdictRank(v: PartitionVerdict): number {
  return v === "illegal" ? 0 : v === "unknown" ? 1 : 2;
}

