// Shared helpers for the data-type command modules: arguments parsed exactly the way Redis 7.0
// parses them, plus typed key lookups and exact (64-bit) expiry times.
//
// Integers:   string2ll (util.c), what getLongLongFromObject accepts: no sign but a leading '-',
//             no leading zeros, no spaces, at most 20 characters, within [-2^63, 2^63-1].
//             Results are bigints; `clampIndex` turns one into a number for index arithmetic.
// Doubles:    glibc strtod (`strtodPrefix`), with string2d's rules on top (`string2d`: the whole
//             argument, no leading space, no overflow or underflow to zero, no NaN); hex floats,
//             inf and infinity are accepted as strtod accepts them.
// Long doubles: glibc strtold on x86-64 (80-bit extended: 64-bit mantissa), emulated exactly
//             with bigints (`string2ld`), for BLPOP's timeout (`parseTimeoutMs`).
// Options:    Redis compares options with strcasecmp on C strings, so an argument is compared
//             up to its first NUL byte, ASCII case-insensitively (`isOpt`).
import type { Database, Entry, SortedSet, Value, ValueType } from "../keyspace.js";
import { ERR, error, type Reply } from "../resp/reply.js";

export const LLONG_MAX = (1n << 63n) - 1n;
export const LLONG_MIN = -(1n << 63n);
const ULONG_MAX = (1n << 64n) - 1n;

// ---------------------------------------------------------------- C strings and options

/** The argument as a C string sees it: latin1, up to (not including) the first NUL byte. */
export function cstr(arg: Buffer): string {
  const nul = arg.indexOf(0);
  return (nul < 0 ? arg : arg.subarray(0, nul)).toString("latin1");
}

/** ASCII-only lower case (C's tolower in the C locale). */
export function lowerAscii(s: string): string {
  return s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

/** ASCII-only upper case (sdstoupper: C's toupper in the C locale). */
export function upperAscii(s: string): string {
  return s.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32));
}

/** strcasecmp(arg, name) == 0, with `name` in lower case. */
export function isOpt(arg: Buffer, name: string): boolean {
  const s = cstr(arg);
  return s.length === name.length && lowerAscii(s) === name;
}

/**
 * An error reply whose text includes client bytes (latin1, as cstr gives them), as Redis's
 * addReplyErrorFormat makes one: CR and LF at the ends trimmed (sdstrim), inside turned into spaces.
 */
export function errorf(text: string): Reply {
  return error(text.replace(/^[\r\n]+|[\r\n]+$/g, "").replace(/[\r\n]/g, " "));
}

/** addReplySubcommandSyntaxError: what a container's handler answers to a subcommand it does not take. */
export function subcommandSyntaxError(argv: Buffer[]): Reply {
  return errorf(`ERR unknown subcommand or wrong number of arguments for '${cstr(argv[1]).slice(0, 128)}'. Try ${upperAscii(cstr(argv[0]))} HELP.`);
}

// ---------------------------------------------------------------- integers

/** util.c string2ll: the integer an argument holds, or null. */
export function string2ll(arg: Buffer): bigint | null {
  const len = arg.length;
  if (len === 0 || len >= 21) return null;
  if (len === 1 && arg[0] === 0x30) return 0n;
  let i = 0;
  let negative = false;
  if (arg[0] === 0x2d) {
    negative = true;
    i++;
    if (i === len) return null;
  }
  if (arg[i] < 0x31 || arg[i] > 0x39) return null;
  for (let j = i + 1; j < len; j++) if (arg[j] < 0x30 || arg[j] > 0x39) return null;
  const v = BigInt(arg.toString("latin1", i));
  if (negative) return v > -LLONG_MIN ? null : -v;
  return v > LLONG_MAX ? null : v;
}

/** getLongLongFromObjectOrReply / getLongFromObjectOrReply (long is 64-bit): value or error reply. */
export function getLongLong(arg: Buffer, msg: string = ERR.notInteger): bigint | Reply {
  const v = string2ll(arg);
  return v === null ? error(msg) : v;
}

/** getPositiveLongFromObjectOrReply with Redis's default message (LPOP, RPOP, SPOP counts). */
export function getPositiveLong(arg: Buffer, msg = "ERR value is out of range, must be positive"): bigint | Reply {
  const v = string2ll(arg);
  return v === null || v < 0n ? error(msg) : v;
}

export function isReply(x: unknown): x is Reply {
  return typeof x === "object" && x !== null && "t" in x;
}

/** A 64-bit index as a number, clamped to ±2^53 (no collection is that long, so range logic is unchanged). */
export function clampIndex(v: bigint): number {
  const lim = 1n << 53n;
  return Number(v > lim ? lim : v < -lim ? -lim : v);
}

/**
 * strtoul(arg, &end, 10) as SCAN's parseScanCursorOrReply uses it: optional sign (a negative
 * value wraps around), no leading space, nothing after the digits (up to a NUL byte), no overflow.
 * An empty argument is cursor 0, as in Redis.
 */
export function parseScanCursor(arg: Buffer): bigint | null {
  const s = cstr(arg);
  if (s.length > 0 && isSpace(s.charCodeAt(0))) return null;
  if (s.length === 0) return 0n;
  let i = 0;
  let negative = false;
  if (s[0] === "+" || s[0] === "-") {
    negative = s[0] === "-";
    i++;
  }
  const digits = s.slice(i);
  if (!/^[0-9]+$/.test(digits)) return null; // no digits (nothing converted) or trailing garbage
  const v = BigInt(digits);
  if (v > ULONG_MAX) return null; // ERANGE
  return negative ? (ULONG_MAX + 1n - v) % (ULONG_MAX + 1n) : v;
}

// ---------------------------------------------------------------- floating point

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

interface Scanned {
  /** Index just after the literal; the start index (before any space) when nothing was converted. */
  end: number;
  neg: boolean;
  kind: "none" | "inf" | "nan" | "dec" | "hex";
  /** The literal's digits without the point (decimal or hex digits). */
  digits: string;
  /** dec: value = digits * 10^exp; hex: value = digits * 2^exp. */
  exp: number;
  /** dec: the literal's text (sign, digits, point, exponent), for Number(). */
  text: string;
}

/** Reads a decimal exponent's digits, saturating far outside any range that matters. */
function readExp(s: string, i: number): { value: number; end: number } | null {
  let j = i;
  let sign = 1;
  if (s[j] === "+" || s[j] === "-") {
    sign = s[j] === "-" ? -1 : 1;
    j++;
  }
  if (!isDigit(s.charCodeAt(j))) return null;
  let v = 0;
  while (isDigit(s.charCodeAt(j))) {
    if (v < 1e9) v = v * 10 + (s.charCodeAt(j) - 0x30);
    j++;
  }
  return { value: sign * v, end: j };
}

/** glibc strtod/strtold's scan of the longest float literal at `start` (C locale). */
function scanFloat(s: string, start: number): Scanned {
  const none: Scanned = { end: start, neg: false, kind: "none", digits: "", exp: 0, text: "" };
  let i = start;
  while (i < s.length && isSpace(s.charCodeAt(i))) i++;
  let neg = false;
  const signAt = i;
  if (s[i] === "+" || s[i] === "-") {
    neg = s[i] === "-";
    i++;
  }
  const rest = lowerAscii(s.slice(i, i + 8));
  if (rest.startsWith("inf")) {
    return { ...none, end: i + (rest === "infinity" ? 8 : 3), neg, kind: "inf" };
  }
  if (rest.startsWith("nan")) {
    let j = i + 3;
    if (s[j] === "(") {
      let k = j + 1;
      while (k < s.length && /[0-9A-Za-z_]/.test(s[k])) k++;
      if (s[k] === ")") j = k + 1;
    }
    return { ...none, end: j, neg, kind: "nan" };
  }
  // Hexadecimal: 0x, hex digits with an optional point (at least one digit), optional p exponent.
  if (s[i] === "0" && (s[i + 1] === "x" || s[i + 1] === "X")) {
    let j = i + 2;
    let int = "";
    let frac = "";
    while (isHex(s.charCodeAt(j))) int += s[j++];
    let sawPoint = false;
    if (s[j] === ".") {
      const k = j + 1;
      let f = "";
      let m = k;
      while (isHex(s.charCodeAt(m))) f += s[m++];
      if (int.length > 0 || f.length > 0) {
        sawPoint = true;
        frac = f;
        j = m;
      }
    }
    if (int.length > 0 || (sawPoint && frac.length > 0)) {
      let exp = 0;
      if (s[j] === "p" || s[j] === "P") {
        const e = readExp(s, j + 1);
        if (e) {
          exp = e.value;
          j = e.end;
        }
      }
      return { ...none, end: j, neg, kind: "hex", digits: int + frac, exp: exp - 4 * frac.length };
    }
    // "0x" without hex digits: strtod reads the "0" alone.
    return { ...none, end: i + 1, neg, kind: "dec", digits: "0", exp: 0, text: s.slice(signAt, i + 1) };
  }
  let j = i;
  let int = "";
  let frac = "";
  while (isDigit(s.charCodeAt(j))) int += s[j++];
  if (s[j] === ".") {
    let m = j + 1;
    let f = "";
    while (isDigit(s.charCodeAt(m))) f += s[m++];
    if (int.length > 0 || f.length > 0) {
      frac = f;
      j = m;
    }
  }
  if (int.length === 0 && frac.length === 0) return none;
  let exp = 0;
  if (s[j] === "e" || s[j] === "E") {
    const e = readExp(s, j + 1);
    if (e) {
      exp = e.value;
      j = e.end;
    }
  }
  return { ...none, end: j, neg, kind: "dec", digits: int + frac, exp: exp - frac.length, text: s.slice(signAt, j) };
}

interface Binary {
  /** value = m * 2^e, m < 2^precision; m = 0 for zero; null m for infinity. */
  m: bigint | null;
  e: number;
  /** strtod would set ERANGE: overflow, or underflow to zero. */
  erange: boolean;
}

function bitLength(x: bigint): number {
  if (x === 0n) return 0;
  const hex = x.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

/** The positive rational p/q rounded (half to even) to a binary float format. */
function roundRational(p: bigint, q: bigint, precision: number, minLsbExp: number, maxExp: number): Binary {
  if (p === 0n) return { m: 0n, e: 0, erange: false };
  const P = BigInt(precision);
  const quot = (e: number): [bigint, bigint] => (e >= 0 ? [p, q << BigInt(e)] : [p << BigInt(-e), q]);
  let e = bitLength(p) - bitLength(q) - precision;
  let [n, d] = quot(e);
  if (n / d >= 1n << P) e++;
  else if (n / d < 1n << (P - 1n)) e--;
  if (e < minLsbExp) e = minLsbExp;
  [n, d] = quot(e);
  let t = n / d;
  const r2 = (n % d) * 2n;
  if (r2 > d || (r2 === d && (t & 1n) === 1n)) t++;
  if (t === 1n << P) {
    t >>= 1n;
    e++;
  }
  if (t === 0n) return { m: 0n, e: 0, erange: true };
  if (e + precision - 1 > maxExp) return { m: null, e: 0, erange: true };
  return { m: t, e, erange: false };
}

const DOUBLE = { precision: 53, minLsbExp: -1074, maxExp: 1023 };
const EXTENDED = { precision: 64, minLsbExp: -16445, maxExp: 16383 };
type Format = typeof DOUBLE;

/** A scanned decimal or hex literal as a binary float of the format (exact rounding). */
function toBinary(sc: Scanned, fmt: Format): Binary {
  const digits = BigInt(sc.kind === "hex" ? "0x" + sc.digits : sc.digits);
  if (digits === 0n) return { m: 0n, e: 0, erange: false };
  // Far outside the format's range: saturate instead of building huge numbers. The value lies
  // in [2^lowBits, 2^highBits).
  let lowBits: number;
  let highBits: number;
  if (sc.kind === "hex") {
    const bits = bitLength(digits);
    lowBits = bits - 1 + sc.exp;
    highBits = bits + sc.exp;
  } else {
    const sig = digits.toString().length;
    lowBits = (sig - 1 + sc.exp) * Math.log2(10) - 1;
    highBits = (sig + sc.exp) * Math.log2(10) + 1;
  }
  if (lowBits > fmt.maxExp + 2) return { m: null, e: 0, erange: true };
  if (highBits < fmt.minLsbExp - 2) return { m: 0n, e: 0, erange: true };
  let p = digits;
  let q = 1n;
  if (sc.kind === "hex") {
    if (sc.exp >= 0) p <<= BigInt(sc.exp);
    else q <<= BigInt(-sc.exp);
  } else if (sc.exp >= 0) p *= 10n ** BigInt(sc.exp);
  else q = 10n ** BigInt(-sc.exp);
  return roundRational(p, q, fmt.precision, fmt.minLsbExp, fmt.maxExp);
}

function binaryToNumber(b: Binary, neg: boolean): number {
  let v: number;
  if (b.m === null) v = Infinity;
  else if (b.m === 0n) v = 0;
  else v = Number(b.m) * 2 ** b.e; // exact: m < 2^53 and e >= -1074
  return neg ? -v : v;
}

export interface StrtodResult {
  value: number;
  /** Index after the parsed text; equal to `start` when nothing was converted. */
  end: number;
  erange: boolean;
}

/** glibc strtod(s + start, &end): the longest float prefix (leading white space skipped). */
export function strtodPrefix(s: string, start = 0): StrtodResult {
  const sc = scanFloat(s, start);
  switch (sc.kind) {
    case "none":
      return { value: 0, end: start, erange: false };
    case "inf":
      return { value: sc.neg ? -Infinity : Infinity, end: sc.end, erange: false };
    case "nan":
      return { value: NaN, end: sc.end, erange: false };
    case "hex": {
      const b = toBinary(sc, DOUBLE);
      return { value: binaryToNumber(b, sc.neg), end: sc.end, erange: b.erange };
    }
    case "dec": {
      const value = Number(sc.text);
      const erange = !Number.isFinite(value) || (value === 0 && /[1-9]/.test(sc.digits));
      return { value, end: sc.end, erange };
    }
  }
}

/** util.c string2d, what getDoubleFromObject accepts (ZADD scores, ZINCRBY increments); or null. */
export function string2d(arg: Buffer): number | null {
  const s = arg.toString("latin1");
  if (s.length === 0 || isSpace(s.charCodeAt(0))) return null;
  const r = strtodPrefix(s);
  if (r.end !== s.length) return null;
  if (r.erange && (r.value === 0 || !Number.isFinite(r.value))) return null;
  if (Number.isNaN(r.value)) return null;
  return r.value;
}

/** An 80-bit long double, exactly: sign and m * 2^e (m null: infinity). */
export interface LongDouble {
  neg: boolean;
  m: bigint | null;
  e: number;
}

/** util.c string2ld (getLongDoubleFromObject): the whole argument through strtold; or null. */
export function string2ld(arg: Buffer): LongDouble | null {
  const s = arg.toString("latin1");
  if (s.length === 0 || s.length >= 5 * 1024 || isSpace(s.charCodeAt(0))) return null;
  const sc = scanFloat(s, 0);
  if (sc.end !== s.length) return null;
  if (sc.kind === "none" || sc.kind === "nan") return null;
  if (sc.kind === "inf") return { neg: sc.neg, m: null, e: 0 };
  const b = toBinary(sc, EXTENDED);
  if (b.erange && (b.m === null || b.m === 0n)) return null;
  return { neg: sc.neg, m: b.m, e: b.e };
}

/**
 * getTimeoutFromObjectOrReply(.., UNIT_SECONDS) of Redis 7.0: the timeout in milliseconds,
 * relative (0: block forever), or an error reply. Computed as Redis does on x86-64:
 * tval = (long long) ceill(ftval * 1000.0) in 80-bit arithmetic, where an out-of-range
 * conversion yields LLONG_MIN ("timeout is negative"). So 0.001 is 1 ms but -0.001 is 0.
 */
export function parseTimeoutMs(arg: Buffer): bigint | Reply {
  const ld = string2ld(arg);
  if (ld === null) return error("ERR timeout is not a float or out of range");
  let tval: bigint;
  if (ld.m === null) tval = LLONG_MIN;
  else if (ld.m === 0n) tval = 0n;
  else {
    const prod = roundRational(ld.m * 1000n * (ld.e >= 0 ? 1n << BigInt(ld.e) : 1n), ld.e >= 0 ? 1n : 1n << BigInt(-ld.e), 64, -16445, 16383);
    if (prod.m === null) tval = LLONG_MIN;
    else {
      // ceil of ±m * 2^e
      let mag: bigint;
      if (prod.e >= 0) mag = prod.m << BigInt(prod.e);
      else {
        const sh = BigInt(-prod.e);
        mag = ld.neg ? prod.m >> sh : (prod.m + (1n << sh) - 1n) >> sh;
      }
      const v = ld.neg ? -mag : mag;
      tval = v > LLONG_MAX || v < LLONG_MIN ? LLONG_MIN : v;
    }
  }
  if (tval < 0n) return error("ERR timeout is negative");
  return tval;
}

// ---------------------------------------------------------------- typed lookups

/** Marks a lookup that found a key of another type (the caller replies WRONGTYPE). */
export const WRONG = Symbol("wrongtype");
export const WRONGTYPE: Reply = error(ERR.wrongType);

interface TypeMap {
  string: Buffer;
  list: Buffer[];
  set: Set<string>;
  hash: Map<string, Buffer>;
  zset: SortedSet;
}
type Of<T extends ValueType> = TypeMap[T];

/** A key's value if it is of the type, undefined if missing (or expired), WRONG otherwise. */
export function lookup<T extends ValueType>(db: Database, key: string, now: number, type: T): Of<T> | undefined | typeof WRONG {
  const e = db.get(key, now);
  if (!e) return undefined;
  if (e.value.type !== type) return WRONG;
  return e.value.v as unknown as Of<T>;
}

// ---------------------------------------------------------------- exact expiry times

// Database keeps expiry times as numbers; Redis's are 64-bit integers (PXAT up to 2^63-1). Times
// beyond 2^53 are kept here exactly, keyed by the entry they were set on, so TTL/PTTL reply the
// same digits as Redis. Anything that replaces or re-times the entry makes the record stale,
// which `expireOf` detects (the number no longer matches) and ignores.
const exact = new WeakMap<Entry, bigint>();

function remember(db: Database, key: string, at: bigint, now: number): void {
  if (BigInt(Number(at)) === at) return;
  const e = db.get(key, now); // far in the future: never expires it
  if (e) exact.set(e, at);
}

/** Stores a value with an absolute expiry time (ms), or none, or keeping the old one. */
export function store(db: Database, key: string, value: Value, now: number, at?: bigint, keepTtl = false): void {
  if (keepTtl) {
    const old = db.get(key, now);
    const prev = old ? expireOf(old) : undefined;
    db.set(key, value, { keepTtl: true });
    if (prev !== undefined) remember(db, key, prev, now);
    return;
  }
  db.set(key, value, at === undefined ? {} : { expireAt: Number(at) });
  if (at !== undefined) remember(db, key, at, now);
}

/** Sets an existing key's absolute expiry time (ms). */
export function setExpireAt(db: Database, key: string, at: bigint, now: number): void {
  db.setExpiry(key, Number(at), now);
  remember(db, key, at, now);
}

/** A live entry's absolute expiry time in ms, or undefined when it has none. */
export function expireOf(e: Entry): bigint | undefined {
  if (e.expireAt === undefined) return undefined;
  const x = exact.get(e);
  if (x !== undefined && Number(x) === e.expireAt) return x;
  return BigInt(Math.trunc(e.expireAt));
}
