// EDN (https://github.com/edn-format/edn) reading and writing: the codec alone. What an op
// is in Jepsen's histories is history/jepsen.ts.
//
// The reader is iterative (an explicit stack, no recursion), linear in the input
// size, and reports every problem as a HistoryParseError "source:line:col: ...".
// Lines and columns are 1-based; a column counts UTF-16 code units; only "\n"
// ends a line.
//
// Representation of EDN values (see EdnValue):
//   nil -> null, true/false -> boolean, strings -> string,
//   integers -> number when Number.isSafeInteger, otherwise bigint (exact);
//   a trailing N changes nothing (1N -> 1),
//   floats -> number; a trailing M (BigDecimal) is read as a double too (may round),
//   hex 0x1F -> integer (Clojure prints object ids so), ratios 1/3 -> number, ##Inf ##-Inf ##NaN -> number,
//   keywords -> Keyword, symbols -> EdnSymbol, characters -> EdnChar,
//   (..) -> EdnList, [..] -> EdnVector, {..} -> EdnMap, #{..} -> EdnSet.
// Collections remember where they start (offset of the opening bracket) and
// where each element starts (see ednPosition to turn an offset into line:col).
// Tagged literals keep the value: #inst "..." -> the string, #uuid "..." -> the
// string, #jepsen.history.Op{...} -> the EdnMap (with .tag set to the tag).
// #:ns{:a 1} namespaced maps are expanded to {:ns/a 1}. #_ discards the next form.
// Compare keywords by .name (one read reuses one Keyword object per name, but
// nothing else does). Collections nested deeper than EDN_MAX_DEPTH are an error,
// which keeps the recursive helpers (ednToJs, printEdn) safe on any input.

import { HistoryParseError } from "./jsonl.js";

// --- Values ------------------------------------------------------------------

export class Keyword {
  /** The name without the colon, namespace included: `:foo/bar` -> "foo/bar". */
  constructor(readonly name: string) {}
  get namespace(): string | undefined {
    const i = this.name.indexOf("/");
    return i > 0 && i < this.name.length - 1 ? this.name.slice(0, i) : undefined;
  }
  toString(): string {
    return ":" + this.name;
  }
}

export class EdnSymbol {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

export class EdnChar {
  /** The character itself, e.g. "\n" for `\newline`. */
  constructor(readonly char: string) {}
}

/** Shared shape of sequential collections: items with the offset where each starts. */
export abstract class EdnSeq {
  constructor(
    /** Offset of the opening bracket in the source text. */
    readonly start: number,
    readonly items: EdnValue[],
    /** Offset in the source text of each item (tagged items: of their `#`). */
    readonly starts: number[],
  ) {}
  get length(): number {
    return this.items.length;
  }
}

export class EdnList extends EdnSeq {}
export class EdnVector extends EdnSeq {}
/** Duplicates are kept as written (EDN forbids them; this reader does not check). */
export class EdnSet extends EdnSeq {}

export class EdnMap {
  /** The tag of a tagged map such as `#jepsen.history.Op{...}` ("jepsen.history.Op"). */
  tag?: string;
  constructor(
    /** Offset of the `{` in the source text. */
    readonly start: number,
    /** Keys and values alternating: k0, v0, k1, v1, ... */
    readonly forms: EdnValue[],
    /** Offset in the source text of each form in `forms`. */
    readonly starts: number[],
  ) {}
  get size(): number {
    return this.forms.length / 2;
  }
  *entries(): IterableIterator<[EdnValue, EdnValue]> {
    for (let k = 0; k < this.forms.length; k += 2) yield [this.forms[k], this.forms[k + 1]];
  }
  /** The value of keyword key `:name` (first occurrence), or undefined when absent. */
  get(name: string): EdnValue | undefined {
    const k = this.indexOfKeyword(name);
    return k < 0 ? undefined : this.forms[k + 1];
  }
  has(name: string): boolean {
    return this.indexOfKeyword(name) >= 0;
  }
  private indexOfKeyword(name: string): number {
    for (let k = 0; k < this.forms.length; k += 2) {
      const key = this.forms[k];
      if (key instanceof Keyword && key.name === name) return k;
    }
    return -1;
  }
}

export type EdnValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Keyword
  | EdnSymbol
  | EdnChar
  | EdnList
  | EdnVector
  | EdnMap
  | EdnSet;

/** Collections nested deeper than this are refused (keeps every recursive helper safe). */
export const EDN_MAX_DEPTH = 1000;

// --- Positions ---------------------------------------------------------------

/** 1-based line and column of `offset` in `text`. Linear; meant for error reporting. */
export function ednPosition(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let j = text.indexOf("\n"); j !== -1 && j < offset; j = text.indexOf("\n", j + 1)) {
    line++;
    lineStart = j + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

function at(text: string, offset: number): string {
  const { line, col } = ednPosition(text, offset);
  return `${line}:${col}`;
}

/** The error for a problem at `offset` of `text`: "source:line:col: message". */
export function ednError(text: string, source: string, offset: number, message: string): HistoryParseError {
  return new HistoryParseError(`${source}:${at(text, offset)}: ${message}`);
}

// --- Reader ------------------------------------------------------------------

const LIST = 0;
const VECTOR = 1;
const MAP = 2;
const SET = 3;
const TOP = 4;
const OPENER = ["(", "[", "{", "#{"];
const CLOSER = [")", "]", "}", "}"];
const KIND_NAME = ["list", "vector", "map", "set"];

interface Prefix {
  kind: "discard" | "tag" | "nsmap";
  /** The tag name, or the namespace of a #:ns map. */
  name: string;
  start: number;
}

interface Frame {
  kind: number;
  start: number;
  items: EdnValue[];
  starts: number[];
  /** Pending #_ / #tag / #:ns prefixes, innermost last (allocated on first use). */
  prefixes: Prefix[] | null;
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 44 || (c >= 9 && c <= 13) || c === 0xfeff;
}

// Characters that end a token: whitespace, commas, control characters, and " ; ( ) [ ] { } \
const DELIM = new Uint8Array(128);
for (let c = 0; c < 33; c++) DELIM[c] = 1;
for (const ch of "\",;()[]{}\\") DELIM[ch.charCodeAt(0)] = 1;
DELIM[127] = 1;

function isDelim(c: number): boolean {
  return c < 128 ? DELIM[c] === 1 : c === 0xfeff;
}

const INT_RE = /^[+-]?(?:0|[1-9][0-9]*)N?$/;
const FLOAT_RE = /^[+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?M?$/;
const RATIO_RE = /^[+-]?[0-9]+\/[0-9]+$/;
const HEX_RE = /^([+-]?)0[xX]([0-9a-fA-F]+)N?$/;

const NAMED_CHARS: Record<string, string> = {
  newline: "\n",
  space: " ",
  tab: "\t",
  return: "\r",
  backspace: "\b",
  formfeed: "\f",
};

/**
 * Called for each complete top-level form (depth 0) and each element of a
 * top-level vector or list (depth 1), with its start offset and its position
 * among its siblings; what it returns is stored in place of the form. Lets a
 * caller convert (and drop) a large history's elements as they are read.
 */
export type EdnVisit = (value: EdnValue, start: number, depth: number, position: number) => EdnValue;

class Reader {
  private i = 0;
  private readonly n: number;
  private readonly stack: Frame[] = [];
  private readonly keywords = new Map<string, Keyword>();

  constructor(
    private readonly text: string,
    private readonly source: string,
    private readonly visit?: EdnVisit,
  ) {
    this.n = text.length;
  }

  private fail(offset: number, message: string): never {
    throw ednError(this.text, this.source, offset, message);
  }

  private keyword(name: string): Keyword {
    let kw = this.keywords.get(name);
    if (!kw) {
      kw = new Keyword(name);
      this.keywords.set(name, kw);
    }
    return kw;
  }

  private tokenEnd(j: number): number {
    const { text, n } = this;
    while (j < n && !isDelim(text.charCodeAt(j))) j++;
    return j;
  }

  read(): { forms: EdnValue[]; starts: number[] } {
    const { text, n } = this;
    const top: Frame = { kind: TOP, start: 0, items: [], starts: [], prefixes: null };
    this.stack.push(top);
    for (;;) {
      // Skip whitespace, commas and comments.
      let c = 0;
      while (this.i < n) {
        c = text.charCodeAt(this.i);
        if (c === 59) {
          const nl = text.indexOf("\n", this.i);
          this.i = nl < 0 ? n : nl + 1;
        } else if (isWhitespace(c)) {
          this.i++;
        } else break;
      }
      if (this.i >= n) break;
      const start = this.i;
      switch (c) {
        case 40: // (
          this.open(LIST, start, 1);
          break;
        case 91: // [
          this.open(VECTOR, start, 1);
          break;
        case 123: // {
          this.open(MAP, start, 1);
          break;
        case 41: // )
        case 93: // ]
        case 125: // }
          this.close(c, start);
          break;
        case 34: // "
          this.emit(this.readString(start), start);
          break;
        case 58: // :
          this.emit(this.readKeyword(start), start);
          break;
        case 92: // \
          this.emit(this.readChar(start), start);
          break;
        case 35: // #
          this.dispatch(start);
          break;
        case 39: // '
        case 96: // `
        case 126: // ~
        case 64: // @
        case 94: // ^
          this.fail(start, `unsupported reader macro '${text[start]}' (not EDN)`);
          break;
        default:
          if (c < 32 || c === 127) {
            this.fail(start, `unexpected control character U+${c.toString(16).toUpperCase().padStart(4, "0")}`);
          }
          this.emit(this.readToken(start), start);
      }
    }
    if (this.stack.length > 1) {
      const f = this.stack[this.stack.length - 1];
      this.fail(
        f.start,
        `unterminated ${KIND_NAME[f.kind]}: the ${OPENER[f.kind]} opened here is never closed (expected ${CLOSER[f.kind]} before end of input)`,
      );
    }
    if (top.prefixes && top.prefixes.length > 0) {
      const p = top.prefixes[top.prefixes.length - 1];
      this.fail(n, `unexpected end of input: expected a form after ${describePrefix(p)} at ${at(text, p.start)}`);
    }
    return { forms: top.items, starts: top.starts };
  }

  private open(kind: number, start: number, width: number): void {
    if (this.stack.length > EDN_MAX_DEPTH) {
      this.fail(start, `collections nested deeper than ${EDN_MAX_DEPTH} levels`);
    }
    this.stack.push({ kind, start, items: [], starts: [], prefixes: null });
    this.i = start + width;
  }

  private close(c: number, pos: number): void {
    const ch = String.fromCharCode(c);
    const f = this.stack[this.stack.length - 1];
    if (f.kind === TOP) this.fail(pos, `unmatched ${ch}: no list, vector, map or set is open`);
    if (CLOSER[f.kind] !== ch) {
      this.fail(pos, `expected ${CLOSER[f.kind]} to close the ${OPENER[f.kind]} at ${at(this.text, f.start)}, got ${ch}`);
    }
    if (f.prefixes && f.prefixes.length > 0) {
      const p = f.prefixes[f.prefixes.length - 1];
      this.fail(pos, `expected a form after ${describePrefix(p)} at ${at(this.text, p.start)}, got ${ch}`);
    }
    let value: EdnValue;
    switch (f.kind) {
      case LIST:
        value = new EdnList(f.start, f.items, f.starts);
        break;
      case VECTOR:
        value = new EdnVector(f.start, f.items, f.starts);
        break;
      case SET:
        value = new EdnSet(f.start, f.items, f.starts);
        break;
      default:
        if (f.items.length % 2 !== 0) {
          this.fail(
            f.start,
            `map has an odd number of forms (${f.items.length}): every key needs a value`,
          );
        }
        value = new EdnMap(f.start, f.items, f.starts);
    }
    this.stack.pop();
    this.i = pos + 1;
    this.emit(value, f.start);
  }

  /** Hands a complete form to the innermost open collection, applying pending #_ / #tag prefixes. */
  private emit(value: EdnValue, start: number): void {
    const f = this.stack[this.stack.length - 1];
    const prefixes = f.prefixes;
    while (prefixes && prefixes.length > 0) {
      const p = prefixes.pop()!;
      if (p.kind === "discard") return;
      if (p.kind === "tag") {
        if (value instanceof EdnMap) value.tag = p.name;
      } else {
        if (!(value instanceof EdnMap)) this.fail(p.start, `#:${p.name} must be followed by a map`);
        qualifyKeys(value, p.name, (name) => this.keyword(name));
      }
      start = p.start;
    }
    if (this.visit) {
      const depth = this.stack.length - 1;
      if (depth === 0 || (depth === 1 && (f.kind === VECTOR || f.kind === LIST))) {
        value = this.visit(value, start, depth, f.items.length);
      }
    }
    f.items.push(value);
    f.starts.push(start);
  }

  private dispatch(start: number): void {
    const { text, n } = this;
    if (start + 1 >= n) this.fail(n, "unexpected end of input: expected a tag, set or discard after #");
    const c = text.charCodeAt(start + 1);
    const f = this.stack[this.stack.length - 1];
    if (c === 123) {
      this.open(SET, start, 2);
    } else if (c === 95) {
      (f.prefixes ??= []).push({ kind: "discard", name: "", start });
      this.i = start + 2;
    } else if (c === 35) {
      const end = this.tokenEnd(start + 2);
      const tok = text.slice(start + 2, end);
      const v = tok === "Inf" ? Infinity : tok === "-Inf" ? -Infinity : tok === "NaN" ? NaN : undefined;
      if (v === undefined) this.fail(start, `bad symbolic value ##${tok} (expected ##Inf, ##-Inf or ##NaN)`);
      this.i = end;
      this.emit(v, start);
    } else if (c === 58) {
      const end = this.tokenEnd(start + 2);
      const ns = text.slice(start + 2, end);
      if (ns === "" || ns.startsWith(":")) this.fail(start, "expected a namespace after #: (as in #:ns{...})");
      (f.prefixes ??= []).push({ kind: "nsmap", name: ns, start });
      this.i = end;
    } else if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      const end = this.tokenEnd(start + 1);
      (f.prefixes ??= []).push({ kind: "tag", name: text.slice(start + 1, end), start });
      this.i = end;
    } else {
      this.fail(start, `unexpected character after #: expected a tag (#inst), a set #{, or a discard #_`);
    }
  }

  private readString(start: number): string {
    const { text, n } = this;
    const parts: string[] = [];
    let j = start + 1;
    let chunk = j;
    for (;;) {
      if (j >= n) this.fail(start, `unterminated string: no closing " for the string opened here`);
      const c = text.charCodeAt(j);
      if (c === 34) {
        parts.push(text.slice(chunk, j));
        this.i = j + 1;
        return parts.length === 1 ? parts[0] : parts.join("");
      }
      if (c !== 92) {
        j++;
        continue;
      }
      parts.push(text.slice(chunk, j));
      if (j + 1 >= n) this.fail(start, `unterminated string: no closing " for the string opened here`);
      const e = text[j + 1];
      let width = 2;
      switch (e) {
        case "n": parts.push("\n"); break;
        case "t": parts.push("\t"); break;
        case "r": parts.push("\r"); break;
        case "b": parts.push("\b"); break;
        case "f": parts.push("\f"); break;
        case '"': parts.push('"'); break;
        case "\\": parts.push("\\"); break;
        case "u": {
          const hex = text.slice(j + 2, j + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail(j, "bad escape \\u in string: expected 4 hex digits (\\uXXXX)");
          parts.push(String.fromCharCode(parseInt(hex, 16)));
          width = 6;
          break;
        }
        default: {
          // Clojure also accepts octal escapes \0 .. \377.
          const oct = /^[0-7]{1,3}/.exec(text.slice(j + 1, j + 4));
          if (oct && parseInt(oct[0], 8) <= 0o377) {
            parts.push(String.fromCharCode(parseInt(oct[0], 8)));
            width = 1 + oct[0].length;
          } else {
            this.fail(j, `bad escape \\${e} in string (expected \\n \\t \\r \\b \\f \\" \\\\ or \\uXXXX)`);
          }
        }
      }
      j += width;
      chunk = j;
    }
  }

  private readKeyword(start: number): Keyword {
    const end = this.tokenEnd(start + 1);
    const name = this.text.slice(start + 1, end);
    if (name === "") this.fail(start, "expected a keyword name after :");
    if (name.startsWith(":")) this.fail(start, `auto-resolved keyword :${name} is not EDN`);
    if (name.endsWith("/") && name !== "/") this.fail(start, `bad keyword :${name}`);
    this.i = end;
    return this.keyword(name);
  }

  private readChar(start: number): EdnChar {
    const { text, n } = this;
    if (start + 1 >= n) this.fail(n, "unexpected end of input: expected a character after \\");
    const first = String.fromCodePoint(text.codePointAt(start + 1)!);
    const end = this.tokenEnd(start + 1 + first.length);
    const name = text.slice(start + 1, end);
    this.i = end;
    if (name === first) return new EdnChar(first);
    const named = NAMED_CHARS[name];
    if (named !== undefined) return new EdnChar(named);
    if (/^u[0-9a-fA-F]{4}$/.test(name)) return new EdnChar(String.fromCharCode(parseInt(name.slice(1), 16)));
    if (/^o[0-7]{1,3}$/.test(name) && parseInt(name.slice(1), 8) <= 0o377) {
      return new EdnChar(String.fromCharCode(parseInt(name.slice(1), 8)));
    }
    return this.fail(start, `bad character literal \\${name}`);
  }

  private readToken(start: number): EdnValue {
    // Fast path: a short plain decimal integer, the commonest token in a history.
    const { text, n } = this;
    let j = start;
    let neg = false;
    let c = text.charCodeAt(j);
    if (c === 45) {
      neg = true;
      c = text.charCodeAt(++j);
    }
    if (c >= 49 && c <= 57) {
      let v = 0;
      const digitsStart = j;
      while (j < n && (c = text.charCodeAt(j)) >= 48 && c <= 57 && j - digitsStart < 15) {
        v = v * 10 + (c - 48);
        j++;
      }
      if (j >= n || isDelim(text.charCodeAt(j))) {
        this.i = j;
        return neg ? -v : v;
      }
    }
    const end = this.tokenEnd(start);
    const tok = this.text.slice(start, end);
    this.i = end;
    const c0 = tok.charCodeAt(0);
    const c1 = tok.charCodeAt(1);
    const isNum = (c0 >= 48 && c0 <= 57) || ((c0 === 43 || c0 === 45) && c1 >= 48 && c1 <= 57);
    if (isNum) return this.number(tok, start);
    if (tok === "nil") return null;
    if (tok === "true") return true;
    if (tok === "false") return false;
    return new EdnSymbol(tok);
  }

  private number(tok: string, start: number): number | bigint {
    if (INT_RE.test(tok)) {
      const digits = tok.endsWith("N") ? tok.slice(0, -1) : tok;
      if (digits.length <= 15) return Number(digits) || 0; // "-0" is the integer 0
      const big = BigInt(digits);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
    }
    if (FLOAT_RE.test(tok) && /[.eEM]/.test(tok)) {
      return Number(tok.endsWith("M") ? tok.slice(0, -1) : tok);
    }
    const hex = HEX_RE.exec(tok);
    if (hex) {
      const big = BigInt("0x" + hex[2]);
      const signed = hex[1] === "-" ? -big : big;
      return signed >= BigInt(Number.MIN_SAFE_INTEGER) && signed <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(signed) : signed;
    }
    if (RATIO_RE.test(tok)) {
      const [num, den] = tok.split("/");
      if (!/^0+$/.test(den)) return Number(num) / Number(den);
    }
    return this.fail(start, `bad number ${tok}`);
  }
}

function describePrefix(p: Prefix): string {
  return p.kind === "discard" ? "#_" : p.kind === "tag" ? `#${p.name}` : `#:${p.name}`;
}

function qualifyKeys(map: EdnMap, ns: string, keyword: (name: string) => Keyword): void {
  const forms = map.forms;
  for (let k = 0; k < forms.length; k += 2) {
    const key = forms[k];
    if (!(key instanceof Keyword)) continue;
    if (key.name.startsWith("_/")) forms[k] = keyword(key.name.slice(2));
    else if (key.namespace === undefined) forms[k] = keyword(`${ns}/${key.name}`);
  }
}

/** Reads every top-level form, with the offset where each starts. */
export function readEdnForms(text: string, source = "history.edn"): { forms: EdnValue[]; starts: number[] } {
  return new Reader(text, source).read();
}

/** Reads `text`, handing each top-level form and each element of a top-level vector or list to `visit` as it is complete. */
export function readEdnVisiting(text: string, source: string, visit: EdnVisit): void {
  new Reader(text, source, visit).read();
}

/** Reads every top-level form of `text`. Throws HistoryParseError ("source:line:col: ...") on bad input. */
export function readEdn(text: string, source = "history.edn"): EdnValue[] {
  return readEdnForms(text, source).forms;
}

// --- EDN values -> JS values ---------------------------------------------------

/**
 * Plain JS view of an EDN value: nil -> null; keywords and symbols -> their name
 * (":foo/bar" -> "foo/bar"); characters -> one-character strings; lists, vectors
 * and sets -> arrays; maps -> plain objects (keyword keys by name, string keys as
 * is, other keys as their EDN text); integers outside the safe range (bigint) ->
 * their decimal string, so that no precision is lost silently.
 */
export function ednToJs(v: EdnValue): unknown {
  if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (v instanceof Keyword || v instanceof EdnSymbol) return v.name;
  if (v instanceof EdnChar) return v.char;
  if (v instanceof EdnSeq) return v.items.map(ednToJs);
  const o: Record<string, unknown> = {};
  const forms = v.forms;
  for (let k = 0; k < forms.length; k += 2) {
    const key = forms[k];
    const name =
      key instanceof Keyword || key instanceof EdnSymbol ? key.name : typeof key === "string" ? key : printEdn(key);
    // defineProperty: a key named "__proto__" must become a plain property.
    Object.defineProperty(o, name, { value: ednToJs(forms[k + 1]), enumerable: true, writable: true, configurable: true });
  }
  return o;
}

// --- Writing -------------------------------------------------------------------

const CHAR_NAMES: Record<string, string> = { "\n": "newline", " ": "space", "\t": "tab", "\r": "return", "\b": "backspace", "\f": "formfeed" };

function hex4(code: number): string {
  return "\\u" + code.toString(16).toUpperCase().padStart(4, "0");
}

/** An EDN string literal; control characters and lone surrogates are written as \uXXXX. */
export function ednString(s: string): string {
  const escaped = s.replace(/["\\\u0000-\u001f\u007f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (ch) => {
    switch (ch) {
      case '"': return '\\"';
      case "\\": return "\\\\";
      case "\n": return "\\n";
      case "\t": return "\\t";
      case "\r": return "\\r";
      default: return hex4(ch.charCodeAt(0));
    }
  });
  return `"${escaped}"`;
}

/** EDN text of a number: ##NaN, ##Inf, -0.0, and integers beyond 2^53 as doubles. */
export function ednNumber(v: number): string {
  if (Number.isNaN(v)) return "##NaN";
  if (v === Infinity) return "##Inf";
  if (v === -Infinity) return "##-Inf";
  if (Object.is(v, -0)) return "-0.0";
  const s = String(v);
  // An integer beyond 2^53 must read back as the same double, not as an exact bigint.
  if (Number.isInteger(v) && !Number.isSafeInteger(v) && !/[.e]/.test(s)) return s + ".0";
  return s;
}

const KEYWORD_SEGMENT = "[A-Za-z*!_?$%&=<>][A-Za-z0-9*+!_?$%&=<>.\\-]*";
const KEYWORD_NAME_RE = new RegExp(`^${KEYWORD_SEGMENT}(?:/${KEYWORD_SEGMENT})?$`);

/** Whether `name` can be written as the keyword `:name` (conservative). */
export function isKeywordName(name: string): boolean {
  return KEYWORD_NAME_RE.test(name);
}

/** EDN text of an EDN value (keys of tagged maps keep their tag). */
export function printEdn(v: EdnValue): string {
  const out: string[] = [];
  printInto(v, out);
  return out.join("");
}

function printInto(v: EdnValue, out: string[]): void {
  if (v === null) out.push("nil");
  else if (typeof v === "boolean") out.push(String(v));
  else if (typeof v === "number") out.push(ednNumber(v));
  else if (typeof v === "bigint") out.push(v.toString());
  else if (typeof v === "string") out.push(ednString(v));
  else if (v instanceof Keyword) out.push(":" + v.name);
  else if (v instanceof EdnSymbol) out.push(v.name);
  else if (v instanceof EdnChar) {
    const name = CHAR_NAMES[v.char];
    const code = v.char.charCodeAt(0);
    out.push(name ? "\\" + name : v.char === "" || code < 32 || code === 127 ? hex4(code || 0) : "\\" + v.char);
  } else if (v instanceof EdnMap) {
    out.push(v.tag ? `#${v.tag}{` : "{");
    for (let k = 0; k < v.forms.length; k += 2) {
      if (k > 0) out.push(", ");
      printInto(v.forms[k], out);
      out.push(" ");
      printInto(v.forms[k + 1], out);
    }
    out.push("}");
  } else {
    const [open, close] = v instanceof EdnList ? ["(", ")"] : v instanceof EdnSet ? ["#{", "}"] : ["[", "]"];
    out.push(open);
    v.items.forEach((item, i) => {
      if (i > 0) out.push(" ");
      printInto(item, out);
    });
    out.push(close);
  }
}

function writeJs(v: unknown, out: string[], depth: number): void {
  if (depth > EDN_MAX_DEPTH) throw new RangeError(`value nested deeper than ${EDN_MAX_DEPTH} levels (or cyclic); cannot write it as EDN`);
  if (v === null || v === undefined) out.push("nil");
  else if (typeof v === "boolean") out.push(String(v));
  else if (typeof v === "number") out.push(ednNumber(v));
  else if (typeof v === "bigint") out.push(v.toString());
  else if (typeof v === "string") out.push(ednString(v));
  else if (Array.isArray(v)) {
    out.push("[");
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(" ");
      writeJs(v[i], out, depth + 1);
    }
    out.push("]");
  } else if (v instanceof Keyword || v instanceof EdnSymbol || v instanceof EdnChar || v instanceof EdnMap || v instanceof EdnSeq) {
    printInto(v, out);
  } else if (v instanceof Date) {
    if (Number.isNaN(v.getTime())) throw new RangeError("cannot write an invalid Date as EDN");
    out.push(`#inst ${ednString(v.toISOString())}`);
  } else if (v instanceof Set) {
    out.push("#{");
    let first = true;
    for (const item of v) {
      if (!first) out.push(" ");
      first = false;
      writeJs(item, out, depth + 1);
    }
    out.push("}");
  } else if (v instanceof Map) {
    out.push("{");
    let first = true;
    for (const [key, val] of v) {
      if (!first) out.push(", ");
      first = false;
      writeJs(key, out, depth + 1);
      out.push(" ");
      writeJs(val, out, depth + 1);
    }
    out.push("}");
  } else if (typeof v === "object") {
    out.push("{");
    let first = true;
    for (const [key, val] of Object.entries(v)) {
      if (val === undefined) continue;
      if (!first) out.push(", ");
      first = false;
      out.push(isKeywordName(key) ? ":" + key : ednString(key), " ");
      writeJs(val, out, depth + 1);
    }
    out.push("}");
  } else {
    throw new TypeError(`cannot write a ${typeof v} as EDN`);
  }
}

/** EDN text of a plain JS value (objects -> maps with keyword keys where possible). */
export function jsToEdn(v: unknown): string {
  const out: string[] = [];
  writeJs(v, out, 0);
  return out.join("");
}
