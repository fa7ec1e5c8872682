// Keyspace commands called directly (replies and propagation as redis-server 7.0.15 gives them).
import assert from "node:assert/strict";
import fc from "fast-check";
import { scanStep } from "../../bundled-server/commands/keys.js";
import { stringMatch } from "../../bundled-server/glob.js";
import { check, fake } from "./commands-context.test.js";

const b = (s: string) => Buffer.from(s, "latin1");

describe("commands: keys", () => {
  it("DEL, UNLINK, EXISTS, TYPE", () => {
    const f = fake();
    check(f, [
      ["DEL nokey", 0, []],
      ["MSET a 1 b 2", "+OK"],
      ["DEL a a b nokey", 2, [["DEL", "a", "a", "b", "nokey"]]],
      ["SET c 1", "+OK"],
      ["UNLINK c nokey", 1, [["UNLINK", "c", "nokey"]]],
      ["UNLINK c", 0, []],
      ["SET q 1", "+OK"],
      ["EXISTS q q nokey q", 3],
      ["RPUSH li a", 1],
      ["SADD se a", 1],
      ["HSET ha f v", 1],
      ["ZADD zs 1 a", 1],
      ["TYPE q", "+string"],
      ["TYPE li", "+list"],
      ["TYPE se", "+set"],
      ["TYPE ha", "+hash"],
      ["TYPE zs", "+zset"],
      ["TYPE nokey", "+none"],
      ["DBSIZE", 5],
    ]);
  });

  it("EXPIRE family: options and their errors", () => {
    const f = fake();
    check(f, [
      ["SET k v", "+OK"],
      ["EXPIRE k 10 nx xx", "-ERR NX and XX, GT or LT options at the same time are not compatible", []],
      ["EXPIRE k 10 nx gt", "-ERR NX and XX, GT or LT options at the same time are not compatible"],
      ["EXPIRE k 10 gt lt", "-ERR GT and LT options at the same time are not compatible"],
      ["EXPIRE k 10 foo", "-ERR Unsupported option foo"],
      [["EXPIRE", "k", "10", "f\x00oo"], "-ERR Unsupported option f"],
      [["EXPIRE", "k", "10", "x\r\ny"], "-ERR Unsupported option x  y"],
      ["EXPIRE k abc foo", "-ERR Unsupported option foo"], // options are checked first
      ["EXPIRE k abc", "-ERR value is not an integer or out of range"],
      ["EXPIRE k 9223372036854776", "-ERR invalid expire time in 'expire' command"],
      ["EXPIRE k 9223372036854775", "-ERR invalid expire time in 'expire' command"], // + now overflows
      ["EXPIRE k -9223372036854776", "-ERR invalid expire time in 'expire' command"],
      ["PEXPIRE k 9223372036854775807", "-ERR invalid expire time in 'pexpire' command"],
      ["EXPIREAT k 9223372036854776", "-ERR invalid expire time in 'expireat' command"],
      ["EXPIRE k 10 xx", 0, []],
      ["EXPIRE k 10 gt", 0], // no TTL counts as infinite: never greater
      ["EXPIRE k 100 lt", 1],
      ["EXPIRE k 50 gt", 0],
      ["EXPIRE k 200 gt", 1],
      ["EXPIRE k 300 nx", 0],
      ["EXPIRE k 300 xx", 1],
      ["EXPIRE k 10 NX", 0],
      ["EXPIRE nokey 10", 0, []],
    ]);
  });

  it("EXPIRE family: propagated as PEXPIREAT <abs ms> (options kept) or DEL when in the past", () => {
    const f = fake({ now: 1_000_000 });
    check(f, [
      ["SET b v", "+OK"],
      ["EXPIRE b 100 xx", 0, []],
      ["EXPIRE b 100", 1, [["PEXPIREAT", "b", "1100000"]]],
      ["EXPIRE b 200 xx", 1, [["PEXPIREAT", "b", "1200000", "xx"]]],
      ["PEXPIRE b 5000 LT", 1, [["PEXPIREAT", "b", "1005000", "LT"]]],
      ["EXPIREAT b 99999", 1, [["PEXPIREAT", "b", "99999000"]]],
      ["pexpireat b 99999999", 1, [["pexpireat", "b", "99999999"]]],
      ["PTTL b", 98999999],
      ["TTL b", 99000],
      ["PEXPIRE b -1", 1, [["DEL", "b"]]],
      ["EXISTS b", 0],
      ["SET x 1", "+OK"],
      ["EXPIRE x 0", 1, [["DEL", "x"]]],
      ["SET y 1", "+OK"],
      ["PEXPIREAT y 1000000", 1, [["DEL", "y"]]], // at now: already expired
      ["SET z 1", "+OK"],
      ["EXPIRE z -9223372036854775", 1, [["DEL", "z"]]],
    ]);
  });

  it("TTL and PTTL: -2 missing, -1 no expiry, rounding like Redis", () => {
    const f = fake({ now: 0 });
    check(f, [
      ["TTL nokey", -2],
      ["PTTL nokey", -2],
      ["SET k v", "+OK"],
      ["TTL k", -1],
      ["PTTL k", -1],
      ["PEXPIRE k 199500", 1],
      ["TTL k", 200], // (ttl + 500) / 1000
      ["PEXPIRE k 199499", 1],
      ["TTL k", 199],
      ["PEXPIREAT k 9223372036854775807", 1],
      ["PTTL k", 9223372036854775807n],
    ]);
    f.now = 10_000_000;
    check(f, [["PTTL k", 9223372036844775807n]]);
  });

  it("expired keys are gone for every command", () => {
    const f = fake({ now: 1000 });
    check(f, [
      ["SET k v px 100", "+OK"],
      ["EXISTS k", 1],
    ]);
    f.now = 1100;
    check(f, [
      ["EXISTS k", 0, [["DEL", "k"]]], // the lazy expiry's DEL, from the keyspace
      ["TTL k", -2],
      ["EXPIRE k 10", 0],
    ]);
  });

  it("PERSIST", () => {
    const f = fake();
    check(f, [
      ["PERSIST nokey", 0, []],
      ["SET p v", "+OK"],
      ["PERSIST p", 0, []],
      ["EXPIRE p 10", 1],
      ["PERSIST p", 1, [["PERSIST", "p"]]],
      ["TTL p", -1],
    ]);
  });

  it("RENAME keeps the value and the TTL; no such key; same key", () => {
    const f = fake();
    check(f, [
      ["RENAME nok x", "-ERR no such key", []],
      ["RENAME nok nok", "-ERR no such key"],
      ["SET p v ex 100", "+OK"],
      ["RENAME p p", "+OK", []],
      ["SET q other", "+OK"],
      ["RENAME p q", "+OK", [["RENAME", "p", "q"]]],
      ["GET q", "v"],
      ["TTL q", 100],
      ["EXISTS p", 0],
      ["RPUSH l a", 1],
    ]);
    f.signalled.length = 0;
    check(f, [["RENAME l l2", "+OK"]]);
    assert.deepEqual(f.signalled, ["l2"]); // a list arriving under a key wakes BLPOP clients
  });

  it("FLUSHDB and FLUSHALL: ASYNC / SYNC, always propagated", () => {
    const f = fake();
    check(f, [
      ["FLUSHDB", "+OK", [["FLUSHDB"]]],
      ["SET a 1", "+OK"],
      ["FLUSHDB async", "+OK", [["FLUSHDB", "async"]]],
      ["DBSIZE", 0],
      ["FLUSHDB SYNC", "+OK"],
      ["FLUSHDB foo", "-ERR syntax error", []],
      ["FLUSHDB async sync", "-ERR syntax error"],
      ["FLUSHALL x", "-ERR syntax error"],
      ["SET a 1", "+OK"],
    ]);
    f.db = 3;
    check(f, [
      ["SET b 1", "+OK"],
      ["FLUSHALL ASYNC", "+OK", [["FLUSHALL", "ASYNC"]]],
      ["DBSIZE", 0],
    ]);
    f.db = 0;
    check(f, [["DBSIZE", 0]]);
  });

  it("RANDOMKEY", () => {
    const f = fake();
    check(f, [["RANDOMKEY", "(nil)"]]);
    f.run("MSET", "a", "1", "b", "2", "c", "3");
    for (let i = 0; i < 20; i++) assert.ok(["a", "b", "c"].includes(f.run("RANDOMKEY") as string));
    f.run("PEXPIRE", "a", "10");
    f.run("PEXPIRE", "b", "10");
    f.now += 10;
    for (let i = 0; i < 5; i++) assert.equal(f.run("RANDOMKEY"), "c");
  });

  it("KEYS with glob patterns", () => {
    const f = fake();
    for (const k of ["hello", "hallo", "hxllo", "hllo", "heeeello", "h[llo", "h*llo", "", "\xe9", "a-b"]) f.run("SET", k, "1");
    const keys = (p: string) => (f.run("KEYS", p) as string[]).sort();
    assert.deepEqual(keys("h?llo"), ["h*llo", "h[llo", "hallo", "hello", "hxllo"]);
    assert.deepEqual(keys("h[ae]llo"), ["hallo", "hello"]);
    assert.deepEqual(keys("h[^e]llo"), ["h*llo", "h[llo", "hallo", "hxllo"]);
    assert.deepEqual(keys("h[a-b]llo"), ["hallo"]);
    assert.deepEqual(keys("h[b-a]llo"), ["hallo"]);
    assert.deepEqual(keys("h\\[llo"), ["h[llo"]);
    assert.deepEqual(keys("*").length, 10); // "*" alone matches the empty key too
    assert.deepEqual(keys("**").length, 9); // ... which stringmatchlen itself never matches
    assert.deepEqual(keys(""), [""]);
    // Ranges compare signed chars, as on x86: [a-\xff] is [-1, 97], which leaves out \xe9 (-23).
    assert.deepEqual(keys("[a-\xff]"), []);
    assert.deepEqual(keys("[\x80-\xff]"), ["\xe9"]);
    assert.deepEqual(keys("[\xff-\x80]"), ["\xe9"]);
  });

  it("stringMatch agrees with Redis's stringmatchlen on tricky patterns", () => {
    const cases: Array<[string, string, boolean]> = [
      ["*", "", false],
      ["a*", "a", true],
      ["*a", "", false],
      ["[", "[", false],
      ["[^", "x", true],
      ["h[", "hx", false],
      ["h[\\", "h\\", true],
      ["*llo\\", "hello", false],
      ["[]]", "]", false],
      ["[a\\-b]", "-", true],
      ["a[-]b", "a-b", true],
      ["a[-x]b", "a-b", true],
      ["h[a-]llo", "hallo", false],
      ["??*", "ab", true],
      ["*?", "", false],
      ["a\\", "a\\", true], // a trailing backslash matches itself
      ["a\\", "a", false],
      ["\\*", "*", true],
      ["\\*", "x", false],
      ["a*b*c", "aXbYc", true],
      ["a*b*c", "aXbY", false],
    ];
    for (const [p, s, want] of cases) assert.equal(stringMatch(b(p), b(s)), want, `${JSON.stringify(p)} ~ ${JSON.stringify(s)}`);
  });

  it("SCAN: options, errors, cursor parsing", () => {
    const f = fake();
    check(f, [
      ["SCAN 0", ["0", []]],
      [["SCAN", ""], ["0", []]],
      ["SCAN 0 count 0", "-ERR syntax error"],
      ["SCAN 0 count -1", "-ERR syntax error"],
      ["SCAN 0 count x", "-ERR value is not an integer or out of range"],
      ["SCAN abc", "-ERR invalid cursor"],
      [["SCAN", " 0"], "-ERR invalid cursor"],
      ["SCAN 18446744073709551616", "-ERR invalid cursor"],
      ["SCAN 18446744073709551615", ["0", []]],
      ["SCAN -1", ["0", []]],
      ["SCAN 0 match", "-ERR syntax error"],
      ["SCAN 0 type", "-ERR syntax error"],
      ["SCAN 0 foo bar", "-ERR syntax error"],
      ["SCAN 0 type foo", ["0", []]],
    ]);
    f.run("SET", "s1", "v");
    f.run("RPUSH", "l1", "v");
    f.run("HSET", "h1", "f", "v");
    check(f, [
      ["SCAN 0 TYPE list", ["0", ["l1"]]],
      ["SCAN 0 type HASH", ["0", ["h1"]]],
      ["SCAN 0 MATCH s*", ["0", ["s1"]]],
      ["SCAN 0 MATCH x*", ["0", []]],
    ]);
    // COUNT 1: one key per call, then the cursor comes back to 0.
    const [cursor, keys] = f.run("SCAN", "0", "COUNT", "1") as [string, string[]];
    assert.notEqual(cursor, "0");
    assert.equal(keys.length, 1);
  });

  it("SCAN walks every key exactly once, in about N / COUNT calls", () => {
    const f = fake();
    for (let i = 0; i < 1000; i++) f.run("SET", `key:${i}`, "v");
    for (const count of [1, 7, 10, 100, 5000]) {
      const seen: string[] = [];
      let cursor = "0";
      let calls = 0;
      do {
        const [next, keys] = f.run("SCAN", cursor, "COUNT", String(count)) as [string, string[]];
        seen.push(...keys);
        cursor = next;
        calls++;
      } while (cursor !== "0");
      assert.equal(seen.length, 1000, `count ${count}`);
      assert.equal(new Set(seen).size, 1000);
      assert.ok(calls >= Math.ceil(1000 / count) && calls <= Math.ceil(1000 / count) + 1, `count ${count}: ${calls} calls`);
    }
  });

  it("SCAN returns every key present for the whole scan, whatever changes meanwhile", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 6 }), { maxLength: 60 }),
        fc.array(fc.tuple(fc.boolean(), fc.string({ maxLength: 6 })), { maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        (initial, changes, count) => {
          const f = fake();
          for (const k of initial) f.run("SET", k, "v");
          const steady = new Set(initial.filter((k) => !changes.some(([, c]) => c === k)));
          const seen = new Set<string>();
          let cursor = "0";
          let i = 0;
          do {
            const [next, keys] = f.run("SCAN", cursor, "COUNT", String(count)) as [string, string[]];
            for (const k of keys) seen.add(k);
            cursor = next;
            // a few changes between calls
            for (let j = 0; j < 3 && i < changes.length; j++, i++) {
              const [add, key] = changes[i];
              if (add) f.run("SET", key, "v");
              else f.run("DEL", key);
            }
          } while (cursor !== "0");
          for (const k of steady) assert.ok(seen.has(k), `missed ${JSON.stringify(k)}`);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("scanStep never splits keys of the same hash", () => {
    const f = fake();
    for (let i = 0; i < 50; i++) f.run("SET", `k${i}`, "v");
    const { keys, next } = scanStep(f.keyspace.dbs[0], 0n, 5);
    assert.ok(keys.length >= 5);
    assert.ok(next > 0n);
  });
});
