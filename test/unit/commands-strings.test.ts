// String commands called directly (replies and propagation as redis-server 7.0.15 gives them).
import assert from "node:assert/strict";
import { check, fake } from "./commands-context.test.js";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_INT = "-ERR value is not an integer or out of range";
const SYNTAX = "-ERR syntax error";
const BAD_EXPIRE = "-ERR invalid expire time in 'set' command";

describe("commands: strings", () => {
  it("GET and SET", () => {
    const f = fake();
    check(f, [
      ["GET k", "(nil)", []],
      ["SET k v", "+OK", [["SET", "k", "v"]]],
      ["GET k", "v", []],
      ["set k v2", "+OK", [["set", "k", "v2"]]],
      ["GET k", "v2"],
      ["RPUSH l a", 1],
      ["GET l", WRONGTYPE],
      ["SET l v", "+OK"],
      ["GET l", "v"],
    ]);
  });

  it("SET option conflicts and errors, in Redis's order", () => {
    const f = fake();
    check(f, [
      ["SET k v nx xx", SYNTAX, []],
      ["SET k v xx nx", SYNTAX],
      ["SET k v ex 10 px 10", SYNTAX],
      ["SET k v keepttl ex 1", SYNTAX],
      ["SET k v ex 10 keepttl", SYNTAX],
      ["SET k v ex", SYNTAX],
      ["SET k v foo", SYNTAX],
      ["SET k v persist", SYNTAX],
      ["SET k v n", SYNTAX],
      ["SET k v ex abc", NOT_INT],
      ["SET k v ex 0", BAD_EXPIRE],
      ["SET k v ex -1", BAD_EXPIRE],
      ["SET k v px 0", BAD_EXPIRE],
      ["SET k v exat 0", BAD_EXPIRE],
      ["SET k v ex 9223372036854775", BAD_EXPIRE], // * 1000 + now overflows
      ["SET k v ex 9223372036854776", BAD_EXPIRE],
      ["SET k v px 9223372036854775807", BAD_EXPIRE],
      ["GET k", "(nil)"],
      ["SET k v ex 10 ex 20", "+OK"], // a repeated option: the last wins
      ["TTL k", 20],
      [["SET", "k", "v", "nx\x00junk"], "(nil)"], // options are C strings
      ["RPUSH l a", 1],
      ["SET l v get", WRONGTYPE, []],
      ["SET l v get ex 0", BAD_EXPIRE], // the expire time is checked before GET
    ]);
  });

  it("SET expiry: EX/PX/EXAT/PXAT propagate as SET key value PXAT <abs ms>", () => {
    const f = fake({ now: 1_000_000 });
    check(f, [
      ["SET a 1 ex 100", "+OK", [["SET", "a", "1", "PXAT", "1100000"]]],
      ["PTTL a", 100000],
      ["SET b 1 px 500 nx", "+OK", [["SET", "b", "1", "PXAT", "1000500"]]],
      ["SET c 1 exat 2000", "+OK", [["SET", "c", "1", "PXAT", "2000000"]]],
      ["SET d 4 pxat 99999999999999 get nx", "(nil)", [["SET", "d", "4", "PXAT", "99999999999999"]]],
      ["SET e 1 pxat 1", "+OK", [["SET", "e", "1", "PXAT", "1"]]],
      ["GET e", "(nil)"], // already expired
      ["SET f v pxat 9223372036854775807", "+OK"],
      ["PTTL f", 9223372036853775807n], // exact beyond 2^53
      ["TTL f", 9223372036853776n],
    ]);
  });

  it("SET GET, NX, XX, KEEPTTL and their propagation", () => {
    const f = fake({ now: 5000 });
    check(f, [
      ["SET c 1 get", "(nil)", [["SET", "c", "1"]]],
      ["SET c 2 GET get", "1", [["SET", "c", "2"]]],
      ["SET c 3 nx get", "2", []],
      ["SET c 3 nx", "(nil)", []],
      ["SET n 1 xx", "(nil)", []],
      ["SET n 1 xx get", "(nil)", []],
      ["EXPIRE c 100", 1],
      ["SET c 4 get keepttl", "2", [["SET", "c", "4", "keepttl"]]],
      ["TTL c", 100],
      ["SET c 5 xx", "+OK", [["SET", "c", "5", "xx"]]],
      ["TTL c", -1],
      ["SET newk v nx get", "(nil)"],
      ["GET newk", "v"],
    ]);
  });

  it("RESP3 nulls", () => {
    const f = fake({ resp: 3 });
    check(f, [
      ["GET nokey", "(nil)"],
      ["MGET nokey", ["(nil)"]],
      ["GETDEL nokey", "(nil)"],
    ]);
  });

  it("MGET, MSET, SETNX", () => {
    const f = fake();
    check(f, [
      ["MSET a 1 b", "-ERR wrong number of arguments for 'mset' command", []],
      ["MSET a 1 b 2 a 3", "+OK", [["MSET", "a", "1", "b", "2", "a", "3"]]],
      ["RPUSH l x", 1],
      ["MGET a b l nokey", ["3", "2", "(nil)", "(nil)"]],
      ["SETNX a 9", 0, []],
      ["SETNX z 9", 1, [["SETNX", "z", "9"]]],
      ["SETNX l 9", 0],
    ]);
  });

  it("MSET drops TTLs", () => {
    const f = fake();
    check(f, [
      ["SET a 1 ex 100", "+OK"],
      ["MSET a 2", "+OK"],
      ["TTL a", -1],
    ]);
  });

  it("GETSET (replicated as SET) and GETDEL (replicated as DEL)", () => {
    const f = fake();
    check(f, [
      ["GETSET a 1", "(nil)", [["SET", "a", "1"]]],
      ["EXPIRE a 100", 1],
      ["GETSET a 2", "1", [["SET", "a", "2"]]],
      ["TTL a", -1],
      ["GETDEL a", "2", [["DEL", "a"]]],
      ["GETDEL a", "(nil)", []],
      ["RPUSH l x", 1],
      ["GETSET l x", WRONGTYPE, []],
      ["GETDEL l", WRONGTYPE, []],
    ]);
  });

  it("INCR family: errors, overflow, TTL kept", () => {
    const f = fake();
    check(f, [
      ["INCR n", 1, [["INCR", "n"]]],
      ["INCRBY n 10", 11, [["INCRBY", "n", "10"]]],
      ["INCRBY n 0", 11, [["INCRBY", "n", "0"]]],
      ["DECR n", 10],
      ["DECRBY n 20", -10],
      ["INCRBY n abc", NOT_INT, []],
      ["INCRBY n +1", NOT_INT],
      ["INCRBY n -0", NOT_INT],
      ["INCRBY n 00", NOT_INT],
      ["INCRBY n 99999999999999999999", NOT_INT],
      ["SET s abc", "+OK"],
      ["INCR s", NOT_INT, []],
      ["SET s 01", "+OK"],
      ["INCR s", NOT_INT],
      ["SET s 1.5", "+OK"],
      ["INCR s", NOT_INT],
      ["SET s 9223372036854775807", "+OK"],
      ["INCR s", "-ERR increment or decrement would overflow", []],
      ["DECRBY s -9223372036854775808", "-ERR decrement would overflow"],
      ["DECRBY s 9223372036854775807", 0],
      ["SET s -9223372036854775808", "+OK"],
      ["DECR s", "-ERR increment or decrement would overflow"],
      ["INCRBY s -1", "-ERR increment or decrement would overflow"],
      ["INCRBY s 9223372036854775807", -1],
      ["RPUSH l a", 1],
      ["INCR l", WRONGTYPE],
      ["SET t 5 ex 100", "+OK"],
      ["INCR t", 6],
      ["TTL t", 100],
    ]);
    check(f, [
      ["SET big 9223372036854775806", "+OK"],
      ["INCR big", 9223372036854775807n],
    ]);
  });

  it("APPEND and STRLEN", () => {
    const f = fake();
    check(f, [
      ["APPEND s hello", 5, [["APPEND", "s", "hello"]]],
      [["APPEND", "s", ""], 5, [["APPEND", "s", ""]]],
      ["APPEND s !", 6],
      ["GET s", "hello!"],
      ["STRLEN s", 6],
      ["STRLEN nokey", 0],
      ["RPUSH l a", 1],
      ["APPEND l x", WRONGTYPE],
      ["STRLEN l", WRONGTYPE],
      ["SET t ab ex 100", "+OK"],
      ["APPEND t c", 3],
      ["TTL t", 100],
    ]);
  });

  it("APPEND refuses to grow past proto-max-bulk-len", () => {
    const f = fake({ config: { "proto-max-bulk-len": "10" } });
    check(f, [
      ["SET s 123456", "+OK"],
      ["APPEND s 7890", 10],
      ["APPEND s x", "-ERR string exceeds maximum allowed size (proto-max-bulk-len)", []],
    ]);
  });

  it("stored values are copies of the request's buffers", () => {
    const f = fake();
    const value = Buffer.from("abc");
    assert.equal(f.run("SET", "k", value), "+OK");
    value[0] = 0x78;
    assert.equal(f.run("GET", "k"), "abc");
  });
});
