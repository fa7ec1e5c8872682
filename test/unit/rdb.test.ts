// RDB snapshots: CRC64 and LZF, encode -> decode round trips of random keyspaces, the
// compact encodings Redis writes, and garbage, which must fail with an RdbError that says
// where, never another exception or a hang.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Keyspace } from "../../bundled-server/keyspace.js";
import { crc64 } from "../../bundled-server/replication/crc64.js";
import { LzfError, lzfDecompress } from "../../bundled-server/replication/lzf.js";
import { RdbError, decodeRdb, encodeRdb } from "../../bundled-server/replication/rdb.js";
import { RdbBuilder, compactFixture, intset, keyspaceItemsArb, keyspaceOf, listpack, liveEntries, lzfCompress, ziplist } from "../support/rdb-fixtures.js";

const NOW = 1_700_000_000_000;

/** CRC-64/Jones a bit at a time: the definition, to check the table-driven one against. */
function crc64Reference(data: Uint8Array): bigint {
  let crc = 0n;
  for (const byte of data) {
    crc ^= BigInt(byte);
    for (let i = 0; i < 8; i++) crc = crc & 1n ? (crc >> 1n) ^ 0x95ac9329ac4bc9b5n : crc >> 1n;
  }
  return crc;
}

function throwsRdbError(data: Buffer, message?: RegExp): void {
  assert.throws(
    () => decodeRdb(data),
    (e) => e instanceof RdbError && (message === undefined || message.test(e.message)),
  );
}

/** Decodes, or throws RdbError; anything else fails the test. */
function decodesOrRdbError(data: Buffer): void {
  try {
    decodeRdb(data);
  } catch (e) {
    if (!(e instanceof RdbError)) throw e;
  }
}

describe("crc64", () => {
  it("has CRC-64/Jones's check value", () => {
    assert.equal(crc64(Buffer.from("123456789")), 0xe9c6d914c4b8d9can);
    assert.equal(crc64(Buffer.alloc(0)), 0n);
  });

  it("agrees with the bit-at-a-time definition, at once and in pieces", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.nat(), (data, cut) => {
        const at = cut % (data.length + 1);
        const expected = crc64Reference(data);
        assert.equal(crc64(data), expected);
        assert.equal(crc64(data.subarray(at), crc64(data.subarray(0, at))), expected);
      }),
    );
  });
});

describe("lzf", () => {
  it("expands literal runs and overlapping back references", () => {
    // 'a', then 9 bytes copied from 1 back (the copy reads what it writes).
    assert.equal(lzfDecompress(Buffer.from([0x00, 0x61, 0xe0, 0x00, 0x00]), 10).toString(), "a".repeat(10));
    assert.equal(lzfDecompress(Buffer.from([0x02, 0x61, 0x62, 0x63, 0x20, 0x02]), 6).toString(), "abcabc");
  });

  it("gives back what a compressor packed", () => {
    const textish = fc.array(fc.constantFrom(..."abc \x00\xff"), { maxLength: 600 }).map((a) => Buffer.from(a.join(""), "latin1"));
    fc.assert(
      fc.property(fc.oneof(textish, fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a))), (data) => {
        assert.deepEqual(lzfDecompress(lzfCompress(data), data.length), data);
      }),
      { numRuns: 200 },
    );
  });

  it("refuses corrupt input", () => {
    const cases: Array<[number[], number]> = [
      [[0x05, 0x61], 6], // literal run cut off
      [[0x00, 0x61], 2], // output shorter than said
      [[0x01, 0x61, 0x62], 1], // output longer than said
      [[0x00, 0x61, 0x20, 0x05], 4], // reference before the start
      [[0x00, 0x61, 0xe0], 10], // reference cut off
      [[0x00], 1 << 20], // cannot expand that far: refused before allocating
    ];
    for (const [input, length] of cases) assert.throws(() => lzfDecompress(Buffer.from(input), length), LzfError);
  });
});

describe("rdb encode / decode", () => {
  it("round-trips random keyspaces: every type, binary names, expiry, several databases", () => {
    fc.assert(
      fc.property(keyspaceItemsArb, (items) => {
        const ks = keyspaceOf(items, NOW);
        assert.deepStrictEqual(decodeRdb(encodeRdb(ks, NOW)).entries, liveEntries(ks, NOW));
      }),
      { numRuns: 150 },
    );
  });

  it("writes Redis 7.0's header and aux fields, with the replication ones when given", () => {
    const ks = new Keyspace();
    const plain = encodeRdb(ks, NOW);
    assert.equal(plain.subarray(0, 9).toString(), "REDIS0010");
    const { entries, aux } = decodeRdb(plain);
    assert.deepEqual(entries, []);
    assert.deepEqual([...aux.keys()], ["redis-ver", "redis-bits", "ctime", "used-mem", "aof-base"]);
    assert.equal(aux.get("redis-ver"), "7.0.15");
    assert.equal(aux.get("ctime"), String(NOW / 1000));

    const synced = decodeRdb(encodeRdb(ks, NOW, { replId: "a".repeat(40), replOffset: 1234 })).aux;
    assert.equal(synced.get("repl-id"), "a".repeat(40));
    assert.equal(synced.get("repl-offset"), "1234");
    assert.equal(synced.get("repl-stream-db"), "0");
  });

  it("leaves out expired keys and empty collections, and leaves the keyspace alone", () => {
    const expired: string[] = [];
    const ks = new Keyspace((_db, key) => expired.push(key));
    ks.dbs[0].set("gone", { type: "string", v: Buffer.from("x") }, { expireAt: NOW });
    ks.dbs[0].set("empty", { type: "list", v: [] });
    ks.dbs[0].set("kept", { type: "string", v: Buffer.from("y") }, { expireAt: NOW + 1 });
    assert.deepEqual(
      decodeRdb(encodeRdb(ks, NOW)).entries.map((e) => e.key),
      ["kept"],
    );
    assert.equal(ks.dbs[0].size, 3);
    assert.deepEqual(expired, []);
  });
});

describe("rdb decoding of what Redis writes", () => {
  it("reads every compact and legacy encoding", () => {
    const { file, expected } = compactFixture(NOW);
    const { entries, aux } = decodeRdb(file);
    assert.deepStrictEqual(entries, expected);
    assert.equal(aux.get("fixture"), "yes");
  });

  it("reads 7.2's set listpack, older versions, and files without a checksum", () => {
    const members = ["a", 1n, -70000n, "\x00\xff"];
    const file = new RdbBuilder(10).key(20, "s").str(listpack(members)).finish(false);
    assert.deepStrictEqual(decodeRdb(file).entries, [{ db: 0, key: "s", value: { type: "set", v: new Set(["a", "1", "-70000", "\x00\xff"]) } }]);
    // Before version 5 there is no checksum after EOF.
    const v4 = new RdbBuilder(4).key(0, "k").str("v").finish();
    assert.equal(decodeRdb(v4.subarray(0, v4.length - 8)).entries[0].key, "k");
  });

  it("skips empty collections, as Redis does", () => {
    const file = new RdbBuilder().key(1, "l").len(0).key(10, "z").str(ziplist([])).key(18, "q").len(1).len(2).str(listpack([])).key(0, "s").str("v").finish();
    assert.deepEqual(
      decodeRdb(file).entries.map((e) => e.key),
      ["s"],
    );
  });

  it("refuses what it cannot hold or trust, saying what and where", () => {
    const cases: Array<[Buffer, RegExp]> = [
      [Buffer.from("REDIS0011\xff", "latin1"), /version 11 is newer .* at byte 5/],
      [Buffer.from("RDB"), /RDB header needs 9 bytes/],
      [Buffer.from("HELLO0010"), /not an RDB file/],
      [new RdbBuilder().bytes(247).finish(), /MODULE_AUX.* at byte 9/],
      [new RdbBuilder().bytes(246).finish(), /functions .* not supported/],
      [new RdbBuilder().key(15, "s").len(0).finish(), /streams are not supported at byte 9/],
      [new RdbBuilder().key(7, "m").finish(), /module values/],
      [new RdbBuilder().key(8, "x").finish(), /unknown value type 8/],
      [new RdbBuilder().bytes(254).len(16).finish(), /database 16/],
      [Buffer.concat([new RdbBuilder().finish(), Buffer.from("x")]), /trailing bytes after the end of the RDB \(1\) at byte 18/],
      [new RdbBuilder().key(0, "k").bytes(0x80, Buffer.from([0xff, 0xff, 0xff, 0xff])).finish(), /string needs 4294967295 bytes/],
      [new RdbBuilder().key(1, "k").len(2 ** 40, 64).finish(), /list length of 1099511627776/],
      [new RdbBuilder().key(0, "k").bytes(0xc3).len(1).len(2 ** 30).bytes(0).finish(), /corrupt compressed string .* at byte 12/],
      [new RdbBuilder().key(0, "k").bytes(0xc4).finish(), /unknown string encoding 4/],
      [new RdbBuilder().key(2, "s").len(2).str("a").str("a").finish(), /duplicate members/],
      [new RdbBuilder().key(5, "z").len(1).str("a").bytes(Buffer.from([0, 0, 0, 0, 0, 0, 0xf8, 0x7f])).finish(), /NaN score/],
      [new RdbBuilder().key(18, "q").len(1).len(3).str("x").finish(), /unknown quicklist node container 3 at byte 13/],
      [new RdbBuilder().key(11, "i").str(intset([2n, 1n], 2)).finish(), /out of order at byte 10 of the intset stored at byte 12/],
      [new RdbBuilder().key(16, "h").str(listpack(["f"])).finish(), /field without a value/],
      [new RdbBuilder().key(16, "h").str(Buffer.concat([listpack(["f", "v"]), Buffer.from([0])])).finish(), /listpack says it is 13 bytes but is 14 at byte 0 of the listpack stored at byte 12/],
      [new RdbBuilder().key(10, "l").str(Buffer.from(ziplist(["a", "b"]).fill(9, 13, 14))).finish(), /ziplist entry says the one before is 9 bytes, it is 3/],
    ];
    for (const [file, message] of cases) throwsRdbError(file, message);

    const good = new RdbBuilder().key(0, "k").str("v").finish();
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 1;
    throwsRdbError(bad, /checksum mismatch: the file says 0x[0-9a-f]{16}, its content has 0x[0-9a-f]{16} at byte 15/);
  });
});

describe("rdb decoding of garbage", () => {
  const sample = encodeRdb(keyspaceOf(fc.sample(keyspaceItemsArb, { numRuns: 1, seed: 7 })[0], NOW), NOW);
  const seeds = [sample, compactFixture(NOW).file];
  const seedArb = fc.constantFrom(...seeds);

  it("refuses random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (data) => throwsRdbError(Buffer.from(data))));
    // Past the header, random bytes could only decode by forming a valid file by chance.
    fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (data) => decodesOrRdbError(Buffer.concat([Buffer.from("REDIS0010"), data]))));
  });

  it("refuses every truncation", () => {
    fc.assert(fc.property(seedArb, fc.nat(), (file, cut) => throwsRdbError(file.subarray(0, cut % file.length))));
  });

  it("refuses any flipped bit (the checksum catches what the structure does not)", () => {
    fc.assert(
      fc.property(seedArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (file, at, bit) => {
        const bad = Buffer.from(file);
        bad[at % bad.length] ^= 1 << bit;
        throwsRdbError(bad);
      }),
    );
  });

  it("decodes or refuses corrupted files without a checksum, compact encodings included", () => {
    const unchecked = seeds.map((f) => Buffer.concat([f.subarray(0, f.length - 8), Buffer.alloc(8)]));
    fc.assert(
      fc.property(fc.constantFrom(...unchecked), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (file, edits) => {
        const bad = Buffer.from(file);
        for (const [at, byte] of edits) bad[9 + (at % (bad.length - 17))] = byte; // not the header or the zero checksum
        decodesOrRdbError(bad);
      }),
      { numRuns: 2000 },
    );
  });
});
