// The timeline of one partition as SVG, in the spirit of Porcupine's visualisation: one lane per
// process, ops as bars from call to return, nemesis faults shaded behind them, and for each
// counterexample the longest linearization found (numbered points joined by a line), the model
// state after it and the op(s) that could not come next.
import type { Counterexample, FaultInterval, LinOp, PartitionResult } from "../../checkers/linearizable/types.js";
import { esc, truncate } from "../format.js";
import { describeSafely, opTooltip, type PageContext } from "./context.js";
import { fmtNs, isFiniteNumber, niceStep, processName, tickLabel } from "./format.js";
import {
  AXIS_HEIGHT,
  BAR_HEIGHT,
  BAR_TOP,
  CHAR_WIDTH,
  FAULT_ROW_HEIGHT,
  GUTTER,
  MAX_FAULT_ROWS,
  PLOT_WIDTH,
  ROW_HEIGHT,
  SVG_WIDTH,
} from "./limits.js";
import { effRet, linearizationPoints, rangeOf, type Plan } from "./plan.js";

/** An op's bar where it is drawn. */
interface Placed {
  op: LinOp;
  y: number; // bar top
  x1: number;
  x2: number;
}

/** Time (ns) to x (px), clamped to the drawn range. */
type Scale = (t: number) => number;

const PLOT_RIGHT = GUTTER + PLOT_WIDTH;

/** One decimal is all an SVG coordinate needs. */
function r1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Bar colours: fixed for the register's ops, a stable pick from a palette for any other f. */
export function fColor(f: string): { fill: string; stroke: string } {
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

/** The label as it fits in `width` px: whole, with arrows compacted, cut, or nothing. */
function fitLabel(label: string, width: number): string {
  const chars = Math.floor((width - 8) / CHAR_WIDTH);
  if (label.length <= chars) return label;
  const compact = label.replace(/ -> /g, "→");
  if (compact.length <= chars) return compact;
  return chars < 5 ? "" : truncate(compact, chars);
}

/** Numbered processes first, in order; then named ones. */
function compareProcess(a: number | string, b: number | string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

// --- Faults ---------------------------------------------------------------------------------

interface FaultLabel {
  /** Label row above the lanes; -1 when no row had room (the tooltip still names it). */
  row: number;
  lx: number;
  text: string;
}

/** Label rows for the fault bands, assigned greedily from the left. */
function placeFaultLabels(faults: FaultInterval[], x: Scale): { labels: FaultLabel[]; rows: number } {
  const rowEnds: number[] = [];
  const labels = faults.map((f) => {
    const fx1 = x(f.start);
    const text = truncate(f.label, 40);
    const w = text.length * CHAR_WIDTH;
    const lx = Math.max(GUTTER + 2, Math.min(fx1 + 3, PLOT_RIGHT - w - 2));
    let row = rowEnds.findIndex((e) => e <= lx);
    if (row < 0 && rowEnds.length < MAX_FAULT_ROWS) row = rowEnds.push(0) - 1;
    if (row >= 0) rowEnds[row] = lx + w + 8;
    return { row, lx, text };
  });
  return { labels, rows: rowEnds.length };
}

function faultBandSvg(ctx: PageContext, f: FaultInterval, { row, lx, text }: FaultLabel, lanesBottom: number, x: Scale): string {
  const fx1 = r1(x(f.start));
  const fx2 = r1(isFiniteNumber(f.end) ? x(f.end) : PLOT_RIGHT);
  const tip = `${f.label}\nfrom ${fmtNs(f.start - ctx.origin)} to ${isFiniteNumber(f.end) ? fmtNs(f.end - ctx.origin) : "the end (never healed)"}`;
  const label = row >= 0 ? `<text class="fault-label" x="${r1(lx)}" y="${AXIS_HEIGHT + row * FAULT_ROW_HEIGHT + 12}">${esc(text)}</text>` : "";
  return (
    `<g class="fault-band" data-label="${esc(f.label)}"><title>${esc(tip)}</title>` +
    `<rect x="${fx1}" y="${AXIS_HEIGHT}" width="${r1(Math.max(2, fx2 - fx1))}" height="${lanesBottom - AXIS_HEIGHT}"/>${label}</g>`
  );
}

// --- Lanes and bars -------------------------------------------------------------------------

/**
 * One lane per process from `top` down, with extra rows where its ops overlap (e.g. after an
 * unknown outcome): the lanes' SVG, where each op's bar goes, and where the lanes end.
 */
function layoutLanes(ops: LinOp[], top: number, x: Scale): { svg: string[]; placed: Map<number, Placed>; bottom: number } {
  const byProcess = new Map<string, { process: number | string; ops: LinOp[] }>();
  for (const op of ops) {
    const k = `${typeof op.process}:${op.process}`;
    let lane = byProcess.get(k);
    if (!lane) byProcess.set(k, (lane = { process: op.process, ops: [] }));
    lane.ops.push(op);
  }
  const lanes = [...byProcess.values()].sort((a, b) => compareProcess(a.process, b.process));
  const placed = new Map<number, Placed>();
  const svg: string[] = [];
  let y = top;
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
    const h = Math.max(1, ends.length) * ROW_HEIGHT;
    const name = processName(lane.process);
    svg.push(
      `<g class="lane" data-process="${esc(name)}">` +
        `<rect class="lane-bg${laneNo % 2 ? " odd" : ""}" x="0" y="${y}" width="${SVG_WIDTH}" height="${h}"/>` +
        `<text class="lane-label" x="${GUTTER - 10}" y="${y + BAR_TOP + 13}" text-anchor="end"><title>process ${esc(name)}</title>${esc(truncate(name, 12))}</text>` +
        `</g>`,
    );
    for (const op of lane.ops) {
      const x1 = x(op.call);
      const x2 = Math.max(x1 + 3, isFiniteNumber(op.ret) ? x(op.ret) : PLOT_RIGHT);
      placed.set(op.id, { op, y: y + rowOf.get(op.id)! * ROW_HEIGHT + BAR_TOP, x1, x2 });
    }
    y += h;
    laneNo++;
  }
  return { svg, placed, bottom: y };
}

function axisSvg(ctx: PageContext, start: number, end: number, lanesBottom: number, x: Scale): string {
  const step = niceStep(end - start, 8);
  const axis: string[] = [`<line class="axis-line" x1="${GUTTER}" y1="${AXIS_HEIGHT - 4}" x2="${PLOT_RIGHT}" y2="${AXIS_HEIGHT - 4}"/>`];
  for (let t = Math.ceil((start - ctx.origin) / step) * step; t + ctx.origin <= end && axis.length < 40; t += step) {
    const tx = r1(x(t + ctx.origin));
    axis.push(
      `<line class="grid" x1="${tx}" y1="${AXIS_HEIGHT - 8}" x2="${tx}" y2="${lanesBottom}"/>` +
        `<text class="tick" x="${tx}" y="${AXIS_HEIGHT - 12}" text-anchor="middle">${esc(tickLabel(t, step))}</text>`,
    );
  }
  return `<g class="axis">${axis.join("")}</g>`;
}

/** An op's bar: dashed when its outcome is unknown, running off the right edge when it never returned. */
function opBarSvg(ctx: PageContext, p: Placed): string {
  const op = p.op;
  const open = !isFiniteNumber(op.ret);
  const label = describeSafely(ctx, op);
  const c = fColor(op.f);
  const w = p.x2 - p.x1;
  const cls = `op${op.ok ? " ok" : " info"}${open ? " open" : ""}`;
  const text = fitLabel(label, open ? w - 14 : w);
  return (
    `<g class="${cls}" data-op-id="${op.id}" data-index="${op.index}" data-f="${esc(op.f)}"><title>${esc(opTooltip(ctx, op, label))}</title>` +
    `<rect x="${r1(p.x1)}" y="${p.y}" width="${r1(w)}" height="${BAR_HEIGHT}" rx="3" fill="${c.fill}" stroke="${c.stroke}"/>` +
    (open ? `<text class="open-mark" x="${r1(p.x2 - 4)}" y="${p.y + 13}" text-anchor="end">?→</text>` : "") +
    (text ? `<text class="op-label" x="${r1(p.x1 + 4)}" y="${p.y + 13}">${esc(text)}</text>` : "") +
    `</g>`
  );
}

// --- Counterexample overlays ----------------------------------------------------------------

/** Takes the x range [x1, x2] on the text baseline y for an annotation, if it is free. */
type Claim = (y: number, x1: number, x2: number) => boolean;

/**
 * Space for annotations (step numbers, the state tag, the "cannot be linearized" note): each
 * text baseline's occupied x ranges, starting with the bars'. `claim` takes a range when it is
 * inside the plot and free, so that no annotation covers a bar or another annotation.
 */
function annotationSpace(placed: Map<number, Placed>): Claim {
  const taken = new Map<number, Array<[number, number]>>(); // text baseline y -> occupied x ranges
  for (const p of placed.values()) {
    const row = taken.get(p.y + 13) ?? [];
    row.push([p.x1, p.x2]);
    taken.set(p.y + 13, row);
  }
  return (y, x1, x2) => {
    if (x1 < GUTTER || x2 > PLOT_RIGHT) return false;
    const row = taken.get(y) ?? [];
    if (row.some(([a, b]) => a < x2 + 2 && x1 < b + 2)) return false;
    row.push([x1, x2]);
    taken.set(y, row);
    return true;
  };
}

/** A step of the linearization where it is drawn: on its op's bar, at its point in time. */
interface Step {
  x: number;
  y: number;
  /** 1-based position in the linearization. */
  n: number;
  id: number;
  t: number;
}

/** The attributes of what belongs to counterexample `ci`: the page's selector shows one at a time, the first at first. */
export function cexAttrs(ci: number): string {
  return `data-cex="${ci}"${ci ? ' style="display:none"' : ""}`;
}

/** The steps, numbered where there is room (the last ones matter most, so they claim space first). */
function stepsSvg(ctx: PageContext, steps: Step[], total: number, claim: Claim): string[] {
  const numbered = new Set<number>();
  for (let i = steps.length - 1; i >= 0; i--) {
    const d = steps[i];
    const w = String(d.n).length * 6.3;
    if (claim(d.y - 6, d.x - w / 2, d.x + w / 2)) numbered.add(i);
  }
  return steps.map(
    (d, i) =>
      `<g class="linearization-point" data-op-id="${d.id}" data-order="${d.n}"><title>${esc(`linearization step ${d.n} of ${total} at ${fmtNs(d.t - ctx.origin)}`)}</title>` +
      `<circle cx="${d.x}" cy="${d.y}" r="4.5"/>` +
      (numbered.has(i) ? `<text class="lin-number" x="${d.x}" y="${d.y - 6}" text-anchor="middle">${d.n}</text>` : "") +
      `</g>`,
  );
}

/** Red outlines around the ops that could not come next, with a note beside each where there is room. */
function unplaceableSvg(c: Counterexample, ci: number, placed: Map<number, Placed>, claim: Claim): string[] {
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
  return outlines;
}

/** The model state(s) after the whole linearization, beside its last op when that is drawn and there is room. */
function stateTagSvg(c: Counterexample, steps: Step[], total: number, placed: Map<number, Placed>, claim: Claim): string[] {
  const last = steps[steps.length - 1];
  const lastPlaced = last ? placed.get(last.id) : undefined;
  if (!last || !lastPlaced || last.n !== total || !c.states.length) return [];
  const st = truncate(c.states.length === 1 ? `state: ${c.states[0]}` : `states: ${c.states.join(" | ")}`, 40);
  const w = st.length * CHAR_WIDTH;
  const ty = lastPlaced.y + 13;
  const tag = (tx: number, anchor: string) =>
    `<text class="state-tag" x="${r1(tx)}" y="${ty}" text-anchor="${anchor}"><title>${esc(`model state after step ${last.n}`)}</title>${esc(st)}</text>`;
  if (claim(ty, lastPlaced.x2 + 6, lastPlaced.x2 + 6 + w)) return [tag(lastPlaced.x2 + 6, "start")];
  if (claim(ty, lastPlaced.x1 - 6 - w, lastPlaced.x1 - 6)) return [tag(lastPlaced.x1 - 6, "end")];
  return [];
}

/**
 * One counterexample drawn over the bars: the path through its steps (drawn under the bars, so
 * that it does not cross the labels) and its overlay (steps, state, unplaceable ops). Annotations
 * go only where they cover nothing; the text below the timeline has them all.
 */
function counterexampleSvg(
  ctx: PageContext,
  c: Counterexample,
  ci: number,
  byId: Map<number, LinOp>,
  placed: Map<number, Placed>,
  window: { start: number; end: number; openEnd: number },
  x: Scale,
): { path?: string; overlay: string } {
  const claim = annotationSpace(placed);
  const order = c.linearization.map((id) => byId.get(id)).filter((o): o is LinOp => o !== undefined);
  const pts = linearizationPoints(order, Math.max(window.openEnd, window.end));
  const steps: Step[] = [];
  order.forEach((o, i) => {
    const p = placed.get(o.id);
    if (p && pts[i] >= window.start && pts[i] <= window.end) steps.push({ x: r1(Math.min(Math.max(x(pts[i]), p.x1 + 1), p.x2 - 1)), y: p.y, n: i + 1, id: o.id, t: pts[i] });
  });
  const path = steps.length > 1 ? `<polyline class="linearization-path" ${cexAttrs(ci)} points="${steps.map((d) => `${d.x},${d.y}`).join(" ")}"/>` : undefined;
  const points = stepsSvg(ctx, steps, order.length, claim);
  const outlines = unplaceableSvg(c, ci, placed, claim);
  const state = stateTagSvg(c, steps, order.length, placed, claim);
  return { path, overlay: `<g class="cex-overlay" ${cexAttrs(ci)}>${[...points, ...state, ...outlines].join("")}</g>` };
}

// --- The timeline ---------------------------------------------------------------------------

/** The timeline of the planned ops of a partition, with its counterexamples (one shown at a time). */
export function renderTimeline(ctx: PageContext, part: PartitionResult, plan: Plan, cexs: Counterexample[], partIdx: number): string {
  const { start } = plan;
  const end = plan.end > start ? plan.end : start + 1;
  const x: Scale = (t) => GUTTER + ((Math.min(Math.max(t, start), end) - start) / (end - start)) * PLOT_WIDTH;

  const faults = ctx.faults.filter((f) => isFiniteNumber(f.start) && f.start <= end && (!isFiniteNumber(f.end) || f.end >= start));
  const faultLabels = placeFaultLabels(faults, x);
  const faultArea = faults.length ? Math.max(1, faultLabels.rows) * FAULT_ROW_HEIGHT + 4 : 0;
  const lanes = layoutLanes(plan.ops, AXIS_HEIGHT + faultArea, x);
  const height = lanes.bottom + 8;

  const byId = new Map(part.ops.map((o) => [o.id, o]));
  const window = { start, end, openEnd: rangeOf(part.ops).end };
  const drawn = cexs.map((c, ci) => counterexampleSvg(ctx, c, ci, byId, lanes.placed, window, x));

  const clipId = `clip-${partIdx}-${ctx.clipSeq++}`;
  return [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${SVG_WIDTH}" height="${height}" viewBox="0 0 ${SVG_WIDTH} ${height}" role="img">`,
    `<defs><clipPath id="${clipId}"><rect x="${GUTTER}" y="0" width="${PLOT_WIDTH}" height="${height}"/></clipPath></defs>`,
    ...lanes.svg,
    axisSvg(ctx, start, end, lanes.bottom, x),
    // Fault bands, behind the ops.
    ...faults.map((f, i) => faultBandSvg(ctx, f, faultLabels.labels[i], lanes.bottom, x)),
    `<g class="linearization-paths">${drawn.map((d) => d.path ?? "").join("")}</g>`,
    `<g class="ops" clip-path="url(#${clipId})">${[...lanes.placed.values()].map((p) => opBarSvg(ctx, p)).join("")}</g>`,
    ...drawn.map((d) => d.overlay),
    `</svg>`,
  ].join("");
}
