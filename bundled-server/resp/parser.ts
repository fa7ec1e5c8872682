// The request parser: Redis 7.0's processInputBuffer / processMultibulkBuffer /
// processInlineBuffer (src/networking.c) over a stream of chunks, with the same results and
// the same error texts, quirks included:
//
// - A request starting with '*' is a multibulk; anything else is an inline command, split
//   with sdssplitargs' rules. Empty (or blank) inline lines and `*0` / `*-N` are skipped.
// - The count and bulk-length lines are found by searching for '\r' and the byte after it is
//   skipped unchecked; so are the two bytes after a bulk's data (Redis does not check them).
// - Redis searches with strchr, which stops at a NUL byte: a NUL before the line's end means
//   the line is never found, and the connection waits until more than 64 KB are buffered,
//   then fails with "too big ..." (so `PING\0\r\n` gets no reply, as with Redis).
// - The "too big inline request / mbulk count string / bulk count string" checks, like
//   Redis's, only look at the data present at the end of a read: here, the end of each chunk
//   fed. A line longer than 64 KB that arrives complete in one chunk is accepted (Redis also
//   accepts such lines when they arrive within one read, which depends on its buffer sizes).
// - The multibulk count limit is INT_MAX (Redis 7.0; it was 1024*1024 before redis#9528).
// - client-query-buffer-limit: Redis checks the unparsed bytes after each read and, when they
//   exceed the limit, logs and closes the connection WITHOUT a reply (not even for the
//   commands already complete in that read). Here push()/feed() throw a ProtocolError with
//   `silent: true` (and `reply: null`); its message is for the log.
//
// After a ProtocolError the parser is dead: later input is ignored, as Redis ignores the
// input of a client it is closing.
//
// Costs are linear: chunks are kept in a list (never concatenated), a line search resumes
// where the previous one stopped, and a bulk is copied once, when complete. Memory is what the
// limits allow: unparsed bytes <= client-query-buffer-limit, a partial line <= 64 KB plus one
// chunk, a partial bulk <= proto-max-bulk-len + 2.
import { copyOf } from "../bytes.js";

/** The protocol limits (redis.conf names in the comments). */
export interface Limits {
  /** proto-max-bulk-len: the longest bulk argument (default 512 MB). */
  maxBulkLen: number;
  /** The largest multibulk count: INT_MAX in Redis 7.0. */
  maxMultibulkLen: number;
  /** PROTO_INLINE_MAX_SIZE: the longest inline request / count line being buffered (64 KB). */
  maxInlineLen: number;
  /** client-query-buffer-limit: the most unparsed bytes a client may have (default 1 GB). */
  maxQueryBuffer: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBulkLen: 512 * 1024 * 1024,
  maxMultibulkLen: 2147483647,
  maxInlineLen: 64 * 1024,
  maxQueryBuffer: 1024 * 1024 * 1024,
});

/** Redis's limits for a client that has not authenticated (CVE-2021-32675). */
export const UNAUTHENTICATED_MAX_MULTIBULK = 10;
export const UNAUTHENTICATED_MAX_BULK = 16384;

export interface ParserOptions extends Partial<Limits> {
  /**
   * Asked when a count above 10 or a bulk length above 16384 is parsed: true while the client
   * must still authenticate, which makes those "unauthenticated multibulk length" /
   * "unauthenticated bulk length" errors, as in Redis. Without it there is no such limit.
   */
  authRequired?: () => boolean;
}

export class ProtocolError extends Error {
  /**
   * True when Redis closes the connection without replying (client-query-buffer-limit);
   * `message` then only describes the reason, for the log.
   */
  readonly silent: boolean;
  /**
   * The exact bytes Redis sends before closing: `-ERR <message>\r\n` (the message holds at
   * most one non-ASCII character, the byte of "expected '$', got 'X'", sent raw), or null
   * when silent.
   */
  readonly reply: Buffer | null;
  /**
   * The commands completed before the bad input in the same `feed()` call. Redis runs them
   * (and sends their replies) before the error; do the same, unless one of them ends the
   * connection (QUIT) — then the error is never sent.
   */
  commands: Buffer[][] = [];

  constructor(message: string, options: { silent?: boolean } = {}) {
    super(message);
    this.name = "ProtocolError";
    this.silent = options.silent ?? false;
    this.reply = this.silent ? null : Buffer.from(`-ERR ${message}\r\n`, "latin1");
  }
}

const STAR = 0x2a;
const DOLLAR = 0x24;
const CR = 0x0d;
const LF = 0x0a;

const enum Mode {
  /** Between requests. */
  None,
  Inline,
  /** Waiting for the `*N` line. */
  Count,
  /** Waiting for a `$N` line. */
  BulkLen,
  /** Waiting for N bytes and two more. */
  Bulk,
}

const EMPTY = Buffer.alloc(0);

/**
 * A run of 1 to 10 digits at `at` followed by \r\n, without leading zeros: its value, or -1.
 * Where the digits end is left in `decimalEnd` (no object per number on the hot path).
 */
let decimalEnd = 0;
function readDecimal(buf: Buffer, at: number): number {
  let value = 0;
  let i = at;
  for (; i < buf.length && i - at < 10; i++) {
    const c = buf[i];
    if (c < 0x30 || c > 0x39) break;
    value = value * 10 + (c - 0x30);
  }
  if (i === at || i + 1 >= buf.length || buf[i] !== CR || buf[i + 1] !== LF) return -1;
  if (buf[at] === 0x30 && i - at > 1) return -1; // leading zeros: let the full parser refuse them as Redis does
  decimalEnd = i;
  return value;
}

export class RequestParser {
  /** The limits in force; change them at any time (CONFIG SET proto-max-bulk-len ...). */
  readonly limits: Limits;
  authRequired: (() => boolean) | undefined;

  // Unparsed input: chunks[ci] from offset off, then the chunks after it; `size` bytes.
  private chunks: Buffer[] = [];
  private ci = 0;
  private off = 0;
  private size = 0;

  private mode = Mode.None;

  // Line search for the current item: `scanned` bytes from the item's start are known to hold
  // neither the line end nor a NUL; the search resumes at chunks[sci][soff].
  private sci = 0;
  private soff = 0;
  private scanned = 0;
  /** A NUL came before the line end: this line never ends. */
  private stuck = false;
  // Where the next NUL is in one chunk, so that searching many short lines in a big chunk
  // does not look for a NUL to the chunk's end each time.
  private nulChunk: Buffer | null = null;
  private nulFrom = 0;
  private nulAt = -1;

  // The multibulk being read.
  private left = 0;
  private bulkLen = -1;
  private argv: Buffer[] = [];
  private argvLen = 0;

  private error: ProtocolError | null = null;
  /** The first argument of the last command parsed whole (see commandName). */
  private lastName: Buffer = EMPTY;

  constructor(options: ParserOptions = {}) {
    const { authRequired, ...limits } = options;
    this.limits = { ...DEFAULT_LIMITS };
    for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof Limits>) {
      const v = limits[key];
      if (v !== undefined) this.limits[key] = v;
    }
    this.authRequired = authRequired;
  }

  /**
   * Unparsed bytes: Redis's query buffer (CLIENT LIST `qbuf`). The arguments already split
   * off an incomplete multibulk are not counted here but in `argvBytes`, as in Redis.
   */
  get pending(): number {
    return this.size;
  }

  /** Bytes of the arguments of the incomplete multibulk read so far (CLIENT LIST `argv-mem`). */
  get argvBytes(): number {
    return this.argvLen;
  }

  /** The error that ended this parser, if one did. */
  get failed(): ProtocolError | null {
    return this.error;
  }

  /**
   * Feeds bytes; returns the complete commands now available. Throws a ProtocolError on bad
   * input, once: its `commands` are those completed earlier in this chunk. After that, feed
   * returns [] and ignores its input. The parser keeps references to the chunks (and may
   * return arguments that are views of them): do not modify a chunk after feeding it.
   */
  feed(chunk: Buffer): Buffer[][] {
    const out: Buffer[][] = [];
    if (this.error) return out;
    try {
      this.push(chunk);
      for (let argv = this.next(); argv !== null; argv = this.next()) out.push(argv);
    } catch (err) {
      if (err instanceof ProtocolError) err.commands = out;
      throw err;
    }
    return out;
  }

  /**
   * The pull interface: adds bytes without parsing them (a read, in Redis's terms). Throws
   * the silent ProtocolError when the unparsed bytes exceed maxQueryBuffer, as Redis checks
   * after every read, even while the client is blocked.
   */
  push(chunk: Buffer): void {
    if (this.error || chunk.length === 0) return;
    if (this.ci === this.chunks.length) {
      this.chunks.length = 0;
      this.ci = 0;
      this.off = 0;
      this.resetScan();
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size > this.limits.maxQueryBuffer) {
      throw this.fail(
        `Closing client that reached max query buffer length (qbuf=${this.size}, limit=${this.limits.maxQueryBuffer}, qbuf initial bytes: ${repr(this.peek(Math.min(64, this.size)))})`,
        true,
      );
    }
  }

  /**
   * The pull interface: the next complete command, or null until more bytes are pushed.
   * Parsing one command at a time and running it before asking for the next is exactly what
   * Redis does: AUTH then takes effect for the unauthenticated limits of the next command,
   * CONFIG SET proto-max-bulk-len for the next bulk, and nothing after a QUIT is looked at.
   * Throws a ProtocolError (once; afterwards returns null).
   */
  next(): Buffer[] | null {
    if (this.error) return null;
    for (;;) {
      switch (this.mode) {
        case Mode.None: {
          if (this.size === 0) return null;
          const whole = this.wholeCommand();
          if (whole !== null) return whole;
          this.mode = this.chunks[this.ci][this.off] === STAR ? Mode.Count : Mode.Inline;
          continue;
        }

        case Mode.Inline: {
          const nl = this.find(LF);
          if (nl < 0) {
            if (this.size > this.limits.maxInlineLen) throw this.fail("Protocol error: too big inline request");
            return null;
          }
          let line = this.peek(nl);
          if (nl > 0 && line[nl - 1] === CR) line = line.subarray(0, nl - 1);
          const argv = splitArgs(line);
          if (argv === null) throw this.fail("Protocol error: unbalanced quotes in request");
          this.consume(nl + 1);
          this.mode = Mode.None;
          if (argv.length > 0) return argv;
          continue;
        }

        case Mode.Count: {
          const cr = this.find(CR);
          if (cr < 0) {
            if (this.size > this.limits.maxInlineLen) throw this.fail("Protocol error: too big mbulk count string");
            return null;
          }
          if (cr > this.size - 2) return null; // the byte after '\r' is not here yet
          const ll = this.lineNumber(cr);
          if (ll === null || ll > this.limits.maxMultibulkLen) throw this.fail("Protocol error: invalid multibulk length");
          if (ll > UNAUTHENTICATED_MAX_MULTIBULK && this.authRequired?.()) throw this.fail("Protocol error: unauthenticated multibulk length");
          this.consume(cr + 2);
          if (ll <= 0) {
            this.mode = Mode.None;
            continue;
          }
          this.left = ll;
          this.argv = [];
          this.argvLen = 0;
          this.mode = Mode.BulkLen;
          continue;
        }

        case Mode.BulkLen: {
          const cr = this.find(CR);
          if (cr < 0) {
            if (this.size > this.limits.maxInlineLen) throw this.fail("Protocol error: too big bulk count string");
            return null;
          }
          if (cr > this.size - 2) return null;
          const first = this.chunks[this.ci][this.off];
          if (first !== DOLLAR) {
            // addReplyErrorFormat turns CR and LF into spaces; other bytes go out raw.
            const got = first === CR || first === LF ? " " : String.fromCharCode(first);
            throw this.fail(`Protocol error: expected '$', got '${got}'`);
          }
          const ll = this.lineNumber(cr);
          if (ll === null || ll < 0 || ll > this.limits.maxBulkLen) throw this.fail("Protocol error: invalid bulk length");
          if (ll > UNAUTHENTICATED_MAX_BULK && this.authRequired?.()) throw this.fail("Protocol error: unauthenticated bulk length");
          this.consume(cr + 2);
          this.bulkLen = ll;
          this.mode = Mode.Bulk;
          continue;
        }

        case Mode.Bulk: {
          if (this.size < this.bulkLen + 2) return null;
          const arg = this.take(this.bulkLen);
          this.consume(2); // not checked to be CRLF, as in Redis
          this.argv.push(arg);
          this.argvLen += arg.length;
          this.bulkLen = -1;
          if (--this.left > 0) {
            this.mode = Mode.BulkLen;
            continue;
          }
          const argv = this.argv;
          this.argv = [];
          this.argvLen = 0;
          this.mode = Mode.None;
          return argv;
        }
      }
    }
  }

  /**
   * The common case, fast: a well-formed multibulk that lies whole in the current chunk,
   * with plain `*N\r\n` / `$N\r\n` lines within every limit. Anything else (a command split
   * across chunks, odd bytes, a limit to enforce, an error to report) returns null without
   * consuming, and the state machine below handles it exactly as Redis does.
   */
  private wholeCommand(): Buffer[] | null {
    const buf = this.chunks[this.ci];
    let pos = this.off;
    if (buf[pos] !== STAR) return null;
    const unauthenticated = this.authRequired !== undefined && this.authRequired();
    const maxArgs = unauthenticated ? UNAUTHENTICATED_MAX_MULTIBULK : this.limits.maxMultibulkLen;
    const maxBulk = unauthenticated ? UNAUTHENTICATED_MAX_BULK : this.limits.maxBulkLen;
    const count = readDecimal(buf, pos + 1);
    if (count <= 0 || count > maxArgs) return null;
    pos = decimalEnd + 2;
    const argv: Buffer[] = new Array(count);
    for (let i = 0; i < count; i++) {
      if (pos >= buf.length || buf[pos] !== DOLLAR) return null;
      const len = readDecimal(buf, pos + 1);
      if (len < 0 || len > maxBulk) return null;
      const start = decimalEnd + 2;
      const end = start + len;
      if (end + 2 > buf.length) return null;
      argv[i] = i === 0 ? this.commandName(buf, start, end) : buf.subarray(start, end);
      pos = end + 2;
    }
    this.consume(pos - this.off);
    return argv;
  }

  /**
   * A command's first argument: the previous command's when the bytes are the same (clients
   * mostly repeat a few commands), which saves making a Buffer per command.
   */
  private commandName(buf: Buffer, start: number, end: number): Buffer {
    const last = this.lastName;
    if (end - start === last.length) {
      let i = 0;
      while (i < last.length && buf[start + i] === last[i]) i++;
      if (i === last.length) return last;
    }
    return (this.lastName = copyOf(buf, start, end));
  }

  // --- Errors ----------------------------------------------------------------------------

  private fail(message: string, silent = false): ProtocolError {
    const err = new ProtocolError(message, { silent });
    this.error = err;
    this.chunks = [];
    this.ci = this.off = this.size = 0;
    this.argv = [];
    this.argvLen = 0;
    this.nulChunk = null;
    return err;
  }

  // --- The chunk list --------------------------------------------------------------------

  private resetScan(): void {
    this.sci = this.ci;
    this.soff = this.off;
    this.scanned = 0;
    this.stuck = false;
  }

  /** Drops `n` unparsed bytes (n <= size) and starts a new line search. */
  private consume(n: number): void {
    this.size -= n;
    while (n > 0) {
      const c = this.chunks[this.ci];
      const here = c.length - this.off;
      if (n < here) {
        this.off += n;
        break;
      }
      n -= here;
      this.ci++;
      this.off = 0;
    }
    if (this.ci === this.chunks.length) {
      this.chunks.length = 0;
      this.ci = 0;
    } else if (this.ci >= 32 && this.ci * 2 >= this.chunks.length) {
      this.chunks.splice(0, this.ci);
      this.ci = 0;
    }
    this.resetScan();
  }

  /** The next `n` unparsed bytes (n <= size), not consumed: a view when they are in one chunk. */
  private peek(n: number): Buffer {
    if (n === 0) return EMPTY;
    const c = this.chunks[this.ci];
    if (this.off + n <= c.length) return c.subarray(this.off, this.off + n);
    const out = Buffer.allocUnsafe(n);
    let w = 0;
    for (let i = this.ci, o = this.off; w < n; i++, o = 0) {
      const src = this.chunks[i];
      const k = Math.min(src.length - o, n - w);
      src.copy(out, w, o, o + k);
      w += k;
    }
    return out;
  }

  /**
   * The next `n` unparsed bytes as an argument, consumed. A view of the chunk only when the
   * argument is at least half of it (so a small key does not keep a big chunk alive), else a
   * copy; a bulk spread over several chunks is copied once.
   */
  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const c = this.chunks[this.ci];
    let out: Buffer;
    if (this.off + n <= c.length) {
      out = n * 2 >= c.length ? c.subarray(this.off, this.off + n) : copyOf(c, this.off, this.off + n);
    } else {
      out = this.peek(n);
    }
    this.consume(n);
    return out;
  }

  /**
   * Where `target` first occurs, counted from the start of the unparsed bytes, or -1 if it is
   * not there (yet). A NUL before it makes the item stuck, as strchr would stop there. The
   * search resumes where the last one stopped, so no byte is looked at twice.
   */
  private find(target: number): number {
    if (this.stuck) return -1;
    while (this.sci < this.chunks.length) {
      const c = this.chunks[this.sci];
      const from = this.soff;
      if (from < c.length) {
        const t = c.indexOf(target, from);
        const z = this.nulIndex(c, from);
        if (z !== -1 && (t === -1 || z < t)) {
          this.stuck = true;
          return -1;
        }
        if (t !== -1) {
          this.scanned += t - from;
          this.soff = t;
          return this.scanned;
        }
        this.scanned += c.length - from;
      }
      this.sci++;
      this.soff = 0;
    }
    return -1;
  }

  /** The first NUL at or after `from` in `c`, or -1. */
  private nulIndex(c: Buffer, from: number): number {
    if (c === this.nulChunk && from >= this.nulFrom && (this.nulAt === -1 || this.nulAt >= from)) return this.nulAt;
    const at = c.indexOf(0, from);
    this.nulChunk = c;
    this.nulFrom = from;
    this.nulAt = at;
    return at;
  }

  /** string2ll of the count / length line: the bytes after its first byte, up to `cr`. */
  private lineNumber(cr: number): number | null {
    // string2ll refuses 21 characters or more before looking at them.
    if (cr - 1 >= 21 || cr - 1 <= 0) return null;
    const c = this.chunks[this.ci];
    if (this.off + cr <= c.length) return string2ll(c, this.off + 1, this.off + cr);
    return string2ll(this.peek(cr), 1, cr);
  }
}

/**
 * Redis's string2ll (src/util.c): an optional '-', then digits without leading zeros ("0"
 * alone is fine, "-0" is not), fewer than 21 characters, within a signed 64-bit integer.
 * Returns null when invalid. Values beyond 2^53 are approximate (they exceed every limit).
 */
export function string2ll(b: Uint8Array, start: number, end: number): number | null {
  const len = end - start;
  if (len <= 0 || len >= 21) return null;
  if (len === 1 && b[start] === 0x30) return 0;
  let p = start;
  let neg = false;
  if (b[p] === 0x2d) {
    neg = true;
    p++;
    if (p === end) return null;
  }
  if (b[p] < 0x31 || b[p] > 0x39) return null;
  let v = 0;
  for (let i = p; i < end; i++) {
    const d = b[i] - 0x30;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (end - p > 15) {
    // Beyond 15 digits the sum above may be inexact: check the range exactly.
    let big = 0n;
    for (let i = p; i < end; i++) big = big * 10n + BigInt(b[i] - 0x30);
    if (big > (neg ? 9223372036854775808n : 9223372036854775807n)) return null;
    v = Number(big);
  }
  return neg ? -v : v;
}

const isSpace = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);
const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
const hexValue = (c: number): number => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10);

/**
 * Redis's sdssplitargs (src/sds.c), the inline command splitter. Tokens are separated by
 * blanks; "double quotes" take \n \r \t \b \a \xHH and \<any> escapes; 'single quotes' take
 * \' only; a closing quote must be followed by a blank or the end. Quotes may start inside a
 * token (a"b c" is `ab c`). Returns null for unbalanced quotes. Like the C code, it stops at
 * a NUL byte.
 */
export function splitArgs(input: Uint8Array): Buffer[] | null {
  const nul = input.indexOf(0);
  const line = nul === -1 ? input : input.subarray(0, nul);
  const n = line.length;
  const at = (k: number): number => (k < n ? line[k] : 0);
  const out: Buffer[] = [];
  const cur = Buffer.allocUnsafe(n);
  let i = 0;
  for (;;) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    let len = 0;
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      const c = at(i);
      if (inq) {
        if (c === 0x5c && at(i + 1) === 0x78 && isHex(at(i + 2)) && isHex(at(i + 3))) {
          cur[len++] = hexValue(at(i + 2)) * 16 + hexValue(at(i + 3));
          i += 3;
        } else if (c === 0x5c && at(i + 1) !== 0) {
          i++;
          const e = at(i);
          cur[len++] = e === 0x6e ? 0x0a : e === 0x72 ? 0x0d : e === 0x74 ? 0x09 : e === 0x62 ? 0x08 : e === 0x61 ? 0x07 : e;
        } else if (c === 0x22) {
          const nx = at(i + 1);
          if (nx !== 0 && !isSpace(nx)) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          cur[len++] = c;
        }
      } else if (insq) {
        if (c === 0x5c && at(i + 1) === 0x27) {
          i++;
          cur[len++] = 0x27;
        } else if (c === 0x27) {
          const nx = at(i + 1);
          if (nx !== 0 && !isSpace(nx)) return null;
          done = true;
        } else if (c === 0) {
          return null;
        } else {
          cur[len++] = c;
        }
      } else if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0) {
        done = true;
      } else if (c === 0x22) {
        inq = true;
      } else if (c === 0x27) {
        insq = true;
      } else {
        cur[len++] = c;
      }
      if (at(i) !== 0) i++;
    }
    out.push(Buffer.from(cur.subarray(0, len)));
  }
}

/** Redis's sdscatrepr: a quoted, escaped rendering of bytes, for logs. */
export function repr(b: Uint8Array): string {
  let s = '"';
  for (const c of b) {
    if (c === 0x5c || c === 0x22) s += "\\" + String.fromCharCode(c);
    else if (c === 0x0a) s += "\\n";
    else if (c === 0x0d) s += "\\r";
    else if (c === 0x09) s += "\\t";
    else if (c === 0x07) s += "\\a";
    else if (c === 0x08) s += "\\b";
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += "\\x" + c.toString(16).padStart(2, "0");
  }
  return s + '"';
}
