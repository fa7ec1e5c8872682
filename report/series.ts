// The numbers behind the plots, bounded whatever the size of the history: the timeline of
// ops per process (each op drawn while there are few, otherwise runs of buckets per lane
// plus a window of single ops around the first fault), throughput per time bucket and
// outcome, and a deterministic sample of latencies. Pure.
import { outcomeOf, pairOps, type History, type Pair } from "../history/op.js";

export type Outcome = "ok" | "fail" | "info";
export const OUTCOMES: readonly Outcome[] = ["ok", "fail", "info"];

/** Ops drawn one by one in a timeline; past this the overview is aggregated. */
export const TIMELINE_OPS = 2500;
/** Ops in the window of single ops drawn beside an aggregated overview. */
export const WINDOW_OPS = 1200;
/** Lanes before processes are folded into their workers. */
export const MAX_LANES = 40;
/** Buckets of the aggregated timeline. */
const TIMELINE_BUCKETS = 240;
/** Ticks marking a minority of fail / info ops in aggregated buckets, at most. */
const MAX_TICKS = 6000;
/** Latency points drawn at most (every fail and info kept first, up to half of them). */
export const LATENCY_POINTS = 4000;

export interface TimelineItem {
  lane: string;
  /** Seconds. */
  t0: number;
  t1: number;
  outcome: Outcome;
  /** Aggregated segments: how many ops they stand for. */
  ops?: number;
}

export interface Timeline {
  lanes: string[];
  items: TimelineItem[];
  aggregated: boolean;
  /** Aggregated timelines: buckets where fail or info ops were a minority. */
  ticks?: TimelineItem[];
  /** Seconds shown: the whole run, or the window. */
  domain: [number, number];
  /** What a person should know about what is drawn. */
  note: string;
}

export interface ThroughputRow {
  /** Bucket start, seconds. */
  t: number;
  outcome: Outcome;
  /** Completions per second in the bucket. */
  rate: number;
}

export interface LatencyPoint {
  /** Completion, seconds. */
  t: number;
  ms: number;
  outcome: Outcome;
}

export interface Series {
  /** End of the history, ns (at least 1). */
  end: number;
  pairs: Pair[];
  timeline: Timeline;
  /** Single ops around `focus` when the overview is aggregated. */
  window?: Timeline;
  throughput: ThroughputRow[];
  bucketS: number;
  latency: LatencyPoint[];
  latencyNote: string;
  /** Completed client ops by outcome. */
  totals: Record<Outcome, number>;
}

const S = 1e9;

export function historyEnd(history: History): number {
  let end = 1;
  for (const op of history) if (op.time > end) end = op.time;
  return end;
}

/** A round bucket width giving about `target` buckets over `seconds`. */
export function niceBucket(seconds: number, target = 150): number {
  const raw = Math.max(seconds / target, 0.001);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

export function computeSeries(history: History, opts: { concurrency?: number; focus?: number } = {}): Series {
  const end = historyEnd(history);
  const pairs = pairOps(history);
  const lane = laneOf(pairs, opts.concurrency);
  const totals: Record<Outcome, number> = { ok: 0, fail: 0, info: 0 };
  for (const p of pairs) totals[outcomeOf(p)]++;

  let timeline: Timeline;
  let window: Timeline | undefined;
  if (pairs.length <= TIMELINE_OPS) {
    timeline = singleOps(pairs, lane.of, lane.lanes, end, [0, end / S]);
    timeline.note = `every op, one lane per ${lane.unit}${lane.note}`;
  } else {
    timeline = aggregate(pairs, lane.of, lane.lanes, end);
    timeline.note = `${pairs.length.toLocaleString("en")} ops in ${TIMELINE_BUCKETS} time buckets per ${lane.unit}; a bucket takes the colour of most of its ops, and a tick above it marks fail or info ops that were fewer${lane.note}`;
    window = focusWindow(pairs, lane.of, lane.lanes, end, opts.focus ?? 0);
  }

  const bucketS = niceBucket(end / S);
  return { end, pairs, timeline, window, totals, bucketS, throughput: throughput(pairs, end, bucketS), ...latencies(pairs) };
}

interface Lanes {
  of: (p: Pair) => string;
  lanes: string[];
  unit: string;
  note: string;
}

/** One lane per process; many processes (each info retires one) are folded into their workers. */
function laneOf(pairs: readonly Pair[], concurrency?: number): Lanes {
  const processes = new Set<number>();
  for (const p of pairs) processes.add(p.invoke.process as number);
  const sorted = [...processes].sort((a, b) => a - b);
  if (sorted.length <= MAX_LANES) {
    return { of: (p) => `p${String(p.invoke.process)}`, lanes: sorted.map((n) => `p${n}`), unit: "process", note: "" };
  }
  const workers = concurrency && concurrency > 0 && concurrency <= MAX_LANES ? concurrency : MAX_LANES;
  const fold = (n: number) => ((n % workers) + workers) % workers;
  const used = [...new Set(sorted.map(fold))].sort((a, b) => a - b);
  return {
    of: (p) => `w${fold(p.invoke.process as number)}`,
    lanes: used.map((n) => `w${n}`),
    unit: concurrency ? "worker" : "lane",
    note: concurrency
      ? `; ${sorted.length} processes folded into ${workers} worker lanes (after an info a worker goes on as process + ${workers})`
      : `; ${sorted.length} processes folded into ${workers} lanes (process mod ${workers})`,
  };
}

function completion(p: Pair, end: number): number {
  return p.complete?.time ?? end;
}

function singleOps(pairs: readonly Pair[], lane: (p: Pair) => string, lanes: string[], end: number, domain: [number, number]): Timeline {
  const items = pairs.map((p) => ({ lane: lane(p), t0: p.invoke.time / S, t1: completion(p, end) / S, outcome: outcomeOf(p) }));
  return { lanes, items, aggregated: false, domain, note: "" };
}

/**
 * Buckets per lane: each bucket takes the colour of most of its ops (info wins a tie with
 * fail, fail with ok), and consecutive buckets of one colour make one segment. A bucket
 * whose fail or info ops are a minority gets a tick of their colour, so rare errors stay
 * visible without painting the whole lane.
 */
function aggregate(pairs: readonly Pair[], lane: (p: Pair) => string, lanes: string[], end: number): Timeline {
  const width = end / TIMELINE_BUCKETS;
  const cells = new Map<string, Record<Outcome, number>[]>();
  for (const l of lanes) cells.set(l, []);
  for (const p of pairs) {
    const row = cells.get(lane(p))!;
    const o = outcomeOf(p);
    const first = Math.min(TIMELINE_BUCKETS - 1, Math.floor(p.invoke.time / width));
    const last = Math.min(TIMELINE_BUCKETS - 1, Math.floor(completion(p, end) / width));
    // An op counts in every bucket it spans (a long timeout covers its whole wait).
    for (let b = first; b <= last; b++) (row[b] ??= { ok: 0, fail: 0, info: 0 })[o]++;
  }
  const items: TimelineItem[] = [];
  const ticks: TimelineItem[] = [];
  for (const [l, row] of cells) {
    let run: TimelineItem | undefined;
    for (let b = 0; b < TIMELINE_BUCKETS; b++) {
      const c = row[b];
      const major: Outcome | undefined = !c ? undefined : c.info >= c.fail && c.info >= c.ok ? "info" : c.fail >= c.ok ? "fail" : "ok";
      if (run && run.outcome !== major) {
        items.push(run);
        run = undefined;
      }
      if (!c || !major) continue;
      const n = c.ok + c.fail + c.info;
      if (run) {
        run.t1 = ((b + 1) * width) / S;
        run.ops! += n;
      } else run = { lane: l, t0: (b * width) / S, t1: ((b + 1) * width) / S, outcome: major, ops: n };
      const minority: Outcome | undefined = major === "ok" ? (c.info > 0 ? "info" : c.fail > 0 ? "fail" : undefined) : major === "fail" && c.info > 0 ? "info" : undefined;
      if (minority && ticks.length < MAX_TICKS) ticks.push({ lane: l, t0: ((b + 0.5) * width) / S, t1: ((b + 0.5) * width) / S, outcome: minority, ops: c[minority] });
    }
    if (run) items.push(run);
  }
  return { lanes, items, ticks, aggregated: true, domain: [0, end / S], note: "" };
}

/** About WINDOW_OPS single ops around `focus` (ns). */
function focusWindow(pairs: readonly Pair[], lane: (p: Pair) => string, lanes: string[], end: number, focus: number): Timeline {
  const byInvoke = [...pairs].sort((a, b) => a.invoke.time - b.invoke.time);
  let i = byInvoke.findIndex((p) => p.invoke.time >= focus);
  if (i < 0) i = byInvoke.length - 1;
  const from = Math.max(0, Math.min(i - WINDOW_OPS / 2, byInvoke.length - WINDOW_OPS));
  const chosen = byInvoke.slice(from, from + WINDOW_OPS);
  const t0 = chosen[0].invoke.time;
  const last = chosen[chosen.length - 1].invoke.time;
  // A little room after the last invocation; longer ops are cut at the edge.
  const t1 = last + Math.max((last - t0) * 0.05, 1e6);
  const used = new Set(chosen.map(lane));
  const w = singleOps(chosen, lane, lanes.filter((l) => used.has(l)), end, [t0 / S, t1 / S]);
  w.note = `the ${chosen.length.toLocaleString("en")} ops invoked from ${(t0 / S).toFixed(3)} s, around ${(focus / S).toFixed(3)} s`;
  return w;
}

function throughput(pairs: readonly Pair[], end: number, bucketS: number): ThroughputRow[] {
  const n = Math.max(1, Math.ceil(end / S / bucketS));
  const counts: Record<Outcome, Float64Array> = { ok: new Float64Array(n), fail: new Float64Array(n), info: new Float64Array(n) };
  for (const p of pairs) {
    if (!p.complete) continue;
    const b = Math.min(n - 1, Math.floor(p.complete.time / S / bucketS));
    counts[outcomeOf(p)][b]++;
  }
  const rows: ThroughputRow[] = [];
  for (const o of OUTCOMES) {
    if (!counts[o].some((c) => c > 0)) continue;
    for (let b = 0; b < n; b++) rows.push({ t: round(b * bucketS), outcome: o, rate: round(counts[o][b] / bucketS) });
  }
  return rows;
}

/** Every op's latency while there are few; otherwise every fail and info (up to half the budget) and a stride of the ok ones. */
function latencies(pairs: readonly Pair[]): { latency: LatencyPoint[]; latencyNote: string } {
  const done = pairs.filter((p) => p.complete);
  const point = (p: Pair): LatencyPoint => ({
    t: round(p.complete!.time / S),
    ms: Math.max(0.01, round((p.complete!.time - p.invoke.time) / 1e6)),
    outcome: outcomeOf(p),
  });
  if (done.length <= LATENCY_POINTS) return { latency: done.map(point), latencyNote: `every completed op (${done.length.toLocaleString("en")})` };
  const rare = done.filter((p) => outcomeOf(p) !== "ok");
  const ok = done.filter((p) => outcomeOf(p) === "ok");
  const keptRare = stride(rare, LATENCY_POINTS / 2);
  const keptOk = stride(ok, LATENCY_POINTS - keptRare.length);
  const latency = [...keptOk, ...keptRare].map(point).sort((a, b) => a.t - b.t);
  return {
    latency,
    latencyNote: `${latency.length.toLocaleString("en")} of ${done.length.toLocaleString("en")} completed ops: ${keptRare.length === rare.length ? "every" : `${keptRare.length.toLocaleString("en")} of the ${rare.length.toLocaleString("en")}`} fail and info, and an even sample of the ok ones`,
  };
}

function stride<T>(list: readonly T[], max: number): T[] {
  if (list.length <= max) return [...list];
  const step = list.length / max;
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(list[Math.floor(i * step)]);
  return out;
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
