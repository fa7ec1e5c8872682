// Sorted set commands called directly (replies and propagation as redis-server 7.0.15 gives them).
import assert from "node:assert/strict";
import { check, fake } from "./commands-context.test.js";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";
const SYNTAX = "-ERR syntax error";
const NOT_FLOAT = "-ERR value is not a valid float";
const NOT_INT = "-ERR value is not an integer or out of range";
const RANGE_NOT_FLOAT = "-ERR min or max is not a float";
const d = (n: number) => ({ double: n });

describe("commands: sorted sets", () => {
  it("ZADD option errors, in Redis's order", () => {
    const f = fake();
    check(f, [
      ["ZADD z nx xx", SYNTAX, []], // all options, no pairs
      ["ZADD z 1 a 2", SYNTAX],
      ["ZADD z nx xx 1 a", "-ERR XX and NX options at the same time are not compatible"],
      ["ZADD z gt lt 1 a", "-ERR GT, LT, and/or NX options at the same time are not compatible"],
      ["ZADD z nx gt 1 a", "-ERR GT, LT, and/or NX options at the same time are not compatible"],
      ["ZADD z incr 1 a 2 b", "-ERR INCR option supports a single increment-element pair"],
      ["ZADD z incr nx 1 a 2 b", "-ERR INCR option supports a single increment-element pair"],
      ["ZADD z x a", NOT_FLOAT],
      ["ZADD z nan a", NOT_FLOAT],
      ["ZADD z 1 a x b", NOT_FLOAT], // every score is parsed before anything is added
      ["ZADD z 1e400 a", NOT_FLOAT],
      ["ZADD z 1e-400 a", NOT_FLOAT],
      [["ZADD", "z", " 1", "a"], NOT_FLOAT],
      [["ZADD", "z", "", "a"], NOT_FLOAT],
      ["EXISTS z", 0],
      ["ZADD z xx gt 1 a", 0, []],
      ["EXISTS z", 0],
      ["SET s x", "+OK"],
      ["ZADD s 1 a", WRONGTYPE],
      ["ZADD s x a", NOT_FLOAT], // scores first
    ]);
  });

  it("ZADD scores as strtod reads them", () => {
    const f = fake();
    check(f, [
      ["ZADD z inf a -inf b +inf c 0x10 d infinity e Inf f 0x1.8p1 g 1. h .5 i -.5e1 j", 10],
      ["ZRANGE z 0 -1 WITHSCORES", ["b", d(-Infinity), "j", d(-5), "i", d(0.5), "h", d(1), "g", d(3), "d", d(16), "a", d(Infinity), "c", d(Infinity), "e", d(Infinity), "f", d(Infinity)]],
    ]);
  });

  it("ZADD NX XX GT LT CH INCR", () => {
    const f = fake();
    check(f, [
      ["ZADD z 1 a 2 b", 2, [["ZADD", "z", "1", "a", "2", "b"]]],
      ["ZADD z 1 a", 0, []], // no change: not replicated
      ["ZADD z ch 1 a 3 b 4 c", 2],
      ["ZADD z gt ch 0 a 5 b", 1],
      ["ZADD z lt ch 0 a 9 b", 1],
      ["ZADD z xx ch 7 a 8 new", 1],
      ["ZSCORE z new", "(nil)"],
      ["ZADD z nx 100 a 1 n2", 1],
      ["ZSCORE z a", d(7)],
      ["ZADD z incr 1 a", d(8), [["ZADD", "z", "incr", "1", "a"]]],
      ["ZADD z nx incr 1 a", "(nil)", []],
      ["ZADD z gt xx incr 1 a", d(9)],
      ["ZADD z gt incr -1 a", "(nil)"],
      ["ZADD z lt incr -1 a", d(8)],
      ["ZADD z xx incr 1 nonexist", "(nil)"],
      ["ZADD nz xx incr 1 a", "(nil)"],
      ["EXISTS nz", 0],
      ["ZADD z ch incr 0 a", d(8), []], // processed but unchanged: a score, nothing replicated
      ["ZINCRBY z 1e308 a", d(1e308)],
      ["ZINCRBY z 1e308 a", d(Infinity)],
      ["ZADD z incr -inf a", "-ERR resulting score is not a number (NaN)", []],
      ["ZADD z incr inf a", d(Infinity)],
      ["ZSCORE z a", d(Infinity)],
    ]);
  });

  it("ZINCRBY: replies the score; its increment goes through ZADD's option parsing", () => {
    const f = fake();
    check(f, [
      ["ZINCRBY z 2 m", d(2), [["ZINCRBY", "z", "2", "m"]]],
      ["ZINCRBY z 0 m", d(2), []],
      ["ZINCRBY z x m", NOT_FLOAT],
      ["ZINCRBY z nx m", SYNTAX],
      ["ZINCRBY z incr m", SYNTAX],
      ["SET s x", "+OK"],
      ["ZINCRBY s 1 a", WRONGTYPE],
    ]);
  });

  it("-0: a small sorted set (listpack) stores 0, a big one (skiplist) keeps -0", () => {
    const f = fake();
    check(f, [
      ["ZINCRBY z3 -0 a", d(-0)], // the reply is the computed score ...
      ["ZSCORE z3 a", d(0)], // ... the stored one is 0
      ["ZADD z4 -0 b", 1],
      ["ZSCORE z4 b", d(0)],
      ["ZADD z4 0 a", 1],
      ["ZADD z4 ch -0 a", 0], // -0 == 0: no update
      ["ZADD big 1 " + "a".repeat(65), 1], // a member over 64 bytes: a skiplist from now on
      ["ZADD big -0 neg", 1],
      ["ZSCORE big neg", d(-0)],
    ]);
    assert.ok(Object.is((f.run("ZSCORE", "z3", "a") as { double: number }).double, 0));
    assert.ok(Object.is((f.run("ZSCORE", "big", "neg") as { double: number }).double, -0));
    const args = ["ZADD", "many"];
    for (let i = 0; i < 129; i++) args.push(String(i), `m${i}`); // over 128 members
    f.run(...args);
    f.run("ZADD", "many", "-0", "neg");
    assert.ok(Object.is((f.run("ZSCORE", "many", "neg") as { double: number }).double, -0));
  });

  it("ZRANGE by index, REV, WITHSCORES (RESP2 flat, RESP3 pairs)", () => {
    const f = fake();
    f.run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "3", "cc", "3", "c2");
    check(f, [
      ["ZRANGE z 0 -1", ["a", "b", "c", "c2", "cc", "d", "e"]],
      ["ZRANGE z 0 -1 rev", ["e", "d", "cc", "c2", "c", "b", "a"]],
      ["ZRANGE z 1 2 rev withscores", ["d", d(4), "cc", d(3)]],
      ["ZRANGE z -2 -1 REV WITHSCORES", ["b", d(2), "a", d(1)]],
      ["ZRANGE z -100 100", ["a", "b", "c", "c2", "cc", "d", "e"]],
      ["ZRANGE z 5 4", []],
      ["ZRANGE z 9223372036854775807 -9223372036854775808", []],
      ["ZRANGE z x 1", NOT_INT],
      ["ZRANGE noz 0 -1", []],
      ["ZRANGE noz x 1", NOT_INT],
    ]);
    f.resp = 3;
    check(f, [
      ["ZRANGE z 0 1 withscores", [["a", d(1)], ["b", d(2)]]],
      ["ZRANGEBYSCORE z 1 2 withscores", [["a", d(1)], ["b", d(2)]]],
      ["ZRANGE noz 0 1 withscores", []],
    ]);
  });

  it("ZRANGE option errors", () => {
    const f = fake();
    f.run("ZADD", "z", "1", "a");
    const limitErr = "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX";
    check(f, [
      ["ZRANGE z 0 -1 limit 0 1", limitErr],
      ["ZRANGE noz 0 -1 limit 0 1", limitErr],
      ["ZRANGE z 0 -1 limit 0 -1", ["a"]], // limit -1 means none
      ["ZRANGE z 0 -1 rev rev", SYNTAX],
      ["ZRANGE z 0 -1 byscore byscore", SYNTAX],
      ["ZRANGE z 0 -1 byscore bylex", SYNTAX],
      ["ZRANGE z 0 -1 foo", SYNTAX],
      ["ZRANGE z 0 1 limit 1", SYNTAX],
      ["ZRANGE z 0 1 limit 1 x", NOT_INT],
      ["ZRANGE z - + bylex withscores", "-ERR syntax error, WITHSCORES not supported in combination with BYLEX"],
      ["ZRANGE z x y byscore", RANGE_NOT_FLOAT],
      ["ZRANGE noz x y byscore", RANGE_NOT_FLOAT],
      ["ZRANGE z nan 3 byscore", RANGE_NOT_FLOAT],
      [["ZRANGE", "z", "1 ", "3", "byscore"], RANGE_NOT_FLOAT],
      [["ZRANGE", "z", " ", "3", "byscore"], RANGE_NOT_FLOAT],
      ["ZRANGE z a b bylex", "-ERR min or max not valid string range item"],
      ["ZRANGE z - +x bylex", "-ERR min or max not valid string range item"],
      [["ZRANGE", "z", "", "+", "bylex"], "-ERR min or max not valid string range item"],
      ["ZRANGEBYSCORE z 1 3 rev", SYNTAX],
      ["ZRANGEBYSCORE z 1 3 byscore", SYNTAX],
      ["ZRANGEBYSCORE z -inf +inf limit 1", SYNTAX],
      ["SET s x", "+OK"],
      ["ZRANGE s 0 1", WRONGTYPE],
      ["ZRANGE s x 1", NOT_INT], // arguments before the lookup
      ["ZRANGEBYSCORE s 0 1", WRONGTYPE],
    ]);
  });

  it("ZRANGE BYSCORE / ZRANGEBYSCORE: exclusive bounds, infinities, REV, LIMIT", () => {
    const f = fake();
    f.run("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "3", "cc", "3", "c2");
    check(f, [
      ["ZRANGE z (1 3 byscore", ["b", "c", "c2", "cc"]],
      ["ZRANGE z (1 (3 byscore withscores", ["b", d(2)]],
      ["ZRANGE z 3 (1 byscore rev", ["cc", "c2", "c", "b"]],
      ["ZRANGE z (1 3 byscore rev", []],
      ["ZRANGE z +inf -inf byscore rev limit 1 2", ["d", "cc"]],
      ["ZRANGE z -inf +inf byscore limit 2 3 withscores", ["c", d(3), "c2", d(3), "cc", d(3)]],
      ["ZRANGE z ( ( byscore", []],
      [["ZRANGE", "z", "", "3", "byscore"], ["a", "b", "c", "c2", "cc"]], // strtod("") is 0
      [["ZRANGE", "z", "  1", "3", "byscore"], ["a", "b", "c", "c2", "cc"]],
      [["ZRANGE", "z", "(", "3", "byscore"], ["a", "b", "c", "c2", "cc"]],
      [["ZRANGE", "z", "1\x00zz", "3", "byscore"], ["a", "b", "c", "c2", "cc"]],
      ["ZRANGE z 0x1p1 3 byscore", ["b", "c", "c2", "cc"]],
      ["ZRANGE z 1e400 inf byscore", []],
      ["ZRANGE z 3 1 byscore", []],
      ["ZRANGE z (3 (3 byscore", []],
      ["ZRANGE z 3 3 byscore", ["c", "c2", "cc"]],
      ["ZRANGE z 1 3 byscore limit -1 1", []], // a negative offset skips everything
      ["ZRANGE z 1 3 byscore limit 1 -5", ["b", "c", "c2", "cc"]], // a negative limit is none
      ["ZRANGE z 1 3 byscore limit 0 0", []],
      ["ZRANGE z 3 1 byscore rev limit 1 1", ["c2"]],
      ["ZRANGEBYSCORE z 1 3 withscores withscores", ["a", d(1), "b", d(2), "c", d(3), "c2", d(3), "cc", d(3)]],
      ["ZRANGEBYSCORE z 1 3 limit 0 1 limit 1 1", ["b"]],
      ["ZRANGEBYSCORE z -inf +inf limit 9223372036854775807 1", []],
      ["ZRANGEBYSCORE z (3 +inf", ["d", "e"]],
      ["ZRANGEBYSCORE noz -inf +inf", []],
    ]);
  });

  it("ZRANGE BYLEX", () => {
    const f = fake();
    f.run("ZADD", "s", "0", "a", "0", "b", "0", "c", "0", "d", "0", "e", "0", "f", "0", "g");
    check(f, [
      ["ZRANGE s - + bylex", ["a", "b", "c", "d", "e", "f", "g"]],
      ["ZRANGE s [b [d bylex", ["b", "c", "d"]],
      ["ZRANGE s (b [d bylex", ["c", "d"]],
      ["ZRANGE s [d [b bylex rev", ["d", "c", "b"]],
      ["ZRANGE s [d (b bylex rev limit 1 5", ["c"]],
      ["ZRANGE s - (c bylex", ["a", "b"]],
      ["ZRANGE s [e + bylex", ["e", "f", "g"]],
      ["ZRANGE s [zz + bylex", []],
      ["ZRANGE s + - bylex rev limit 1 2", ["f", "e"]],
      ["ZRANGE s - + bylex limit -1 2", []],
      ["ZRANGE s - + bylex limit 100 2", []],
      ["ZRANGE s - - bylex", []],
      ["ZRANGE s + + bylex", []],
      ["ZRANGE s + - bylex", []],
      ["ZRANGE s [c [c bylex", ["c"]],
      ["ZRANGE s (c (c bylex", []],
      [["ZRANGE", "s", "-\x00x", "+", "bylex"], ["a", "b", "c", "d", "e", "f", "g"]],
      ["ZRANGE s [ + bylex", ["a", "b", "c", "d", "e", "f", "g"]],
    ]);
    // Different scores: Redis walks from the first element >= min while elements are <= max.
    f.run("ZADD", "mixed", "1", "b", "2", "a", "3", "d", "4", "c");
    check(f, [
      ["ZRANGE mixed [b [c bylex", ["b", "a"]],
      ["ZRANGE mixed [a [d bylex", ["b", "a", "d", "c"]],
      ["ZRANGE mixed [c [d bylex rev", []], // reversed: max [c, min [d
      ["ZRANGE mixed [d [a bylex rev", ["c", "d", "a", "b"]],
    ]);
  });

  it("ZSCORE, ZREM, ZCARD", () => {
    const f = fake();
    check(f, [
      ["ZSCORE noz m", "(nil)"],
      ["ZCARD noz", 0],
      ["ZREM noz a", 0, []],
      ["ZADD z 1 a 2.5 b 0.1 c", 3],
      ["ZSCORE z b", d(2.5)],
      ["ZSCORE z c", d(0.1)],
      ["ZSCORE z nom", "(nil)"],
      ["ZCARD z", 3],
      ["ZREM z nom", 0, []],
      ["ZREM z a nom a", 1, [["ZREM", "z", "a", "nom", "a"]]],
      ["ZREM z b c", 2],
      ["EXISTS z", 0],
      ["SET s x", "+OK"],
      ["ZSCORE s a", WRONGTYPE],
      ["ZREM s a", WRONGTYPE],
      ["ZCARD s", WRONGTYPE],
    ]);
  });

  it("members sort by score, then by bytes", () => {
    const f = fake();
    f.run("ZADD", "z", "1", "b", "1", "a", "1", "ab", "1", "\xe9", "1", "B", "0", "z");
    assert.deepEqual(f.run("ZRANGE", "z", "0", "-1"), ["z", "B", "a", "ab", "b", "\xe9"]);
  });
});
