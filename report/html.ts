// report.html: one self-contained page per run (inline CSS and SVG, no script, nothing
// fetched) in the order a person reads it: the verdict of each checker, what happened (the
// faults, the failovers, what they cost), the timeline of ops per process and the throughput
// and latency plots with the faults shaded, each checker's details, and the topology,
// configuration, node logs and files of the run.
import type { TopLevelSpec } from "vega-lite";
import { outcomeOf } from "../history/op.js";
import { latencySpec, renderSvg, throughputSpec, timelineSpec, BAND_COLORS, OUTCOME_COLORS } from "./charts.js";
import { renderChecker, slug, type StoredVerdict } from "./details.js";
import { bandsAt, failovers, faultBands, type Band, type FaultError, type Failovers } from "./faults.js";
import { count, duration, esc, fmtValue, isRecord, plural, secs, truncate, verdictClass, verdictWord } from "./format.js";
import type { RunData } from "./run-data.js";
import { computeSeries, type Series } from "./series.js";

/** A lost write as any checker lists it (set, loss-window): enough to place it in time. */
export interface LostWrite {
  key: string;
  value?: unknown;
  ackTime: number;
  node?: string | null;
  process?: number;
}

/** What the report derives from a run, shared by the HTML, the Markdown summary and JUnit. */
export interface Derived {
  faults: Band[];
  faultErrors: FaultError[];
  failovers: Failovers;
  /** Faults and failovers together, in start order. */
  bands: Band[];
  lost: LostWrite[];
  /** Which checker's list `lost` is. */
  lostFrom?: string;
  end: number;
}

export function derive(data: RunData): Derived {
  const { bands: faults, errors } = faultBands(data.history);
  const origin = Date.parse(data.results.startedAt ?? "");
  const fo = failovers({ events: data.events, sentinelLogs: data.sentinelLogs, nodes: data.nodes, originMs: Number.isFinite(origin) ? origin : undefined });
  let end = 1;
  for (const op of data.history) if (op.time > end) end = op.time;
  const { lost, from } = lostWrites(data);
  return { faults, faultErrors: errors, failovers: fo, bands: [...faults, ...fo.bands].sort((a, b) => a.start - b.start), lost, lostFrom: from, end };
}

/** The longest list of lost writes any checker gives (the set checker and the loss window name the same writes). */
function lostWrites(data: RunData): { lost: LostWrite[]; from?: string } {
  let best: { lost: LostWrite[]; from?: string } = { lost: [] };
  for (const [name, v] of Object.entries(data.results.checkers ?? {})) {
    const list = isRecord(v?.details) ? v.details.lost : undefined;
    if (!Array.isArray(list)) continue;
    const lost = list.filter((l): l is LostWrite => isRecord(l) && typeof l.ackTime === "number");
    if (lost.length > best.lost.length) best = { lost: [...lost].sort((a, b) => a.ackTime - b.ackTime), from: name };
  }
  return best;
}

const CSS = `
:root{--ok:${OUTCOME_COLORS.ok};--fail:${OUTCOME_COLORS.fail};--info:${OUTCOME_COLORS.info};--fault:${BAND_COLORS.fault};--failover:${BAND_COLORS.failover};--stale-primary:${BAND_COLORS["stale-primary"]}}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1d1d1f;background:#f6f6f4}
header.top{background:#1d1d1f;color:#fff;padding:14px 24px;display:flex;gap:18px;align-items:center;flex-wrap:wrap}
header.top h1{font-size:20px;margin:0;font-weight:600;word-break:break-all}
header.top .meta{color:#c8c8c8;font-size:13px}
nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #ddd;padding:6px 24px;font-size:13px}
nav a{margin-right:14px;color:#1d4f91;text-decoration:none}
main{padding:8px 24px 40px;max-width:1180px}
section{background:#fff;border:1px solid #e2e2e2;border-radius:6px;padding:12px 18px;margin:14px 0}
h2{font-size:17px;margin:4px 0 10px}
h3{font-size:15px;margin:6px 0}
h4{font-size:13px;margin:14px 0 6px;color:#444}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;letter-spacing:.02em;color:#fff;background:#888}
.badge.valid{background:#2e7d32}.badge.invalid{background:#c62828}.badge.unknown{background:#8d6e00}
.badge.big{font-size:16px;padding:3px 14px;border-radius:14px}
.badge.small{font-size:11px;padding:0 6px}
table{border-collapse:collapse;font-size:13px;margin:4px 0}
th,td{text-align:left;padding:3px 8px;border-bottom:1px solid #eee;vertical-align:top}
thead th{background:#f3f3f3;font-weight:600}
table.kv th{font-weight:500;color:#555;white-space:nowrap}
table.list td{font-variant-numeric:tabular-nums}
#verdicts td.why{max-width:760px}
.lead{font-size:15px}
.facts,.note,.more{color:#444}
.note{font-style:italic}
.none{color:#888}
pre{background:#f7f7f7;border:1px solid #eee;padding:8px;overflow:auto;max-height:420px;font-size:12px;white-space:pre-wrap;word-break:break-word}
figure.chart{margin:8px 0 14px}
figure.chart .svg{overflow-x:auto}
figure.chart svg{max-width:none}
figcaption{font-size:12px;color:#555}
.scroll{max-height:430px;overflow:auto;border:1px solid #eee;display:inline-block;max-width:100%}
.scroll thead th{position:sticky;top:0}
.legend span{display:inline-block;margin-right:14px;font-size:12px}
.legend i{display:inline-block;width:18px;height:10px;margin-right:4px;vertical-align:middle;border-radius:2px}
ul.story{margin:4px 0 4px 18px;padding:0}
ul.story li{margin:3px 0}
ul.checks{list-style:none;padding-left:4px}
details>summary{cursor:pointer;color:#1d4f91}
.all-details{margin-top:8px}
code{font-size:12px}
`;

export async function renderReportHtml(data: RunData, derived: Derived = derive(data)): Promise<string> {
  const r = data.results;
  const spec = data.spec ?? {};
  const concurrency = numAt(spec, "workload", "concurrency");
  const focus = derived.faults[0]?.start ?? derived.failovers.bands[0]?.start ?? derived.lost[0]?.ackTime;
  const series = computeSeries(data.history, { concurrency, focus });
  const domain: [number, number] = [0, series.end / 1e9];
  const charts: string[] = [];
  let clips = 0;
  const chart = async (name: string, spec: TopLevelSpec, caption: string): Promise<string> => {
    // vega numbers clip paths from a process-wide counter: renumber them per page, so that
    // the page is the same whenever it is drawn and ids stay unique among its charts.
    const ids = new Map<string, string>();
    const svg = (await renderSvg(spec)).replace(/\bclip\d+\b/g, (id) => {
      let mine = ids.get(id);
      if (!mine) ids.set(id, (mine = `clip-${++clips}`));
      return mine;
    });
    charts.push(name);
    return `<figure class="chart" data-chart="${esc(name)}">${legend()}<div class="svg">${svg}</div><figcaption>${caption}</figcaption></figure>`;
  };
  const fileLink = (path: string, text: string): string | undefined => (hasFile(data, path) ? `<a href="${href(path)}">${esc(text)}</a>` : undefined);
  const ctx = { data, series, bands: derived.bands, switches: derived.failovers.switches, chart, fileLink };

  const timeline = await chart(
    "timeline",
    timelineSpec(series.timeline, derived.bands, derived.failovers.switches),
    `Ops per process over time, from invocation to completion: ${esc(series.timeline.note)}.`,
  );
  const window = series.window
    ? await chart("timeline-window", timelineSpec(series.window, derived.bands, derived.failovers.switches), `A closer look: ${esc(series.window.note)}.`)
    : "";
  const throughput = await chart(
    "throughput",
    throughputSpec(series.throughput, series.bucketS, derived.bands, derived.failovers.switches, domain),
    "Completed ops per second by outcome.",
  );
  const latency = await chart("latency", latencySpec(series.latency, derived.bands, derived.failovers.switches, domain), `Latency of each op at its completion: ${esc(series.latencyNote)}.`);

  const checkerSections: string[] = [];
  for (const [name, v] of Object.entries(r.checkers ?? {})) checkerSections.push(await renderChecker(name, v as StoredVerdict, ctx));

  const verdict = verdictClass(r.valid);
  const runTime = r.startedAt && r.finishedAt ? duration((Date.parse(r.finishedAt) - Date.parse(r.startedAt)) * 1e6) : "";
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(`${verdictWord(r.valid)}: ${r.name}`)} — redline</title><style>${CSS}</style></head>
<body data-verdict="${verdict}">
<header class="top"><span id="verdict" class="badge big ${verdict}" data-verdict="${verdict}">${verdictWord(r.valid)}</span><h1>${esc(String(r.name ?? "run"))}</h1>
<span class="meta">${esc([r.seed !== undefined ? `seed ${r.seed}` : "", r.startedAt ? `started ${r.startedAt}` : "", runTime ? `took ${runTime}` : "", opsLine(r.opCounts)].filter(Boolean).join(" · "))}</span></header>
<nav><a href="#verdicts-section">Verdicts</a><a href="#story">What happened</a><a href="#faults">Faults</a><a href="#timeline">Timeline</a><a href="#plots">Throughput and latency</a><a href="#checkers">Checker details</a><a href="#topology">Topology and configuration</a><a href="#files">Files and logs</a></nav>
<main>
${verdictSection(data)}
${storySection(data, derived, series)}
${faultsSection(derived, series)}
<section id="timeline"><h2>Timeline</h2>${timeline}${window}</section>
<section id="plots"><h2>Throughput and latency</h2>${throughput}${latency}</section>
<section id="checkers"><h2>Checker details</h2>${checkerSections.join("\n") || `<p class="note">No checker ran.</p>`}</section>
${topologySection(data)}
${filesSection(data)}
</main>
<!-- charts: ${charts.join(" ")} -->
</body></html>
`;
}

function legend(): string {
  return `<div class="legend"><span><i style="background:var(--ok)"></i>ok</span><span><i style="background:var(--fail)"></i>fail</span><span><i style="background:var(--info)"></i>info (unknown)</span><span><i style="background:var(--fault);opacity:.5"></i>nemesis fault</span><span><i style="background:var(--failover);opacity:.45"></i>failover: ODOWN to the change of primary (dashed line)</span><span><i style="background:var(--stale-primary);opacity:.3"></i>old primary not yet a replica</span></div>`;
}

function opsLine(c: Record<string, number> | undefined): string {
  if (!c) return "";
  return `${count(c.invoke ?? 0)} ops: ${count(c.ok ?? 0)} ok, ${count(c.fail ?? 0)} fail, ${count(c.info ?? 0)} info`;
}

function verdictSection(data: RunData): string {
  const r = data.results;
  const rows = Object.entries(r.checkers ?? {}).map(([name, v]) => {
    const cls = verdictClass(v.valid);
    return `<tr data-checker="${esc(name)}" data-verdict="${cls}"><td><a href="#checker-${esc(slug(name))}">${esc(name)}</a></td><td><span class="badge ${cls}">${verdictWord(v.valid)}</span></td><td class="why">${esc(String(v.summary ?? ""))}</td></tr>`;
  });
  if (r.error) rows.push(`<tr data-checker="run" data-verdict="unknown"><td>run</td><td><span class="badge unknown">error</span></td><td class="why">${esc(r.error)}</td></tr>`);
  if (r.interrupted) rows.push(`<tr data-checker="run" data-verdict="unknown"><td>run</td><td><span class="badge unknown">interrupted</span></td><td class="why">${esc(r.interrupted)}</td></tr>`);
  const notes = data.notes.length ? `<ul class="note">${data.notes.map((n) => `<li>${esc(n)}</li>`).join("")}</ul>` : "";
  return `<section id="verdicts-section"><h2>Verdicts</h2><table id="verdicts"><thead><tr><th>checker</th><th>verdict</th><th>why</th></tr></thead><tbody>${rows.join("")}</tbody></table>${notes}</section>`;
}

/** Lost writes grouped by the fault (else failover period) on when each was acknowledged, largest group first. */
export function lostByBand(d: Derived): { band?: string; n: number }[] {
  const groups = new Map<string | undefined, number>();
  for (const l of d.lost) {
    const band = bandsAt(d.faults, l.ackTime)[0] ?? bandsAt(d.failovers.bands, l.ackTime)[0];
    groups.set(band?.label, (groups.get(band?.label) ?? 0) + 1);
  }
  return [...groups].map(([band, n]) => ({ band, n })).sort((a, b) => b.n - a.n);
}

/** The few sentences a person reads to know what happened. */
function storySection(data: RunData, d: Derived, series: Series): string {
  const items: string[] = [];
  const r = data.results;
  const bad = Object.entries(r.checkers ?? {}).filter(([, v]) => v.valid !== true);
  items.push(
    r.valid === true
      ? `Every checker found the history valid.`
      : `${verdictWord(r.valid)}: ${bad.map(([n, v]) => `<strong>${esc(n)}</strong> ${esc(String(v.summary ?? ""))}`).join("; ") || esc(r.error ?? r.interrupted ?? "")}.`,
  );
  if (d.faults.length === 0) items.push("No nemesis fault in the history.");
  else {
    const shown = d.faults.slice(0, 6).map((b) => `${esc(b.label)} from ${secs(b.start, 2)} to ${secs(b.end, 2)}`);
    items.push(`${plural(d.faults.length, "fault")}: ${shown.join("; ")}${d.faults.length > 6 ? `; and ${d.faults.length - 6} more (table below)` : ""}.`);
  }
  for (const e of d.faultErrors.slice(0, 3)) items.push(`The ${esc(e.fault)} fault at ${secs(e.time, 2)} did not take effect: ${esc(truncate(e.error, 200))}.`);
  const fo = d.failovers;
  if (fo.source) {
    if (fo.switches.length === 0) items.push(`No change of primary (from ${esc(fo.source)}).`);
    else {
      const shown = d.failovers.bands
        .filter((b) => b.label.startsWith("failover ") && Number.isFinite(b.end))
        .slice(0, 6)
        .map((b) => `${esc(b.label.slice("failover ".length))} at ${secs(b.end, 2)} (${duration(b.end - b.start)} after ODOWN)`);
      items.push(`${plural(fo.switches.length, "change")} of primary: ${shown.join("; ")} (from ${esc(fo.source)}).`);
    }
  } else if (data.nodes.some((n) => n.kind === "sentinel")) items.push("Failovers are not shown: the run has neither an observer record (events.jsonl) nor readable sentinel logs.");

  if (d.lost.length > 0) {
    const nodes = [...new Set(d.lost.map((l) => l.node ?? "?"))];
    items.push(
      `<strong>Cost: ${plural(d.lost.length, "acknowledged write")} lost</strong> (${esc(d.lostFrom ?? "")}), acknowledged from ${secs(d.lost[0].ackTime)} to ${secs(d.lost[d.lost.length - 1].ackTime)} by ${esc(nodes.join(", "))}: ${lostByBand(d)
        .map((g) => `${count(g.n)} ${g.band ? `during ${esc(g.band)}` : "outside any fault or failover"}`)
        .join(", ")}.`,
    );
  }
  if (d.faults.length > 0) {
    const c = costs(d.faults, series);
    items.push(
      `While faults were on (${duration(c.faultNs)} of ${duration(series.end)}): ${rate(c.inside.ok, c.faultNs)} ok ops/s against ${rate(c.outside.ok, series.end - c.faultNs)} outside them; ${count(c.inside.fail)} fail and ${count(c.inside.info)} info ops (${count(c.outside.fail)} and ${count(c.outside.info)} outside).`,
    );
  }
  if (r.error) items.push(`The run hit an error: ${esc(r.error)}.`);
  if (r.interrupted) items.push(`The run was interrupted (${esc(r.interrupted)}).`);
  return `<section id="story"><h2>What happened</h2><ul class="story">${items.map((i) => `<li>${i}</li>`).join("")}</ul></section>`;
}

function rate(n: number, ns: number): string {
  return ns > 0 ? (n / (ns / 1e9)).toFixed(1) : "–";
}

/** Completions inside and outside the fault periods, and how long faults were on. */
function costs(faults: readonly Band[], series: Series) {
  const inside = { ok: 0, fail: 0, info: 0 };
  const outside = { ok: 0, fail: 0, info: 0 };
  for (const p of series.pairs) {
    if (!p.complete) continue;
    (bandsAt(faults, p.complete.time).length > 0 ? inside : outside)[outcomeOf(p)]++;
  }
  // Union of the fault periods.
  let faultNs = 0;
  let cur: [number, number] | undefined;
  for (const b of [...faults].sort((a, b) => a.start - b.start)) {
    const end = Math.min(b.end, series.end);
    if (cur && b.start <= cur[1]) cur[1] = Math.max(cur[1], end);
    else {
      if (cur) faultNs += cur[1] - cur[0];
      cur = [b.start, end];
    }
  }
  if (cur) faultNs += Math.max(0, cur[1] - cur[0]);
  return { inside, outside, faultNs };
}

/** Every fault and failover with what happened to the ops while it lasted. */
function faultsSection(d: Derived, series: Series): string {
  if (d.bands.length === 0 && d.faultErrors.length === 0) return `<section id="faults"><h2>Faults</h2><p class="note">No fault and no failover recorded.</p></section>`;
  const rows = d.bands.slice(0, 500).map((b, i) => {
    const end = Math.min(b.end, series.end);
    const o = { ok: 0, fail: 0, info: 0 };
    for (const p of series.pairs) if (p.complete && p.complete.time >= b.start && p.complete.time < end) o[outcomeOf(p)]++;
    const lost = d.lost.filter((l) => l.ackTime >= b.start && l.ackTime < end).length;
    return `<tr class="band-row" data-kind="${b.kind}"><td>${i + 1}</td><td><i class="swatch" style="display:inline-block;width:10px;height:10px;background:var(--${b.kind})"></i> ${esc(b.label)}</td><td>${esc(truncate(b.detail, 200))}</td><td>${secs(b.start)}</td><td>${secs(b.end)}</td><td>${duration(b.end - b.start)}</td><td>${count(o.ok)} / ${count(o.fail)} / ${count(o.info)}</td><td>${lost ? `<strong>${count(lost)}</strong>` : "0"}</td></tr>`;
  });
  const more = d.bands.length > 500 ? `<p class="more">500 of ${count(d.bands.length)} shown.</p>` : "";
  const errors = d.faultErrors.length
    ? `<h4>Faults that did not take effect</h4><ul>${d.faultErrors
        .slice(0, 50)
        .map((e) => `<li>${secs(e.time)} ${esc(e.fault)}: ${esc(truncate(e.error, 300))}</li>`)
        .join("")}</ul>`
    : "";
  const source = d.failovers.source ? `<p class="note">Failovers from ${esc(d.failovers.source)}${d.failovers.source === "sentinel logs" ? " (placed on the history's clock from the logs' wall-clock times: a few ms off at most)" : ""}.</p>` : "";
  return `<section id="faults"><h2>Faults and failovers, and what they cost</h2><table class="list" id="fault-table"><thead><tr><th>#</th><th>what</th><th>detail</th><th>from</th><th>to</th><th>lasted</th><th>ops ok / fail / info completed meanwhile</th><th>lost writes acknowledged meanwhile</th></tr></thead><tbody>${rows.join("")}</tbody></table>${more}${source}${errors}</section>`;
}

function topologySection(data: RunData): string {
  const s = data.spec;
  let summary = "";
  if (s) {
    const topo = isRecord(s.topology) ? s.topology : {};
    const parts: string[] = [];
    const type = String(topo.type ?? "?");
    let shape = type;
    if (type === "standalone") shape = "1 node";
    if (type === "replication") shape = `1 primary + ${str(topo.replicas)} replicas`;
    if (type === "sentinel") shape = `1 primary + ${str(topo.replicas)} replicas + ${str(topo.sentinels)} sentinels`;
    parts.push(`<strong>${esc(str(s.target))}</strong> ${esc(type)}: ${esc(shape)}`);
    if (isRecord(s.sentinel)) parts.push(`quorum ${esc(str(s.sentinel.quorum))}, down-after ${esc(str(s.sentinel["down-after-milliseconds"]))} ms, failover-timeout ${esc(str(s.sentinel["failover-timeout"]))} ms`);
    if (isRecord(s.replication)) parts.push(`min-replicas-to-write ${esc(str(s.replication["min-replicas-to-write"]))}, min-replicas-max-lag ${esc(str(s.replication["min-replicas-max-lag"]))} s`);
    if (s.persistence !== undefined) parts.push(`persistence ${esc(str(s.persistence))}`);
    const w = isRecord(s.workload) ? s.workload : {};
    parts.push(`workload <strong>${esc(str(w.type))}</strong>: ${esc(str(w.keys))} keys, ${esc(str(w.concurrency))} clients, ${esc(str(w.rate))} ops/s, timeout ${esc(str(w["timeout-ms"]))} ms`);
    const n = isRecord(s.nemesis) ? s.nemesis : {};
    const faults = Array.isArray(n.faults) ? n.faults.map(str).join(", ") : str(n.faults);
    const partitions = Array.isArray(n.partitions) && (Array.isArray(n.faults) ? n.faults.includes("partition") : false) ? ` (shapes ${n.partitions.map(str).join(", ")})` : "";
    parts.push(faults === "none" || faults === "" ? "no nemesis" : `nemesis <strong>${esc(faults)}</strong>${esc(partitions)}: ${esc(str(n.mode))}, every ${esc(str(n.interval))} s for ${esc(str(n.duration))} s`);
    parts.push(`${esc(str(s["time-limit"]))} s of workload; seed ${esc(str(s.seed))}`);
    summary = `<ul class="story">${parts.map((p) => `<li>${p}</li>`).join("")}</ul>`;
  } else summary = `<p class="note">No test.yaml: the history was checked outside a run folder.</p>`;
  const nodes = data.nodes.length
    ? `<h4>Nodes</h4><table class="list" id="nodes"><thead><tr><th>node</th><th>kind</th><th>address</th><th>logs and config</th></tr></thead><tbody>${data.nodes
        .map(
          (n) =>
            `<tr><td>${esc(n.id)}</td><td>${n.kind}</td><td>${esc(n.addresses.join(", "))}</td><td>${n.files.map((f) => `<a class="node-log" href="${href(f.path)}">${esc(f.path.split("/").pop() ?? f.path)}</a> <span class="none">(${bytes(f.bytes)})</span>`).join(" · ")}</td></tr>`,
        )
        .join("")}</tbody></table>`
    : "";
  const yaml = data.specText !== undefined ? `<details><summary>test.yaml (repeats this run: <code>redline run test.yaml</code>)</summary><pre>${esc(truncate(data.specText, 100_000))}</pre></details>` : "";
  return `<section id="topology"><h2>Topology and configuration</h2>${summary}${nodes}${yaml}</section>`;
}

function filesSection(data: RunData): string {
  if (data.files.length === 0) return "";
  const describe: Record<string, string> = {
    "test.yaml": "the exact spec, with the seed",
    "history.jsonl": "every op, one per line",
    "history.edn": "the history in Jepsen's EDN",
    "results.json": "every checker's verdict and details",
    "events.jsonl": "the observer's record",
    "linearizability.html": "the linearizability view",
    "junit.xml": "the verdicts for CI",
    "summary.md": "the summary for a pull-request comment",
    "processes.json": "the processes the run started",
  };
  const rows = data.files
    .filter((f) => f !== "report.html")
    .map((f) => `<li><a href="${href(f)}">${esc(f)}</a>${describe[f] ? ` — ${esc(describe[f])}` : ""}</li>`);
  return `<section id="files"><h2>Files of the run</h2><ul>${rows.join("")}</ul><p class="note">Node logs are listed with the nodes above.</p></section>`;
}

function hasFile(data: RunData, path: string): boolean {
  if (!data.dir) return false;
  return data.files.includes(path) || data.nodes.some((n) => n.files.some((f) => f.path === path));
}

/** A relative link to a file of the run folder. */
function href(path: string): string {
  return esc(path.split("/").map(encodeURIComponent).join("/"));
}

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 2 ** 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 2 ** 20).toFixed(1)} MiB`;
}

function str(x: unknown): string {
  return x === undefined || x === null ? "?" : typeof x === "string" ? x : fmtValue(x, 200);
}

function numAt(o: Record<string, unknown>, ...path: string[]): number | undefined {
  let cur: unknown = o;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return typeof cur === "number" ? cur : undefined;
}
