// Reply values to RESP2 / RESP3 bytes, exactly as Redis 7.0 writes them (src/networking.c:
// addReply*). RESP2 has no maps, sets, doubles, booleans, nulls, pushes or verbatim strings,
// so those fold into its own types the way Redis folds them:
//   map -> flat array of 2N, set -> array, double -> bulk string ("%.17g"), null -> `$-1` or
//   `*-1` (per `nullAs`), bool -> `:1` / `:0`, push -> array, verbatim -> bulk without "txt:".
// In RESP3 every nil (nil bulk, nil array, null) is `_\r\n`, as in Redis.
//
// Simple and error strings are byte strings, one character per byte (latin1), so an error that
// echoes a client's bytes (an unknown command's name, say) sends those bytes back as Redis does;
// CR and LF inside them become spaces (Redis does the same for formatted errors) so a reply can
// never break the framing. Verbatim strings are written as UTF-8.
import type { Reply } from "./reply.js";

// --- Doubles -------------------------------------------------------------------------------

/**
 * A double as Redis 7.0 prints it: C's `%.17g` (ZSCORE, ZINCRBY, RESP3 doubles, ...), with
 * `inf` / `-inf` / `nan` for the non-finite values.
 * 1.5 -> "1.5", 3 -> "3", 0.1 -> "0.10000000000000001", 1e21 -> "1e+21", -0 -> "-0",
 * 1e-5 -> "1.0000000000000001e-05". Rounding to 17 digits is exact and ties go to even, as in
 * glibc (2 ** -25 -> "2.9802322387695312e-08"; JavaScript's own rounding would end in ...313).
 */
export function formatDouble(n: number): string {
  if (Number.isNaN(n)) return "nan";
  if (n === Infinity) return "inf";
  if (n === -Infinity) return "-inf";
  if (n === 0) return Object.is(n, -0) ? "-0" : "0";
  // Up to 2^53 every integer has at most 16 digits, which %.17g prints in full.
  if (Number.isSafeInteger(n)) return String(n);
  const neg = n < 0;
  const a = neg ? -n : n;
  let digits: string;
  let exp: number;
  if (mayTie(a)) {
    ({ digits, exp } = exactDigits17(a));
  } else {
    // toExponential is correctly rounded (ties up); without a tie that is glibc's answer too.
    const s = a.toExponential(16); // d.dddddddddddddddde±X
    const e = s.indexOf("e");
    digits = s[0] + s.slice(2, e);
    exp = Number(s.slice(e + 1));
  }
  return formatG17(neg, digits, exp);
}

/**
 * Whether rounding `a` (> 0, finite) to 17 significant digits could be an exact tie, the one
 * case where JavaScript (ties away from zero) and glibc (ties to even) differ. A tie needs the
 * exact decimal expansion to be 17 digits, a 5, then nothing.
 */
function mayTie(a: number): boolean {
  const s18 = a.toExponential(17);
  if (s18.charCodeAt(s18.indexOf("e") - 1) !== 0x35 /* 5 */) return false;
  const s41 = a.toExponential(40);
  const e = s41.indexOf("e");
  // digits 18..41 of the expansion: "5" then 23 zeros for a tie
  const tail = s41.slice(2 + 16, e);
  return /^50*$/.test(tail);
}

/** `a` (> 0, finite) rounded to 17 significant digits, ties to even, by exact arithmetic. */
function exactDigits17(a: number): { digits: string; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (biased === 0) {
    e2 = -1074;
  } else {
    mant |= 1n << 52n;
    e2 = biased - 1075;
  }
  // a = mant * 2^e2 = D * 10^p
  let all: string;
  let p: number;
  if (e2 >= 0) {
    all = (mant << BigInt(e2)).toString();
    p = 0;
  } else {
    all = (mant * 5n ** BigInt(-e2)).toString();
    p = e2;
  }
  const exp = all.length - 1 + p;
  if (all.length <= 17) return { digits: all.padEnd(17, "0"), exp };
  let head = BigInt(all.slice(0, 17));
  const next = all.charCodeAt(17) - 48;
  const restZero = /^0*$/.test(all.slice(18));
  if (next > 5 || (next === 5 && (!restZero || (head & 1n) === 1n))) head += 1n;
  const hs = head.toString();
  return hs.length > 17 ? { digits: hs.slice(0, 17), exp: exp + 1 } : { digits: hs, exp };
}

/** printf's %g with precision 17, from 17 significant digits and the decimal exponent. */
function formatG17(neg: boolean, digits17: string, exp: number): string {
  let end = digits17.length;
  while (end > 1 && digits17.charCodeAt(end - 1) === 0x30) end--;
  const d = digits17.slice(0, end);
  let s: string;
  if (exp < -4 || exp >= 17) {
    const ax = Math.abs(exp);
    s = d[0] + (d.length > 1 ? "." + d.slice(1) : "") + (exp < 0 ? "e-" : "e+") + (ax < 10 ? "0" : "") + ax;
  } else if (exp >= 0) {
    s = d.length <= exp + 1 ? d.padEnd(exp + 1, "0") : d.slice(0, exp + 1) + "." + d.slice(exp + 1);
  } else {
    s = "0." + "0".repeat(-exp - 1) + d;
  }
  return neg ? "-" + s : s;
}

// --- Writer --------------------------------------------------------------------------------

/**
 * Collects the bytes of a reply. With `zeroCopyAt` finite, bulk payloads at least that long
 * are not copied but passed through as their own part, and the scratch buffer is cut into
 * parts of about `partSize` bytes, so a huge reply never needs one huge allocation.
 */
class Writer {
  private buf: Buffer;
  private pos = 0;
  readonly parts: Buffer[] = [];

  constructor(
    private readonly zeroCopyAt = Infinity,
    private readonly partSize = Infinity,
    initial = 256,
  ) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.partSize !== Infinity && this.pos > 0) {
      this.flush();
      if (n <= this.buf.length) return;
    }
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.parts.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.min(Math.max(this.buf.length, 256), this.partSize));
    this.pos = 0;
  }

  /** Text of one byte per character (latin1): headers, numbers, simple and error strings. */
  latin1(s: string): void {
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, "latin1");
  }

  /** Any text, as UTF-8. */
  text(s: string): void {
    this.room(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos, "utf8");
  }

  bytes(b: Buffer): void {
    if (b.length >= this.zeroCopyAt) {
      this.flush();
      this.parts.push(b);
      return;
    }
    this.room(b.length);
    if (b.length <= 64) {
      // faster than copy() when short
      const buf = this.buf;
      for (let i = 0, o = this.pos; i < b.length; i++) buf[o + i] = b[i];
    } else {
      b.copy(this.buf, this.pos);
    }
    this.pos += b.length;
  }

  crlf(): void {
    this.room(2);
    this.buf[this.pos++] = 13;
    this.buf[this.pos++] = 10;
  }

  /** `type`, a safe integer and CRLF (a length, count or integer line), without building a string. */
  line(type: number, n: number): void {
    this.room(20); // type, sign, 16 digits, CRLF
    const buf = this.buf;
    buf[this.pos++] = type;
    if (n < 0) {
      buf[this.pos++] = 0x2d;
      n = -n;
    }
    let digits = 1;
    for (let m = n; m >= 10; m = Math.floor(m / 10)) digits++;
    const end = this.pos + digits;
    for (let i = end - 1; i >= this.pos; i--, n = Math.floor(n / 10)) buf[i] = 0x30 + (n % 10);
    buf[end] = 13;
    buf[end + 1] = 10;
    this.pos = end + 2;
  }

  /** Everything as one buffer. */
  one(): Buffer {
    if (this.parts.length === 0) return this.buf.subarray(0, this.pos);
    this.flush();
    return Buffer.concat(this.parts);
  }

  /** Everything as a list of parts (no empty ones). */
  all(): Buffer[] {
    this.flush();
    return this.parts;
  }
}

/** CR and LF would end a simple or error line early: Redis maps them to spaces. */
function oneLine(s: string): string {
  return s.includes("\r") || s.includes("\n") ? s.replace(/[\r\n]/g, " ") : s;
}

function intText(n: number | bigint): string {
  if (typeof n === "bigint") return n.toString();
  if (!Number.isInteger(n)) throw new TypeError(`integer reply is not an integer: ${n}`);
  return BigInt(n).toString();
}

const OK_BYTES = Buffer.from("+OK\r\n");
const COLON = 0x3a;
const DOLLAR = 0x24;
const STAR = 0x2a;

function put(w: Writer, r: Reply, resp: 2 | 3): void {
  switch (r.t) {
    case "simple":
      if (r.s === "OK") {
        w.bytes(OK_BYTES);
        return;
      }
      w.latin1("+");
      w.latin1(oneLine(r.s));
      w.crlf();
      return;
    case "error":
      // Reply strings carry their code ("ERR ...", "WRONGTYPE ..."); a leading "-" is not doubled.
      if (!r.s.startsWith("-")) w.latin1("-");
      w.latin1(oneLine(r.s));
      w.crlf();
      return;
    case "int":
      if (typeof r.n === "number" && Number.isSafeInteger(r.n)) w.line(COLON, r.n);
      else w.latin1(":" + intText(r.n) + "\r\n");
      return;
    case "bulk":
      if (r.b === null) {
        w.latin1(resp === 3 ? "_\r\n" : "$-1\r\n");
        return;
      }
      w.line(DOLLAR, r.b.length);
      w.bytes(r.b);
      w.crlf();
      return;
    case "array":
      if (r.items === null) {
        w.latin1(resp === 3 ? "_\r\n" : "*-1\r\n");
        return;
      }
      w.line(STAR, r.items.length);
      for (const item of r.items) put(w, item, resp);
      return;
    case "map":
      w.latin1((resp === 3 ? "%" + r.entries.length : "*" + r.entries.length * 2) + "\r\n");
      for (const [k, v] of r.entries) {
        put(w, k, resp);
        put(w, v, resp);
      }
      return;
    case "set":
      w.latin1((resp === 3 ? "~" : "*") + r.items.length + "\r\n");
      for (const item of r.items) put(w, item, resp);
      return;
    case "double": {
      const s = formatDouble(r.n);
      w.latin1(resp === 3 ? "," + s + "\r\n" : "$" + s.length + "\r\n" + s + "\r\n");
      return;
    }
    case "null":
      w.latin1(resp === 3 ? "_\r\n" : r.nullAs === "array" ? "*-1\r\n" : "$-1\r\n");
      return;
    case "bool":
      w.latin1(resp === 3 ? (r.v ? "#t\r\n" : "#f\r\n") : r.v ? ":1\r\n" : ":0\r\n");
      return;
    case "push":
      w.latin1((resp === 3 ? ">" : "*") + r.items.length + "\r\n");
      for (const item of r.items) put(w, item, resp);
      return;
    case "verbatim": {
      const len = Buffer.byteLength(r.s);
      if (resp === 3) {
        // Redis writes exactly three format characters, then ':' (addReplyVerbatim).
        const fmt = r.format.slice(0, 3).padEnd(3, " ");
        w.latin1("=" + (len + 4) + "\r\n");
        w.text(fmt + ":");
      } else {
        w.latin1("$" + len + "\r\n");
      }
      w.text(r.s);
      w.crlf();
      return;
    }
  }
}

/** The bytes Redis sends for `reply` to a client speaking `resp`. */
export function encode(reply: Reply, resp: 2 | 3): Buffer {
  const w = new Writer();
  put(w, reply, resp);
  return w.one();
}

/**
 * A connection's replies until they are written: encoded back to back into one buffer, so a
 * pipelined burst costs one allocation and one socket write instead of one of each per reply.
 * Each burst's buffer is sized after the previous burst.
 */
export class ReplyBuffer {
  private writer: Writer | undefined;
  private size = 256;

  get empty(): boolean {
    return this.writer === undefined;
  }

  append(reply: Reply, resp: 2 | 3): void {
    put((this.writer ??= new Writer(Infinity, Infinity, this.size)), reply, resp);
  }

  /** The header of an array whose elements are appended after it, one by one (EXEC's replies). */
  appendArrayHeader(length: number): void {
    (this.writer ??= new Writer(Infinity, Infinity, this.size)).line(STAR, length);
  }

  /** The bytes appended since the last take (undefined when none); the buffer starts anew. */
  take(): Buffer | undefined {
    const bytes = this.writer?.one();
    this.writer = undefined;
    if (bytes) this.size = Math.min(Math.max(bytes.length, 256), 64 * 1024);
    return bytes;
  }
}

/**
 * The same bytes as `encode`, as a list of buffers for a streaming write (socket.cork(); write
 * each; uncork()): bulk payloads of 16 KB or more are referenced, not copied, and the rest is
 * cut into parts of at most about 64 KB. Concatenated, the parts equal `encode(reply, resp)`.
 */
export function encodeParts(reply: Reply, resp: 2 | 3): Buffer[] {
  const w = new Writer(16 * 1024, 64 * 1024);
  put(w, reply, resp);
  return w.all();
}

/**
 * A command as a RESP array of bulk strings (`*N\r\n$len\r\narg\r\n...`): the form of the AOF,
 * the replication stream and of requests. Strings are written as UTF-8.
 */
export function encodeCommand(argv: ReadonlyArray<Buffer | string>): Buffer {
  let size = 3 + String(argv.length).length;
  const bufs: Buffer[] = new Array(argv.length);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const b = typeof a === "string" ? Buffer.from(a) : a;
    bufs[i] = b;
    size += 1 + String(b.length).length + 2 + b.length + 2;
  }
  const out = Buffer.allocUnsafe(size);
  let pos = out.write("*" + argv.length + "\r\n", 0, "latin1");
  for (const b of bufs) {
    pos += out.write("$" + b.length + "\r\n", pos, "latin1");
    pos += b.copy(out, pos);
    out[pos++] = 13;
    out[pos++] = 10;
  }
  return out;
}
