// The periods a report shades: the nemesis's faults, from the history's start / stop ops,
// and the failovers, from the observer's record (events.jsonl) or, for runs without one,
// from the sentinels' own logs. Pure functions of what they are given.
import type { History, Op } from "../history/op.js";
import { fmtValue, isRecord } from "./format.js";
import type { EventRecord, NodeInfo } from "./run-data.js";

export interface Band {
  /** A nemesis fault; a failover (ODOWN to the promotion); an old primary not yet turned into a replica. */
  kind: "fault" | "failover" | "stale-primary";
  /** Short, for the chart and tables: `partition primary-with-clients`, `kill n1`, `failover n1 → n3`. */
  label: string;
  /** Longer: the sides of a partition, the role of a killed node, how a failover went. */
  detail: string;
  /** ns on the history's clock. */
  start: number;
  /** Infinity when it had not ended when the history ends. */
  end: number;
}

/** A nemesis op that did not take effect (its start failed). */
export interface FaultError {
  time: number;
  fault: string;
  error: string;
}

/** A change of primary: the first +switch-master of a new address. */
export interface Switch {
  time: number;
  from: string;
  to: string;
}

export interface Failovers {
  bands: Band[];
  switches: Switch[];
  /** Where they were read from; undefined when nothing recorded sentinel events. */
  source?: "events.jsonl" | "sentinel logs";
}

/** Nemesis start / stop ops paired into bands, in start order. */
export function faultBands(history: History): { bands: Band[]; errors: FaultError[] } {
  const bands: Band[] = [];
  const errors: FaultError[] = [];
  const open: { fault: string; band: Band }[] = [];
  for (const op of history) {
    if (op.process !== "nemesis") continue;
    const v = isRecord(op.value) ? op.value : {};
    const fault = typeof v.fault === "string" ? v.fault : op.f;
    if (op.f === "start") {
      if (v.error !== undefined) {
        errors.push({ time: op.time, fault, error: String(v.error) });
        continue;
      }
      const band: Band = { kind: "fault", ...describeFault(fault, v, op), start: op.time, end: Infinity };
      bands.push(band);
      open.push({ fault, band });
    } else if (op.f === "stop") {
      let i = -1;
      for (let j = open.length - 1; j >= 0; j--) {
        if (open[j].fault === fault) {
          i = j;
          break;
        }
      }
      if (i < 0) i = open.length - 1;
      if (i >= 0) open.splice(i, 1)[0].band.end = op.time;
      if (v.error !== undefined) errors.push({ time: op.time, fault, error: `ending it: ${String(v.error)}` });
    }
  }
  return { bands: bands.sort((a, b) => a.start - b.start), errors };
}

function describeFault(fault: string, v: Record<string, unknown>, op: Op): { label: string; detail: string } {
  const str = (x: unknown) => (x === undefined || x === null ? "" : typeof x === "string" ? x : fmtValue(x, 200));
  switch (fault) {
    case "partition": {
      const shape = str(v.shape);
      const sides = Array.isArray(v.sides) ? v.sides.map((s) => (Array.isArray(s) ? s.map(str).join(" ") : str(s))).join(" | ") : "";
      return { label: `partition ${shape}`.trim(), detail: str(v.summary) || sides || str(v.cut) };
    }
    case "kill":
    case "pause":
      return { label: `${fault} ${str(v.node)}`.trim(), detail: v.role ? `the ${str(v.role)}` : "" };
    case "failover":
      return { label: `failover via ${str(v.via) || "?"}`, detail: str(v.reply) };
    case "lag":
      return { label: `lag ${str(v.ms)} ms`, detail: `±${str(v.jitterMs)} ms on ${Array.isArray(v.links) ? `${v.links.length} links` : "links"}` };
    default: {
      const rest = Object.entries(v)
        .filter(([k]) => k !== "fault")
        .map(([k, x]) => `${k} ${str(x)}`)
        .join(", ");
      return { label: fault || op.f, detail: rest };
    }
  }
}

/** A sentinel event, from events.jsonl or a log line. */
export interface SentinelEvent {
  time: number;
  sentinel: string;
  event: string;
  message: string;
}

const FAILOVER_EVENTS = new Set(["+monitor", "+odown", "-odown", "+try-failover", "+switch-master", "+convert-to-slave"]);

/** Failovers from the observer's record if there is one, else from the sentinels' logs. */
export function failovers(opts: {
  events?: readonly EventRecord[];
  sentinelLogs?: ReadonlyMap<string, string>;
  nodes?: readonly NodeInfo[];
  /** Wall-clock ms at which the history's clock was 0 (results.json startedAt); needed to place log lines. */
  originMs?: number;
}): Failovers {
  const names = new Map<string, string>();
  for (const n of opts.nodes ?? []) for (const a of n.addresses) names.set(a, n.id);
  let events: SentinelEvent[] = [];
  let source: Failovers["source"];
  const recorded = (opts.events ?? []).filter((e) => e.kind === "sentinel-event");
  if (opts.events && opts.events.length > 0) {
    for (const e of opts.events) {
      if (e.kind !== "nodes" || !Array.isArray(e.nodes)) continue;
      for (const n of e.nodes) if (isRecord(n) && typeof n.id === "string") names.set(`${String(n.host)}:${String(n.port)}`, n.id);
    }
    if (recorded.length > 0) {
      source = "events.jsonl";
      events = recorded.map((e) => ({ time: e.time, sentinel: String(e.node ?? "?"), event: String(e.event ?? ""), message: String(e.message ?? "") }));
    }
  }
  if (!source && opts.sentinelLogs && opts.sentinelLogs.size > 0 && opts.originMs !== undefined) {
    for (const [sentinel, text] of opts.sentinelLogs) events.push(...parseSentinelLog(text, sentinel, opts.originMs));
    if (events.length > 0) source = "sentinel logs";
  }
  const name = (addr: string) => names.get(addr) ?? addr;
  return { ...failoverBands(events, name), source };
}

/** Failover periods from sentinel events: from ODOWN (or the first try) to the first +switch-master. */
export function failoverBands(input: readonly SentinelEvent[], name: (addr: string) => string = (a) => a): { bands: Band[]; switches: Switch[] } {
  const events = input.filter((e) => FAILOVER_EVENTS.has(e.event) || e.event.startsWith("-failover-abort")).sort((a, b) => a.time - b.time);
  const bands: Band[] = [];
  const switches: Switch[] = [];
  let master: string | undefined;
  let open: { start: number; tried: string[]; aborts: string[] } | undefined;
  /** Old primaries after a switch, until a sentinel converts them to replicas. */
  const stale = new Map<string, Band>();
  for (const e of events) {
    const w = e.message.split(" ");
    switch (e.event) {
      case "+monitor":
        // `master <name> <ip> <port> quorum <q>`
        if (master === undefined && w.length >= 4) master = `${w[2]}:${w[3]}`;
        break;
      case "+odown": {
        const addr = w.length >= 4 ? `${w[2]}:${w[3]}` : undefined;
        if (w[0] !== "master" || (master !== undefined && addr !== master)) break; // an old master's late ODOWN
        open ??= { start: e.time, tried: [], aborts: [] };
        break;
      }
      case "+try-failover":
        open ??= { start: e.time, tried: [], aborts: [] };
        if (!open.tried.includes(e.sentinel)) open.tried.push(e.sentinel);
        break;
      case "+switch-master": {
        // `<name> <old ip> <old port> <new ip> <new port>`
        if (w.length < 5) break;
        const from = `${w[1]}:${w[2]}`;
        const to = `${w[3]}:${w[4]}`;
        if (to === master) break; // a late learner of the change already recorded
        switches.push({ time: e.time, from: name(from), to: name(to) });
        const start = open?.start ?? e.time;
        const leader = open?.tried.length ? `; tried by ${open.tried.join(", ")}` : "";
        bands.push({
          kind: "failover",
          label: `failover ${name(from)} → ${name(to)}`,
          detail: `${name(to)} promoted; announced by ${e.sentinel}${leader}`,
          start,
          end: e.time,
        });
        master = to;
        open = undefined;
        const back = stale.get(to);
        if (back) {
          back.end = e.time;
          stale.delete(to);
        }
        if (!stale.has(from)) {
          const band: Band = {
            kind: "stale-primary",
            label: `old primary ${name(from)} not yet a replica`,
            detail: `from the change of primary until a sentinel converts ${name(from)} to a replica of the new one: while it can still talk to clients it accepts writes that the new primary will never have`,
            start: e.time,
            end: Infinity,
          };
          stale.set(from, band);
          bands.push(band);
        }
        break;
      }
      case "+convert-to-slave": {
        // `slave <ip>:<port> <ip> <port> @ <master> <ip> <port>`
        const band = w.length >= 4 ? stale.get(`${w[2]}:${w[3]}`) : undefined;
        if (band) {
          band.end = e.time;
          stale.delete(`${w[2]}:${w[3]}`);
        }
        break;
      }
      case "-odown":
        if (open && w[0] === "master" && (master === undefined || `${w[2]}:${w[3]}` === master)) {
          const aborts = open.aborts.length ? ` (${[...new Set(open.aborts)].join(", ")})` : "";
          bands.push({
            kind: "failover",
            label: open.tried.length ? "failover attempt, no promotion" : "ODOWN, no failover",
            detail: open.tried.length ? `tried by ${open.tried.join(", ")}${aborts}` : "the primary was objectively down, then back",
            start: open.start,
            end: e.time,
          });
          open = undefined;
        }
        break;
      default:
        if (e.event.startsWith("-failover-abort") && open) open.aborts.push(e.event.slice(1));
    }
  }
  if (open) {
    bands.push({
      kind: "failover",
      label: open.tried.length ? "failover in progress" : "ODOWN",
      detail: open.tried.length ? `tried by ${open.tried.join(", ")}; no promotion recorded` : "no failover recorded",
      start: open.start,
      end: Infinity,
    });
  }
  return { bands: bands.sort((a, b) => a.start - b.start), switches };
}

// `2684:M 2026-11-24T07:47:52.199Z +odown master mymaster 127.0.0.1 6379 #quorum 3/2` (bundled) or
// `2684:X 24 Nov 2026 07:47:52.199 # +odown master mymaster 127.0.0.1 6379 #quorum 3/2` (Redis, local time).
const LOG_LINE = /^\d+:[A-Z] (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z|\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d(?:\.\d+)?) (?:[.\-*#] )?([+-][a-z][\w-]*)(?: (.*))?$/;

/** Sentinel events from a Sentinel log, placed on the history's clock. */
export function parseSentinelLog(text: string, sentinel: string, originMs: number): SentinelEvent[] {
  const out: SentinelEvent[] = [];
  for (const line of text.split("\n")) {
    const m = LOG_LINE.exec(line.trimEnd());
    if (!m || (!FAILOVER_EVENTS.has(m[2]) && !m[2].startsWith("-failover-abort"))) continue;
    const wall = Date.parse(m[1]);
    if (!Number.isFinite(wall)) continue;
    out.push({ time: (wall - originMs) * 1e6, sentinel, event: m[2], message: m[3] ?? "" });
  }
  return out;
}

/** Bands active at t. */
export function bandsAt(bands: readonly Band[], t: number): Band[] {
  return bands.filter((b) => b.start <= t && t < b.end);
}
