// The adapter between redline ops and Jepsen's (and Knossos') history maps
// ({:index .. :time .. :type :ok :process 0 :f :write :value ..}), written and read through
// the EDN codec (history/edn.ts). Elle-style transaction ops ([:append k v], [:r k [..]])
// belong here too, when a workload records them.
import type { Op, OpType, Process } from "./op.js";
import { HistoryParseError } from "./jsonl.js";
import {
  EdnChar,
  ednError,
  EdnList,
  EdnMap,
  ednNumber,
  EdnSet,
  ednString,
  EdnSymbol,
  ednToJs,
  EdnVector,
  isKeywordName,
  jsToEdn,
  Keyword,
  printEdn,
  readEdnVisiting,
  type EdnValue,
  type EdnVisit,
} from "./edn.js";

// --- redline ops -> Jepsen histories -------------------------------------------

/** One op as a Jepsen-style EDN map, without a newline. */
export function opToEdn(op: Op): string {
  const out: string[] = ["{:index ", ednNumber(op.index), ", :time ", ednNumber(op.time)];
  out.push(", :type ", isKeywordName(op.type) ? ":" + op.type : ednString(op.type));
  out.push(", :process ", op.process === "nemesis" ? ":nemesis" : ednNumber(op.process));
  out.push(", :f ", isKeywordName(op.f) ? ":" + op.f : ednString(op.f));
  if (op.key !== undefined) out.push(", :key ", ednString(op.key));
  if (op.value !== undefined) out.push(", :value ", jsToEdn(op.value));
  if (op.node !== undefined) out.push(", :node ", ednString(op.node));
  if (op.error !== undefined) out.push(", :error ", ednString(op.error));
  out.push("}");
  return out.join("");
}

/** A redline history as Jepsen EDN: a vector with one op map per line. */
export function opsToEdn(ops: readonly Op[]): string {
  const lines = ["["];
  for (const op of ops) lines.push(opToEdn(op));
  lines.push("]");
  return lines.join("\n") + "\n";
}

// --- Jepsen / Knossos histories -> redline ops ---------------------------------

const OP_TYPES = new Set<string>(["invoke", "ok", "fail", "info"]);

function describe(v: EdnValue): string {
  const text = printEdn(v);
  return text.length > 40 ? text.slice(0, 37) + "..." : text;
}

function kindOf(v: EdnValue): string {
  if (v === null) return "nil";
  if (typeof v !== "object") return `${typeof v === "bigint" ? "integer" : typeof v} ${describe(v)}`;
  if (v instanceof Keyword) return `keyword ${describe(v)}`;
  if (v instanceof EdnSymbol) return `symbol ${describe(v)}`;
  if (v instanceof EdnChar) return `character ${describe(v)}`;
  if (v instanceof EdnList) return "a list";
  if (v instanceof EdnVector) return "a vector";
  if (v instanceof EdnSet) return "a set";
  return "a map";
}

/** Text of a string-ish field (:node, :error, :key): strings as is, keywords/symbols by name, others as EDN. */
function textOf(v: EdnValue): string {
  if (typeof v === "string") return v;
  if (v instanceof Keyword || v instanceof EdnSymbol) return v.name;
  if (typeof v === "number") return ednNumber(v);
  return printEdn(v);
}

/**
 * Converts a Jepsen/Knossos EDN history into redline ops. The history is either
 * one top-level vector (or list) of op maps, or op maps one after another.
 *
 * Per op map: :type (keyword or string; invoke/ok/fail/info), :process (integer,
 * or :nemesis -> "nemesis") and :f (keyword, symbol or string -> its name) are
 * required; :value, when present, goes through ednToJs (nil -> null; a Jepsen
 * independent `[k v]` tuple stays a two-element array); :time and :index default
 * to the op's position in the history; :key, :node, :error become strings
 * (keywords by name, other values as EDN text; nil means absent). Other keys are
 * ignored. Errors name the line and column of the offending map or field.
 *
 * Ops are converted while the text is read, so the EDN tree of a large history is
 * never held in memory all at once.
 */
export function parseEdnHistory(text: string, source = "history.edn"): Op[] {
  // Elements are converted as they are read, both as top-level forms and as
  // elements of a top-level vector/list; which reading applies is known only at
  // the end, so a conversion error is kept (the first per scope) until then.
  interface Scope {
    ops: Op[];
    error?: HistoryParseError;
  }
  const convertInto = (scope: Scope, value: EdnValue, start: number, position: number): void => {
    if (scope.error) return;
    try {
      scope.ops.push(toOp(text, source, value, start, position));
    } catch (e) {
      if (!(e instanceof HistoryParseError)) throw e;
      scope.error = e;
    }
  };
  const top: Scope = { ops: [] };
  let inner: Scope = { ops: [] }; // elements of the top-level vector/list being read
  let firstSeq: Scope | undefined; // elements of the first top-level form, when it is a vector/list
  let count = 0;
  const visit: EdnVisit = (value, start, depth, position) => {
    if (depth === 1) {
      convertInto(inner, value, start, position);
      return null;
    }
    if (value instanceof EdnVector || value instanceof EdnList) {
      if (count === 0) firstSeq = inner;
      inner = { ops: [] };
    }
    count++;
    convertInto(top, value, start, position);
    return null;
  };
  readEdnVisiting(text, source, visit);
  const scope = count === 1 && firstSeq ? firstSeq : top;
  if (scope.error) throw scope.error;
  return scope.ops;
}

function toOp(text: string, source: string, m: EdnValue, mStart: number, pos: number): Op {
  const fail = (offset: number, message: string): never => {
    throw ednError(text, source, offset, message);
  };
  if (!(m instanceof EdnMap)) return fail(mStart, `expected an op map {...}, got ${kindOf(m)}`);
  const { forms, starts: fStarts } = m;
  let type = -1, proc = -1, f = -1, value = -1, time = -1, index = -1, key = -1, node = -1, error = -1;
  for (let k = 0; k < forms.length; k += 2) {
    const kw = forms[k];
    if (!(kw instanceof Keyword)) continue;
    const v = k + 1;
    switch (kw.name) {
      case "type": if (type < 0) type = v; break;
      case "process": if (proc < 0) proc = v; break;
      case "f": if (f < 0) f = v; break;
      case "value": if (value < 0) value = v; break;
      case "time": if (time < 0) time = v; break;
      case "index": if (index < 0) index = v; break;
      case "key": if (key < 0) key = v; break;
      case "node": if (node < 0) node = v; break;
      case "error": if (error < 0) error = v; break;
    }
  }
  if (type < 0) fail(mStart, "op map has no :type");
  if (proc < 0) fail(mStart, "op map has no :process");
  if (f < 0) fail(mStart, "op map has no :f");

  const tv = forms[type];
  const tName = tv instanceof Keyword ? tv.name : typeof tv === "string" ? tv : undefined;
  if (tName === undefined || !OP_TYPES.has(tName)) {
    fail(fStarts[type], `:type must be one of :invoke :ok :fail :info, got ${kindOf(tv)}`);
  }

  const pv = forms[proc];
  let process: Process;
  if (typeof pv === "number" && Number.isSafeInteger(pv)) process = pv;
  else if ((pv instanceof Keyword && pv.name === "nemesis") || pv === "nemesis") process = "nemesis";
  else return fail(fStarts[proc], `:process must be an integer or :nemesis, got ${kindOf(pv)}`);

  const fv = forms[f];
  let fName: string;
  if (typeof fv === "string") fName = fv;
  else if (fv instanceof Keyword || fv instanceof EdnSymbol) fName = fv.name;
  else return fail(fStarts[f], `:f must be a keyword or a string, got ${kindOf(fv)}`);

  const numberField = (slot: number, name: string): number => {
    if (slot < 0) return pos;
    const v = forms[slot];
    if (typeof v !== "number" || !Number.isFinite(v)) fail(fStarts[slot], `:${name} must be a finite number, got ${kindOf(v)}`);
    return v as number;
  };

  const op: Op = { index: numberField(index, "index"), time: numberField(time, "time"), process, type: tName as OpType, f: fName };
  if (key >= 0 && forms[key] !== null) op.key = textOf(forms[key]);
  if (value >= 0) op.value = ednToJs(forms[value]);
  if (node >= 0 && forms[node] !== null) op.node = textOf(forms[node]);
  if (error >= 0 && forms[error] !== null) op.error = textOf(forms[error]);
  return op;
}
