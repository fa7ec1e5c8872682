// Set commands called directly (replies and propagation as redis-server 7.0.15 gives them).
// Hash-table member order cannot match Redis's, so those replies are compared sorted.
import assert from "node:assert/strict";
import { check, fake, type Plain } from "./commands-context.test.js";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";
const POSITIVE = "-ERR value is out of range, must be positive";
const members = (p: Plain) => ((p as { set: string[] }).set ?? []).slice().sort();

describe("commands: sets", () => {
  it("SADD, SREM, SISMEMBER, SCARD; propagated only when something changed", () => {
    const f = fake();
    check(f, [
      ["SADD t a b", 2, [["SADD", "t", "a", "b"]]],
      ["SADD t a", 0, []],
      ["SADD t a c c", 1, [["SADD", "t", "a", "c", "c"]]],
      ["SISMEMBER t a", 1],
      ["SISMEMBER t z", 0],
      ["SISMEMBER nos a", 0],
      ["SCARD t", 3],
      ["SCARD nos", 0],
      ["SREM t zz", 0, []],
      ["SREM nos a", 0, []],
      ["SREM t a a b c d", 3, [["SREM", "t", "a", "a", "b", "c", "d"]]],
      ["EXISTS t", 0], // emptied: deleted
    ]);
  });

  it("WRONGTYPE everywhere; SPOP's count checked first", () => {
    const f = fake();
    f.run("SET", "s", "x");
    check(f, [
      ["SADD s a", WRONGTYPE],
      ["SREM s a", WRONGTYPE],
      ["SMEMBERS s", WRONGTYPE],
      ["SISMEMBER s a", WRONGTYPE],
      ["SCARD s", WRONGTYPE],
      ["SPOP s", WRONGTYPE],
      ["SPOP s 1", WRONGTYPE],
      ["SPOP s -1", POSITIVE],
      ["SPOP s x", POSITIVE],
      ["SPOP s 1 2", "-ERR syntax error"],
    ]);
  });

  it("SMEMBERS: integer sets (intsets) in numeric order, like Redis", () => {
    const f = fake();
    check(f, [
      ["SMEMBERS nos", { set: [] }],
      ["SADD u 3 1 2 -9223372036854775808 9223372036854775807 -7 100", 7],
      ["SMEMBERS u", { set: ["-9223372036854775808", "-7", "1", "2", "3", "100", "9223372036854775807"] }],
      // "007" is no integer to string2ll: the set becomes a hash table, and stays one
      ["SADD v 10 -5 3 007", 4],
      ["SREM v 007", 1],
    ]);
    assert.deepEqual(members(f.run("SMEMBERS", "v")), ["-5", "10", "3"]);
  });

  it("SPOP without count: a member, replicated as SREM; the last one deletes the set", () => {
    const f = fake();
    check(f, [
      ["SPOP nos", "(nil)", []],
      ["SADD one x", 1],
      ["SPOP one", "x", [["SREM", "one", "x"]]],
      ["EXISTS one", 0],
    ]);
    f.run("SADD", "s", "a", "b", "c");
    f.take();
    const m = f.run("SPOP", "s") as string;
    assert.ok(["a", "b", "c"].includes(m));
    assert.deepEqual(f.take(), [["SREM", "s", m]]);
    assert.equal(f.run("SCARD", "s"), 2);
  });

  it("SPOP with count: SREM per member, DEL when it takes the whole set", () => {
    const f = fake();
    check(f, [
      ["SPOP nos 2", { set: [] }, []],
      ["SPOP nos 0", { set: [] }],
      ["SADD s a b c d e", 5],
      ["SPOP s 0", { set: [] }, []],
    ]);
    f.take();
    const popped = members(f.run("SPOP", "s", "2"));
    assert.equal(popped.length, 2);
    assert.deepEqual(
      f.take().sort(),
      popped.map((m) => ["SREM", "s", m]),
    );
    const rest = members(f.run("SPOP", "s", "100"));
    assert.deepEqual([...popped, ...rest].sort(), ["a", "b", "c", "d", "e"]);
    assert.deepEqual(f.take(), [["DEL", "s"]]);
    check(f, [
      ["EXISTS s", 0],
      ["SADD i 5 3 9 1", 4],
      ["SPOP i 10", { set: ["1", "3", "5", "9"] }], // the whole intset, in order
    ]);
  });

  it("RESP3 replies are sets", () => {
    const f = fake({ resp: 3 });
    check(f, [
      ["SADD u 2 1", 2],
      ["SMEMBERS u", { set: ["1", "2"] }],
      ["SPOP nos", "(nil)"],
    ]);
  });
});
