import type { Op } from "./op.js";

export class HistoryParseError extends Error {}

const TYPES = new Set(["invoke", "ok", "fail", "info"]);

/** Serialises one op as one JSONL line (with its newline). */
export function opToLine(op: Op): string {
  return JSON.stringify(op) + "\n";
}

/**
 * Parses a JSONL history. A torn last line (a run killed mid-write) is dropped;
 * any other bad line is an error that names its line number.
 */
export function parseHistory(text: string, source = "history.jsonl"): Op[] {
  return parseJsonLines<Op>(text, source, checkOp, HistoryParseError);
}

/**
 * One JSON object per line, each checked by `check` (a problem, or undefined). A torn last
 * line is dropped (the file was being written when its writer died); any other bad line throws
 * `Err` naming the line.
 */
export function parseJsonLines<T>(text: string, source: string, check: (o: unknown) => string | undefined, Err: new (message: string) => Error): T[] {
  const lines = text.split("\n");
  const out: T[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // torn final line: everything before it is intact
      throw new Err(`${source}:${i + 1}: not a JSON object`);
    }
    const problem = check(value);
    if (problem) throw new Err(`${source}:${i + 1}: ${problem}`);
    out.push(value as T);
  });
  return out;
}

function checkOp(op: unknown): string | undefined {
  if (typeof op !== "object" || op === null || Array.isArray(op)) return "expected a JSON object";
  const o = op as Record<string, unknown>;
  if (typeof o.index !== "number") return "field 'index' must be a number";
  if (typeof o.time !== "number") return "field 'time' must be a number";
  if (typeof o.process !== "number" && o.process !== "nemesis") return "field 'process' must be a number or \"nemesis\"";
  if (typeof o.type !== "string" || !TYPES.has(o.type)) return "field 'type' must be one of invoke, ok, fail, info";
  if (typeof o.f !== "string") return "field 'f' must be a string";
  return undefined;
}
