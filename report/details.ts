// Each checker's details in the report. Any checker renders through the generic renderer
// (its details object as bounded tables); a checker may also have a view of its own,
// registered here by its name, shown above the generic one. A view that throws, or that
// meets details it does not recognise, leaves the generic rendering to speak alone, so a
// checker whose shape changes never breaks a report.
import type { Validity } from "../core/verdict.js";
import type { TopLevelSpec } from "vega-lite";
import { barsSpec, eventHistogramSpec } from "./charts.js";
import { bandsAt, type Band, type Switch } from "./faults.js";
import { count, duration, esc, fmtValue, isRecord, safeJson, secs, truncate, verdictClass, verdictWord } from "./format.js";
import type { RunData } from "./run-data.js";
import type { Series } from "./series.js";

/** A checker's entry in results.json. */
export interface StoredVerdict {
  valid: Validity;
  summary: string;
  details: Record<string, unknown>;
  /** Lines for people (some checkers give them), shown as they are. */
  report?: unknown;
}

export interface DetailContext {
  data: RunData;
  series: Series;
  bands: readonly Band[];
  switches: readonly Switch[];
  /** Renders a chart and wraps it in a <figure> with a caption. */
  chart(name: string, spec: TopLevelSpec, caption: string): Promise<string>;
  /** A link to a file of the run folder, when it exists there. */
  fileLink(path: string, text: string): string | undefined;
}

/** A checker's own view: HTML, or undefined when the details are not what it expects. */
export type DetailRenderer = (v: StoredVerdict, ctx: DetailContext) => Promise<string | undefined> | string | undefined;

const RENDERERS = new Map<string, DetailRenderer>();

/** Adds (or replaces) the view of a checker, by the checker's name. */
export function registerDetailRenderer(checker: string, render: DetailRenderer): void {
  RENDERERS.set(checker, render);
}

/** Rows of a list shown in a table at most; the rest are in results.json. */
export const MAX_ROWS = 300;
const MAX_COLUMNS = 14;
const MAX_DEPTH = 3;
const CELL_CHARS = 160;

/** One checker's section: verdict and summary, its own view if any, its report lines, and every detail. */
export async function renderChecker(name: string, v: StoredVerdict, ctx: DetailContext): Promise<string> {
  let own = "";
  const render = RENDERERS.get(name);
  if (render) {
    try {
      own = (await render(v, ctx)) ?? "";
    } catch (err) {
      own = `<p class="note">The ${esc(name)} view could not be drawn (${esc((err as Error).message)}); every detail is below.</p>`;
    }
  }
  const lines = Array.isArray(v.report) ? v.report.filter((l): l is string => typeof l === "string") : [];
  const report = lines.length ? `<pre class="checker-report">${esc(lines.slice(0, MAX_ROWS).join("\n"))}${lines.length > MAX_ROWS ? esc(`\n… ${lines.length - MAX_ROWS} more lines`) : ""}</pre>` : "";
  const generic = genericDetails(isRecord(v.details) ? v.details : {});
  const cls = verdictClass(v.valid);
  return `<section class="checker" id="checker-${esc(slug(name))}" data-checker="${esc(name)}" data-verdict="${cls}">
<h3><span class="badge ${cls}">${verdictWord(v.valid)}</span> ${esc(name)}</h3>
<p class="why">${esc(String(v.summary ?? ""))}</p>
${own}${report}
<details class="all-details"${own ? "" : " open"}><summary>All details of ${esc(name)}</summary>${generic}</details>
</section>`;
}

export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, "-").slice(0, 80) || "x";
}

// --- The generic renderer ---------------------------------------------------------------------

/** Any details object as tables: scalars as rows, lists of records as tables, bounded in rows, columns and depth. */
export function genericDetails(details: Record<string, unknown>): string {
  const keys = Object.keys(details);
  if (keys.length === 0) return `<p class="note">No details.</p>`;
  return renderValue(details, 0, "");
}

function renderValue(v: unknown, depth: number, key: string): string {
  if (Array.isArray(v)) return renderArray(v, depth, key);
  if (isRecord(v)) {
    if (depth >= MAX_DEPTH) return `<code>${esc(truncate(safeJson(v), CELL_CHARS * 2))}</code>`;
    const entries = Object.entries(v);
    if (entries.length === 0) return `<span class="none">none</span>`;
    const shown = entries.slice(0, MAX_ROWS);
    const rows = shown.map(([k, x]) => `<tr><th>${esc(k)}</th><td>${renderValue(x, depth + 1, k)}</td></tr>`).join("");
    const more = entries.length > shown.length ? `<tr><td colspan="2" class="more">… ${count(entries.length - shown.length)} more in results.json</td></tr>` : "";
    return `<table class="kv">${rows}${more}</table>`;
  }
  return esc(scalar(v, key));
}

function renderArray(list: unknown[], depth: number, key: string): string {
  if (list.length === 0) return `<span class="none">none</span>`;
  if (list.every(isRecord) && depth < MAX_DEPTH + 1) {
    const columns: string[] = [];
    for (const row of list.slice(0, MAX_ROWS)) {
      for (const k of Object.keys(row)) if (!columns.includes(k) && columns.length < MAX_COLUMNS) columns.push(k);
    }
    const head = columns.map((c) => `<th>${esc(c)}</th>`).join("");
    const body = list
      .slice(0, MAX_ROWS)
      .map((row) => `<tr>${columns.map((c) => `<td>${cell((row as Record<string, unknown>)[c], c)}</td>`).join("")}</tr>`)
      .join("");
    const more = list.length > MAX_ROWS ? `<p class="more">${count(MAX_ROWS)} of ${count(list.length)} shown; all are in results.json</p>` : "";
    return `<table class="list"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>${more}`;
  }
  const items = list.slice(0, 100).map((x) => (isRecord(x) || Array.isArray(x) ? truncate(safeJson(x), CELL_CHARS) : scalar(x, key)));
  const more = list.length > 100 ? ` … (${count(list.length - 100)} more)` : "";
  return `<span class="inline-list">${esc(items.join(", "))}${esc(more)}</span>`;
}

function cell(v: unknown, key: string): string {
  if (v === undefined) return "";
  if (isRecord(v) || Array.isArray(v)) return `<code>${esc(truncate(safeJson(v), CELL_CHARS))}</code>`;
  return esc(truncate(scalar(v, key), CELL_CHARS));
}

/** Times on the history's clock (fields named …time / …Time / …At) as seconds; everything else as it is. */
function scalar(v: unknown, key: string): string {
  if (typeof v === "number" && /(^|[a-z])(time|Time)$|^t$/.test(key) && Math.abs(v) >= 1e5) return secs(v);
  if (typeof v === "number" && /Ms$/.test(key)) return `${v} ms`;
  if (v === null) return "null";
  if (typeof v === "string") return v;
  return fmtValue(v, CELL_CHARS);
}

// --- Helpers for the views --------------------------------------------------------------------

const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const rec = (x: unknown): Record<string, unknown> => (isRecord(x) ? x : {});
const num = (x: unknown): number | undefined => (typeof x === "number" && Number.isFinite(x) ? x : undefined);
const str = (x: unknown): string => (x === undefined || x === null ? "" : typeof x === "string" ? x : fmtValue(x, CELL_CHARS));
const t = (x: unknown): string => (num(x) === undefined ? "" : secs(num(x)!));

function during(ctx: DetailContext, time: number | undefined): string {
  if (time === undefined) return "";
  const active = bandsAt(ctx.bands, time);
  return active.length ? active.map((b) => b.label).join("; ") : "—";
}

function validCell(v: unknown): string {
  const cls = verdictClass(v);
  return `<span class="badge small ${cls}">${v === true ? "ok" : v === false ? "broken" : "unknown"}</span>`;
}

/** A table; long ones scroll inside a box so that the page stays short. */
function table(cls: string, head: string[], rows: string[], total: number): string {
  const more = total > rows.length ? `<p class="more">${count(rows.length)} of ${count(total)} shown; all are in results.json</p>` : "";
  const t = `<table class="list ${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table>`;
  return `${rows.length > 15 ? `<div class="scroll">${t}</div>` : t}${more}`;
}

/** A chart of when lost writes were acknowledged, and their table. */
async function lostWritesView(lost: Record<string, unknown>[], ctx: DetailContext, extra: { head: string; cell: (l: Record<string, unknown>) => string }[] = []): Promise<string> {
  if (lost.length === 0) return "";
  const times = lost.map((l) => num(l.ackTime)).filter((x): x is number => x !== undefined);
  const first = Math.min(...times);
  const last = Math.max(...times);
  const inFaults = times.filter((x) => bandsAt(ctx.bands, x).length > 0).length;
  const nodes = [...new Set(lost.map((l) => str(l.node) || "?"))];
  const lead = `<p class="lead lost-lead"><strong>${count(lost.length)} acknowledged write${lost.length === 1 ? "" : "s"} lost</strong>, acknowledged from ${secs(first)} to ${secs(last)} (over ${duration(last - first)}) by ${esc(nodes.join(", "))}; ${count(inFaults)} of them while a fault or failover was on.</p>`;
  const chart = await ctx.chart(
    "lost-writes",
    eventHistogramSpec(times, { bucketS: ctx.series.bucketS, domain: [0, ctx.series.end / 1e9], bands: ctx.bands, switches: ctx.switches, title: "lost writes" }),
    "Lost writes by the time they were acknowledged, with the faults shaded.",
  );
  const rows = lost.slice(0, MAX_ROWS).map((l, i) => {
    const ack = num(l.ackTime);
    return `<tr data-ack="${ack ?? ""}"><td>${i + 1}</td><td>${esc(str(l.key))}</td><td>${esc(truncate(str(l.value), 60))}</td><td>${t(l.ackTime)}</td><td>${t(l.invokeTime)}</td><td>${esc(str(l.node) || "?")}</td><td>${esc(str(l.process))}</td>${extra.map((e) => `<td>${e.cell(l)}</td>`).join("")}<td>${esc(during(ctx, ack))}</td></tr>`;
  });
  return `${lead}${chart}<h4>Lost writes, oldest acknowledgement first</h4>${table("lost-writes", ["#", "key", "value", "acknowledged at", "invoked at", "by", "process", ...extra.map((e) => e.head), "during"], rows, lost.length)}`;
}

// --- Views of the built-in checkers -------------------------------------------------------------

registerDetailRenderer("set", async (v, ctx) => {
  const d = v.details;
  if (!isRecord(d.counts)) return undefined;
  const c = d.counts;
  const facts = `<p class="facts">${count(num(c.attempted) ?? 0)} adds attempted, ${count(num(c.acknowledged) ?? 0)} acknowledged, ${count(num(c.failed) ?? 0)} failed, ${count(num(c.indeterminate) ?? 0)} indeterminate (${count(num(c.recovered) ?? 0)} of them found in the final read); ${count(num(c.present) ?? 0)} elements read at the end.</p>`;
  let html = facts + (await lostWritesView(arr(d.lost).filter(isRecord), ctx));
  const unexpected = arr(d.unexpected).filter(isRecord);
  if (unexpected.length) {
    html += `<h4>Elements read that no add could have written</h4>${table(
      "unexpected",
      ["key", "value", "why"],
      unexpected.slice(0, MAX_ROWS).map((u) => `<tr><td>${esc(str(u.key))}</td><td>${esc(str(u.value))}</td><td>${u.reason === "failed" ? "every add of it failed" : "never added"}</td></tr>`),
      unexpected.length,
    )}`;
  }
  const unread = arr(d.keysWithoutFinalRead).map(str);
  if (unread.length) html += `<p class="note">No final read of ${esc(unread.slice(0, 20).join(", "))}${unread.length > 20 ? ` and ${unread.length - 20} more` : ""}: nothing can be said about them.</p>`;
  return html;
});

registerDetailRenderer("stats", (v) => {
  const byF = rec(v.details.byF);
  const fs = Object.keys(byF);
  if (fs.length === 0) return undefined;
  const rows = fs.map((f) => {
    const s = rec(byF[f]);
    const errors = arr(s.errors)
      .filter(isRecord)
      .slice(0, 5)
      .map((e) => `${str(e.error)} ×${str(e.count)}`)
      .join("; ");
    return `<tr><td>${esc(f)}</td><td>${count(num(s.invoked) ?? 0)}</td><td>${count(num(s.ok) ?? 0)}</td><td>${count(num(s.fail) ?? 0)}</td><td>${count(num(s.info) ?? 0)}</td><td>${esc(truncate(errors, 300))}</td></tr>`;
  });
  return table("stats", ["op", "invoked", "ok", "fail", "info", "most frequent errors"], rows, rows.length);
});

registerDetailRenderer("linearizable", (v, ctx) => {
  const d = v.details;
  const explanation = arr(d.explanation).map(str);
  const view = typeof d.view === "string" ? ctx.fileLink(d.view, "the linearizability view") : undefined;
  const facts = `<p class="facts">Model ${esc(str(d.model))}; ${count(num(d.partitions) ?? 0)} keys, ${count(num(d.ops) ?? 0)} ops checked in ${num(d.elapsedMs) !== undefined ? duration(num(d.elapsedMs)! * 1e6) : "?"}.${view ? ` Open ${view}: every process's ops on a time axis, the longest linearization found and the op that cannot follow it.` : ""}</p>`;
  const text = explanation.length ? `<h4>Counterexample</h4><pre class="counterexample">${esc(explanation.slice(0, 200).join("\n"))}</pre>` : "";
  return facts + text;
});

// --- Views of the observer's checkers (loss window, election rules, stale reads) -------------------

registerDetailRenderer("loss-window", async (v, ctx) => {
  const d = v.details;
  const episodes = arr(d.episodes).filter(isRecord);
  const lost = arr(d.lost).filter(isRecord);
  if (!Array.isArray(d.episodes) && !Array.isArray(d.lost)) return undefined;
  const bound = rec(d.bound);
  const boundText = num(bound.seconds) !== undefined ? `${num(bound.seconds)} s (min-replicas-max-lag + 2 s)` : str(bound.none) || "none promised";
  let html = `<p class="facts">Bound the configuration promises on the loss window: ${esc(boundText)}.</p>`;
  if (episodes.length) {
    const rows = episodes.slice(0, MAX_ROWS).map((e) => {
      const f = rec(e.failover);
      const p = rec(e.partition);
      const failover = isRecord(e.failover) ? `${str(f.from)} → ${str(f.to)}${num(f.epoch) !== undefined ? ` (epoch ${num(f.epoch)})` : ""} at ${t(f.switchTime)}` : "—";
      const partition = isRecord(e.partition) ? `${str(p.shape)} ${t(p.start)}–${p.end === null ? "end" : t(p.end)}` : "—";
      return `<tr><td>${esc(str(e.node) || "?")}</td><td>${esc(str(e.cause))}</td><td>${esc(failover)}</td><td>${esc(partition)}</td><td>${count(num(e.lost) ?? 0)}</td><td>${t(e.firstAck)} – ${t(e.lastAck)}</td><td>${num(e.window) !== undefined ? duration(num(e.window)!) : ""}</td><td>${validCell(e.within)}</td></tr>`;
    });
    html += `<h4>Loss episodes</h4>${table("loss-episodes", ["primary", "cause", "failover", "partition", "lost", "acknowledged", "window", "within bound"], rows, episodes.length)}`;
  }
  html += await lostWritesView(lost, ctx, [{ head: "category", cell: (l) => esc(str(l.category)) }]);
  return html;
});

registerDetailRenderer("election-rules", (v) => {
  const d = v.details;
  if (!Array.isArray(d.failovers)) return undefined;
  const failovers = d.failovers.filter(isRecord);
  const checksList = (checks: unknown) =>
    arr(checks)
      .filter(isRecord)
      .map((c) => `<li>${validCell(c.valid)} <strong>${esc(str(c.rule))}</strong> ${esc(str(c.note))}</li>`)
      .join("");
  let html = "";
  if (failovers.length === 0) html += `<p class="facts">No failover in the observer's record.</p>`;
  else {
    const rows = failovers.slice(0, MAX_ROWS).map((f) => {
      const votes = rec(f.votes);
      const times = rec(f.times);
      const timeText = ["odown", "try", "elected", "promoted", "switch", "rejoined"]
        .filter((k) => num(times[k]) !== undefined)
        .map((k) => `${k} ${t(times[k])}`)
        .join(", ");
      const promoted = f.promoted === null ? `aborted${f.aborted ? `: ${str(f.aborted)}` : ""}` : str(f.promoted);
      const best = f.best && f.best !== f.promoted ? ` (best: ${str(f.best)})` : "";
      return `<tr class="failover-row"><td>${esc(str(f.epoch))}</td><td>${esc(str(f.leader))}${f.forced ? " (forced)" : ""}</td><td>${esc(str(f.oldPrimary))} → ${esc(promoted)}${esc(best)}</td><td>${esc(arr(votes.for).map(str).join(", "))}${num(votes.required) !== undefined ? ` (${arr(votes.for).length} of ${num(votes.required)} needed)` : ""}</td><td>${esc(timeText)}</td><td>${validCell(f.valid)}</td></tr>`;
    });
    html += `<h4>Failovers and their election</h4>${table("failovers", ["epoch", "leader", "primary → promoted", "votes", "times", "rules"], rows, failovers.length)}`;
    for (const [i, f] of failovers.slice(0, 50).entries()) {
      const candidates = arr(f.candidates).filter(isRecord);
      const cand = candidates.length
        ? table(
            "candidates",
            ["replica", "eligible", "priority", "offset", "run id", "why excluded", "from"],
            candidates.map((c) => `<tr><td>${esc(str(c.node))}</td><td>${validCell(c.eligible)}</td><td>${esc(str(c.priority))}</td><td>${esc(str(c.offset))}</td><td>${esc(truncate(str(c.runId), 12))}</td><td>${esc(arr(c.reasons).map(str).join("; "))}</td><td>${esc(str(c.source))}</td></tr>`),
            candidates.length,
          )
        : "";
      html += `<details class="failover-decision"><summary>Failover ${i + 1}: ${esc(str(f.oldPrimary))} → ${esc(str(f.promoted ?? "none"))}, the rules and the candidates</summary><ul class="checks">${checksList(f.checks)}</ul>${cand}</details>`;
    }
  }
  const global = checksList(d.global);
  if (global) html += `<h4>Rules over the whole record</h4><ul class="checks">${global}</ul>`;
  return html;
});

registerDetailRenderer("stale-read", async (v, ctx) => {
  const d = v.details;
  if (num(d.reads) === undefined) return undefined;
  const dist = (x: unknown, unit: string) => {
    const r = rec(x);
    return `p50 ${str(r.p50)} ${unit}, p90 ${str(r.p90)}, p99 ${str(r.p99)}, max ${str(r.max)}`;
  };
  let html = `<p class="facts">${count(num(d.reads)!)} reads, ${count(num(d.stale) ?? 0)} stale. Behind: ${esc(dist(d.behindMs, "ms"))}; ${esc(dist(d.behindWrites, "writes"))}. Served by ${esc(
    Object.entries(rec(d.servedBy))
      .map(([n, c]) => `${n} ${str(c)}`)
      .join(", "),
  )}.</p>`;
  for (const [field, label, unit] of [["behindMs", "how far behind (ms)", "ms"], ["behindWrites", "how far behind (writes)", "writes"]] as const) {
    const hist = arr(rec(d[field]).histogram).filter(isRecord);
    if (hist.length === 0) continue;
    const bars = hist.map((h) => ({ label: h.upTo === "more" ? "more" : `≤ ${str(h.upTo)}`, n: num(h.count) ?? 0 }));
    html += await ctx.chart(`stale-${field}`, barsSpec(bars, { xTitle: `${label}`, yTitle: "reads", color: "#4c78a8" }), `Stale reads: distribution of ${esc(unit)} behind.`);
  }
  const stalest = arr(d.stalest).filter(isRecord);
  if (stalest.length) {
    html += `<h4>The stalest reads</h4>${table(
      "stalest",
      ["key", "read", "latest acknowledged", "behind", "by", "invoked at", "during"],
      stalest.map((s) => `<tr><td>${esc(str(s.key))}</td><td>${esc(str(s.value))}</td><td>${esc(str(s.latestAcknowledged))}</td><td>${esc(`${str(s.behindMs)} ms, ${str(s.behindWrites)} writes`)}</td><td>${esc(str(s.node))}</td><td>${t(s.invokeTime)}</td><td>${esc(during(ctx, num(s.invokeTime)))}</td></tr>`),
      stalest.length,
    )}`;
  }
  return html;
});
