// Renders a LinearizabilityResult as one self-contained HTML page (inline CSS, SVG and a few
// lines of JS; nothing fetched), in the spirit of Porcupine's visualisation: per partition one
// lane per process, ops as bars from call to return, and for an illegal partition the longest
// linearization found (numbered points joined by a line), the model state after it and the
// op(s) that could not come next.
//
// Pure: no I/O. Everything taken from the history is escaped. What is drawn is bounded (per
// partition and for the whole page), and the page says so whenever something was left out.
import { formatValue, safeJson } from "../../history/format.js";
import type { Counterexample, FaultInterval, LinOp, LinearizabilityResult, PartitionResult, PartitionVerdict } from "./types.js";

export interface ViewOptions {
  /** Page title; default "Linearizability: <model>". */
  title?: string;
  /** Nemesis activity, shaded across every lane group. */
  faults?: FaultInterval[];
  /** Short label of an op drawn on its bar; default `f input -> output` (e.g. `write 3`, `read -> 4`, `cas [3 4]`). */
  describeOp?: (op: LinOp) => string;
}

// --- Limits ----------------------------------------------------------------------------------
/** Ops drawn as bars in the whole page. */
const PAGE_OP_BUDGET = 4000;
/** Ops drawn for one illegal partition (the window around its counterexample). */
const ILLEGAL_OP_CAP = 300;
/** An ok / unknown partition gets a timeline only when it has at most this many ops. */
const SMALL_PARTITION_OPS = 120;
/** Illegal partitions that get a timeline; later ones get the counterexample as text only. */
const MAX_ILLEGAL_TIMELINES = 20;
/** Partitions rendered as their own section; the rest go into a compact table. */
const MAX_SECTIONS = 300;
/** Rows of that compact table. */
const MAX_TABLE_ROWS = 2000;
/** Counterexamples offered per partition. */
const MAX_COUNTEREXAMPLES = 8;
/** The fewest last ops of a linearization that define the window drawn around a counterexample. */
const FOCUS_TAIL = 8;
/** An illegal partition is drawn whole up to this many ops; beyond, a window of about WINDOW_TARGET_OPS. */
const ILLEGAL_DRAW_ALL = 80;
const WINDOW_TARGET_OPS = 50;
/** Linearization entries listed as text per counterexample (the last ones). */
const MAX_LISTED_LINEARIZATION = 40;
/** Partition links in the header. */
const MAX_HEADER_CHIPS = 200;
/** Characters of a value in a label / a tooltip / a state. */
const LABEL_VALUE_CHARS = 48;
const TOOLTIP_VALUE_CHARS = 400;
const STATE_CHARS = 2000;

// --- Layout (px) -----------------------------------------------------------------------------
const SVG_WIDTH = 1180;
const GUTTER = 96;
const RIGHT_PAD = 18;
const PLOT_WIDTH = SVG_WIDTH - GUTTER - RIGHT_PAD;
const AXIS_HEIGHT = 28;
const FAULT_ROW_HEIGHT = 16;
const MAX_FAULT_ROWS = 3;
const ROW_HEIGHT = 38;
const BAR_TOP = 15; // within a row: room above the bar for linearization numbers
const BAR_HEIGHT = 18;
const CHAR_WIDTH = 6.7; // 11px monospace

// --- Escaping and formatting -------------------------------------------------------------------

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** A value as people write it (history/format.ts). */
function fmtValue(v: unknown): string {
  return formatValue(v, { maxDepth: 4, maxItems: 32 });
}

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || safeJson(a) === safeJson(b);
}

function hasValue(v: unknown): boolean {
  return v !== undefined && v !== null;
}

function defaultDescribe(op: LinOp): string {
  let s = op.f;
  if (hasValue(op.input)) s += ` ${truncate(fmtValue(op.input), LABEL_VALUE_CHARS)}`;
  if (op.ok) {
    if (op.output !== undefined && !(hasValue(op.input) && sameValue(op.input, op.output))) {
      s += ` -> ${truncate(fmtValue(op.output), LABEL_VALUE_CHARS)}`;
    }
  } else if (!hasValue(op.input)) {
    s += " -> ?";
  }
  return s;
}

function processName(p: number | string): string {
  return typeof p === "number" ? `p${p}` : String(p);
}

function isFiniteNumber(n: unknown): n is number {
  return typeof n === "number" && Number.isFinite(n);
}

/** A time or duration in ns, with a unit that suits it. */
function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return ns > 0 ? "∞" : "-∞";
  const a = Math.abs(ns);
  if (ns === 0) return "0";
  if (a < 1e3) return `${Math.round(ns)} ns`;
  if (a < 1e6) return `${(ns / 1e3).toFixed(3)} µs`;
  if (a < 1e9) return `${(ns / 1e6).toFixed(3)} ms`;
  return `${(ns / 1e9).toFixed(3)} s`;
}

function niceStep(span: number, target: number): number {
  const raw = span / Math.max(1, target);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

function tickLabel(ns: number, step: number): string {
  const [unit, size] = step >= 1e8 ? ["s", 1e9] : step >= 1e5 ? ["ms", 1e6] : step >= 1e2 ? ["µs", 1e3] : ["ns", 1];
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / size) + 1e-9)));
  return `${(ns / size).toFixed(decimals)} ${unit}`;
}

function verdictOf(v: string): PartitionVerdict {
  return v === "ok" || v === "illegal" ? v : "unknown";
}

function verdictRank(v: PartitionVerdict): number {
  return v === "illegal" ? 0 : v === "unknown" ? 1 : 2;
}

// --- Per-page context --------------------------------------------------------------------------

interface Ctx {
  origin: number;
  faults: FaultInterval[];
  describe: (op: LinOp) => string;
  budget: number;
  illegalTimelines: number;
  clipSeq: number;
}

function describeSafely(ctx: Ctx, op: LinOp): string {
  try {
    const s = ctx.describe(op);
    return typeof s === "string" ? s : String(s);
  } catch {
    return defaultDescribe(op);
  }
}

function opTooltip(ctx: Ctx, op: LinOp, label: string): string {
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

// --- Choosing what to draw --------------------------------------------------------------------

interface Plan {
  ops: LinOp[];
  start: number;
  end: number;
  /** Said under the timeline when not everything is drawn. */
  note?: string;
}

function effRet(op: LinOp, end: number): number {
  return isFiniteNumber(op.ret) ? op.ret : end;
}

/** The time range covering `ops`, padded, with headroom when some never returned. */
function rangeOf(ops: LinOp[]): { start: number; end: number } {
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

function planAll(ops: LinOp[]): Plan {
  return { ops, ...rangeOf(ops) };
}

/** For an illegal partition: everything when small, else a window around the counterexample(s). */
function planIllegal(part: PartitionResult, cexs: Counterexample[], cap: number, origin: number): Plan {
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
function linearizationPoints(order: LinOp[], openEnd: number): number[] {
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

// --- The timeline SVG -------------------------------------------------------------------------

interface Placed {
  op: LinOp;
  y: number; // bar top
  x1: number;
  x2: number;
}

function fColor(f: string): { fill: string; stroke: string } {
  switch (f) {
    case "write":
      return { fill: "#dce9f7", stroke: "#3b6fb0" };
    case "read":
      return { fill: "#dff1dc", stroke: "#3f8a3a" };
    case "cas":
      return { fill: "#efe0f2", stroke: "#8a4f98" };
  }
  const palette = [
    { fill: "#fbe8d3", stroke: "#b8721d" },
    { fill: "#d9f0ef", stroke: "#2d8580" },
    { fill: "#f6dde3", stroke: "#a8455c" },
    { fill: "#e6e6f5", stroke: "#5b5ba6" },
    { fill: "#eeeeda", stroke: "#7d7a2b" },
  ];
  let h = 0;
  for (let i = 0; i < f.length; i++) h = (h * 31 + f.charCodeAt(i)) >>> 0;
  return palette[h % palette.length];
}

function fitLabel(label: string, width: number): string {
  const chars = Math.floor((width - 8) / CHAR_WIDTH);
  if (label.length <= chars) return label;
  const compact = label.replace(/ -> /g, "→");
  if (compact.length <= chars) return compact;
  return chars < 5 ? "" : truncate(compact, chars);
}

function compareProcess(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function renderTimeline(ctx: Ctx, part: PartitionResult, plan: Plan, cexs: Counterexample[], partIdx: number): string {
  const { start } = plan;
  const end = plan.end > start ? plan.end : start + 1;
  const x = (t: number) => GUTTER + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * PLOT_WIDTH;
  const r1 = (n: number) => Math.round(n * 10) / 10;

  // Fault bands that touch the window, with label rows assigned greedily.
  const faults = ctx.faults.filter((f) => isFiniteNumber(f.start) && f.start <= end && (!isFiniteNumber(f.end) || f.end >= start));
  const rowEnds: number[] = [];
  const faultLabels = faults.map((f) => {
    const fx1 = x(f.start);
    const text = truncate(f.label, 40);
    const w = text.length * CHAR_WIDTH;
    const lx = Math.max(GUTTER + 2, Math.min(fx1 + 3, GUTTER + PLOT_WIDTH - w - 2));
    let row = rowEnds.findIndex((e) => e <= lx);
    if (row < 0 && rowEnds.length < MAX_FAULT_ROWS) row = rowEnds.push(0) - 1;
    if (row >= 0) rowEnds[row] = lx + w + 8;
    return { row, lx, text };
  });
  const faultArea = faults.length ? Math.max(1, rowEnds.length) * FAULT_ROW_HEIGHT + 4 : 0;
  const lanesTop = AXIS_HEIGHT + faultArea;

  // Lanes: one per process, with extra rows where its ops overlap (e.g. after an unknown outcome).
  const byProcess = new Map<string, { process: number | string; ops: LinOp[] }>();
  for (const op of plan.ops) {
    const k = `${typeof op.process}:${op.process}`;
    let lane = byProcess.get(k);
    if (!lane) byProcess.set(k, (lane = { process: op.process, ops: [] }));
    lane.ops.push(op);
  }
  const lanes = [...byProcess.values()].sort((a, b) => compareProcess(a.process, b.process));
  const placed = new Map<number, Placed>();
  const laneSvg: string[] = [];
  let y = lanesTop;
  let laneNo = 0;
  for (const lane of lanes) {
    lane.ops.sort((a, b) => a.call - b.call || a.id - b.id);
    const ends: number[] = [];
    const rowOf = new Map<number, number>();
    for (const op of lane.ops) {
      let row = ends.findIndex((e) => e < op.call);
      if (row < 0) row = ends.push(0) - 1;
      ends[row] = effRet(op, Infinity);
      rowOf.set(op.id, row);
    }
    const rows = Math.max(1, ends.length);
    const h = rows * ROW_HEIGHT;
    const name = processName(lane.process);
    laneSvg.push(
      `<g class="lane" data-process="${esc(name)}">` +
        `<rect class="lane-bg${laneNo % 2 ? " odd" : ""}" x="0" y="${y}" width="${SVG_WIDTH}" height="${h}"/>` +
        `<text class="lane-label" x="${GUTTER - 10}" y="${y + BAR_TOP + 13}" text-anchor="end"><title>process ${esc(name)}</title>${esc(truncate(name, 12))}</text>` +
        `</g>`,
    );
    for (const op of lane.ops) {
      const x1 = x(op.call);
      const x2 = Math.max(x1 + 3, isFiniteNumber(op.ret) ? x(op.ret) : GUTTER + PLOT_WIDTH);
      placed.set(op.id, { op, y: y + rowOf.get(op.id)! * ROW_HEIGHT + BAR_TOP, x1, x2 });
    }
    y += h;
    laneNo++;
  }
  const lanesBottom = y;
  const height = lanesBottom + 8;

  const out: string[] = [];
  const clipId = `clip-${partIdx}-${ctx.clipSeq++}`;
  out.push(
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${SVG_WIDTH}" height="${height}" viewBox="0 0 ${SVG_WIDTH} ${height}" role="img">`,
    `<defs><clipPath id="${clipId}"><rect x="${GUTTER}" y="0" width="${PLOT_WIDTH}" height="${height}"/></clipPath></defs>`,
  );
  out.push(...laneSvg);

  // Axis and grid.
  const step = niceStep(end - start, 8);
  const axis: string[] = [`<line class="axis-line" x1="${GUTTER}" y1="${AXIS_HEIGHT - 4}" x2="${GUTTER + PLOT_WIDTH}" y2="${AXIS_HEIGHT - 4}"/>`];
  for (let t = Math.ceil((start - ctx.origin) / step) * step; t + ctx.origin <= end && axis.length < 40; t += step) {
    const tx = r1(x(t + ctx.origin));
    axis.push(
      `<line class="grid" x1="${tx}" y1="${AXIS_HEIGHT - 8}" x2="${tx}" y2="${lanesBottom}"/>` +
        `<text class="tick" x="${tx}" y="${AXIS_HEIGHT - 12}" text-anchor="middle">${esc(tickLabel(t, step))}</text>`,
    );
  }
  out.push(`<g class="axis">${axis.join("")}</g>`);

  // Fault bands, behind the ops.
  faults.forEach((f, i) => {
    const fx1 = r1(x(f.start));
    const fx2 = r1(isFiniteNumber(f.end) ? x(f.end) : GUTTER + PLOT_WIDTH);
    const { row, lx, text } = faultLabels[i];
    const tip = `${f.label}\nfrom ${fmtNs(f.start - ctx.origin)} to ${isFiniteNumber(f.end) ? fmtNs(f.end - ctx.origin) : "the end (never healed)"}`;
    const label =
      row >= 0
        ? `<text class="fault-label" x="${r1(lx)}" y="${AXIS_HEIGHT + row * FAULT_ROW_HEIGHT + 12}">${esc(text)}</text>`
        : "";
    out.push(
      `<g class="fault-band" data-label="${esc(f.label)}"><title>${esc(tip)}</title>` +
        `<rect x="${fx1}" y="${AXIS_HEIGHT}" width="${r1(Math.max(2, fx2 - fx1))}" height="${lanesBottom - AXIS_HEIGHT}"/>${label}</g>`,
    );
  });

  // Ops.
  const ops: string[] = [];
  for (const p of placed.values()) {
    const op = p.op;
    const open = !isFiniteNumber(op.ret);
    const label = describeSafely(ctx, op);
    const c = fColor(op.f);
    const w = p.x2 - p.x1;
    const cls = `op${op.ok ? " ok" : " info"}${open ? " open" : ""}`;
    const text = fitLabel(label, open ? w - 14 : w);
    ops.push(
      `<g class="${cls}" data-op-id="${op.id}" data-index="${op.index}" data-f="${esc(op.f)}"><title>${esc(opTooltip(ctx, op, label))}</title>` +
        `<rect x="${r1(p.x1)}" y="${p.y}" width="${r1(w)}" height="${BAR_HEIGHT}" rx="3" fill="${c.fill}" stroke="${c.stroke}"/>` +
        (open ? `<text class="open-mark" x="${r1(p.x2 - 4)}" y="${p.y + 13}" text-anchor="end">?→</text>` : "") +
        (text ? `<text class="op-label" x="${r1(p.x1 + 4)}" y="${p.y + 13}">${esc(text)}</text>` : "") +
        `</g>`,
    );
  }
  const opsAt = out.length;
  out.push(`<g class="ops" clip-path="url(#${clipId})">${ops.join("")}</g>`);

  // Counterexample overlays, one group each; the selector shows one at a time. Annotations
  // (step numbers, the state tag, the "cannot be linearized" note) are drawn only where they
  // do not cover a bar or another annotation; the text below the timeline has them all.
  const byId = new Map(part.ops.map((o) => [o.id, o]));
  const openEnd = rangeOf(part.ops).end;
  const plotRight = GUTTER + PLOT_WIDTH;
  const overlays: string[] = [];
  const paths: string[] = []; // drawn under the bars, so that they do not cross the labels
  cexs.forEach((c, ci) => {
    const g: string[] = [];
    const taken = new Map<number, Array<[number, number]>>(); // text baseline y -> occupied x ranges
    for (const p of placed.values()) {
      const row = taken.get(p.y + 13) ?? [];
      row.push([p.x1, p.x2]);
      taken.set(p.y + 13, row);
    }
    const claim = (y: number, x1: number, x2: number): boolean => {
      if (x1 < GUTTER || x2 > plotRight) return false;
      const row = taken.get(y) ?? [];
      if (row.some(([a, b]) => a < x2 + 2 && x1 < b + 2)) return false;
      row.push([x1, x2]);
      taken.set(y, row);
      return true;
    };
    const order = c.linearization.map((id) => byId.get(id)).filter((o): o is LinOp => o !== undefined);
    const pts = linearizationPoints(order, Math.max(openEnd, end));
    const drawn: Array<{ x: number; y: number; n: number; id: number; t: number }> = [];
    order.forEach((o, i) => {
      const p = placed.get(o.id);
      if (p && pts[i] >= start && pts[i] <= end) drawn.push({ x: r1(Math.min(Math.max(x(pts[i]), p.x1 + 1), p.x2 - 1)), y: p.y, n: i + 1, id: o.id, t: pts[i] });
    });
    if (drawn.length > 1) {
      paths.push(
        `<polyline class="linearization-path" data-cex="${ci}"${ci ? ' style="display:none"' : ""} points="${drawn.map((d) => `${d.x},${d.y}`).join(" ")}"/>`,
      );
    }
    // Numbers: the last ones matter most, so claim space from the end.
    const numbered = new Set<number>();
    for (let i = drawn.length - 1; i >= 0; i--) {
      const d = drawn[i];
      const w = String(d.n).length * 6.3;
      if (claim(d.y - 6, d.x - w / 2, d.x + w / 2)) numbered.add(i);
    }
    drawn.forEach((d, i) => {
      g.push(
        `<g class="linearization-point" data-op-id="${d.id}" data-order="${d.n}"><title>${esc(`linearization step ${d.n} of ${order.length} at ${fmtNs(d.t - ctx.origin)}`)}</title>` +
          `<circle cx="${d.x}" cy="${d.y}" r="4.5"/>` +
          (numbered.has(i) ? `<text class="lin-number" x="${d.x}" y="${d.y - 6}" text-anchor="middle">${d.n}</text>` : "") +
          `</g>`,
      );
    });
    const note = "✗ cannot be linearized next";
    const noteW = note.length * CHAR_WIDTH;
    const outlines: string[] = [];
    for (const id of c.unplaceable) {
      const p = placed.get(id);
      if (!p) continue;
      const ty = p.y + 13;
      const noteSvg = claim(ty, p.x2 + 6, p.x2 + 6 + noteW)
        ? `<text class="unplaceable-note" x="${r1(p.x2 + 6)}" y="${ty}">${note}</text>`
        : claim(ty, p.x1 - 6 - noteW, p.x1 - 6)
          ? `<text class="unplaceable-note" x="${r1(p.x1 - 6)}" y="${ty}" text-anchor="end">${note}</text>`
          : "";
      outlines.push(
        `<g class="unplaceable" data-op-id="${id}"><title>${esc(`cannot be linearized after the prefix (counterexample ${ci + 1})`)}</title>` +
          `<rect x="${r1(p.x1 - 2.5)}" y="${p.y - 2.5}" width="${r1(p.x2 - p.x1 + 5)}" height="${BAR_HEIGHT + 5}" rx="4"/>${noteSvg}</g>`,
      );
    }
    const last = drawn[drawn.length - 1];
    const lastPlaced = last ? placed.get(last.id) : undefined;
    if (last && lastPlaced && last.n === order.length && c.states.length) {
      const st = truncate(c.states.length === 1 ? `state: ${c.states[0]}` : `states: ${c.states.join(" | ")}`, 40);
      const w = st.length * CHAR_WIDTH;
      const ty = lastPlaced.y + 13;
      const tag = (tx: number, anchor: string) =>
        `<text class="state-tag" x="${r1(tx)}" y="${ty}" text-anchor="${anchor}"><title>${esc(`model state after step ${last.n}`)}</title>${esc(st)}</text>`;
      if (claim(ty, lastPlaced.x2 + 6, lastPlaced.x2 + 6 + w)) g.push(tag(lastPlaced.x2 + 6, "start"));
      else if (claim(ty, lastPlaced.x1 - 6 - w, lastPlaced.x1 - 6)) g.push(tag(lastPlaced.x1 - 6, "end"));
    }
    g.push(...outlines);
    overlays.push(`<g class="cex-overlay" data-cex="${ci}"${ci ? ' style="display:none"' : ""}>${g.join("")}</g>`);
  });
  out.splice(opsAt, 0, `<g class="linearization-paths">${paths.join("")}</g>`);
  out.push(...overlays);

  out.push(`</svg>`);
  return out.join("");
}

// --- Sections ---------------------------------------------------------------------------------

function opSummary(ops: LinOp[]): string {
  const byF = new Map<string, { ok: number; info: number }>();
  const procs = new Set<string>();
  let lo = Infinity;
  let hi = -Infinity;
  for (const op of ops) {
    let c = byF.get(op.f);
    if (!c) byF.set(op.f, (c = { ok: 0, info: 0 }));
    if (op.ok) c.ok++;
    else c.info++;
    procs.add(`${typeof op.process}:${op.process}`);
    if (isFiniteNumber(op.call)) lo = Math.min(lo, op.call);
    if (isFiniteNumber(op.ret)) hi = Math.max(hi, op.ret);
  }
  const fs = [...byF.entries()]
    .slice(0, 20)
    .map(([f, c]) => `${esc(f)}: ${c.ok} ok${c.info ? `, ${c.info} unknown` : ""}`)
    .join("; ");
  return `${ops.length} op${ops.length === 1 ? "" : "s"} (${fs || "none"}) from ${procs.size} process${procs.size === 1 ? "" : "es"}`;
}

function renderCounterexampleText(ctx: Ctx, part: PartitionResult, c: Counterexample, ci: number, shown: Set<number> | undefined): string {
  const byId = new Map(part.ops.map((o) => [o.id, o]));
  const line = (id: number) => {
    const o = byId.get(id);
    if (!o) return `<span class="missing">op ${id} (not in this partition)</span>`;
    const times = `${fmtNs(o.call - ctx.origin)} – ${isFiniteNumber(o.ret) ? fmtNs(o.ret - ctx.origin) : "?"}`;
    return `<code>${esc(processName(o.process))}</code> <span class="desc">${esc(describeSafely(ctx, o))}</span> <span class="times">[${esc(times)}]</span>${
      shown && !shown.has(id) ? ' <span class="muted">(not drawn)</span>' : ""
    }`;
  };
  const k = c.linearization.length;
  const from = Math.max(0, k - MAX_LISTED_LINEARIZATION);
  const items = c.linearization
    .slice(from)
    .map((id, i) => `<li value="${from + i + 1}" data-op-id="${id}">${line(id)}</li>`)
    .join("");
  const states = c.states.length
    ? c.states.map((s) => `<code class="state">${esc(truncate(String(s), STATE_CHARS))}</code>`).join(" ")
    : '<span class="muted">(not given)</span>';
  const unplaceable = c.unplaceable.length
    ? c.unplaceable.map((id) => `<li class="unplaceable-item" data-op-id="${id}">${line(id)}</li>`).join("")
    : '<li class="muted">(none given)</li>';
  return (
    `<div class="cex-detail" data-cex="${ci}"${ci ? ' style="display:none"' : ""}>` +
    `<div class="prefix"><h4>Longest linearization found: ${k} op${k === 1 ? "" : "s"}</h4>` +
    (from > 0 ? `<p class="note">Listing the last ${k - from}; the first ${from} are left out.</p>` : "") +
    (k ? `<ol class="linearization">${items}</ol>` : '<p class="muted">(empty: not even the first op fits)</p>') +
    `<p class="model-state">Model state${c.states.length > 1 ? "s" : ""} after this prefix: ${states}</p></div>` +
    `<div class="unplaceable-caption"><h4>✗ cannot be linearized after the prefix above</h4><ul>${unplaceable}</ul></div>` +
    `</div>`
  );
}

function renderSection(ctx: Ctx, part: PartitionResult, idx: number): string {
  const verdict = verdictOf(part.verdict);
  const ops = Array.isArray(part.ops) ? part.ops : [];
  const allCex = verdict === "illegal" ? (part.counterexamples ?? []) : [];
  const cexs = allCex.slice(0, MAX_COUNTEREXAMPLES);
  const body: string[] = [];

  if (part.reason) body.push(`<p class="reason">Why unknown: ${esc(part.reason)}</p>`);
  body.push(`<p class="summary-line">${opSummary(ops)}; checked in ${esc(String(Math.round(part.elapsedMs ?? 0)))} ms.</p>`);

  if (cexs.length > 1) {
    const options = cexs
      .map((c, i) => `<option value="${i}">Counterexample ${i + 1}: ${c.linearization.length} linearized, ${c.unplaceable.length} unplaceable</option>`)
      .join("");
    body.push(`<label class="cex-picker">Show <select class="cex-select">${options}</select></label>`);
  }
  if (allCex.length > cexs.length) body.push(`<p class="note">${allCex.length - cexs.length} more counterexamples are not shown.</p>`);
  if (verdict === "illegal" && cexs.length === 0) body.push(`<p class="note">The checker gave no counterexample for this partition.</p>`);

  let plan: Plan | undefined;
  let skipped: string | undefined;
  if (ops.length === 0) {
    skipped = "No ops.";
  } else if (verdict === "illegal") {
    if (ctx.illegalTimelines >= MAX_ILLEGAL_TIMELINES) skipped = `Timeline not drawn: only the first ${MAX_ILLEGAL_TIMELINES} illegal partitions get one.`;
    else if (ctx.budget < 20) skipped = `Timeline not drawn: the page already draws ${PAGE_OP_BUDGET} ops.`;
    else {
      plan = planIllegal({ ...part, ops }, cexs, Math.min(ILLEGAL_OP_CAP, ctx.budget), ctx.origin);
      ctx.illegalTimelines++;
    }
  } else if (ops.length > SMALL_PARTITION_OPS) {
    skipped = `Timeline not drawn: ${ops.length} ops (ok and unknown partitions are drawn up to ${SMALL_PARTITION_OPS}).`;
  } else if (ops.length > ctx.budget) {
    skipped = `Timeline not drawn: the page already draws ${PAGE_OP_BUDGET - ctx.budget} ops (limit ${PAGE_OP_BUDGET}).`;
  } else {
    plan = planAll(ops);
  }

  if (plan) {
    ctx.budget -= plan.ops.length;
    body.push(`<div class="timeline-wrap">${renderTimeline(ctx, { ...part, ops }, plan, cexs, idx)}</div>`);
    if (plan.note) body.push(`<p class="note left-out">${esc(plan.note)}</p>`);
  } else if (skipped) {
    body.push(`<p class="note left-out">${esc(skipped)}</p>`);
  }

  const shown = plan ? new Set(plan.ops.map((o) => o.id)) : undefined;
  cexs.forEach((c, ci) => body.push(renderCounterexampleText(ctx, { ...part, ops }, c, ci, shown)));

  const open = verdict === "illegal" ? " open" : "";
  return (
    `<details class="partition verdict-${verdict}" id="p-${idx}" data-partition="${esc(String(part.label))}" data-verdict="${verdict}"${open}>` +
    `<summary><span class="badge ${verdict}">${verdict}</span> <span class="part-label">${esc(String(part.label))}</span>` +
    ` <span class="muted">· ${ops.length} op${ops.length === 1 ? "" : "s"}${cexs.length ? ` · ${allCex.length} counterexample${allCex.length === 1 ? "" : "s"}` : ""}</span></summary>` +
    `<div class="partition-body">${body.join("")}</div></details>`
  );
}

// --- The page ---------------------------------------------------------------------------------

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 18px 22px 40px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d2330; background: #f5f6f8; }
h1 { font-size: 20px; margin: 0 0 10px; }
h4 { margin: 10px 0 4px; font-size: 14px; }
code, .mono, svg text { font-family: ui-monospace, "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; }
header.page { background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 14px 18px; margin-bottom: 16px; }
#verdict { display: inline-block; font-weight: 700; font-size: 16px; padding: 3px 12px; border-radius: 14px; color: #fff; margin-right: 10px; }
#verdict.illegal, .badge.illegal { background: #c62828; }
#verdict.ok, .badge.ok { background: #2e7d32; }
#verdict.unknown, .badge.unknown { background: #b26a00; }
.facts { display: inline; color: #3c4455; }
.facts b { color: #1d2330; }
.badge { display: inline-block; color: #fff; font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 1px 7px; border-radius: 9px; letter-spacing: .03em; vertical-align: 1px; }
.chips { margin: 10px 0 0; display: flex; flex-wrap: wrap; gap: 6px; }
.chip { display: inline-flex; align-items: center; gap: 6px; border: 1px solid #d4d9e1; border-radius: 12px; padding: 1px 9px 1px 3px; background: #fafbfc; color: inherit; text-decoration: none; font-size: 13px; max-width: 320px; }
.chip:hover { border-color: #8a94a6; }
.chip .name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.legend { margin-top: 10px; font-size: 12.5px; color: #4a5263; display: flex; flex-wrap: wrap; gap: 14px; align-items: center; }
.legend svg { vertical-align: middle; }
.faults-list { margin: 8px 0 0; font-size: 12.5px; color: #4a5263; }
.toolbar { margin-top: 10px; }
.toolbar button { font: inherit; font-size: 12.5px; padding: 2px 10px; border: 1px solid #c6ccd6; border-radius: 5px; background: #fff; cursor: pointer; }
details.partition { background: #fff; border: 1px solid #dde1e7; border-left: 5px solid #2e7d32; border-radius: 8px; margin: 0 0 12px; }
details.partition.verdict-illegal { border-left-color: #c62828; }
details.partition.verdict-unknown { border-left-color: #b26a00; }
details.partition > summary { cursor: pointer; padding: 9px 14px; font-size: 15px; list-style-position: inside; }
details.partition > summary:hover { background: #f7f8fa; }
.part-label { font-weight: 600; font-family: ui-monospace, "DejaVu Sans Mono", monospace; word-break: break-all; }
.partition-body { padding: 0 14px 12px; }
.muted { color: #7a8294; }
.note { color: #6b5a00; background: #fff8db; border: 1px solid #f0e2a6; border-radius: 5px; padding: 4px 9px; font-size: 12.5px; margin: 6px 0; }
.reason { color: #7a4b00; }
.summary-line { margin: 2px 0 8px; color: #4a5263; font-size: 13px; }
.timeline-wrap { overflow-x: auto; border: 1px solid #e3e6eb; border-radius: 6px; background: #fff; }
svg.timeline { display: block; }
svg .lane-bg { fill: #ffffff; }
svg .lane-bg.odd { fill: #f6f7f9; }
svg .lane-label { font-size: 12px; fill: #3c4455; font-weight: 600; }
svg .axis-line { stroke: #9aa3b2; stroke-width: 1; }
svg .grid { stroke: #e4e7ec; stroke-width: 1; }
svg .tick { font-size: 10.5px; fill: #5b6476; }
svg .fault-band rect { fill: rgba(255, 152, 0, .13); stroke: rgba(230, 120, 0, .55); stroke-dasharray: 3 3; }
svg .fault-label { font-size: 10.5px; fill: #9a4d00; font-weight: 600; }
svg .op rect { stroke-width: 1.2; }
svg .op:hover rect { stroke-width: 2.2; }
svg .op.info rect { stroke-dasharray: 5 3; fill-opacity: .45; }
svg .op-label { font-size: 11px; fill: #1d2330; pointer-events: none; }
svg .op.info .op-label { fill: #4a5263; font-style: italic; }
svg .open-mark { font-size: 11px; fill: #7a8294; font-weight: 700; }
svg .linearization-path { fill: none; stroke: #1d2330; stroke-width: 1.6; stroke-opacity: .8; }
svg .linearization-point circle { fill: #1d2330; stroke: #fff; stroke-width: 1.5; }
svg .lin-number { font-size: 10.5px; font-weight: 700; fill: #1d2330; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .state-tag { font-size: 10.5px; fill: #1d2330; font-weight: 600; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg .unplaceable rect { fill: none; stroke: #d32f2f; stroke-width: 2.5; }
svg .unplaceable-note { font-size: 11px; font-weight: 700; fill: #c62828; }
.cex-picker { display: inline-block; margin: 2px 0 8px; font-size: 13px; }
.cex-picker select { font: inherit; margin-left: 4px; }
.cex-detail { display: flex; gap: 16px; flex-wrap: wrap; align-items: flex-start; margin-top: 8px; }
.cex-detail > div { flex: 1 1 420px; min-width: 0; border: 1px solid #e3e6eb; border-radius: 6px; padding: 2px 12px 8px; }
.cex-detail[style*="none"] { display: none; }
.unplaceable-caption { border-color: #e8a4a4 !important; background: #fff6f6; }
.unplaceable-caption h4 { color: #c62828; }
ol.linearization, .unplaceable-caption ul { margin: 4px 0; padding-left: 38px; font-size: 13px; }
ol.linearization li, .unplaceable-caption li { margin: 1px 0; word-break: break-word; }
.times { color: #7a8294; font-size: 12px; }
.model-state code.state { background: #eef1f5; padding: 1px 6px; border-radius: 4px; word-break: break-all; }
table.others { border-collapse: collapse; font-size: 13px; background: #fff; }
table.others td, table.others th { border: 1px solid #e3e6eb; padding: 2px 10px; text-align: left; }
`;

const SCRIPT = `
(function () {
  document.addEventListener("change", function (e) {
    var s = e.target;
    if (!s || !s.classList || !s.classList.contains("cex-select")) return;
    var part = s.closest(".partition");
    if (!part) return;
    part.querySelectorAll("[data-cex]").forEach(function (el) {
      el.style.display = el.getAttribute("data-cex") === s.value ? "" : "none";
    });
  });
  function openFromHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (el && el.tagName === "DETAILS") el.open = true;
  }
  window.addEventListener("hashchange", openFromHash);
  openFromHash();
  function setAll(open) {
    document.querySelectorAll("details.partition").forEach(function (d) { d.open = open; });
  }
  var ex = document.getElementById("expand-all");
  var co = document.getElementById("collapse-all");
  if (ex) ex.addEventListener("click", function () { setAll(true); });
  if (co) co.addEventListener("click", function () { setAll(false); });
})();
`;

function legend(): string {
  const bar = (fill: string, stroke: string, dash = "", opacity = 1) =>
    `<svg width="34" height="14" aria-hidden="true"><rect x="1" y="2" width="32" height="10" rx="2" fill="${fill}" fill-opacity="${opacity}" stroke="${stroke}"${dash ? ` stroke-dasharray="${dash}"` : ""}/></svg>`;
  const w = fColor("write");
  const r = fColor("read");
  const c = fColor("cas");
  return (
    `<div class="legend">` +
    `<span>${bar(w.fill, w.stroke)} write</span><span>${bar(r.fill, r.stroke)} read</span><span>${bar(c.fill, c.stroke)} cas</span>` +
    `<span>${bar("#e9ecf0", "#7a8294", "5 3", 0.6)} outcome unknown (may have happened at any time after its call)</span>` +
    `<span><svg width="40" height="14" aria-hidden="true"><line x1="4" y1="7" x2="36" y2="7" stroke="#1d2330" stroke-width="1.6"/><circle cx="4" cy="7" r="4" fill="#1d2330"/><circle cx="36" cy="7" r="4" fill="#1d2330"/></svg> linearization points, in order</span>` +
    `<span><svg width="34" height="16" aria-hidden="true"><rect x="2" y="2" width="30" height="12" rx="3" fill="none" stroke="#d32f2f" stroke-width="2.5"/></svg> cannot be linearized next</span>` +
    `<span><svg width="34" height="14" aria-hidden="true"><rect x="1" y="1" width="32" height="12" fill="rgba(255,152,0,.13)" stroke="rgba(230,120,0,.55)" stroke-dasharray="3 3"/></svg> nemesis fault</span>` +
    `<span class="muted">Hover a bar for details.</span>` +
    `</div>`
  );
}

/** One self-contained HTML page showing a linearizability result. Pure: no I/O. */
export function renderLinearizabilityHtml(result: LinearizabilityResult, opts: ViewOptions = {}): string {
  const partitions = Array.isArray(result?.partitions) ? result.partitions : [];
  const faults = (opts.faults ?? []).filter((f) => f && isFiniteNumber(f.start)).map((f) => ({ ...f, label: String(f.label ?? "fault") }));

  let origin = Infinity;
  let opCount = 0;
  for (const p of partitions) {
    const ops = Array.isArray(p.ops) ? p.ops : [];
    opCount += ops.length;
    for (const o of ops) if (isFiniteNumber(o.call) && o.call < origin) origin = o.call;
  }
  for (const f of faults) if (f.start < origin) origin = f.start;
  if (!Number.isFinite(origin)) origin = 0;

  const ctx: Ctx = {
    origin,
    faults,
    describe: opts.describeOp ?? defaultDescribe,
    budget: PAGE_OP_BUDGET,
    illegalTimelines: 0,
    clipSeq: 0,
  };

  const order = partitions.map((p, i) => ({ p, i })).sort((a, b) => verdictRank(verdictOf(a.p.verdict)) - verdictRank(verdictOf(b.p.verdict)) || a.i - b.i);
  const counts = { illegal: 0, unknown: 0, ok: 0 };
  for (const p of partitions) counts[verdictOf(p.verdict)]++;
  const verdict = verdictOf(result?.verdict);
  const model = String(result?.model ?? "?");
  const title = opts.title ?? `Linearizability: ${model}`;

  const verdictText =
    verdict === "illegal"
      ? `illegal: ${counts.illegal} of ${partitions.length} partition${partitions.length === 1 ? "" : "s"} not linearizable`
      : verdict === "ok"
        ? `ok: all ${partitions.length} partition${partitions.length === 1 ? "" : "s"} linearizable`
        : `unknown: ${counts.unknown} of ${partitions.length} partition${partitions.length === 1 ? "" : "s"} undecided`;

  const chips = order
    .slice(0, MAX_HEADER_CHIPS)
    .map(({ p }, k) => {
      const v = verdictOf(p.verdict);
      return `<a class="chip" href="#p-${k}" data-partition-link="${esc(String(p.label))}" data-verdict="${v}"><span class="badge ${v}">${v}</span><span class="name">${esc(truncate(String(p.label), 60))}</span></a>`;
    })
    .join("");
  const chipsMore = order.length > MAX_HEADER_CHIPS ? `<span class="muted">… and ${order.length - MAX_HEADER_CHIPS} more partitions</span>` : "";

  const faultsList = faults.length
    ? `<div class="faults-list">Faults: ${faults
        .slice(0, 50)
        .map((f) => `<span class="fault-item"><b>${esc(truncate(f.label, 80))}</b> ${esc(fmtNs(f.start - origin))} – ${isFiniteNumber(f.end) ? esc(fmtNs(f.end - origin)) : "end"}</span>`)
        .join("; ")}${faults.length > 50 ? `; … and ${faults.length - 50} more` : ""}</div>`
    : "";

  const sections = order.slice(0, MAX_SECTIONS).map(({ p }, k) => renderSection(ctx, p, k));

  let rest = "";
  if (order.length > MAX_SECTIONS) {
    const others = order.slice(MAX_SECTIONS);
    const rows = others
      .slice(0, MAX_TABLE_ROWS)
      .map(({ p }) => {
        const v = verdictOf(p.verdict);
        return `<tr data-partition="${esc(String(p.label))}" data-verdict="${v}"><td><span class="badge ${v}">${v}</span></td><td><code>${esc(truncate(String(p.label), 120))}</code></td><td>${Array.isArray(p.ops) ? p.ops.length : 0}</td></tr>`;
      })
      .join("");
    const tally = { illegal: 0, unknown: 0, ok: 0 };
    for (const { p } of others.slice(MAX_TABLE_ROWS)) tally[verdictOf(p.verdict)]++;
    rest =
      `<section class="other-partitions"><h3>${others.length} more partitions</h3>` +
      `<p class="note left-out">Only the first ${MAX_SECTIONS} partitions (illegal first) get their own section; the rest are listed here without timelines.</p>` +
      `<table class="others"><thead><tr><th>verdict</th><th>partition</th><th>ops</th></tr></thead><tbody>${rows}</tbody></table>` +
      (others.length > MAX_TABLE_ROWS
        ? `<p class="note left-out">… and ${others.length - MAX_TABLE_ROWS} more not listed (${tally.illegal} illegal, ${tally.unknown} unknown, ${tally.ok} ok).</p>`
        : "") +
      `</section>`;
  }

  const budgetNote =
    ctx.budget <= 0 || sections.some((s) => s.includes("the page already draws"))
      ? `<p class="note left-out">This page draws at most ${PAGE_OP_BUDGET} ops; some timelines were left out (see each partition).</p>`
      : "";

  return [
    `<!DOCTYPE html>`,
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title><style>${CSS}</style></head><body>`,
    `<header class="page"><h1>${esc(title)}</h1>`,
    `<div><span id="verdict" class="${verdict}" data-verdict="${verdict}">${esc(verdictText)}</span>`,
    `<span class="facts">model <b>${esc(model)}</b> · <b>${partitions.length}</b> partition${partitions.length === 1 ? "" : "s"} ` +
      `(<b>${counts.illegal}</b> illegal, <b>${counts.unknown}</b> unknown, <b>${counts.ok}</b> ok) · <b>${opCount}</b> ops · ` +
      `checked in ${esc(String(Math.round(result?.elapsedMs ?? 0)))} ms</span></div>`,
    `<nav class="chips">${chips}${chipsMore}</nav>`,
    faultsList,
    legend(),
    `<div class="toolbar"><button type="button" id="expand-all">Expand all</button> <button type="button" id="collapse-all">Collapse all</button></div>`,
    budgetNote,
    `</header>`,
    `<main>${sections.join("\n")}${rest}</main>`,
    `<script>${SCRIPT}</script>`,
    `</body></html>`,
  ].join("\n");
}
