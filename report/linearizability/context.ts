// What the parts of one linearizability page share while it is rendered: the time origin, the
// faults, how ops are labelled, and how much is still left to draw.
import type { FaultInterval, LinOp } from "../../checkers/linearizable/types.js";
import { safeJson, truncate } from "../format.js";
import { defaultDescribe, fmtNs, isFiniteNumber, processName } from "./format.js";
import { TOOLTIP_VALUE_CHARS } from "./limits.js";

export interface PageContext {
  /** Times on the page are relative to this (ns on the history's clock). */
  origin: number;
  faults: FaultInterval[];
  describe: (op: LinOp) => string;
  /** Ops that may still be drawn as bars. */
  budget: number;
  /** Illegal partitions that got a timeline so far. */
  illegalTimelines: number;
  /** For unique clip-path ids. */
  clipSeq: number;
}

/** The op's label; a describer that throws or returns a non-string falls back to the default. */
export function describeSafely(ctx: PageContext, op: LinOp): string {
  try {
    const s = ctx.describe(op);
    return typeof s === "string" ? s : String(s);
  } catch {
    return defaultDescribe(op);
  }
}

/** Everything known about an op, for the tooltip of its bar. */
export function opTooltip(ctx: PageContext, op: LinOp, label: string): string {
  const lines = [
    label,
    `process ${processName(op.process)} · ${op.f}${op.key !== undefined ? ` · key ${truncate(String(op.key), 200)}` : ""}`,
    `input: ${truncate(safeJson(op.input), TOOLTIP_VALUE_CHARS)}`,
    `output: ${op.ok ? truncate(safeJson(op.output), TOOLTIP_VALUE_CHARS) : "unknown (no ok completion)"}`,
    `call: ${fmtNs(op.call - ctx.origin)}   return: ${isFiniteNumber(op.ret) ? fmtNs(op.ret - ctx.origin) : "never (outcome unknown)"}` +
      (isFiniteNumber(op.ret) ? `   (took ${fmtNs(op.ret - op.call)})` : ""),
    `status: ${op.ok ? "ok" : "info: may or may not have taken effect"}`,
    `history index: ${op.index}   op id: ${op.id}`,
  ];
  return lines.join("\n");
}
