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
  const lines = text.split("\n");
  const ops: Op[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let op: unknown;
    try {
      op = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return; // torn final line: everything before it is intact
      throw new HistoryParseError(`${source}:${i + 1}: not a JSON object`);
    }
    const problem = checkOp(op);
    if (problem) throw new HistoryParseError(`${source}:${i + 1}: ${problem}`);
    ops.push(op as Op);
  });
  return ops;
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
