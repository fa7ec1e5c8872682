// The RESP request parser and reply encoder, checked against Redis 7.0's bytes (most
// expectations were observed on redis-server 7.0.15; the double table is glibc's "%.17g").
import assert from "node:assert/strict";
import { DEFAULT_LIMITS, ProtocolError, RequestParser, splitArgs, string2ll, type ParserOptions } from "../../bundled-server/resp/parser.js";
import { ReplyBuffer, encode, encodeCommand, encodeParts, formatDouble } from "../../bundled-server/resp/encode.js";
import { array, bool, bulk, bulks, double, error, int, map, nil, push, set, simple, verbatim, NIL, NIL_ARRAY, OK, type Reply } from "../../bundled-server/resp/reply.js";

const B = (s: string): Buffer => Buffer.from(s, "latin1");
/** Commands as latin1 strings, for readable comparisons. */
const show = (cmds: Buffer[][]): string[][] => cmds.map((argv) => argv.map((a) => a.toString("latin1")));

/** Feeds `parts` to a fresh parser; returns the commands, or throws. */
function parse(parts: Array<string | Buffer>, options?: ParserOptions): string[][] {
  const p = new RequestParser(options);
  const out: Buffer[][] = [];
  for (const part of parts) out.push(...p.feed(typeof part === "string" ? B(part) : part));
  return show(out);
}

/** The ProtocolError that `parts` produce (asserting there is one). */
function protocolError(parts: Array<string | Buffer>, options?: ParserOptions): ProtocolError {
  const p = new RequestParser(options);
  for (const part of parts) {
    try {
      p.feed(typeof part === "string" ? B(part) : part);
    } catch (err) {
      assert.ok(err instanceof ProtocolError, `expected a ProtocolError, got ${String(err)}`);
      return err;
    }
  }
  assert.fail(`no protocol error for ${JSON.stringify(parts)}`);
}

function errorText(parts: Array<string | Buffer>, options?: ParserOptions): string {
  return protocolError(parts, options).message;
}

/** Feeds `input` split at every boundary (two pieces), and one byte at a time: all must give `want`. */
function everySplit(input: string, want: string[][]): void {
  const bytes = B(input);
  for (let k = 0; k <= bytes.length; k++) {
    assert.deepEqual(parse([bytes.subarray(0, k), bytes.subarray(k)]), want, `split at ${k}`);
  }
  const p = new RequestParser();
  const out: Buffer[][] = [];
  for (let i = 0; i < bytes.length; i++) out.push(...p.feed(bytes.subarray(i, i + 1)));
  assert.deepEqual(show(out), want, "byte by byte");
  assert.equal(p.pending, 0);
}

/**
 * The bytes `run` makes Buffers search (indexOf, from its start offset to the end) and copy:
 * a measure of the parser's work that does not depend on the machine's speed or load.
 */
function bytesTouched(run: () => void): { searched: number; copied: number } {
  const { indexOf, copy } = Buffer.prototype;
  const work = { searched: 0, copied: 0 };
  Buffer.prototype.indexOf = function (this: Buffer, value: string | number | Uint8Array, from?: number | BufferEncoding, encoding?: BufferEncoding) {
    work.searched += this.length - (typeof from === "number" ? Math.max(0, from) : 0);
    return indexOf.call(this, value, from as number, encoding);
  };
  Buffer.prototype.copy = function (this: Buffer, target: Uint8Array, targetStart?: number, sourceStart = 0, sourceEnd = this.length) {
    work.copied += Math.max(0, Math.min(sourceEnd, this.length) - sourceStart);
    return copy.call(this, target, targetStart, sourceStart, sourceEnd);
  };
  try {
    run();
  } finally {
    Buffer.prototype.indexOf = indexOf;
    Buffer.prototype.copy = copy;
  }
  return work;
}

describe("resp parser: multibulk", () => {
  it("parses a command, binary-safe", () => {
    assert.deepEqual(parse(["*2\r\n$4\r\nECHO\r\n$3\r\nfoo\r\n"]), [["ECHO", "foo"]]);
    assert.deepEqual(parse(["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$6\r\na\0\r\n\nb\r\n"]), [["SET", "k", "a\0\r\n\nb"]]);
    assert.deepEqual(parse(["*1\r\n$0\r\n\r\n"]), [[""]]);
    const big = "x".repeat(100_000);
    assert.deepEqual(parse([`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n`]), [["ECHO", big]]);
  });

  it("parses pipelined commands in one chunk, multibulk and inline mixed", () => {
    const input = "*1\r\n$4\r\nPING\r\nECHO a\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n\r\nSET k v\n*0\r\n*1\r\n$4\r\nQUIT\r\n";
    assert.deepEqual(parse([input]), [["PING"], ["ECHO", "a"], ["GET", "k"], ["SET", "k", "v"], ["QUIT"]]);
  });

  it("gives the same commands however the bytes are split", () => {
    everySplit("*2\r\n$4\r\nECHO\r\n$5\r\nhe\r\nl\r\n", [["ECHO", "he\r\nl"]]);
    everySplit('*1\r\n$4\r\nPING\r\nECHO "a b" \'c\'\r\n*0\r\n*-1\r\nPING\n\r\n*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n', [
      ["PING"],
      ["ECHO", "a b", "c"],
      ["PING"],
      ["a", "", "bc"],
    ]);
  });

  it("skips *0 and negative counts without a command", () => {
    assert.deepEqual(parse(["*0\r\n*-1\r\n*-7\r\n*1\r\n$4\r\nPING\r\n"]), [["PING"]]);
    const p = new RequestParser();
    assert.deepEqual(p.feed(B("*0\r\n*-1\r\n")), []);
    assert.equal(p.pending, 0);
  });

  it("does not check the byte after a count's CR, nor the two bytes after a bulk (like Redis)", () => {
    assert.deepEqual(parse(["*1\rX$4\r\nPING\r\n"]), [["PING"]]);
    assert.deepEqual(parse(["*1\r\n$4\r\nPINGxx*1\r\n$4\rzPING\r\n"]), [["PING"], ["PING"]]);
  });

  it("waits for the byte after a line's CR before looking at the line", () => {
    const p = new RequestParser();
    assert.deepEqual(p.feed(B("*x\r")), []); // Redis too: no error until one more byte arrives
    assert.throws(() => p.feed(B("\n")), { message: "Protocol error: invalid multibulk length" });
  });

  it("accepts counts up to INT_MAX (Redis 7.0) and does not allocate for them up front", () => {
    const p = new RequestParser();
    assert.deepEqual(p.feed(B("*2147483647\r\n$4\r\nPING\r\n")), []);
    assert.equal(p.pending, 0);
    assert.equal(p.argvBytes, 4);
    assert.deepEqual(parse(["*1048577\r\n"]), []);
    assert.equal(errorText(["*2147483648\r\n"]), "Protocol error: invalid multibulk length");
  });

  it("counts pending bytes as Redis's query buffer (args already split off are argvBytes)", () => {
    const p = new RequestParser();
    assert.deepEqual(p.feed(B("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$10\r\n0123")), []);
    assert.equal(p.pending, 4);
    assert.equal(p.argvBytes, 4);
    assert.deepEqual(show(p.feed(B("456789\r\n"))), [["SET", "k", "0123456789"]]);
    assert.equal(p.pending, 0);
    assert.equal(p.argvBytes, 0);
  });

  it("assembles a large bulk sent in many small chunks, in linear time", () => {
    const size = 4 * 1024 * 1024;
    const payload = Buffer.alloc(size, 0x61);
    const input = Buffer.concat([B(`*2\r\n$3\r\nSET\r\n$${size}\r\n`), payload, B("\r\n")]);
    const p = new RequestParser();
    const out: Buffer[][] = [];
    const work = bytesTouched(() => {
      for (let i = 0; i < input.length; i += 100) out.push(...p.feed(input.subarray(i, i + 100)));
    });
    // Every payload byte must be copied once out of its 100-byte chunk; re-assembling the chunks
    // at each feed would copy about size^2 / 200 bytes.
    assert.ok(work.copied >= size && work.copied <= 2 * size, `copied ${work.copied} bytes for a ${size}-byte bulk`);
    assert.ok(work.searched <= 2 * input.length, `searched ${work.searched} bytes of ${input.length}`);
    assert.equal(out.length, 1);
    assert.ok(out[0][1].equals(payload));
  });

  it("searches a long line fed one byte at a time in linear time", () => {
    const p = new RequestParser();
    const digits = B("*" + "1".repeat(60_000));
    const work = bytesTouched(() => {
      for (let i = 0; i < digits.length; i++) p.feed(digits.subarray(i, i + 1));
    });
    // A search that started over at each byte would look at about 1.8e9 bytes.
    assert.ok(work.searched >= digits.length - 1 && work.searched <= 4 * digits.length, `searched ${work.searched} bytes of ${digits.length}`);
    assert.equal(p.pending, digits.length);
    assert.throws(() => p.feed(B("\r\n")), { message: "Protocol error: invalid multibulk length" });
  });
});

describe("resp parser: inline", () => {
  it("splits on blanks; CRLF or LF ends the line; blank lines are skipped", () => {
    assert.deepEqual(parse(["SET  key\tvalue \r\n"]), [["SET", "key", "value"]]);
    assert.deepEqual(parse(["PING\nECHO a\n"]), [["PING"], ["ECHO", "a"]]);
    assert.deepEqual(parse(["\r\n\n   \r\n\t\nPING\r\n"]), [["PING"]]);
    // A CR inside the line separates arguments; only the one just before LF is the line end.
    assert.deepEqual(parse(["ECHO a\rb\n"]), [["ECHO", "a", "b"]]);
    assert.deepEqual(parse(["PING\r\r\n"]), [["PING"]]);
    // \v and \f are skipped before a token but do not end one.
    assert.deepEqual(parse(["\x0bECHO a\x0bb\x0c\r\n"]), [["ECHO", "a\x0bb\x0c"]]);
    // Inline is anything not starting with '*', even '$' or a leading blank.
    assert.deepEqual(parse(["$3 x\r\n *1\r\n"]), [["$3", "x"], ["*1"]]);
  });

  it("handles double quotes and their escapes", () => {
    assert.deepEqual(parse(['ECHO "a b" "" "\\n\\r\\t\\b\\a\\\\\\"" "\\x41\\x6a\\xfF" "\\q\\x4" "\\x4g"\r\n']), [
      ["ECHO", "a b", "", "\n\r\t\b\x07\\\"", "Aj\xff", "qx4", "x4g"],
    ]);
    // Quotes may open inside a token; the closing quote must be followed by a blank or the end.
    assert.deepEqual(parse(['SET a"b c"\r\n']), [["SET", "ab c"]]);
    assert.deepEqual(parse(['ECHO "x"\t"y"\r\n']), [["ECHO", "x", "y"]]);
  });

  it("handles single quotes, which only escape \\'", () => {
    assert.deepEqual(parse(["ECHO 'it\\'s' 'a\\nb' '\"' ''\r\n"]), [["ECHO", "it's", "a\\nb", '"', ""]]);
  });

  it("refuses unbalanced quotes", () => {
    const unbalanced = "Protocol error: unbalanced quotes in request";
    for (const line of ['ECHO "a', "ECHO 'a", 'ECHO "a"b', "ECHO 'a'b", 'ECHO "abc\\"', 'ECHO "a\\', '"', "ECHO 'a\\'"]) {
      assert.equal(errorText([line + "\r\n"]), unbalanced, line);
    }
    // What Redis 7.0.15 sent for a pipeline with a bad line in the middle:
    const err = protocolError(['ECHO "a\\x41\\n\\q"\r\nECHO \'it\\\'s\'\r\nECHO a"b c"d\r\nPING\r\n']);
    assert.equal(err.message, unbalanced);
    assert.deepEqual(show(err.commands), [["ECHO", "aA\nq"], ["ECHO", "it's"]]);
  });

  it("never finds the end of a line with a NUL before it (Redis uses strchr)", () => {
    const p = new RequestParser();
    assert.deepEqual(p.feed(B("PING\0\r\nPING\r\n")), []);
    assert.deepEqual(p.feed(B("PING\r\n".repeat(100))), []);
    assert.throws(() => p.feed(Buffer.alloc(64 * 1024, 0x61)), { message: "Protocol error: too big inline request" });
    // The same in a count line ...
    assert.deepEqual(parse(["*1\0\r\n$4\r\nPING\r\n"]), []);
    assert.equal(errorText(["*1\0\r\n", Buffer.alloc(70_000)]), "Protocol error: too big mbulk count string");
    // ... but a NUL after the line end, or inside a bulk, is fine.
    assert.deepEqual(parse(["PING\r\n\0"]), [["PING"]]);
    assert.deepEqual(parse(["*1\r\n$2\r\n\0\0\r\n*1\r\n$4\r\nPING\r\n"]), [["\0\0"], ["PING"]]);
  });

  it("splitArgs is sdssplitargs", () => {
    const split = (s: string): string[] | null => splitArgs(B(s))?.map((b) => b.toString("latin1")) ?? null;
    assert.deepEqual(split(""), []);
    assert.deepEqual(split("   "), []);
    assert.deepEqual(split('a "b"'), ["a", "b"]);
    assert.deepEqual(split("a\0b c"), ["a"]); // stops at NUL, like the C string
    assert.equal(split('"a'), null);
    assert.deepEqual(split('"\\x'), null);
  });
});

describe("resp parser: errors", () => {
  it("uses Redis's texts, exactly", () => {
    const invalidMbulk = "Protocol error: invalid multibulk length";
    for (const count of ["x", "", "01", "-0", "+1", " 1", "1 ", "1.0", "2147483648", "9223372036854775808", "123456789012345678901", "-"]) {
      assert.equal(errorText([`*${count}\r\n`]), invalidMbulk, JSON.stringify(count));
    }
    const invalidBulk = "Protocol error: invalid bulk length";
    for (const len of ["-1", "x", "", "01", "-0", "+3", "536870913", "9223372036854775807"]) {
      assert.equal(errorText([`*1\r\n$${len}\r\n`]), invalidBulk, JSON.stringify(len));
    }
    assert.equal(errorText(["*1\r\nX\r\n"]), "Protocol error: expected '$', got 'X'");
    assert.equal(errorText(["*2\r\n$1\r\na\r\n:1\r\n"]), "Protocol error: expected '$', got ':'");
    // CR and LF in the message become spaces (Redis 7.0.15: "got ' '").
    assert.equal(errorText(["*1\r\n\r\n"]), "Protocol error: expected '$', got ' '");
    assert.equal(errorText(["*1\r\n\n\r\n"]), "Protocol error: expected '$', got ' '");
    assert.equal(errorText(["*" + "1".repeat(64 * 1024)]), "Protocol error: too big mbulk count string");
    assert.equal(errorText(["*1\r\n$" + "1".repeat(64 * 1024)]), "Protocol error: too big bulk count string");
    assert.equal(errorText(["a".repeat(64 * 1024 + 1)]), "Protocol error: too big inline request");
    assert.equal(errorText(['"\r\n']), "Protocol error: unbalanced quotes in request");
  });

  it("gives the exact reply bytes, with a non-ASCII byte sent raw", () => {
    const err = protocolError(["*1\r\n\xc3\r\n"]);
    assert.equal(err.message, "Protocol error: expected '$', got '\xc3'");
    assert.ok(err.reply!.equals(B("-ERR Protocol error: expected '$', got '\xc3'\r\n")));
    assert.equal(err.silent, false);
    assert.ok(protocolError(["*x\r\n"]).reply!.equals(B("-ERR Protocol error: invalid multibulk length\r\n")));
  });

  it("returns the commands before the error with it, and then ignores all input", () => {
    const p = new RequestParser();
    let err: unknown;
    try {
      p.feed(B("PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\nPING\r\n"));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ProtocolError);
    assert.equal(err.message, "Protocol error: invalid multibulk length");
    assert.deepEqual(show(err.commands), [["PING"], ["ECHO"]]);
    assert.equal(p.failed, err);
    assert.deepEqual(p.feed(B("PING\r\n")), []);
    assert.equal(p.next(), null);
    assert.equal(p.pending, 0);
  });

  it("reports an error found across chunks with only that chunk's commands", () => {
    const err = protocolError(["PING\r\n", "PING\r\n*1\r\n$", "x\r\n"]);
    assert.equal(err.message, "Protocol error: invalid bulk length");
    assert.deepEqual(err.commands, []);
  });
});

describe("resp parser: limits", () => {
  it("has Redis 7.0's defaults", () => {
    assert.deepEqual({ ...DEFAULT_LIMITS }, {
      maxBulkLen: 512 * 1024 * 1024,
      maxMultibulkLen: 2147483647,
      maxInlineLen: 64 * 1024,
      maxQueryBuffer: 1024 * 1024 * 1024,
    });
    assert.equal(new RequestParser({ maxBulkLen: 10 }).limits.maxInlineLen, 64 * 1024);
  });

  it("refuses a bulk longer than maxBulkLen, before its data arrives", () => {
    assert.deepEqual(parse(["*1\r\n$536870912\r\n"]), []);
    assert.equal(errorText(["*1\r\n$536870913\r\n"]), "Protocol error: invalid bulk length");
    assert.deepEqual(parse(["*1\r\n$5\r\nhello\r\n"], { maxBulkLen: 5 }), [["hello"]]);
    assert.equal(errorText(["*1\r\n$6\r\n"], { maxBulkLen: 5 }), "Protocol error: invalid bulk length");
  });

  it("takes limit changes at once (CONFIG SET)", () => {
    const p = new RequestParser();
    assert.equal(p.feed(B("*1\r\n$6\r\nfoobar\r\n")).length, 1);
    p.limits.maxBulkLen = 5;
    assert.throws(() => p.feed(B("*1\r\n$6\r\nfoobar\r\n")), { message: "Protocol error: invalid bulk length" });
  });

  it("refuses a count above maxMultibulkLen", () => {
    assert.equal(errorText(["*4\r\n"], { maxMultibulkLen: 3 }), "Protocol error: invalid multibulk length");
    assert.deepEqual(parse(["*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"], { maxMultibulkLen: 3 }), [["a", "b", "c"]]);
  });

  it("checks line lengths at the end of each chunk, like Redis at the end of each read", () => {
    // 64 KB without a line end waits; one byte more is too big.
    const p = new RequestParser();
    assert.deepEqual(p.feed(Buffer.alloc(64 * 1024, 0x61)), []);
    assert.equal(p.pending, 64 * 1024);
    assert.throws(() => p.feed(B("a")), { message: "Protocol error: too big inline request" });
    // A longer line that is complete within the chunk is accepted (Redis accepted 81000 bytes
    // sent at once, refused 82000: its reads were 16 KB, ours are whole chunks).
    const long = "ECHO " + "a".repeat(100_000);
    assert.deepEqual(parse([long + "\r\n"]), [["ECHO", "a".repeat(100_000)]]);
    assert.equal(errorText([long.slice(0, 70_000), long.slice(70_000) + "\r\n"]), "Protocol error: too big inline request");
    // A count line whose CR is the last byte waits without the check, like Redis.
    const q = new RequestParser();
    assert.deepEqual(q.feed(B("*" + "1".repeat(70_000) + "\r")), []);
    assert.throws(() => q.feed(B("\n")), { message: "Protocol error: invalid multibulk length" });
    // maxInlineLen applies to all three line kinds.
    assert.equal(errorText(["*" + "1".repeat(11)], { maxInlineLen: 10 }), "Protocol error: too big mbulk count string");
    assert.deepEqual(parse(["*" + "1".repeat(9)], { maxInlineLen: 10 }), []);
    assert.equal(errorText(["PING PING"], { maxInlineLen: 8 }), "Protocol error: too big inline request");
    assert.equal(errorText(["*1\r\n$123456789"], { maxInlineLen: 8 }), "Protocol error: too big bulk count string");
  });

  it("closes silently when unparsed bytes exceed maxQueryBuffer, running nothing of that read", () => {
    const p = new RequestParser({ maxQueryBuffer: 100 });
    assert.equal(p.feed(B("PING\r\n".repeat(16))).length, 16); // 96 bytes: fine
    assert.deepEqual(p.feed(B("*1\r\n$200\r\n" + "x".repeat(90))), []); // 90 pending
    let err: unknown;
    try {
      p.feed(B("x".repeat(20)));
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ProtocolError);
    assert.equal(err.silent, true);
    assert.equal(err.reply, null);
    assert.match(err.message, /^Closing client that reached max query buffer length \(qbuf=110, limit=100, qbuf initial bytes: "x+"\)$/);
    assert.equal(p.pending, 0);
    // Complete commands in the offending chunk are not run either.
    assert.deepEqual(protocolError(["PING\r\nPING\r\n"], { maxQueryBuffer: 10 }).commands, []);
  });

  it("applies the unauthenticated limits while authRequired() says so", () => {
    let auth = true;
    const options = { authRequired: () => auth };
    assert.deepEqual(parse(["*10\r\n" + "$1\r\na\r\n".repeat(10)], options), [Array(10).fill("a")]);
    assert.equal(errorText(["*11\r\n"], options), "Protocol error: unauthenticated multibulk length");
    assert.deepEqual(parse(["*1\r\n$16384\r\n"], options), []);
    assert.equal(errorText(["*1\r\n$16385\r\n"], options), "Protocol error: unauthenticated bulk length");
    assert.equal(errorText(["*1\r\n$536870913\r\n"], options), "Protocol error: invalid bulk length");
    // Inline commands have no such limit.
    assert.equal(parse(["a b c d e f g h i j k l\r\n"], options)[0].length, 12);
    // With the pull interface, AUTH runs before the next command is parsed, as in Redis.
    const p = new RequestParser(options);
    p.push(B("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n*11\r\n" + "$1\r\na\r\n".repeat(11)));
    assert.deepEqual(show([p.next()!]), [["AUTH", "pw"]]);
    auth = false;
    assert.equal(p.next()!.length, 11);
    assert.equal(p.next(), null);
  });
});

describe("resp parser: pull interface", () => {
  it("parses one command per next(), and null when more bytes are needed", () => {
    const p = new RequestParser();
    p.push(B("PING\r\n*1\r\n$4\r\nPI"));
    assert.deepEqual(show([p.next()!]), [["PING"]]);
    assert.equal(p.next(), null);
    p.push(B("NG\r\n"));
    assert.deepEqual(show([p.next()!]), [["PING"]]);
    assert.equal(p.next(), null);
  });

  it("checks the query buffer limit on push, even when nothing is pulled (a blocked client)", () => {
    const p = new RequestParser({ maxQueryBuffer: 20 });
    p.push(B("PING\r\n"));
    p.push(B("PING\r\n"));
    p.push(B("PING\r\n"));
    assert.throws(() => p.push(B("PING\r\n")), (e: unknown) => e instanceof ProtocolError && e.silent);
    assert.equal(p.next(), null);
  });

  it("throws a ProtocolError from next() once", () => {
    const p = new RequestParser();
    p.push(B("PING\r\n*x\r\n"));
    assert.deepEqual(show([p.next()!]), [["PING"]]);
    assert.throws(() => p.next(), { message: "Protocol error: invalid multibulk length" });
    assert.equal(p.next(), null);
  });
});

describe("string2ll", () => {
  it("is Redis's", () => {
    const v = (s: string): number | null => string2ll(B(s), 0, s.length);
    assert.equal(v("0"), 0);
    assert.equal(v("-1"), -1);
    assert.equal(v("123"), 123);
    assert.equal(v("9223372036854775807"), 9223372036854775807);
    assert.equal(v("-9223372036854775808"), -9223372036854775808);
    for (const bad of ["", "-", "-0", "01", "+1", "1a", " 1", "9223372036854775808", "-9223372036854775809", "000000000000000000001"]) assert.equal(v(bad), null, bad);
  });
});

describe("resp encoder", () => {
  const both = (r: Reply): [string, string] => [encode(r, 2).toString("latin1"), encode(r, 3).toString("latin1")];

  it("writes the RESP2 and RESP3 common types", () => {
    assert.deepEqual(both(OK), ["+OK\r\n", "+OK\r\n"]);
    assert.deepEqual(both(simple("PONG")), ["+PONG\r\n", "+PONG\r\n"]);
    assert.deepEqual(both(error("ERR syntax error")), ["-ERR syntax error\r\n", "-ERR syntax error\r\n"]);
    assert.deepEqual(both(error("WRONGTYPE Operation against a key holding the wrong kind of value"))[0], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
    assert.deepEqual(both(int(1)), [":1\r\n", ":1\r\n"]);
    assert.deepEqual(both(int(0))[0], ":0\r\n");
    assert.deepEqual(both(int(-42))[0], ":-42\r\n");
    assert.deepEqual(both(int(9223372036854775807n))[0], ":9223372036854775807\r\n");
    assert.deepEqual(both(int(-9223372036854775808n))[0], ":-9223372036854775808\r\n");
    assert.deepEqual(both(int(2 ** 60))[0], ":1152921504606846976\r\n");
    assert.deepEqual(both(int(-(2 ** 53 - 1)))[0], ":-9007199254740991\r\n");
    assert.deepEqual(both(bulk("foo")), ["$3\r\nfoo\r\n", "$3\r\nfoo\r\n"]);
    assert.deepEqual(both(bulk("")), ["$0\r\n\r\n", "$0\r\n\r\n"]);
    assert.deepEqual(both(bulk(B("a\r\n\0\xff"))), ["$5\r\na\r\n\0\xff\r\n", "$5\r\na\r\n\0\xff\r\n"]);
    assert.deepEqual(both(bulk("é")), ["$2\r\n\xc3\xa9\r\n", "$2\r\n\xc3\xa9\r\n"]);
    assert.deepEqual(both(NIL), ["$-1\r\n", "_\r\n"]);
    assert.deepEqual(both(NIL_ARRAY), ["*-1\r\n", "_\r\n"]);
    assert.deepEqual(both(array([])), ["*0\r\n", "*0\r\n"]);
    assert.deepEqual(both(bulks(["a", null, "bc"])), ["*3\r\n$1\r\na\r\n$-1\r\n$2\r\nbc\r\n", "*3\r\n$1\r\na\r\n_\r\n$2\r\nbc\r\n"]);
    assert.deepEqual(both(array([int(1), array([simple("x"), NIL_ARRAY]), error("ERR e")])), [
      "*3\r\n:1\r\n*2\r\n+x\r\n*-1\r\n-ERR e\r\n",
      "*3\r\n:1\r\n*2\r\n+x\r\n_\r\n-ERR e\r\n",
    ]);
  });

  it("folds the RESP3 types into RESP2 as Redis does", () => {
    const m = map([
      [bulk("a"), int(1)],
      [bulk("b"), double(1.5)],
    ]);
    assert.deepEqual(both(m), ["*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$3\r\n1.5\r\n", "%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n,1.5\r\n"]);
    assert.deepEqual(both(map([])), ["*0\r\n", "%0\r\n"]);
    assert.deepEqual(both(set([bulk("x"), bulk("y")])), ["*2\r\n$1\r\nx\r\n$1\r\ny\r\n", "~2\r\n$1\r\nx\r\n$1\r\ny\r\n"]);
    assert.deepEqual(both(set([])), ["*0\r\n", "~0\r\n"]);
    assert.deepEqual(both(double(0.1)), ["$19\r\n0.10000000000000001\r\n", ",0.10000000000000001\r\n"]);
    assert.deepEqual(both(double(3)), ["$1\r\n3\r\n", ",3\r\n"]);
    assert.deepEqual(both(double(-Infinity)), ["$4\r\n-inf\r\n", ",-inf\r\n"]);
    assert.deepEqual(both(double(Infinity)), ["$3\r\ninf\r\n", ",inf\r\n"]);
    assert.deepEqual(both(double(NaN)), ["$3\r\nnan\r\n", ",nan\r\n"]);
    assert.deepEqual(both(nil()), ["$-1\r\n", "_\r\n"]);
    assert.deepEqual(both(nil("array")), ["*-1\r\n", "_\r\n"]);
    assert.deepEqual(both(bool(true)), [":1\r\n", "#t\r\n"]);
    assert.deepEqual(both(bool(false)), [":0\r\n", "#f\r\n"]);
    assert.deepEqual(both(push([bulk("message"), bulk("ch"), bulk("hi")])), [
      "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
      ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n",
    ]);
    assert.deepEqual(both(verbatim("# Server\r\nredis_version:7.0.15\r\n")), [
      "$32\r\n# Server\r\nredis_version:7.0.15\r\n\r\n",
      "=36\r\ntxt:# Server\r\nredis_version:7.0.15\r\n\r\n",
    ]);
    assert.deepEqual(both(verbatim("é", "mkd")), ["$2\r\n\xc3\xa9\r\n", "=6\r\nmkd:\xc3\xa9\r\n"]);
    // HELLO 3 then ZRANGE z 0 1 WITHSCORES, as Redis 7.0.15 sent it:
    const zrange = array([array([bulk("m-inf"), double(-Infinity)]), array([bulk("m-1.5e-7"), double(-1.5e-7)])]);
    assert.equal(encode(zrange, 3).toString(), "*2\r\n*2\r\n$5\r\nm-inf\r\n,-inf\r\n*2\r\n$8\r\nm-1.5e-7\r\n,-1.4999999999999999e-07\r\n");
  });

  it("keeps simple and error strings on one line", () => {
    assert.equal(encode(error("ERR unknown command 'a\r\nb'"), 2).toString(), "-ERR unknown command 'a  b'\r\n");
    assert.equal(encode(simple("a\nb"), 3).toString(), "+a b\r\n");
    assert.equal(encode(error("-ERR already prefixed"), 2).toString(), "-ERR already prefixed\r\n");
  });

  it("refuses a non-integer integer reply", () => {
    assert.throws(() => encode(int(1.5), 2), TypeError);
    assert.throws(() => encode(int(NaN), 2), TypeError);
  });

  it("encodeParts gives the same bytes and passes big payloads through", () => {
    const big = Buffer.alloc(100_000, 0x62);
    const reply = array([bulk("a"), bulk(big), map([[bulk("k"), double(2.5)]]), bulks(Array.from({ length: 5000 }, (_, i) => `v${i}`))]);
    for (const resp of [2, 3] as const) {
      const parts = encodeParts(reply, resp);
      assert.ok(Buffer.concat(parts).equals(encode(reply, resp)));
      assert.ok(parts.includes(big), "the payload is not copied");
      assert.ok(parts.every((p) => p.length > 0 && (p === big || p.length <= 64 * 1024)));
    }
    assert.deepEqual(encodeParts(OK, 2).map(String), ["+OK\r\n"]);
  });

  it("ReplyBuffer gives a burst's replies as one buffer, then starts anew", () => {
    const replies = [OK, bulk("v"), int(10), NIL, bulk(Buffer.alloc(5000, 0x61)), array([int(-7), simple("PONG")])];
    const out = new ReplyBuffer();
    assert.equal(out.take(), undefined);
    for (const resp of [2, 3] as const) {
      for (const r of replies) out.append(r, resp);
      assert.ok(!out.empty);
      assert.ok(out.take()!.equals(Buffer.concat(replies.map((r) => encode(r, resp)))));
      assert.ok(out.empty);
      assert.equal(out.take(), undefined);
    }
  });

  it("encodeCommand writes a RESP array of bulk strings that parses back", () => {
    assert.equal(encodeCommand(["SELECT", "0"]).toString(), "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n");
    assert.equal(encodeCommand([]).toString(), "*0\r\n");
    assert.equal(encodeCommand(["SET", B("k\r\n"), "é"]).toString("latin1"), "*3\r\n$3\r\nSET\r\n$3\r\nk\r\n\r\n$2\r\n\xc3\xa9\r\n");
    const argv = [B("SET"), B("\0\r\n*1"), Buffer.alloc(70_000, 7)];
    assert.deepEqual(new RequestParser().feed(encodeCommand(argv)), [argv]);
  });
});

describe("formatDouble", () => {
  it("prints like %.17g", () => {
    const cases: Array<[number, string]> = [
      [1.5, "1.5"],
      [3, "3"],
      [-3, "-3"],
      [0, "0"],
      [-0, "-0"],
      [0.1, "0.10000000000000001"],
      [1e21, "1e+21"],
      [1 / 3, "0.33333333333333331"],
      [2 / 3, "0.66666666666666663"],
      [100, "100"],
      [1e15, "1000000000000000"],
      [1e16, "10000000000000000"],
      [1e17, "1e+17"],
      [123456789012345678, "1.2345678901234568e+17"],
      [12345678901234567890, "1.2345678901234567e+19"],
      [9007199254740993, "9007199254740992"],
      [0.0001, "0.0001"],
      [0.00001, "1.0000000000000001e-05"],
      [-1.5e-7, "-1.4999999999999999e-07"],
      [4.35, "4.3499999999999996"],
      [123.456, "123.456"],
      [0.000123456789, "0.000123456789"],
      [1e100, "1e+100"],
      [1e-100, "1e-100"],
      [5e-324, "4.9406564584124654e-324"],
      [Number.MAX_VALUE, "1.7976931348623157e+308"],
      [2 ** -25, "2.9802322387695312e-08"], // an exact tie: to even, where JavaScript rounds up
      [Infinity, "inf"],
      [-Infinity, "-inf"],
      [NaN, "nan"],
    ];
    for (const [n, want] of cases) assert.equal(formatDouble(n), want, String(n));
  });

  it("matches glibc on random and edge doubles", () => {
    // [IEEE-754 bits, printf("%.17g")] from glibc 2.x.
    const table: Array<[string, string]> = [
    ["dc1b77ae0bf34dad", "-4.9911105725155504e+135"],
    ["64f0eeb9026e6076", "1.715373926431966e+178"],
    ["7b07ce91e5906136", "4.4251604027143375e+284"],
    ["305f050c368dcc74", "1.0715660391465826e-75"],
    ["2ceb16e0a1c54aec", "2.5973481493288907e-92"],
    ["97101dce4e7bfb79", "-1.3475090132806154e-197"],
    ["9ad2e144d6e8f2cf", "-1.8199673040271701e-179"],
    ["d9aa792e1af470ea", "-8.7501862419475167e+123"],
    ["ddaa4e85b0d6e28b", "-1.603964615428183e+143"],
    ["8f8ea9d349428d8e", "-9.6439157120605518e-234"],
    ["08f474ffb8e8ab15", "1.5860846119992697e-265"],
    ["2ead854756d71f03", "7.5979545248927379e-84"],
    ["55bc79f8ada711fd", "1.0204796945730538e+105"],
    ["0e1fc49bd63b809e", "1.1910593176322935e-240"],
    ["b92199e83f5a101f", "-1.6949339131286959e-33"],
    ["c5765079fc5d43ff", "-4.3162252145519944e+26"],
    ["43847ae147ae141b", "1.8446744073709245e+17"],
    ["43efffffffffff7d", "1.8446744073709283e+19"],
    ["42b0c6f7a0b5ed0c", "18446744073709.047"],
    ["40cda3d99999999a", "15175.700000000001"],
    ["405464b780346dc6", "81.573700000000002"],
    ["3f0cdf8126d375d6", "5.5071000000000002e-05"],
    ["43847ae147ae13d2", "1.8446744073709011e+17"],
    ["41db7cdfd9d7bc77", "1844674407.370878"],
    ["42112e0be826d608", "18446744073.709015"],
    ["3f198dfae7d8baee", "9.7483099999999995e-05"],
    ["3f64c91fef08b6de", "0.0025373100000000001"],
    ["42e4f8b588e3680d", "184467440737088.41"],
    ["42112e0be826d5ad", "18446744073.708668"],
    ["3f22fdd5fb970710", "0.00014489400000000001"],
    ["3e60000000000000", "2.9802322387695312e-08"],
    ["3e58000000000000", "2.2351741790771484e-08"],
    ["3e54000000000000", "1.862645149230957e-08"],
    ["4380000000000001", "1.441151880758559e+17"],
    ["3fe0000000000000", "0.5"],
    ["3e7c000000000000", "1.0430812835693359e-07"],
    ["3f1a36e2eb1c432d", "0.0001"],
    ["3f1a36e2eb1c432c", "9.9999999999999991e-05"],
    ["3ee4f8b588e368f1", "1.0000000000000001e-05"],
    ["4341c37937e08000", "10000000000000000"],
    ["4376345785d8a000", "1e+17"],
    ["4376345785d8a000", "1e+17"],
    ["4376345785d89fff", "99999999999999984"],
    ["437b69b4ba630f35", "1.2345678901234568e+17"],
    ["0010000000000000", "2.2250738585072014e-308"],
    ["0000000000000001", "4.9406564584124654e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["3fd3333333333334", "0.30000000000000004"],
    ["4040aaaaaaaaaaab", "33.333333333333336"],
    ["bdf12e0be826d695", "-2.5000000000000002e-10"],
    ["4340000000000000", "9007199254740992"],
    ["4480f0cf064dd592", "1e+22"],
    ["44b52d02c7e14af6", "9.9999999999999992e+22"],
    ["c2fb65b2571f543a", "-481977563215171.62"],
    ["431572bb837eea91", "1509281050376868.2"],
    ["c30ab59c14db0581", "-939753920487600.12"],
    ];
    for (const [bits, want] of table) assert.equal(formatDouble(Buffer.from(bits, "hex").readDoubleBE(0)), want, bits);
  });
});
