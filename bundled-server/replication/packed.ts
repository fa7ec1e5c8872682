// The compact encodings Redis stores small collections in, as they appear inside RDB
// strings: listpack (Redis 7), ziplist (before 7), intset and zipmap (before 2.6). Each
// decoder takes a reader over exactly one blob and checks it the way Redis's deep
// integrity validation does: sizes and counts in the header, every entry inside the blob,
// the links between entries, and the end marker as the last byte.
import type { RdbReader } from "./rdb-reader.js";

/** The entries of a listpack; integers as their decimal strings (how Redis hands them out). */
export function listpackEntries(r: RdbReader): Buffer[] {
  const total = r.u32le("listpack size");
  if (total !== r.buf.length) r.fail(`listpack says it is ${total} bytes but is ${r.buf.length}`, 0);
  const count = r.u16le("listpack entry count");
  const entries: Buffer[] = [];
  for (;;) {
    const start = r.pos;
    const first = r.u8("listpack entry");
    if (first === 0xff) break;
    entries.push(listpackValue(r, first));
    // Each entry ends with its own size, reversed, for walking backwards: it must agree.
    const backlen = encodeBacklen(r.pos - start);
    if (!r.bytes(backlen.length, "listpack entry size").equals(backlen)) r.fail("listpack entry size does not match the entry", start);
  }
  if (r.remaining !== 0) r.fail("bytes after the listpack's end marker");
  // 65535 means "too many to count here".
  if (count !== 0xffff && count !== entries.length) r.fail(`listpack says it has ${count} entries but has ${entries.length}`, 4);
  return entries;
}

function listpackValue(r: RdbReader, first: number): Buffer {
  if (first < 0x80) return decimal(String(first)); // 7-bit unsigned
  if (first < 0xc0) return string(r, first & 0x3f); // 6-bit string length
  if (first < 0xe0) {
    const u = ((first & 0x1f) << 8) | r.u8("listpack 13-bit integer");
    return decimal(String(u >= 4096 ? u - 8192 : u));
  }
  if (first < 0xf0) return string(r, ((first & 0x0f) << 8) | r.u8("listpack 12-bit string length"));
  switch (first) {
    case 0xf0:
      return string(r, r.u32le("listpack 32-bit string length"));
    case 0xf1:
      return decimal(r.intLE(2, "listpack 16-bit integer"));
    case 0xf2:
      return decimal(r.intLE(3, "listpack 24-bit integer"));
    case 0xf3:
      return decimal(r.intLE(4, "listpack 32-bit integer"));
    case 0xf4:
      return decimal(r.intLE(8, "listpack 64-bit integer"));
    default:
      return r.fail(`unknown listpack encoding 0x${first.toString(16)}`, r.pos - 1);
  }
}

/** A listpack entry's trailing size field: 7 bits a byte, most significant first, all but the first byte flagged. */
function encodeBacklen(size: number): Buffer {
  const bytes = [size & 127];
  for (let rest = Math.floor(size / 128); rest > 0; rest = Math.floor(rest / 128)) bytes.unshift(rest & 127);
  for (let i = 1; i < bytes.length; i++) bytes[i] |= 128;
  return Buffer.from(bytes);
}

/** The entries of a ziplist; integers as their decimal strings. */
export function ziplistEntries(r: RdbReader): Buffer[] {
  const total = r.u32le("ziplist size");
  if (total !== r.buf.length) r.fail(`ziplist says it is ${total} bytes but is ${r.buf.length}`, 0);
  const tail = r.u32le("ziplist tail offset");
  const count = r.u16le("ziplist entry count");
  const entries: Buffer[] = [];
  let last = -1;
  let lastSize = 0;
  for (;;) {
    const start = r.pos;
    const first = r.u8("ziplist entry");
    if (first === 0xff) break;
    // Each entry starts with the previous one's size (1 byte, or 0xfe and 4 bytes): it must agree.
    const prevSize = first === 0xfe ? r.u32le("ziplist previous-entry size") : first;
    if (prevSize !== lastSize) r.fail(`ziplist entry says the one before is ${prevSize} bytes, it is ${lastSize}`, start);
    entries.push(ziplistValue(r));
    last = start;
    lastSize = r.pos - start;
  }
  if (r.remaining !== 0) r.fail("bytes after the ziplist's end marker");
  const expectedTail = last === -1 ? r.pos - 1 : last;
  if (tail !== expectedTail) r.fail(`ziplist says its last entry is at ${tail}, it is at ${expectedTail}`, 4);
  if (count !== 0xffff && count !== entries.length) r.fail(`ziplist says it has ${count} entries but has ${entries.length}`, 8);
  return entries;
}

function ziplistValue(r: RdbReader): Buffer {
  const enc = r.u8("ziplist entry encoding");
  switch (enc >> 6) {
    case 0:
      return string(r, enc & 0x3f);
    case 1:
      return string(r, ((enc & 0x3f) << 8) | r.u8("ziplist 14-bit string length"));
    case 2:
      if (enc !== 0x80) r.fail(`unknown ziplist encoding 0x${enc.toString(16)}`, r.pos - 1);
      return string(r, r.u32be("ziplist 32-bit string length"));
  }
  if (enc >= 0xf1 && enc <= 0xfd) return decimal(String((enc & 0x0f) - 1)); // 0..12 in the encoding byte
  switch (enc) {
    case 0xfe:
      return decimal(r.intLE(1, "ziplist 8-bit integer"));
    case 0xc0:
      return decimal(r.intLE(2, "ziplist 16-bit integer"));
    case 0xf0:
      return decimal(r.intLE(3, "ziplist 24-bit integer"));
    case 0xd0:
      return decimal(r.intLE(4, "ziplist 32-bit integer"));
    case 0xe0:
      return decimal(r.intLE(8, "ziplist 64-bit integer"));
    default:
      return r.fail(`unknown ziplist encoding 0x${enc.toString(16)}`, r.pos - 1);
  }
}

/** The members of an intset as decimal strings. Redis keeps them sorted and distinct, and refuses an empty one. */
export function intsetMembers(r: RdbReader): string[] {
  const width = r.u32le("intset encoding");
  if (width !== 2 && width !== 4 && width !== 8) r.fail(`unknown intset encoding ${width}`, 0);
  const count = r.u32le("intset length");
  if (count === 0) r.fail("empty intset", 4);
  if (count * width !== r.remaining) r.fail(`intset of ${count} ${width}-byte integers is ${r.remaining} bytes`, 4);
  const members: string[] = [];
  let prev: bigint | undefined;
  for (let i = 0; i < count; i++) {
    const at = r.pos;
    const v = r.intLE(width, "intset member");
    const n = BigInt(v);
    if (prev !== undefined && n <= prev) r.fail("intset members out of order", at);
    prev = n;
    members.push(v);
  }
  return members;
}

/** A zipmap (hashes of Redis < 2.6) as field, value, field, value... */
export function zipmapPairs(r: RdbReader): Buffer[] {
  r.u8("zipmap size"); // a hint only (254 = too many to count)
  const pairs: Buffer[] = [];
  for (;;) {
    const fieldLen = zipmapLength(r);
    if (fieldLen === undefined) break;
    pairs.push(string(r, fieldLen));
    const valueLen = zipmapLength(r);
    if (valueLen === undefined) r.fail("zipmap ends after a field");
    const free = r.u8("zipmap free-space size");
    pairs.push(string(r, valueLen));
    r.bytes(free, "zipmap free space");
  }
  if (r.remaining !== 0) r.fail("bytes after the zipmap's end marker");
  return pairs;
}

/** A zipmap length (1 byte, or 254 and 4 bytes), or undefined at the end marker. */
function zipmapLength(r: RdbReader): number | undefined {
  const first = r.u8("zipmap length");
  if (first === 0xff) return undefined;
  return first === 0xfe ? r.u32le("zipmap 32-bit length") : first;
}

function string(r: RdbReader, n: number): Buffer {
  return r.copy(n, "string");
}

function decimal(s: string): Buffer {
  return Buffer.from(s, "latin1");
}
