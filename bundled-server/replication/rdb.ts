// RDB snapshots, for full sync with a real Redis 7.0 in both directions.
//
// We write version 10 (what Redis 7.0 writes) using only the plain value types every
// Redis since 2.x loads (string, list, set, hash, binary-score zset); the loader converts
// them to its compact encodings itself. We read everything Redis up to 7.0 writes (its
// compact encodings, older ones it still loads, and 7.2's set listpack) and refuse, with
// the offset, what we cannot represent (modules, streams) or what is malformed.
import { DATABASES, type Keyspace, type Value } from "../keyspace.js";
import { crc64 } from "./crc64.js";
import { LzfError, lzfDecompress } from "./lzf.js";
import { intsetMembers, listpackEntries, ziplistEntries, zipmapPairs } from "./packed.js";
import { RdbError, RdbReader } from "./rdb-reader.js";

export { RdbError };

const RDB_VERSION = 10;

const TYPE = {
  STRING: 0,
  LIST: 1,
  SET: 2,
  ZSET: 3,
  HASH: 4,
  ZSET_2: 5,
  MODULE_PRE_GA: 6,
  MODULE_2: 7,
  HASH_ZIPMAP: 9,
  LIST_ZIPLIST: 10,
  SET_INTSET: 11,
  ZSET_ZIPLIST: 12,
  HASH_ZIPLIST: 13,
  LIST_QUICKLIST: 14,
  STREAM_LISTPACKS: 15,
  HASH_LISTPACK: 16,
  ZSET_LISTPACK: 17,
  LIST_QUICKLIST_2: 18,
  STREAM_LISTPACKS_2: 19,
  SET_LISTPACK: 20,
  STREAM_LISTPACKS_3: 21,
} as const;

const OPCODE = {
  FUNCTION2: 245,
  FUNCTION_PRE_GA: 246,
  MODULE_AUX: 247,
  IDLE: 248,
  FREQ: 249,
  AUX: 250,
  RESIZEDB: 251,
  EXPIRETIME_MS: 252,
  EXPIRETIME: 253,
  SELECTDB: 254,
  EOF: 255,
} as const;

/** Special string encodings (a length field with the top two bits set). */
const ENC = { INT8: 0, INT16: 1, INT32: 2, LZF: 3 } as const;

/** Quicklist 2 node containers: one element as is, or a listpack of several. */
const CONTAINER = { PLAIN: 1, PACKED: 2 } as const;

// --- Encoding ------------------------------------------------------------------------------

/** A snapshot of every database as an RDB file (version 10, what Redis 7.0 writes), with aux fields and a CRC64 checksum. Expired keys (expireAt <= now) are left out. */
export function encodeRdb(keyspace: Keyspace, now: number, aux: { replId?: string; replOffset?: number } = {}): Buffer {
  const w = new Writer();
  w.raw(Buffer.from(`REDIS${String(RDB_VERSION).padStart(4, "0")}`, "latin1"));
  // The aux fields Redis 7.0 writes, in its order; the replication ones only for a sync.
  const fields: Array<[string, string]> = [
    ["redis-ver", "7.0.15"],
    ["redis-bits", "64"],
    ["ctime", String(Math.floor(now / 1000))],
    ["used-mem", String(process.memoryUsage.rss())],
  ];
  if (aux.replId !== undefined) fields.push(["repl-stream-db", "0"], ["repl-id", aux.replId], ["repl-offset", String(aux.replOffset ?? 0)]);
  fields.push(["aof-base", "0"]);
  for (const [k, v] of fields) {
    w.u8(OPCODE.AUX);
    w.latin1(k);
    w.latin1(v);
  }

  for (const db of keyspace.dbs) {
    // Empty collections do not exist in Redis (its loader would skip them), so neither are they written.
    const live = [...db.rawEntries()].filter(([, e]) => (e.expireAt === undefined || e.expireAt > now) && !isEmpty(e.value));
    if (live.length === 0) continue;
    w.u8(OPCODE.SELECTDB);
    w.length(db.index);
    // Sizes to presize the loader's hash tables with.
    w.u8(OPCODE.RESIZEDB);
    w.length(live.length);
    w.length(live.filter(([, e]) => e.expireAt !== undefined).length);
    for (const [key, e] of live) {
      if (e.expireAt !== undefined) {
        w.u8(OPCODE.EXPIRETIME_MS);
        w.i64le(e.expireAt);
      }
      writeValue(w, key, e.value);
    }
  }

  w.u8(OPCODE.EOF);
  w.u64le(crc64(w.bytes()));
  return w.bytes();
}

function isEmpty(value: Value): boolean {
  switch (value.type) {
    case "string":
      return false;
    case "list":
      return value.v.length === 0;
    case "set":
    case "hash":
      return value.v.size === 0;
    case "zset":
      return value.v.scores.size === 0;
  }
}

function writeValue(w: Writer, key: string, value: Value): void {
  switch (value.type) {
    case "string":
      w.u8(TYPE.STRING);
      w.latin1(key);
      w.string(value.v);
      return;
    case "list":
      w.u8(TYPE.LIST);
      w.latin1(key);
      w.length(value.v.length);
      for (const item of value.v) w.string(item);
      return;
    case "set":
      w.u8(TYPE.SET);
      w.latin1(key);
      w.length(value.v.size);
      for (const member of value.v) w.latin1(member);
      return;
    case "hash":
      w.u8(TYPE.HASH);
      w.latin1(key);
      w.length(value.v.size);
      for (const [field, v] of value.v) {
        w.latin1(field);
        w.string(v);
      }
      return;
    case "zset":
      w.u8(TYPE.ZSET_2);
      w.latin1(key);
      w.length(value.v.scores.size);
      for (const [member, score] of value.v.scores) {
        w.latin1(member);
        w.doubleLE(score);
      }
      return;
  }
}

/** An append-only byte buffer that doubles as it fills. */
class Writer {
  private buf = Buffer.allocUnsafe(64 * 1024);
  private pos = 0;

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  u8(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  raw(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** An RDB length: 6 bits, 14 bits, or a marker byte and a 32- or 64-bit big-endian number. */
  length(n: number): void {
    this.reserve(9);
    if (n < 0x40) {
      this.buf[this.pos++] = n;
    } else if (n < 0x4000) {
      this.buf[this.pos++] = 0x40 | (n >> 8);
      this.buf[this.pos++] = n & 0xff;
    } else if (n <= 0xffffffff) {
      this.buf[this.pos++] = 0x80;
      this.pos = this.buf.writeUInt32BE(n, this.pos);
    } else {
      this.buf[this.pos++] = 0x81;
      this.pos = this.buf.writeBigUInt64BE(BigInt(n), this.pos);
    }
  }

  /** A length-prefixed string, stored raw (compression and integer forms are optional for loaders). */
  string(b: Buffer): void {
    this.length(b.length);
    this.raw(b);
  }

  /** A key, member or field (latin1: one byte per character) as a string. */
  latin1(s: string): void {
    this.length(s.length);
    this.reserve(s.length);
    this.pos += this.buf.write(s, this.pos, "latin1");
  }

  i64le(n: number): void {
    this.reserve(8);
    this.pos = this.buf.writeBigInt64LE(BigInt(n), this.pos);
  }

  u64le(n: bigint): void {
    this.reserve(8);
    this.pos = this.buf.writeBigUInt64LE(n, this.pos);
  }

  doubleLE(x: number): void {
    this.reserve(8);
    this.pos = this.buf.writeDoubleLE(x, this.pos);
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }
}

// --- Decoding ------------------------------------------------------------------------------

export interface RdbEntry {
  db: number;
  key: string;
  value: Value;
  expireAt?: number;
}

/** Every key of an RDB payload, in file order. Throws RdbError (message says what and at which byte offset) on anything malformed or unsupported; never loops forever or allocates unboundedly on garbage (lengths are checked against the remaining bytes). */
export function decodeRdb(data: Buffer): { entries: RdbEntry[]; aux: Map<string, string> } {
  const r = new RdbReader(data);
  const version = readHeader(r);
  const entries: RdbEntry[] = [];
  const aux = new Map<string, string>();
  let db = 0;
  // Set by an expiry opcode for the key that follows it.
  let expireAt: number | undefined;
  for (;;) {
    const at = r.pos;
    const op = r.u8("opcode");
    if (op === OPCODE.EOF) break;
    switch (op) {
      case OPCODE.EXPIRETIME_MS:
        expireAt = Number(r.i64le("expiry time"));
        break;
      case OPCODE.EXPIRETIME:
        expireAt = Number(r.intLE(4, "expiry time")) * 1000;
        break;
      case OPCODE.IDLE: // LRU / LFU hints: nothing to keep
        readLength(r, "idle time");
        break;
      case OPCODE.FREQ:
        r.u8("access frequency");
        break;
      case OPCODE.SELECTDB:
        db = readLength(r, "database number");
        if (db >= DATABASES) r.fail(`database ${db} is beyond the ${DATABASES} there are`, at);
        break;
      case OPCODE.RESIZEDB:
        readLength(r, "database size");
        readLength(r, "expires size");
        break;
      case OPCODE.AUX: {
        const key = latin1String(r);
        aux.set(key, latin1String(r));
        break;
      }
      case OPCODE.FUNCTION2: // a function library's code: not a key, and the bundled server has no functions
        readString(r);
        break;
      case OPCODE.FUNCTION_PRE_GA:
        return r.fail("functions in their pre-7.0 format are not supported", at);
      case OPCODE.MODULE_AUX:
        return r.fail("module data (MODULE_AUX) is not supported", at);
      default: {
        const key = latin1String(r);
        const value = readValue(r, op, at);
        // Redis skips empty collections when loading, and so do we.
        if (value) entries.push(expireAt === undefined ? { db, key, value } : { db, key, value, expireAt });
        expireAt = undefined;
      }
    }
  }
  if (version >= 5) {
    const end = r.pos;
    const stored = r.u64le("checksum");
    // 0 means the writer did not compute one (rdbchecksum no).
    if (stored !== 0n) {
      const actual = crc64(data.subarray(0, end));
      if (actual !== stored) r.fail(`checksum mismatch: the file says ${hex(stored)}, its content has ${hex(actual)}`, end);
    }
  }
  if (r.remaining !== 0) r.fail(`trailing bytes after the end of the RDB (${r.remaining})`);
  return { entries, aux };
}

/** The RDB version from the "REDIS0010" header. */
function readHeader(r: RdbReader): number {
  const header = r.bytes(9, "RDB header").toString("latin1");
  if (!/^REDIS\d{4}$/.test(header)) r.fail(`not an RDB file (header ${JSON.stringify(header)})`, 0);
  const version = Number(header.slice(5));
  if (version < 1) r.fail(`RDB version ${version} does not exist`, 5);
  if (version > RDB_VERSION) r.fail(`RDB version ${version} is newer than version ${RDB_VERSION} (Redis 7.0), the latest this reader understands`, 5);
  return version;
}

/** A length field's value, or the special string encoding it announces. */
function readLengthField(r: RdbReader, what: string): { special: boolean; n: number } {
  const first = r.u8(what);
  switch (first >> 6) {
    case 0:
      return { special: false, n: first & 0x3f };
    case 1:
      return { special: false, n: ((first & 0x3f) << 8) | r.u8(what) };
    case 2:
      if (first === 0x80) return { special: false, n: r.u32be(what) };
      // Beyond 2^53 it cannot be a real length here; counts and sizes are checked against the bytes left.
      if (first === 0x81) return { special: false, n: Number(r.u64be(what)) };
      return r.fail(`unknown length encoding 0x${first.toString(16)}`, r.pos - 1);
    default:
      return { special: true, n: first & 0x3f };
  }
}

function readLength(r: RdbReader, what: string): number {
  const at = r.pos;
  const { special, n } = readLengthField(r, what);
  if (special) r.fail(`a string encoding where the ${what} belongs`, at);
  return n;
}

/** A count of items that take at least a byte each, so at most the bytes left. */
function readCount(r: RdbReader, what: string): number {
  const at = r.pos;
  const n = readLength(r, what);
  if (n > r.remaining) r.fail(`${what} of ${n} with only ${r.remaining} bytes left`, at);
  return n;
}

/** A string in any of its encodings: raw, integer, or LZF-compressed. May share memory with the payload. */
function readString(r: RdbReader): Buffer {
  const at = r.pos;
  const { special, n } = readLengthField(r, "string length");
  if (!special) return r.bytes(n, "string");
  switch (n) {
    case ENC.INT8:
      return Buffer.from(r.intLE(1, "8-bit integer string"), "latin1");
    case ENC.INT16:
      return Buffer.from(r.intLE(2, "16-bit integer string"), "latin1");
    case ENC.INT32:
      return Buffer.from(r.intLE(4, "32-bit integer string"), "latin1");
    case ENC.LZF: {
      const compressed = readLength(r, "compressed length");
      const length = readLength(r, "decompressed length");
      const input = r.bytes(compressed, "compressed string");
      try {
        return lzfDecompress(input, length);
      } catch (e) {
        if (e instanceof LzfError) r.fail(`corrupt compressed string (${e.message})`, at);
        throw e;
      }
    }
    default:
      return r.fail(`unknown string encoding ${n}`, at);
  }
}

/** A string to keep: in memory of its own, so it does not pin the payload. */
function ownedString(r: RdbReader): Buffer {
  const at = r.pos;
  const { special, n } = readLengthField(r, "string length");
  if (special) {
    r.pos = at;
    return readString(r); // decoded into a new buffer already
  }
  return r.copy(n, "string");
}

/** A string as a key, member or field: latin1, one character per byte. */
function latin1String(r: RdbReader): string {
  const at = r.pos;
  const { special, n } = readLengthField(r, "string length");
  if (special) {
    r.pos = at;
    return readString(r).toString("latin1");
  }
  return r.latin1(n, "string");
}

/** A string holding a packed structure (listpack, ziplist...), with a reader that reports offsets inside it. */
function readBlob(r: RdbReader, what: string): RdbReader {
  const at = r.pos;
  const blob = readString(r);
  return new RdbReader(blob, (pos) => `byte ${pos} of the ${what} stored at byte ${at}`);
}

/** A value of the given RDB type; undefined for an empty collection. */
function readValue(r: RdbReader, type: number, at: number): Value | undefined {
  switch (type) {
    case TYPE.STRING:
      return { type: "string", v: ownedString(r) };
    case TYPE.LIST: {
      const items: Buffer[] = [];
      for (let n = readCount(r, "list length"); n > 0; n--) items.push(ownedString(r));
      return list(items);
    }
    case TYPE.SET: {
      const members: string[] = [];
      for (let n = readCount(r, "set size"); n > 0; n--) members.push(latin1String(r));
      return set(r, members, at);
    }
    case TYPE.ZSET:
    case TYPE.ZSET_2: {
      const scores = new Map<string, number>();
      for (let n = readCount(r, "sorted set size"); n > 0; n--) {
        const member = latin1String(r);
        const score = type === TYPE.ZSET_2 ? r.doubleLE("score") : readStringScore(r);
        addScore(r, scores, member, score, at);
      }
      return scores.size === 0 ? undefined : { type: "zset", v: { scores } };
    }
    case TYPE.HASH: {
      const pairs: Buffer[] = [];
      for (let n = readCount(r, "hash size"); n > 0; n--) pairs.push(ownedString(r), ownedString(r));
      return hash(r, pairs, at);
    }
    case TYPE.HASH_ZIPMAP:
      return hash(r, zipmapPairs(readBlob(r, "zipmap")), at);
    case TYPE.LIST_ZIPLIST:
      return list(ziplistEntries(readBlob(r, "ziplist")));
    case TYPE.SET_INTSET:
      return set(r, intsetMembers(readBlob(r, "intset")), at);
    case TYPE.SET_LISTPACK:
      return set(r, listpackEntries(readBlob(r, "listpack")).map((m) => m.toString("latin1")), at);
    case TYPE.ZSET_ZIPLIST:
      return zset(r, ziplistEntries(readBlob(r, "ziplist")), at);
    case TYPE.ZSET_LISTPACK:
      return zset(r, listpackEntries(readBlob(r, "listpack")), at);
    case TYPE.HASH_ZIPLIST:
      return hash(r, ziplistEntries(readBlob(r, "ziplist")), at);
    case TYPE.HASH_LISTPACK:
      return hash(r, listpackEntries(readBlob(r, "listpack")), at);
    case TYPE.LIST_QUICKLIST:
    case TYPE.LIST_QUICKLIST_2:
      return list(readQuicklist(r, type === TYPE.LIST_QUICKLIST_2));
    case TYPE.MODULE_PRE_GA:
    case TYPE.MODULE_2:
      return r.fail("module values are not supported", at);
    case TYPE.STREAM_LISTPACKS:
    case TYPE.STREAM_LISTPACKS_2:
    case TYPE.STREAM_LISTPACKS_3:
      return r.fail("streams are not supported", at);
    default:
      return r.fail(`unknown value type ${type}`, at);
  }
}

/** A quicklist's nodes: ziplists (version 1), or listpacks and single plain elements (version 2). */
function readQuicklist(r: RdbReader, v2: boolean): Buffer[] {
  const items: Buffer[] = [];
  for (let nodes = readCount(r, "quicklist node count"); nodes > 0; nodes--) {
    const nodeAt = r.pos;
    const container = v2 ? readLength(r, "quicklist node container") : CONTAINER.PACKED;
    if (container === CONTAINER.PLAIN) {
      items.push(ownedString(r));
      continue;
    }
    if (container !== CONTAINER.PACKED) r.fail(`unknown quicklist node container ${container}`, nodeAt);
    const at = r.pos;
    const blob = readBlob(r, v2 ? "listpack" : "ziplist");
    if (blob.buf.length === 0) r.fail("empty quicklist node", at);
    for (const item of v2 ? listpackEntries(blob) : ziplistEntries(blob)) items.push(item);
  }
  return items;
}

/** A score written as text (type ZSET, Redis < 4): a length byte, or 253/254/255 for nan/inf/-inf. */
function readStringScore(r: RdbReader): number {
  const len = r.u8("score length");
  if (len === 253) return NaN;
  if (len === 254) return Infinity;
  if (len === 255) return -Infinity;
  return parseScore(r.bytes(len, "score").toString("latin1"));
}

/** A score as Redis formats it in text ("%.17g", "inf", "-inf"); NaN if it is not a number. */
function parseScore(s: string): number {
  const t = s.toLowerCase();
  if (/^[+-]?inf(inity)?$/.test(t)) return t.startsWith("-") ? -Infinity : Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t) ? Number(t) : NaN;
}

function list(items: Buffer[]): Value | undefined {
  return items.length === 0 ? undefined : { type: "list", v: items };
}

function set(r: RdbReader, members: string[], at: number): Value | undefined {
  const v = new Set(members);
  if (v.size !== members.length) r.fail("set with duplicate members", at);
  return v.size === 0 ? undefined : { type: "set", v };
}

/** A hash from field, value, field, value... */
function hash(r: RdbReader, pairs: Buffer[], at: number): Value | undefined {
  if (pairs.length % 2 !== 0) r.fail("hash with a field without a value", at);
  const v = new Map<string, Buffer>();
  for (let i = 0; i < pairs.length; i += 2) {
    const field = pairs[i].toString("latin1");
    if (v.has(field)) r.fail("hash with duplicate fields", at);
    v.set(field, pairs[i + 1]);
  }
  return v.size === 0 ? undefined : { type: "hash", v };
}

/** A sorted set from member, score, member, score... with the scores as text. */
function zset(r: RdbReader, pairs: Buffer[], at: number): Value | undefined {
  if (pairs.length % 2 !== 0) r.fail("sorted set with a member without a score", at);
  const scores = new Map<string, number>();
  for (let i = 0; i < pairs.length; i += 2) addScore(r, scores, pairs[i].toString("latin1"), parseScore(pairs[i + 1].toString("latin1")), at);
  return scores.size === 0 ? undefined : { type: "zset", v: { scores } };
}

function addScore(r: RdbReader, scores: Map<string, number>, member: string, score: number, at: number): void {
  if (Number.isNaN(score)) r.fail("sorted set with a NaN score", at);
  if (scores.has(member)) r.fail("sorted set with duplicate members", at);
  scores.set(member, score);
}

function hex(n: bigint): string {
  return "0x" + n.toString(16).padStart(16, "0");
}
