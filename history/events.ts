// What the observer records beside the history (events.jsonl): the nodes of the run, INFO
// replication samples of every data node, every sentinel's pub/sub events, snapshots of
// what each sentinel knows (SENTINEL MASTER / REPLICAS / SENTINELS), and the state of the
// observer's own links. Times are on the history's clock (monotonic ns since the run
// started), so checkers can put events and ops on one axis. Shared by the harness (which
// writes) and the checkers (which read), like op.ts.
import { parseJsonLines } from "./jsonl.js";

export interface ObservedNode {
  id: string;
  kind: "data" | "sentinel";
  /** The address the node announces and clients use (the switch's public port). */
  host: string;
  port: number;
}

/** The run's nodes, written first. */
export interface NodesRecord {
  kind: "nodes";
  time: number;
  nodes: ObservedNode[];
  /** The master name the sentinels monitor, when there are sentinels. */
  masterName?: string;
}

/** A sentinel's pub/sub message: `event` is the channel (+sdown, +switch-master, ...), `message` the payload. */
export interface SentinelEventRecord {
  kind: "sentinel-event";
  time: number;
  node: string;
  event: string;
  message: string;
}

/** INFO replication of a data node (plus `run_id` from INFO server). `sent`: when the request left. */
export interface InfoRecord {
  kind: "info";
  time: number;
  sent: number;
  node: string;
  fields: Record<string, string>;
}

/**
 * What one sentinel knows: SENTINEL MASTER, REPLICAS and SENTINELS of the monitored master,
 * and its own run id. Fields are Redis's, as strings; "ms ago" fields (info-refresh,
 * last-ok-ping-reply, ...) are relative to the reply, which arrived at `time`.
 */
export interface SentinelStateRecord {
  kind: "sentinel-state";
  time: number;
  sent: number;
  node: string;
  myid?: string;
  master: Record<string, string>;
  replicas: Record<string, string>[];
  sentinels: Record<string, string>[];
}

/**
 * The observer's own link to a node: `events` (the pub/sub subscription of a sentinel) or
 * `samples` (INFO / SENTINEL queries). While a link is down the record has a gap.
 */
export interface LinkRecord {
  kind: "link";
  time: number;
  node: string;
  channel: "events" | "samples";
  state: "up" | "down";
  error?: string;
}

/** The observer started or stopped; nothing outside [start, stop] was observed. */
export interface ObserverRecord {
  kind: "observer";
  time: number;
  state: "start" | "stop";
}

export type ObsEvent = NodesRecord | SentinelEventRecord | InfoRecord | SentinelStateRecord | LinkRecord | ObserverRecord;

/** Everything a checker may get besides the history. */
export interface Observation {
  events: readonly ObsEvent[];
}

export class EventsParseError extends Error {}

const KINDS = new Set(["nodes", "sentinel-event", "info", "sentinel-state", "link", "observer"]);

export function eventToLine(e: ObsEvent): string {
  return JSON.stringify(e) + "\n";
}

/** Parses events.jsonl; a torn last line is dropped, any other bad line is an error naming it. */
export function parseEvents(text: string, source = "events.jsonl"): ObsEvent[] {
  return parseJsonLines<ObsEvent>(text, source, checkEvent, EventsParseError);
}

function checkEvent(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null || Array.isArray(e)) return "expected a JSON object";
  const r = e as Record<string, unknown>;
  if (typeof r.kind !== "string" || !KINDS.has(r.kind)) return `unknown kind ${JSON.stringify(r.kind)}`;
  if (typeof r.time !== "number") return "field 'time' must be a number";
  return undefined;
}
