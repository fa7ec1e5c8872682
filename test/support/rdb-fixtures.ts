// RDB test fixtures. A builder for files in the encodings our encoder never writes but
// Redis does (or did): listpacks, ziplists, intsets, zipmaps, quicklists, integer and LZF
// strings, text scores, second-resolution expiry. A fixture with one key per encoding,
// which the differential test checks a real Redis loads as we decode it. Random keyspaces.
import fc from "fast-check";
import { Keyspace, type Value } from "../../bundled-server/keyspace.js";
import { crc64 } from "../../bundled-server/replication/crc64.js";
import type { RdbEntry } from "../../bundled-server/replication/rdb.js";

/** A listpack or ziplist entry: a string (latin1, one byte per character) or an integer. */
type Item = string | Buffer | bigint;

/** A string's bytes, latin1 for a JS string. */
function bytes(s: string | Buffer): Buffer {
  return typeof s === "string" ? Buffer.from(s, "latin1") : Buffer.from(s);
}

export class RdbBuilder {
  private readonly parts: Buffer[];

  constructor(version = 10) {
    this.parts = [Buffer.from(`REDIS${String(version).padStart(4, "0")}`)];
  }

  bytes(...b: Array<number | Buffer>): this {
    for (const x of b) this.parts.push(typeof x === "number" ? Buffer.from([x]) : x);
    return this;
  }

  /** An RDB length in its shortest form, or in the form given. */
  len(n: number, form: 6 | 14 | 32 | 64 = n < 64 ? 6 : n < 16384 ? 14 : 32): this {
    if (form === 6) return this.bytes(n);
    if (form === 14) return this.bytes(0x40 | (n >> 8), n & 0xff);
    const b = Buffer.alloc(form === 32 ? 5 : 9);
    b[0] = form === 32 ? 0x80 : 0x81;
    if (form === 32) b.writeUInt32BE(n, 1);
    else b.writeBigUInt64BE(BigInt(n), 1);
    return this.bytes(b);
  }

  /** A raw length-prefixed string (a JS string as latin1: one byte per character). */
  str(s: string | Buffer): this {
    const b = bytes(s);
    return this.len(b.length).bytes(b);
  }

  /** An integer-encoded string (INT8 / INT16 / INT32). */
  int(n: number, width: 1 | 2 | 4): this {
    const b = Buffer.alloc(width);
    b.writeIntLE(n, 0, width);
    return this.bytes(0xc0 | (width === 1 ? 0 : width === 2 ? 1 : 2), b);
  }

  /** An LZF-compressed string. */
  lzf(s: string | Buffer): this {
    const data = bytes(s);
    const packed = lzfCompress(data);
    return this.bytes(0xc3).len(packed.length).len(data.length).bytes(packed);
  }

  /** Opcode, then key, for a value that follows. */
  key(type: number, key: string | Buffer): this {
    return this.bytes(type).str(key);
  }

  /** EOF and the checksum (or 0, "not computed"). */
  finish(checksum = true): Buffer {
    const body = Buffer.concat([...this.parts, Buffer.from([0xff])]);
    const sum = Buffer.alloc(8);
    if (checksum) sum.writeBigUInt64LE(crc64(body));
    return Buffer.concat([body, sum]);
  }
}

/** A listpack; bigints take the shortest integer encoding, strings and buffers a string one. */
export function listpack(items: Item[]): Buffer {
  const entries = items.map((item) => {
    const enc = typeof item === "bigint" ? listpackInt(item) : listpackString(bytes(item));
    return Buffer.concat([enc, backlen(enc.length)]);
  });
  const header = Buffer.alloc(6);
  const body = Buffer.concat([...entries, Buffer.from([0xff])]);
  header.writeUInt32LE(6 + body.length);
  header.writeUInt16LE(Math.min(items.length, 0xffff), 4);
  return Buffer.concat([header, body]);
}

function listpackInt(v: bigint): Buffer {
  if (v >= 0n && v <= 127n) return Buffer.from([Number(v)]);
  if (v >= -4096n && v <= 4095n) {
    const u = Number(v < 0n ? v + 8192n : v);
    return Buffer.from([0xc0 | (u >> 8), u & 0xff]);
  }
  for (const [size, tag] of [
    [2, 0xf1],
    [3, 0xf2],
    [4, 0xf3],
  ] as const) {
    if (v >= -(1n << BigInt(size * 8 - 1)) && v < 1n << BigInt(size * 8 - 1)) {
      const b = Buffer.alloc(1 + size);
      b[0] = tag;
      b.writeIntLE(Number(v), 1, size);
      return b;
    }
  }
  const b = Buffer.alloc(9);
  b[0] = 0xf4;
  b.writeBigInt64LE(v, 1);
  return b;
}

function listpackString(s: Buffer): Buffer {
  if (s.length < 64) return Buffer.concat([Buffer.from([0x80 | s.length]), s]);
  if (s.length < 4096) return Buffer.concat([Buffer.from([0xe0 | (s.length >> 8), s.length & 0xff]), s]);
  const h = Buffer.alloc(5);
  h[0] = 0xf0;
  h.writeUInt32LE(s.length, 1);
  return Buffer.concat([h, s]);
}

function backlen(size: number): Buffer {
  const bytes = [size & 127];
  for (let rest = size >> 7; rest > 0; rest >>= 7) bytes.unshift(rest & 127);
  return Buffer.from(bytes.map((b, i) => (i > 0 ? b | 128 : b)));
}

/** A ziplist; bigints take the shortest integer encoding. */
export function ziplist(items: Item[]): Buffer {
  const entries: Buffer[] = [];
  let prev = 0;
  let tail = 10;
  for (const item of items) {
    const prevlen = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([0xfe]), u32le(prev)]);
    const entry = Buffer.concat([prevlen, typeof item === "bigint" ? ziplistInt(item) : ziplistString(bytes(item))]);
    tail = 10 + entries.reduce((n, e) => n + e.length, 0);
    entries.push(entry);
    prev = entry.length;
  }
  const body = Buffer.concat([...entries, Buffer.from([0xff])]);
  const header = Buffer.alloc(10);
  header.writeUInt32LE(10 + body.length);
  header.writeUInt32LE(entries.length === 0 ? 10 : tail, 4);
  header.writeUInt16LE(Math.min(items.length, 0xffff), 8);
  return Buffer.concat([header, body]);
}

function ziplistInt(v: bigint): Buffer {
  if (v >= 0n && v <= 12n) return Buffer.from([0xf1 + Number(v)]);
  for (const [size, tag] of [
    [1, 0xfe],
    [2, 0xc0],
    [3, 0xf0],
    [4, 0xd0],
  ] as const) {
    if (v >= -(1n << BigInt(size * 8 - 1)) && v < 1n << BigInt(size * 8 - 1)) {
      const b = Buffer.alloc(1 + size);
      b[0] = tag;
      b.writeIntLE(Number(v), 1, size);
      return b;
    }
  }
  const b = Buffer.alloc(9);
  b[0] = 0xe0;
  b.writeBigInt64LE(v, 1);
  return b;
}

function ziplistString(s: Buffer): Buffer {
  if (s.length < 64) return Buffer.concat([Buffer.from([s.length]), s]);
  if (s.length < 16384) return Buffer.concat([Buffer.from([0x40 | (s.length >> 8), s.length & 0xff]), s]);
  const h = Buffer.alloc(5);
  h[0] = 0x80;
  h.writeUInt32BE(s.length, 1);
  return Buffer.concat([h, s]);
}

/** An intset of sorted distinct values, `width` bytes each. */
export function intset(values: bigint[], width: 2 | 4 | 8): Buffer {
  const b = Buffer.alloc(8 + values.length * width);
  b.writeUInt32LE(width);
  b.writeUInt32LE(values.length, 4);
  values.forEach((v, i) => (width === 8 ? b.writeBigInt64LE(v, 8 + i * 8) : b.writeIntLE(Number(v), 8 + i * width, width)));
  return b;
}

/** A zipmap of field/value pairs, each value followed by `free` unused bytes. */
export function zipmap(pairs: Array<[string, string]>, free = 0): Buffer {
  const len = (n: number) => (n < 254 ? Buffer.from([n]) : Buffer.concat([Buffer.from([0xfe]), u32le(n)]));
  const parts = [Buffer.from([Math.min(pairs.length, 254)])];
  for (const [f, v] of pairs) parts.push(len(f.length), Buffer.from(f), len(v.length), Buffer.from([free]), Buffer.from(v), Buffer.alloc(free));
  parts.push(Buffer.from([0xff]));
  return Buffer.concat(parts);
}

/** Greedy LZF compression: the longest earlier match (up to 264 bytes, 8192 back) or a literal. Slow; for tests. */
export function lzfCompress(data: Buffer): Buffer {
  const out: number[] = [];
  let literal: number[] = [];
  const flush = () => {
    if (literal.length > 0) out.push(literal.length - 1, ...literal);
    literal = [];
  };
  let i = 0;
  while (i < data.length) {
    let bestLen = 0;
    let bestOff = 0;
    for (let j = Math.max(0, i - 8192); j < i; j++) {
      let n = 0;
      while (n < 264 && i + n < data.length && data[j + n] === data[i + n]) n++;
      if (n > bestLen) [bestLen, bestOff] = [n, i - j - 1];
    }
    if (bestLen >= 3) {
      flush();
      const l = bestLen - 2;
      if (l < 7) out.push((l << 5) | (bestOff >> 8), bestOff & 0xff);
      else out.push((7 << 5) | (bestOff >> 8), l - 7, bestOff & 0xff);
      i += bestLen;
    } else {
      literal.push(data[i++]);
      if (literal.length === 32) flush();
    }
  }
  flush();
  return Buffer.from(out);
}

function u32le(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n);
  return b;
}

// --- The fixture -----------------------------------------------------------------------------

const str = (s: string | Buffer): Value => ({ type: "string", v: bytes(s) });
const list = (...items: Array<string | Buffer>): Value => ({ type: "list", v: items.map(bytes) });
const set = (...members: string[]): Value => ({ type: "set", v: new Set(members) });
const hash = (...pairs: Array<[string, string]>): Value => ({ type: "hash", v: new Map(pairs.map(([f, v]) => [f, bytes(v)])) });
const zset = (...pairs: Array<[string, number]>): Value => ({ type: "zset", v: { scores: new Map(pairs) } });

/** Integers at the edges of every integer encoding of listpacks and ziplists. */
export const EDGE_INTS = [0n, 1n, 12n, 13n, -1n, 127n, 128n, 4095n, -4096n, 4096n, -4097n, 32767n, -32768n, 32768n, 8388607n, -8388608n, 8388608n, 2147483647n, -2147483648n, 2147483648n, 9223372036854775807n, -9223372036854775808n];

export const FUNCTION_CODE = "#!lua name=fixturelib\nredis.register_function('fixturef', function() return 1 end)";

/**
 * One key per compact and legacy encoding Redis 7.0 loads, with what each holds. Keys that
 * expire do so `now` + 1000 s, so a real server loading the file keeps them.
 */
export function compactFixture(now: number): { file: Buffer; expected: RdbEntry[] } {
  const b = new RdbBuilder();
  const expected: RdbEntry[] = [];
  const key = (type: number, name: string, value: Value, db = 0) => {
    b.key(type, name);
    expected.push({ db, key: name, value });
  };
  const big = "x".repeat(300);
  const huge = Buffer.alloc(5000, "h");
  const edges = EDGE_INTS.map(String);

  b.bytes(250).str("fixture").str("yes"); // AUX
  b.bytes(245).str(FUNCTION_CODE); // FUNCTION2
  b.bytes(254).len(0).bytes(251).len(30).len(2); // SELECTDB, RESIZEDB

  key(0, "str:int8", str("-100"));
  b.int(-100, 1);
  key(0, "str:int16", str("-30000"));
  b.int(-30000, 2);
  key(0, "str:int32", str("2000000000"));
  b.int(2000000000, 4);
  key(0, "str:lzf", str("abc".repeat(50) + "xyz"));
  b.lzf("abc".repeat(50) + "xyz");
  key(0, "str:bin\x00\xff", str(Buffer.from([0, 255, 13, 10])));
  b.str(Buffer.from([0, 255, 13, 10]));
  key(0, "str:len32", str("long form"));
  b.len(9, 32).bytes(Buffer.from("long form"));
  key(0, "str:len64", str("longer form"));
  b.len(11, 64).bytes(Buffer.from("longer form"));
  // Keys in the integer and compressed string encodings.
  b.bytes(0).int(12345, 2).str("int key");
  expected.push({ db: 0, key: "12345", value: str("int key") });
  b.bytes(0).lzf("k".repeat(40)).str("compressed key");
  expected.push({ db: 0, key: "k".repeat(40), value: str("compressed key") });
  // LRU and LFU hints before keys.
  b.bytes(248).len(5);
  key(0, "str:idle", str("i"));
  b.str("i");
  b.bytes(249, 7);
  key(0, "str:freq", str("f"));
  b.str("f");

  const expSec = Math.floor(now / 1000) + 1000;
  const sec = Buffer.alloc(4);
  sec.writeInt32LE(expSec);
  b.bytes(253, sec).key(0, "exp:sec").str("s");
  expected.push({ db: 0, key: "exp:sec", value: str("s"), expireAt: expSec * 1000 });
  const ms = Buffer.alloc(8);
  ms.writeBigInt64LE(BigInt(now + 1_000_000));
  b.bytes(252, ms).key(2, "exp:ms").len(1).int(7, 1);
  expected.push({ db: 0, key: "exp:ms", value: set("7"), expireAt: now + 1_000_000 });

  key(1, "list:plain", list("a", "", "b"));
  b.len(3).str("a").str("").str("b");
  key(10, "list:ziplist", list("a", ...edges, big, "", "z"));
  b.str(ziplist(["a", ...EDGE_INTS, big, "", "z"]));
  key(14, "list:quicklist", list("n1", "1", "n2", ...edges));
  b.len(2).str(ziplist(["n1", 1n, "n2"]));
  b.lzf(ziplist(EDGE_INTS));
  key(18, "list:quicklist2", list(...edges, "short", big, huge, huge.subarray(0, 64), "plain".repeat(30), "c1", "c2", "c3"));
  b.len(3);
  b.len(2).str(listpack([...EDGE_INTS, "short", big, huge, huge.subarray(0, 64)]));
  b.len(1).str("plain".repeat(30));
  b.len(2).lzf(listpack(["c1", "c2", "c3"]));

  key(2, "set:plain", set("m", "42", ""));
  b.len(3).str("m").int(42, 1).str("");
  key(11, "set:intset16", set("-3", "1", "2"));
  b.str(intset([-3n, 1n, 2n], 2));
  key(11, "set:intset32", set("-100000", "70000"));
  b.str(intset([-100000n, 70000n], 4));
  key(11, "set:intset64", set("-9223372036854775808", "5000000000", "9223372036854775807"));
  b.str(intset([-(2n ** 63n), 5000000000n, 2n ** 63n - 1n], 8));

  key(3, "zset:text", zset(["a", 1.5], ["b", -2], ["c", Infinity], ["d", -Infinity], ["e", 1000]));
  b.len(5);
  for (const [m, s] of [["a", "1.5"], ["b", "-2"], ["c", 254], ["d", 255], ["e", "1e3"]] as const) {
    b.str(m);
    if (typeof s === "number") b.bytes(s);
    else b.bytes(s.length, Buffer.from(s));
  }
  key(5, "zset:binary", zset(["x", 0.1], ["y", -0]));
  b.len(2).str("x").bytes(double(0.1)).str("y").bytes(double(-0));
  key(12, "zset:ziplist", zset(["a", 1], ["b", 2.5], ["c", Infinity], ["d", -Infinity], ["e", -12345678901]));
  b.str(ziplist(["a", 1n, "b", "2.5", "c", "inf", "d", "-inf", "e", -12345678901n]));
  key(17, "zset:listpack", zset(["m1", 5], ["m2", -0.25], ["m3", 1e20], ["m4", 3.0000000000000004]));
  b.str(listpack(["m1", 5n, "m2", "-0.25", "m3", "1e+20", "m4", "3.0000000000000004"]));

  key(4, "hash:plain", hash(["f", "v"], ["n", "1"]));
  b.len(2).str("f").str("v").str("n").int(1, 1);
  key(9, "hash:zipmap", hash(["f1", "v1"], ["f2", big]));
  b.str(zipmap([["f1", "v1"], ["f2", big]], 2));
  key(13, "hash:ziplist", hash(["f", "v"], ["n", "42"]));
  b.str(ziplist(["f", "v", "n", 42n]));
  key(16, "hash:listpack", hash(["f", "v"], ["n", "-7"], ["big", "y".repeat(100)]));
  b.str(listpack(["f", "v", "n", -7n, "big", "y".repeat(100)]));

  b.bytes(254).len(5);
  key(0, "other", str("in db 5"), 5);
  b.str("in db 5");
  return { file: b.finish(), expected };
}

function double(x: number): Buffer {
  const d = Buffer.alloc(8);
  d.writeDoubleLE(x);
  return d;
}

// --- Random keyspaces ------------------------------------------------------------------------

/** Bytes that stress a codec: binary, empty, 0x00 / 0xff, integer-looking, and long enough for every length form. */
export const bytesArb: fc.Arbitrary<Buffer> = fc
  .oneof(
    { weight: 6, arbitrary: fc.uint8Array({ maxLength: 12 }) },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom("", "\x00", "\xff", "\x00\xff", "0", "-0", "-1", "12", "007", " 1", "1.5", "9223372036854775807", "-9223372036854775808", "9223372036854775808")
        .map((s) => Buffer.from(s, "latin1")),
    },
    { weight: 2, arbitrary: fc.bigInt({ min: -(1n << 64n), max: 1n << 64n }).map((n) => Buffer.from(String(n))) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 0, max: 255 }), fc.constantFrom(63, 64, 16383, 16384, 70000)).map(([b, n]) => Buffer.alloc(n, b)) },
  )
  .map((a) => Buffer.from(a));

const nameArb = bytesArb.map((b) => b.toString("latin1"));

export const valueArb: fc.Arbitrary<Value> = fc.oneof(
  bytesArb.map((v): Value => ({ type: "string", v })),
  fc.array(bytesArb, { minLength: 1, maxLength: 8 }).map((v): Value => ({ type: "list", v })),
  fc.uniqueArray(nameArb, { minLength: 1, maxLength: 8 }).map((m): Value => ({ type: "set", v: new Set(m) })),
  fc.uniqueArray(fc.tuple(nameArb, bytesArb), { minLength: 1, maxLength: 8, selector: ([f]) => f }).map((p): Value => ({ type: "hash", v: new Map(p) })),
  fc
    .uniqueArray(fc.tuple(nameArb, fc.double({ noNaN: true })), { minLength: 1, maxLength: 8, selector: ([m]) => m })
    .map((p): Value => ({ type: "zset", v: { scores: new Map(p) } })),
);

export interface KeyspaceItem {
  db: number;
  key: string;
  value: Value;
  /** Milliseconds from now; <= 0 has expired. Live ones are far off, so a real server loading them keeps them. */
  expiresIn?: number;
}

/** What to store in a keyspace: keys in several databases, some expiring, some expired. */
export const keyspaceItemsArb: fc.Arbitrary<KeyspaceItem[]> = fc.array(
  fc.record({ db: fc.constantFrom(0, 0, 1, 7, 15), key: nameArb, value: valueArb, expiresIn: fc.constantFrom(-1_000_000, -1, 0, 1_000_000, 2_000_001) }, { requiredKeys: ["db", "key", "value"] }),
  { maxLength: 25 },
);

export function keyspaceOf(items: KeyspaceItem[], now: number): Keyspace {
  const ks = new Keyspace();
  for (const { db, key, value, expiresIn } of items) ks.dbs[db].set(key, value, expiresIn === undefined ? {} : { expireAt: now + expiresIn });
  return ks;
}

/** The keys a snapshot at `now` holds, in the order it holds them. */
export function liveEntries(ks: Keyspace, now: number): RdbEntry[] {
  const out: RdbEntry[] = [];
  for (const db of ks.dbs) {
    for (const [key, { value, expireAt }] of db.rawEntries()) {
      if (expireAt !== undefined && expireAt <= now) continue;
      out.push(expireAt === undefined ? { db: db.index, key, value } : { db: db.index, key, value, expireAt });
    }
  }
  return out;
}
