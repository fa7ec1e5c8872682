// Which ops of a partition the page draws, over which time range, and where on that range each
// step of a linearization goes.
import type { Counterexample, LinOp, PartitionResult } from "../../checkers/linearizable/types.js";
import { fmtNs, isFiniteNumber } from "./format.js";
import { FOCUS_TAIL, ILLEGAL_DRAW_ALL, WINDOW_TARGET_OPS } from "./limits.js";

export interface Plan {
  ops: LinOp[];
  start: number;
  end: number;
  /** Said under the timeline when not everything is drawn. */
  note?: string;
}

/** When the op returned, or `end` for one that never did. */
export function effRet(op: LinOp, end: number): number {
  return isFiniteNumber(op.ret) ? op.ret : end;
}

/** The time range covering `ops`, padded, with headroom when some never returned. */
export function rangeOf(ops: LinOp[]): { start: number; end: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let open = false;
  for (const op of ops) {
    if (isFiniteNumber(op.call)) {
      lo = Math.min(lo, op.call);
      hi = Math.max(hi, op.call);
    }
    if (isFiniteNumber(op.ret)) hi = Math.max(hi, op.ret);
    else open = true;
  }
  if (!Number.isFinite(lo)) return { start: 0, end: 1 };
  // An op that never returned runs to the right edge: leave it some room past the last event.
  if (open) hi += Math.max((hi - lo) * 0.12, 1e6);
  const span = hi > lo ? hi - lo : 1000;
  return { start: lo - span * 0.02, end: hi + span * 0.02 };
}

/** Every op, over the range they cover. */
export function planAll(ops: LinOp[]): Plan {
  return { ops, ...rangeOf(ops) };
}

/** For an illegal partition: everything when small, else a window around the counterexample(s). */
export function planIllegal(part: PartitionResult, cexs: Counterexample[], cap: number, origin: number): Plan {
  const ops = part.ops;
  if (ops.length <= Math.min(cap, ILLEGAL_DRAW_ALL)) return planAll(ops);
  const byId = new Map(ops.map((o) => [o.id, o]));
  const longest = cexs.reduce((m, c) => Math.max(m, c.linearization.length), 0);
  // The window spans the unplaceable ops and the last `tail` linearized ops; widen it (further
  // back in the linearization) while it holds few enough ops to read.
  const windowFor = (tail: number) => {
    const focus = new Set<number>();
    for (const c of cexs) {
      for (const id of c.unplaceable) if (byId.has(id)) focus.add(id);
      for (const id of c.linearization.slice(-tail)) if (byId.has(id)) focus.add(id);
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const id of focus) {
      const o = byId.get(id)!;
      lo = Math.min(lo, o.call);
      hi = Math.max(hi, isFiniteNumber(o.ret) ? o.ret : o.call);
    }
    const inside = ops.filter((o) => o.call <= hi && (!isFiniteNumber(o.ret) || o.ret >= lo)).length;
    return { focus, lo, hi, inside, tail };
  };
  let w = windowFor(FOCUS_TAIL);
  if (w.focus.size === 0) {
    const shown = ops.slice(0, Math.min(cap, ILLEGAL_DRAW_ALL));
    return { ...planAll(shown), note: `Showing the first ${shown.length} of ${ops.length} ops (no counterexample to centre on).` };
  }
  while (w.tail < longest) {
    const wider = windowFor(w.tail + 4);
    if (wider.inside > WINDOW_TARGET_OPS) break;
    w = wider;
  }
  const { lo, hi } = w;
  const chosen = new Set([...w.focus].slice(0, cap));
  const mid = (lo + hi) / 2;
  const others = ops
    .filter((o) => !chosen.has(o.id) && o.call <= hi && (!isFiniteNumber(o.ret) || o.ret >= lo))
    .sort((x, y) => Math.abs((x.call + effRet(x, hi)) / 2 - mid) - Math.abs((y.call + effRet(y, hi)) / 2 - mid));
  const overlapping = others.length + chosen.size;
  for (const o of others) {
    if (chosen.size >= cap) break;
    chosen.add(o.id);
  }
  const shown = ops.filter((o) => chosen.has(o.id));
  const span = Math.max(1, hi - lo);
  const start = lo - span * 0.03;
  const end = hi + span * 0.06;
  const why = overlapping > shown.length ? `the ${shown.length} nearest of the ${overlapping} ops in` : `every op overlapping`;
  return {
    ops: shown,
    start,
    end,
    note:
      `Showing ${shown.length} of ${ops.length} ops: ${why} the window ${fmtNs(start - origin)} … ${fmtNs(end - origin)}, ` +
      `around the unplaceable op(s) and the last ${Math.min(w.tail, longest)} linearized ops. ${ops.length - shown.length} ops are not drawn.`,
  };
}

// --- Linearization points ---------------------------------------------------------------------

/**
 * A point in time for each op of a linearization, in order, each within its [call, ret] and
 * strictly after the previous one where the intervals allow: op i is placed between
 * max(previous point, call) and the earliest return of any op still to come, spread evenly over
 * the ops that share that bound.
 */
export function linearizationPoints(order: LinOp[], openEnd: number): number[] {
  const n = order.length;
  const hi = new Array<number>(n);
  const hiIdx = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    const r = effRet(order[i], openEnd);
    if (i === n - 1 || r < hi[i + 1]) {
      hi[i] = r;
      hiIdx[i] = i;
    } else {
      hi[i] = hi[i + 1];
      hiIdx[i] = hiIdx[i + 1];
    }
  }
  const points = new Array<number>(n);
  let prev = -Infinity;
  for (let i = 0; i < n; i++) {
    const lo = Math.max(prev, order[i].call);
    const top = Math.max(lo, Math.min(hi[i], effRet(order[i], openEnd)));
    const p = lo + (top - lo) / (hiIdx[i] - i + 2);
    points[i] = p;
    prev = p;
  }
  return points;
}
