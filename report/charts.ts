// The report's charts: Vega-Lite specs compiled to Vega and rendered to SVG strings headless
// (vega's View.toSVG with renderer "none": no canvas, no DOM, no network). Every chart shares
// the x axis (seconds since the run started) and the same shading of faults and failovers,
// so they line up one under the other. Data is inline; values from the history are data,
// never expressions, and vega escapes the text it writes into the SVG.
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";
import type { Band, Switch } from "./faults.js";
import { OUTCOMES, type LatencyPoint, type ThroughputRow, type Timeline } from "./series.js";

export const OUTCOME_COLORS: Record<string, string> = { ok: "#54a24b", fail: "#e45756", info: "#f58518" };
export const BAND_COLORS = { fault: "#f2b447", failover: "#9e64c8", "stale-primary": "#5b9bd5" } as const;
const BAND_OPACITY = { fault: 0.3, failover: 0.25, "stale-primary": 0.13 } as const;

export const CHART_WIDTH = 1000;
/** Room for the y axis, the same in every chart so that the time axes line up. */
const Y_AXIS_EXTENT = 64;
/** Rows of band labels above the timeline; labels that do not fit are left to the faults table. */const LABEL_ROWS = 3;
const LABEL_ROW_HEIGHT = 12;

const S = 1e9;
type Layer = Record<string, unknown>;

const silent = vega.logger(vega.None);

/** Compiles a Vega-Lite spec and renders it to an SVG string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec, { logger: silent }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const CONFIG = {
  font: "system-ui, sans-serif",
  axis: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: "normal", gridColor: "#eee" },
  axisY: { minExtent: Y_AXIS_EXTENT, maxExtent: Y_AXIS_EXTENT },
  legend: { orient: "top", labelFontSize: 11, titleFontSize: 11, symbolSize: 80 },
  view: { stroke: "#ccc" },
};

function xEncoding(domain: [number, number], title: string | null = "seconds since the run started"): Layer {
  return { field: "x", type: "quantitative", scale: { domain, nice: false, zero: false }, axis: { title, tickCount: 12 } };
}

interface BandRow {
  x: number;
  x2: number;
  kind: Band["kind"];
  label: string;
  description: string;
}

/** The bands that overlap the domain, clipped to it. */
function bandRows(bands: readonly Band[], domain: [number, number]): BandRow[] {
  const rows: BandRow[] = [];
  for (const b of bands) {
    const x = Math.max(b.start / S, domain[0]);
    const x2 = Math.min(Number.isFinite(b.end) ? b.end / S : domain[1], domain[1]);
    if (x2 < x || x > domain[1]) continue;
    const until = Number.isFinite(b.end) ? `${(b.end / S).toFixed(3)} s` : "the end";
    rows.push({ x, x2: Math.max(x2, x + (domain[1] - domain[0]) / 1000), kind: b.kind, label: b.label, description: `${b.kind}: ${b.label} from ${(b.start / S).toFixed(3)} s to ${until}` });
  }
  return rows;
}

/** Rect layers shading faults and failovers (and a dashed rule at each change of primary), clipped to the domain. */
export function bandLayers(bands: readonly Band[], switches: readonly Switch[], domain: [number, number]): Layer[] {
  const rows = bandRows(bands, domain);
  const layers: Layer[] = [];
  for (const kind of ["stale-primary", "fault", "failover"] as const) {
    const values = rows.filter((r) => r.kind === kind);
    if (values.length === 0) continue;
    layers.push({
      data: { values },
      mark: { type: "rect", color: BAND_COLORS[kind], opacity: BAND_OPACITY[kind], clip: true },
      encoding: { x: xEncoding(domain), x2: { field: "x2" }, description: { field: "description" } },
    });
  }
  const inDomain = switches.filter((s) => s.time / S >= domain[0] && s.time / S <= domain[1]);
  if (inDomain.length > 0) {
    layers.push({
      data: { values: inDomain.map((s) => ({ x: s.time / S, description: `switch: ${s.from} → ${s.to} at ${(s.time / S).toFixed(3)} s` })) },
      mark: { type: "rule", color: BAND_COLORS.failover, strokeDash: [4, 3], strokeWidth: 1.5, clip: true },
      encoding: { x: xEncoding(domain), description: { field: "description" } },
    });
  }
  return layers;
}

/** The bands' labels above the lanes, and how many pixels of rows they take. */
function bandLabels(bands: readonly Band[], domain: [number, number]): { layers: Layer[]; top: number } {
  const labelled = labelRows(bandRows(bands, domain), domain);
  if (labelled.length === 0) return { layers: [], top: 0 };
  const top = 4 + (Math.max(...labelled.map((l) => l.y)) + LABEL_ROW_HEIGHT - 2);
  return {
    top,
    layers: [
      {
        data: { values: labelled },
        mark: { type: "text", align: "left", baseline: "top", dx: 3, fontSize: 10, limit: 260, clip: true, aria: false },
        encoding: {
          x: xEncoding(domain),
          y: { field: "y", type: "quantitative", scale: null, axis: null },
          text: { field: "label" },
          color: { value: "#333" },
        },
      },
    ],
  };
}

/** Places band labels in up to LABEL_ROWS rows above the lanes so that they do not overlap (estimated widths). */
function labelRows(rows: readonly BandRow[], domain: [number, number]): (BandRow & { y: number })[] {
  const pxPerS = CHART_WIDTH / Math.max(domain[1] - domain[0], 1e-9);
  const ends: number[] = [];
  const out: (BandRow & { y: number })[] = [];
  for (const r of [...rows].sort((a, b) => a.x - b.x)) {
    const x = (r.x - domain[0]) * pxPerS;
    const w = Math.min(260, r.label.length * 5.6 + 8);
    let row = ends.findIndex((end) => end <= x);
    if (row < 0 && ends.length < LABEL_ROWS) row = ends.push(0) - 1;
    if (row < 0) continue; // no room: the faults table names it
    ends[row] = x + w;
    out.push({ ...r, y: 2 + row * LABEL_ROW_HEIGHT });
  }
  return out;
}

/** Ops as horizontal bars per lane, coloured by outcome; faults shaded over them, labelled above. */
export function timelineSpec(t: Timeline, bands: readonly Band[], switches: readonly Switch[]): TopLevelSpec {
  const laneHeight = t.lanes.length <= 16 ? 16 : t.lanes.length <= 28 ? 12 : 9;
  // Room above the lanes for the band labels.
  const labels = bandLabels(bands, t.domain);
  const top = labels.top;
  const height = Math.max(40, t.lanes.length * laneHeight + top);
  // ok first, so that fail and info ops are drawn over them.
  const rank: Record<string, number> = { ok: 0, fail: 1, info: 2 };
  const items = [...t.items].sort((a, b) => rank[a.outcome] - rank[b.outcome]).map((i) => ({ lane: i.lane, x: i.t0, x2: i.t1, outcome: i.outcome }));
  const barWidth = Math.max(3, Math.round(laneHeight * 0.6));
  return {
    width: CHART_WIDTH,
    height,
    config: CONFIG,
    layer: [
      {
        data: { values: items },
        mark: { type: "rule", strokeWidth: barWidth, strokeCap: t.aggregated ? "butt" : "square", clip: true, aria: false },
        encoding: {
          x: xEncoding(t.domain),
          x2: { field: "x2" },
          y: {
            field: "lane",
            type: "ordinal",
            sort: t.lanes,
            scale: { domain: t.lanes, paddingOuter: 0.2, ...(top ? { range: [top, height] } : {}) },
            axis: { title: t.lanes[0]?.startsWith("w") ? "worker" : "process", labelFontSize: laneHeight < 12 ? 8 : 10 },
          },
          color: { field: "outcome", type: "nominal", scale: { domain: [...OUTCOMES], range: OUTCOMES.map((o) => OUTCOME_COLORS[o]) }, legend: null },
        },
      },
      ...(t.ticks && t.ticks.length > 0
        ? [
            {
              data: { values: t.ticks.map((i) => ({ lane: i.lane, x: i.t0, outcome: i.outcome })) },
              mark: { type: "tick", orient: "vertical", thickness: 2, size: laneHeight * 0.9, clip: true, aria: false },
              encoding: {
                x: xEncoding(t.domain),
                y: { field: "lane", type: "ordinal", sort: t.lanes, scale: { domain: t.lanes, paddingOuter: 0.2, ...(top ? { range: [top, height] } : {}) }, axis: null },
                color: { field: "outcome", type: "nominal", scale: { domain: [...OUTCOMES], range: OUTCOMES.map((o) => OUTCOME_COLORS[o]) }, legend: null },
              },
            },
          ]
        : []),
      // Over the bars: dense lanes would hide shading behind them.
      ...bandLayers(bands, switches, t.domain),
      ...labels.layers,
    ],
    resolve: { scale: { y: "independent" } },
  } as unknown as TopLevelSpec;
}

/** Completions per second per outcome, per time bucket. */
export function throughputSpec(rows: readonly ThroughputRow[], bucketS: number, bands: readonly Band[], switches: readonly Switch[], domain: [number, number]): TopLevelSpec {
  return {
    width: CHART_WIDTH,
    height: 170,
    config: CONFIG,
    layer: [
      ...bandLayers(bands, switches, domain),
      {
        data: { values: rows.map((r) => ({ x: r.t, rate: r.rate, outcome: r.outcome })) },
        mark: { type: "line", interpolate: "step-after", strokeWidth: 1.6, clip: true, aria: false },
        encoding: {
          x: xEncoding(domain),
          y: { field: "rate", type: "quantitative", axis: { title: `ops/s (${trim(bucketS)} s buckets)` } },
          color: { field: "outcome", type: "nominal", scale: { domain: [...OUTCOMES], range: OUTCOMES.map((o) => OUTCOME_COLORS[o]) }, legend: null },
        },
      },
    ],
  } as unknown as TopLevelSpec;
}

/** Latency of each (sampled) op at its completion, log scale. */
export function latencySpec(points: readonly LatencyPoint[], bands: readonly Band[], switches: readonly Switch[], domain: [number, number]): TopLevelSpec {
  return {
    width: CHART_WIDTH,
    height: 220,
    config: CONFIG,
    layer: [
      ...bandLayers(bands, switches, domain),
      {
        data: { values: points.map((p) => ({ x: p.t, ms: p.ms, outcome: p.outcome })) },
        mark: { type: "point", filled: true, size: 12, opacity: 0.65, clip: true, aria: false },
        encoding: {
          x: xEncoding(domain),
          y: { field: "ms", type: "quantitative", scale: { type: "log" }, axis: { title: "latency (ms, log)" } },
          color: { field: "outcome", type: "nominal", scale: { domain: [...OUTCOMES], range: OUTCOMES.map((o) => OUTCOME_COLORS[o]) }, legend: null },
        },
      },
    ],
  } as unknown as TopLevelSpec;
}

/** How many events of a kind fell in each time bucket (lost writes by acknowledgement time, say). */
export function eventHistogramSpec(
  times: readonly number[],
  opts: { bucketS: number; domain: [number, number]; bands: readonly Band[]; switches: readonly Switch[]; title: string; color?: string },
): TopLevelSpec {
  const counts = new Map<number, number>();
  for (const t of times) {
    const b = Math.floor(t / S / opts.bucketS);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  const values = [...counts].map(([b, n]) => ({ x: b * opts.bucketS, x2: (b + 1) * opts.bucketS, n }));
  return {
    width: CHART_WIDTH,
    height: 120,
    config: CONFIG,
    layer: [
      ...bandLayers(opts.bands, opts.switches, opts.domain),
      {
        data: { values },
        mark: { type: "rect", color: opts.color ?? OUTCOME_COLORS.fail, clip: true, aria: false },
        encoding: {
          x: xEncoding(opts.domain),
          x2: { field: "x2" },
          y: { field: "n", type: "quantitative", axis: { title: opts.title } },
        },
      },
    ],
  } as unknown as TopLevelSpec;
}

/** A plain bar chart of labelled counts (a distribution's buckets, say). */
export function barsSpec(bars: readonly { label: string; n: number }[], opts: { xTitle: string; yTitle: string; color?: string }): TopLevelSpec {
  return {
    width: Math.min(CHART_WIDTH, Math.max(200, bars.length * 60)),
    height: 140,
    config: CONFIG,
    data: { values: bars.map((b, i) => ({ ...b, i })) },
    mark: { type: "bar", color: opts.color ?? "#4c78a8" },
    encoding: {
      x: { field: "label", type: "ordinal", sort: { field: "i" }, axis: { title: opts.xTitle, labelAngle: 0 } },
      y: { field: "n", type: "quantitative", axis: { title: opts.yTitle } },
    },
  } as unknown as TopLevelSpec;
}

function trim(x: number): string {
  return String(Number(x.toPrecision(3)));
}
