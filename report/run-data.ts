// Everything a report is made from, read from a run folder (or handed over by the runner,
// which already holds the history in memory): results.json, the history, test.yaml, the
// observer's events.jsonl when there is one, and what each node left under nodes/<id>/.
// Reading is tolerant: a report of a broken or older run shows what is there.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { parseHistory } from "../history/jsonl.js";
import type { History } from "../history/op.js";
import { FILES, isDir, safeReaddir, type RunResults } from "../core/run-folder.js";
import { isRecord } from "./format.js";

export const REPORT_FILES = {
  html: "report.html",
  junit: "junit.xml",
  markdown: "summary.md",
  events: "events.jsonl",
} as const;

/** A node of the run as its folder shows it. */
export interface NodeInfo {
  id: string;
  kind: "data" | "sentinel";
  /** Addresses others use to reach it (announced and listening), `host:port`. */
  addresses: string[];
  /** Files of nodes/<id>/ worth a link (logs, config), relative to the run folder, with their size. */
  files: { path: string; bytes: number }[];
}

/** One line of events.jsonl, as far as the report needs to know: a kind and a time on the history's clock. */
export interface EventRecord {
  kind: string;
  time: number;
  [field: string]: unknown;
}

export interface RunData {
  /** The run folder; links in the report are relative to it. */
  dir?: string;
  results: RunResults;
  history: History;
  /** test.yaml as a plain object (not validated: a report must render whatever the spec). */
  spec?: Record<string, unknown>;
  specText?: string;
  events?: EventRecord[];
  nodes: NodeInfo[];
  /** Top-level files of the run folder, for the list of files. */
  files: string[];
  /** Sentinel log lines per sentinel, for failovers when there is no events.jsonl. */
  sentinelLogs: Map<string, string>;
  /** Problems met while reading (a torn events.jsonl, say); shown in the report. */
  notes: string[];
}

/** Reads a run folder. `history` and `results` may be given when the caller already has them. */
export function loadRun(dir: string, given: { history?: History; results?: RunResults } = {}): RunData {
  const notes: string[] = [];
  const results = given.results ?? readJsonFile<RunResults>(join(dir, FILES.results));
  if (!results) throw new Error(`${dir}: no ${FILES.results} (check the history with \`redline check\` first)`);
  const history = given.history ?? readHistoryFile(join(dir, FILES.history), notes);
  const specText = readText(join(dir, FILES.spec));
  let spec: Record<string, unknown> | undefined;
  if (specText !== undefined) {
    try {
      const parsed: unknown = parseYaml(specText);
      if (isRecord(parsed)) spec = parsed;
    } catch (err) {
      notes.push(`${FILES.spec}: not readable YAML (${(err as Error).message.split("\n")[0]})`);
    }
  }
  const nodes = readNodes(dir);
  const sentinelLogs = new Map<string, string>();
  for (const n of nodes) {
    if (n.kind !== "sentinel") continue;
    const log = n.files.find((f) => /sentinel\.log$/.test(f.path)) ?? n.files.find((f) => /redis\.log$/.test(f.path));
    const text = log ? readText(join(dir, log.path), 4 * 2 ** 20) : undefined;
    if (text !== undefined) sentinelLogs.set(n.id, text);
  }
  return {
    dir,
    results,
    history,
    spec,
    specText,
    events: readEvents(join(dir, REPORT_FILES.events), notes),
    nodes,
    files: listFiles(dir),
    sentinelLogs,
    notes,
  };
}

/** A run that exists only in memory (a history checked outside a run folder). */
export function memoryRun(results: RunResults, history: History, dir?: string): RunData {
  return { dir, results, history, nodes: [], files: dir ? listFiles(dir) : [], sentinelLogs: new Map(), notes: [] };
}

function readHistoryFile(file: string, notes: string[]): History {
  const text = readText(file);
  if (text === undefined) {
    notes.push(`no ${FILES.history}: the plots are empty`);
    return [];
  }
  try {
    return parseHistory(text, file);
  } catch (err) {
    notes.push((err as Error).message);
    return [];
  }
}

function readEvents(file: string, notes: string[]): EventRecord[] | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  const events: EventRecord[] = [];
  let bad = 0;
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const e: unknown = JSON.parse(line);
      if (isRecord(e) && typeof e.kind === "string" && typeof e.time === "number") events.push(e as EventRecord);
      else bad++;
    } catch {
      bad++;
    }
  }
  if (bad > 0) notes.push(`${REPORT_FILES.events}: ${bad} unreadable line${bad === 1 ? "" : "s"} skipped`);
  return events;
}

/** nodes/<id>/: its kind, addresses from its config, and its logs. */
function readNodes(dir: string): NodeInfo[] {
  const root = join(dir, "nodes");
  const nodes: NodeInfo[] = [];
  for (const id of safeReaddir(root).sort(byNodeId)) {
    const nodeDir = join(root, id);
    if (!isDir(nodeDir)) continue;
    const files: NodeInfo["files"] = [];
    for (const name of safeReaddir(nodeDir).sort()) {
      const path = join(nodeDir, name);
      if (!isFile(path) || !/\.(log|conf)$/.test(name)) continue;
      files.push({ path: `nodes/${id}/${name}`, bytes: statSync(path).size });
    }
    const conf = files.find((f) => f.path.endsWith(".conf"));
    const confText = conf ? (readText(join(dir, conf.path), 2 ** 20) ?? "") : "";
    const sentinel = /^\s*sentinel\s+monitor\s/m.test(confText) || files.some((f) => f.path.endsWith("sentinel.log"));
    nodes.push({ id, kind: sentinel ? "sentinel" : "data", addresses: addressesOf(confText), files });
  }
  return nodes;
}

/** Announced and listening addresses from a redis.conf / sentinel.conf. */
export function addressesOf(conf: string): string[] {
  const get = (re: RegExp) => re.exec(conf)?.[1];
  const out = new Set<string>();
  const bind = get(/^\s*bind\s+(\S+)/m);
  const port = get(/^\s*port\s+(\d+)/m);
  const announceIp = get(/^\s*(?:replica|slave)-announce-ip\s+(\S+)/m) ?? get(/^\s*sentinel\s+announce-ip\s+"?([^\s"]+)/m);
  const announcePort = get(/^\s*(?:replica|slave)-announce-port\s+(\d+)/m) ?? get(/^\s*sentinel\s+announce-port\s+(\d+)/m);
  if (announceIp || announcePort) out.add(`${announceIp ?? bind ?? "127.0.0.1"}:${announcePort ?? port}`);
  if (port) out.add(`${bind ?? "127.0.0.1"}:${port}`);
  return [...out];
}

/** The files of a run folder worth linking: its top-level files and each node's logs and config (cheap: no history read). */
export function runFiles(dir: string): string[] {
  return [...listFiles(dir), ...readNodes(dir).flatMap((n) => n.files.map((f) => f.path))];
}

function listFiles(dir: string): string[] {
  return safeReaddir(dir)
    .filter((n) => isFile(join(dir, n)))
    .sort();
}

/** n1, n2, …, n10, s1, …: by letter, then number. */
function byNodeId(a: string, b: string): number {
  const [, pa = a, na = ""] = /^(\D*)(\d*)$/.exec(a) ?? [];
  const [, pb = b, nb = ""] = /^(\D*)(\d*)$/.exec(b) ?? [];
  return pa !== pb ? (pa < pb ? -1 : 1) : Number(na) - Number(nb) || (a < b ? -1 : a > b ? 1 : 0);
}

function readJsonFile<T>(file: string): T | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** A file's text, or undefined when it cannot be read; at most the first `maxBytes` characters. */
function readText(file: string, maxBytes = Infinity): string | undefined {
  try {
    if (!existsSync(file)) return undefined;
    const text = readFileSync(file, "utf8");
    return text.length > maxBytes ? text.slice(0, maxBytes) : text;
  } catch {
    return undefined;
  }
}


function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
