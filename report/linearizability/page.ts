// The linearizability page: one self-contained HTML file (inline CSS, SVG and a few lines of JS;
// nothing fetched) showing a LinearizabilityResult, illegal partitions first, each as a section
// (section.ts) with its timeline (timeline.ts).
//
// Pure apart from reading its two assets once. Everything taken from the history is escaped.
// What is drawn is bounded (per partition and for the whole page, limits.ts), and the page says
// so whenever something was left out.
import type { FaultInterval, LinOp, LinearizabilityResult, LinearizabilityView, PartitionResult } from "../../checkers/linearizable/types.js";
import { asset } from "../assets.js";
import { esc, truncate } from "../format.js";
import type { PageContext } from "./context.js";
import { defaultDescribe, fmtNs, isFiniteNumber, verdictOf, verdictRank } from "./format.js";
import { MAX_HEADER_CHIPS, MAX_SECTIONS, MAX_TABLE_ROWS, PAGE_OP_BUDGET } from "./limits.js";
import { renderSection } from "./section.js";
import { fColor } from "./timeline.js";

export interface ViewOptions {
  /** Page title; default "Linearizability: <model>". */
  title?: string;
  /** Nemesis activity, shaded across every lane group. */
  faults?: FaultInterval[];
  /** Short label of an op drawn on its bar; default `f input -> output` (e.g. `write 3`, `read -> 4`, `cas [3 4]`). */
  describeOp?: (op: LinOp) => string;
}

type Ordered = Array<{ p: PartitionResult; i: number }>;

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

/** The earliest call or fault start: times on the page count from it. */
function originOf(partitions: PartitionResult[], faults: FaultInterval[]): number {
  let origin = Infinity;
  for (const p of partitions) {
    const ops = Array.isArray(p.ops) ? p.ops : [];
    for (const o of ops) if (isFiniteNumber(o.call) && o.call < origin) origin = o.call;
  }
  for (const f of faults) if (f.start < origin) origin = f.start;
  return Number.isFinite(origin) ? origin : 0;
}

function verdictText(verdict: string, counts: Record<string, number>, partitions: number): string {
  const s = partitions === 1 ? "" : "s";
  return verdict === "illegal"
    ? `illegal: ${counts.illegal} of ${partitions} partition${s} not linearizable`
    : verdict === "ok"
      ? `ok: all ${partitions} partition${s} linearizable`
      : `unknown: ${counts.unknown} of ${partitions} partition${s} undecided`;
}

/** Links to the partitions' sections, in page order. */
function chips(order: Ordered): string {
  const links = order
    .slice(0, MAX_HEADER_CHIPS)
    .map(({ p }, k) => {
      const v = verdictOf(p.verdict);
      return `<a class="chip" href="#p-${k}" data-partition-link="${esc(String(p.label))}" data-verdict="${v}"><span class="badge ${v}">${v}</span><span class="name">${esc(truncate(String(p.label), 60))}</span></a>`;
    })
    .join("");
  const more = order.length > MAX_HEADER_CHIPS ? `<span class="muted">… and ${order.length - MAX_HEADER_CHIPS} more partitions</span>` : "";
  return links + more;
}

function faultsList(faults: FaultInterval[], origin: number): string {
  if (!faults.length) return "";
  const items = faults
    .slice(0, 50)
    .map((f) => `<span class="fault-item"><b>${esc(truncate(f.label, 80))}</b> ${esc(fmtNs(f.start - origin))} – ${isFiniteNumber(f.end) ? esc(fmtNs(f.end - origin)) : "end"}</span>`)
    .join("; ");
  return `<div class="faults-list">Faults: ${items}${faults.length > 50 ? `; … and ${faults.length - 50} more` : ""}</div>`;
}

/** The partitions beyond MAX_SECTIONS, as a table without timelines (and beyond that, a tally). */
function otherPartitions(others: Ordered): string {
  if (!others.length) return "";
  const rows = others
    .slice(0, MAX_TABLE_ROWS)
    .map(({ p }) => {
      const v = verdictOf(p.verdict);
      return `<tr data-partition="${esc(String(p.label))}" data-verdict="${v}"><td><span class="badge ${v}">${v}</span></td><td><code>${esc(truncate(String(p.label), 120))}</code></td><td>${Array.isArray(p.ops) ? p.ops.length : 0}</td></tr>`;
    })
    .join("");
  const tally = { illegal: 0, unknown: 0, ok: 0 };
  for (const { p } of others.slice(MAX_TABLE_ROWS)) tally[verdictOf(p.verdict)]++;
  return (
    `<section class="other-partitions"><h3>${others.length} more partitions</h3>` +
    `<p class="note left-out">Only the first ${MAX_SECTIONS} partitions (illegal first) get their own section; the rest are listed here without timelines.</p>` +
    `<table class="others"><thead><tr><th>verdict</th><th>partition</th><th>ops</th></tr></thead><tbody>${rows}</tbody></table>` +
    (others.length > MAX_TABLE_ROWS
      ? `<p class="note left-out">… and ${others.length - MAX_TABLE_ROWS} more not listed (${tally.illegal} illegal, ${tally.unknown} unknown, ${tally.ok} ok).</p>`
      : "") +
    `</section>`
  );
}

/** One self-contained HTML page showing a linearizability result. */
export function renderLinearizabilityHtml(result: LinearizabilityResult, opts: ViewOptions = {}): string {
  const partitions = Array.isArray(result?.partitions) ? result.partitions : [];
  const faults = (opts.faults ?? []).filter((f) => f && isFiniteNumber(f.start)).map((f) => ({ ...f, label: String(f.label ?? "fault") }));
  const opCount = partitions.reduce((n, p) => n + (Array.isArray(p.ops) ? p.ops.length : 0), 0);
  const ctx: PageContext = {
    origin: originOf(partitions, faults),
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

  const sections = order.slice(0, MAX_SECTIONS).map(({ p }, k) => renderSection(ctx, p, k));
  const budgetNote =
    ctx.budget <= 0 || sections.some((s) => s.includes("the page already draws"))
      ? `<p class="note left-out">This page draws at most ${PAGE_OP_BUDGET} ops; some timelines were left out (see each partition).</p>`
      : "";

  return [
    `<!DOCTYPE html>`,
    `<html lang="en"><head><meta charset="utf-8">`,
    `<meta name="viewport" content="width=device-width, initial-scale=1">`,
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(title)}</title><style>${asset(new URL("./view.css", import.meta.url))}</style></head><body>`,
    `<header class="page"><h1>${esc(title)}</h1>`,
    `<div><span id="verdict" class="${verdict}" data-verdict="${verdict}">${esc(verdictText(verdict, counts, partitions.length))}</span>`,
    `<span class="facts">model <b>${esc(model)}</b> · <b>${partitions.length}</b> partition${partitions.length === 1 ? "" : "s"} ` +
      `(<b>${counts.illegal}</b> illegal, <b>${counts.unknown}</b> unknown, <b>${counts.ok}</b> ok) · <b>${opCount}</b> ops · ` +
      `checked in ${esc(String(Math.round(result?.elapsedMs ?? 0)))} ms</span></div>`,
    `<nav class="chips">${chips(order)}</nav>`,
    faultsList(faults, ctx.origin),
    legend(),
    `<div class="toolbar"><button type="button" id="expand-all">Expand all</button> <button type="button" id="collapse-all">Collapse all</button></div>`,
    budgetNote,
    `</header>`,
    `<main>${sections.join("\n")}${otherPartitions(order.slice(MAX_SECTIONS))}</main>`,
    `<script>${asset(new URL("./view.browser.js", import.meta.url))}</script>`,
    `</body></html>`,
  ].join("\n");
}

/** The page of the data the linearizable checker gives (its verdict's view). */
export function renderLinearizabilityView(view: LinearizabilityView): string {
  return renderLinearizabilityHtml(view.result, { title: view.title, faults: view.faults });
}
