// Property tests of the RESP parser and of formatDouble. The parser, fed any bytes split
// anywhere, must give the same commands as when fed them at once, or a ProtocolError; never
// another exception, never a hang, and it must not hold more than the limits allow.
import assert from "node:assert/strict";
import fc from "fast-check";
import { ProtocolError, RequestParser, splitArgs, type ParserOptions } from "../../bundled-server/resp/parser.js";
import { encodeCommand, formatDouble } from "../../bundled-server/resp/encode.js";

// --- Inputs ----------------------------------------------------------------------------------

/** Bytes that matter to the protocol, so that random input often hits a parser path. */
const SPECIAL = Buffer.from("*$\r\n\r\n\r\n0123456789-+ \t\x0b\"'\\x\0aAfF");
const protoByte = fc.constantFrom(...SPECIAL);
const anyByte = fc.integer({ min: 0, max: 255 });

const argArb = fc.oneof(
  fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)),
  fc.array(protoByte, { maxLength: 16 }).map((a) => Buffer.from(a)),
);
const commandArb = fc.array(argArb, { minLength: 1, maxLength: 5 });

/** An argument in double quotes that sdssplitargs turns back into its bytes. */
function doubleQuoted(arg: Buffer): string {
  let s = '"';
  for (const c of arg) {
    if (c >= 0x20 && c < 0x7f && c !== 0x22 && c !== 0x5c) s += String.fromCharCode(c);
    else s += "\\x" + c.toString(16).padStart(2, "0");
  }
  return s + '"';
}

/** An argument in single quotes, when that can express it. */
function singleQuoted(arg: Buffer): string | null {
  if (arg.includes(0) || arg.includes(0x0a) || arg[arg.length - 1] === 0x5c) return null;
  return "'" + arg.toString("latin1").replace(/'/g, "\\'") + "'";
}

type Form = "multibulk" | "inline-crlf" | "inline-lf";

interface Request {
  commands: Buffer[][];
  bytes: Buffer;
}

/** Valid requests, multibulk and inline, with *0 / *-1 and blank lines between them. */
const requestArb: fc.Arbitrary<Request> = fc
  .array(fc.tuple(commandArb, fc.constantFrom<Form>("multibulk", "multibulk", "inline-crlf", "inline-lf"), fc.boolean(), fc.constantFrom("", "", "*0\r\n", "*-1\r\n", "\r\n", " \n")), {
    maxLength: 8,
  })
  .map((items) => {
    const parts: Buffer[] = [];
    for (const [argv, form, single, filler] of items) {
      parts.push(Buffer.from(filler, "latin1"));
      if (form === "multibulk") {
        parts.push(encodeCommand(argv));
      } else {
        const words = argv.map((a) => (single && singleQuoted(a)) || doubleQuoted(a));
        parts.push(Buffer.from(words.join(" ") + (form === "inline-crlf" ? "\r\n" : "\n"), "latin1"));
      }
    }
    return { commands: items.map(([argv]) => argv), bytes: Buffer.concat(parts) };
  });

type Mutation = { kind: "set" | "insert" | "delete" | "duplicate"; at: number; byte: number; len: number };
const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom("set", "insert", "delete", "duplicate"),
  at: fc.nat(),
  byte: fc.oneof(protoByte, anyByte),
  len: fc.integer({ min: 1, max: 8 }),
});

function mutate(bytes: Buffer, mutations: Mutation[]): Buffer {
  let b = bytes;
  for (const m of mutations) {
    const at = b.length === 0 ? 0 : m.at % (b.length + 1);
    if (m.kind === "set" && b.length > 0) {
      b = Buffer.from(b);
      b[Math.min(at, b.length - 1)] = m.byte;
    } else if (m.kind === "insert") {
      b = Buffer.concat([b.subarray(0, at), Buffer.from([m.byte]), b.subarray(at)]);
    } else if (m.kind === "delete") {
      b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len)]);
    } else if (m.kind === "duplicate") {
      b = Buffer.concat([b.subarray(0, at + m.len), b.subarray(at)]);
    }
  }
  return b;
}

const garbageArb = fc.oneof(
  fc.array(protoByte, { maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  // garbage after a valid start
  fc.tuple(fc.constantFrom("*", "*2\r\n", "*1\r\n$", "*1\r\n$3\r\n", "ECHO \"", "PING\r\n"), fc.array(protoByte, { maxLength: 100 })).map(([head, tail]) =>
    Buffer.concat([Buffer.from(head), Buffer.from(tail)]),
  ),
);

const cutsArb = fc.array(fc.nat(), { maxLength: 12 });

/** `bytes` cut at the given points (taken modulo its length). */
function split(bytes: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (bytes.length === 0 ? 0 : c % (bytes.length + 1))))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    parts.push(bytes.subarray(prev, p));
    prev = p;
  }
  parts.push(bytes.subarray(prev));
  return parts;
}

// --- Running the parser ------------------------------------------------------------------------

interface Outcome {
  commands: Buffer[][];
  error: string | null;
  pending: number;
}

/**
 * Feeds `parts`; collects every command (those returned with a ProtocolError too) and checks,
 * after each feed, that the parser holds no more than its limits allow.
 */
function run(parts: Buffer[], options: ParserOptions = {}): Outcome {
  const p = new RequestParser(options);
  const { maxBulkLen, maxInlineLen, maxQueryBuffer, maxMultibulkLen } = p.limits;
  const commands: Buffer[][] = [];
  for (const part of parts) {
    try {
      commands.push(...p.feed(part));
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      assert.ok(err.silent ? err.reply === null : err.reply !== null && err.message.startsWith("Protocol error: "), err.message);
      commands.push(...err.commands);
      assert.equal(p.pending, 0);
      assert.deepEqual(p.feed(Buffer.from("PING\r\n")), [], "input after an error is ignored");
      return { commands, error: err.message, pending: 0 };
    }
    // What may stay behind: an unended line of at most maxInlineLen (or a count line whose CR
    // came last in this chunk), or an incomplete bulk.
    assert.ok(p.pending <= maxQueryBuffer, `pending ${p.pending} > maxQueryBuffer`);
    assert.ok(p.pending <= Math.max(maxInlineLen + part.length, maxBulkLen + 1), `pending ${p.pending} after a chunk of ${part.length}`);
    assert.ok(p.argvBytes <= maxBulkLen * maxMultibulkLen);
  }
  return { commands, error: null, pending: p.pending };
}

const SMALL: ParserOptions = { maxBulkLen: 20, maxMultibulkLen: 4, maxInlineLen: 40, maxQueryBuffer: 120 };

function isPrefix(a: Buffer[][], b: Buffer[][]): boolean {
  return a.length <= b.length && a.every((argv, i) => argv.length === b[i].length && argv.every((x, j) => x.equals(b[i][j])));
}

describe("resp parser properties", function () {
  this.timeout(20_000);

  it("parses valid requests to their commands, however they are split", () => {
    fc.assert(
      fc.property(requestArb, cutsArb, (req, cuts) => {
        const whole = run([req.bytes]);
        assert.equal(whole.error, null);
        assert.deepEqual(whole.commands, req.commands);
        assert.equal(whole.pending, 0);
        assert.deepEqual(run(split(req.bytes, cuts)), whole);
      }),
      { numRuns: 800 },
    );
  });

  it("gives the same outcome split or not, for mutated requests", () => {
    // Below 64 KB and with the default limits, no limit depends on where chunks end: split
    // and unsplit must agree exactly, error included.
    fc.assert(
      fc.property(requestArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), cutsArb, (req, mutations, cuts) => {
        const bytes = mutate(req.bytes, mutations);
        assert.deepEqual(run(split(bytes, cuts)), run([bytes]));
      }),
      { numRuns: 1500 },
    );
  });

  it("gives the same outcome split or not, for garbage", () => {
    fc.assert(
      fc.property(garbageArb, cutsArb, (bytes, cuts) => {
        assert.deepEqual(run(split(bytes, cuts)), run([bytes]));
      }),
      { numRuns: 1500 },
    );
  });

  it("stays within small limits, failing only with ProtocolErrors", () => {
    // With small limits, where chunks end matters (as read sizes do for Redis): a split
    // input may fail where the whole one does not, or the reverse; the commands before
    // the failure are still the same ones.
    fc.assert(
      fc.property(fc.oneof(requestArb.map((r) => r.bytes), garbageArb), fc.array(mutationArb, { maxLength: 3 }), cutsArb, (base, mutations, cuts) => {
        const bytes = mutate(base, mutations);
        const whole = run([bytes], SMALL);
        const parts = run(split(bytes, cuts), SMALL);
        assert.ok(isPrefix(whole.commands, parts.commands) || isPrefix(parts.commands, whole.commands));
        if (whole.error === null && parts.error === null) assert.deepEqual(parts, whole);
      }),
      { numRuns: 1500 },
    );
  });

  it("never holds more than 64 KB of an unended line, fed in big random chunks", () => {
    fc.assert(
      fc.property(fc.constantFrom("", "*", "*1\r\n$", "ECHO \"", "PING\0"), fc.array(fc.integer({ min: 1, max: 40_000 }), { minLength: 1, maxLength: 6 }), fc.boolean(), (head, sizes, digits) => {
        const body = Buffer.concat(sizes.map((n) => Buffer.alloc(n, digits ? 0x31 : 0x61)));
        const out = run(split(Buffer.concat([Buffer.from(head), body]), sizes.map((_, i) => sizes.slice(0, i + 1).reduce((a, b) => a + b, 0))));
        assert.deepEqual(out.commands, []);
        if (out.error === null) assert.ok(out.pending <= 64 * 1024);
        else assert.match(out.error, /^Protocol error: (too big (inline request|mbulk count string|bulk count string)|unbalanced quotes in request)$/);
      }),
      { numRuns: 60 },
    );
  });

  it("splitArgs reads back quoted arguments", () => {
    fc.assert(
      fc.property(fc.array(argArb, { maxLength: 6 }), fc.boolean(), (args, single) => {
        const line = args.map((a) => (single && singleQuoted(a)) || doubleQuoted(a)).join(" \t ");
        assert.deepEqual(splitArgs(Buffer.from(line, "latin1")), args);
      }),
      { numRuns: 500 },
    );
  });
});

// --- formatDouble ----------------------------------------------------------------------------

/** The exact value of a finite, positive double as a fraction num / den. */
function rational(a: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, a);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? frac : frac | (1n << 52n);
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  return e2 >= 0 ? [mant << BigInt(e2), 1n] : [mant, 1n << BigInt(-e2)];
}

/** %.17g by exact rational arithmetic, written independently of the implementation. */
function referenceG17(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const sign = x < 0 ? "-" : "";
  const [num, den] = rational(Math.abs(x));
  const pow10 = (k: number): bigint => 10n ** BigInt(k);
  // 10^e <= value < 10^(e+1)
  let e = Math.floor(Math.log10(Math.abs(x)));
  const below = (k: number): boolean => (k >= 0 ? num < den * pow10(k) : num * pow10(-k) < den);
  while (below(e)) e--;
  while (!below(e + 1)) e++;
  // q = value * 10^(16-e), rounded half to even
  const [n, d] = 16 - e >= 0 ? [num * pow10(16 - e), den] : [num, den * pow10(e - 16)];
  let q = n / d;
  const twice = (n % d) * 2n;
  if (twice > d || (twice === d && q % 2n === 1n)) q += 1n;
  if (q === pow10(17)) {
    q = pow10(16);
    e++;
  }
  const digits = q.toString().replace(/0+$/, "");
  if (e < -4 || e >= 17) {
    const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${mantissa}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
  }
  if (e < 0) return `${sign}0.${"0".repeat(-e - 1)}${digits}`;
  const whole = digits.slice(0, e + 1).padEnd(e + 1, "0");
  const fraction = digits.slice(e + 1);
  return sign + whole + (fraction ? "." + fraction : "");
}

describe("formatDouble properties", () => {
  it("equals an exact %.17g and reads back as the same double", () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        const s = formatDouble(x);
        assert.equal(s, referenceG17(x));
        if (Number.isFinite(x)) assert.ok(Object.is(Number(s), x), `${s} does not read back as ${x}`);
      }),
      { numRuns: 3000 },
    );
  });

  it("rounds exact ties to even (dyadic numbers with 18 significant digits)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 21 }), fc.integer({ min: -80, max: 40 }), (m, k) => {
        const x = m * 2 ** k;
        assert.equal(formatDouble(x), referenceG17(x));
        assert.equal(formatDouble(-x), referenceG17(-x));
      }),
      { numRuns: 3000 },
    );
  });
});
