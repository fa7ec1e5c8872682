// List commands called directly (replies and propagation as redis-server 7.0.15 gives them),
// BLPOP / BRPOP through the fake context's controllable blockOn.
import assert from "node:assert/strict";
import type { CommandContext } from "../../bundled-server/command.js";
import { TABLE, check, fake, plain } from "./commands-context.test.js";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";
const NOT_INT = "-ERR value is not an integer or out of range";
const POSITIVE = "-ERR value is out of range, must be positive";

describe("commands: lists", () => {
  it("LPUSH / RPUSH: order, length, propagation, key signalled", () => {
    const f = fake();
    check(f, [
      ["LPUSH l a b c", 3, [["LPUSH", "l", "a", "b", "c"]]],
      ["RPUSH l x y", 5, [["RPUSH", "l", "x", "y"]]],
      ["LRANGE l 0 -1", ["c", "b", "a", "x", "y"], []],
      ["SET s x", "+OK"],
      ["LPUSH s a", WRONGTYPE, []],
      ["RPUSH s a", WRONGTYPE, []],
    ]);
    assert.deepEqual(f.signalled, ["l", "l"]);
  });

  it("LPOP / RPOP with and without count", () => {
    const f = fake();
    check(f, [
      ["LPOP nol", "(nil)", []],
      ["LPOP nol 0", "(nil array)", []],
      ["RPOP nol 2", "(nil array)"],
      ["LPOP nol -1", POSITIVE],
      ["RPUSH l a b c d e", 5],
      ["LPOP l 0", [], []],
      ["LPOP l -1", POSITIVE],
      ["LPOP l abc", POSITIVE],
      ["LPOP l 1 2", "-ERR wrong number of arguments for 'lpop' command"],
      ["RPOP l 1 2", "-ERR wrong number of arguments for 'rpop' command"],
      ["LPOP l", "a", [["LPOP", "l"]]],
      ["LPOP l 2", ["b", "c"], [["LPOP", "l", "2"]]],
      ["RPOP l 1", ["e"], [["RPOP", "l", "1"]]],
      ["RPOP l 9223372036854775807", ["d"]],
      ["EXISTS l", 0], // emptied: deleted
      ["RPUSH l x", 1],
      ["RPOP l", "x"],
      ["EXISTS l", 0],
      ["SET s x", "+OK"],
      ["LPOP s", WRONGTYPE],
      ["LPOP s 1", WRONGTYPE],
      ["LPOP s x", POSITIVE], // the count is checked first
    ]);
  });

  it("LPOP nulls in RESP3", () => {
    const f = fake({ resp: 3 });
    check(f, [
      ["LPOP nol", "(nil)"],
      ["LPOP nol 0", "(nil array)"],
    ]);
  });

  it("LRANGE, LLEN, LINDEX", () => {
    const f = fake();
    check(f, [
      ["LRANGE nol 0 -1", []],
      ["LRANGE nol x 1", NOT_INT], // indexes are parsed before the lookup
      ["LINDEX nol x", "(nil)"], // ... but after it for LINDEX
      ["LLEN nol", 0],
      ["RPUSH l a b c a b a", 6],
      ["LRANGE l 0 -1", ["a", "b", "c", "a", "b", "a"]],
      ["LRANGE l -100 100", ["a", "b", "c", "a", "b", "a"]],
      ["LRANGE l 2 1", []],
      ["LRANGE l 5 10", ["a"]],
      ["LRANGE l 6 10", []],
      ["LRANGE l -1 -2", []],
      ["LRANGE l -2 -1", ["b", "a"]],
      ["LRANGE l x 1", NOT_INT],
      ["LRANGE l 99999999999999999999 1", NOT_INT],
      ["LRANGE l -9223372036854775808 9223372036854775807", ["a", "b", "c", "a", "b", "a"]],
      ["LINDEX l 0", "a"],
      ["LINDEX l -1", "a"],
      ["LINDEX l 2", "c"],
      ["LINDEX l 6", "(nil)"],
      ["LINDEX l -7", "(nil)"],
      ["LINDEX l -6", "a"],
      ["LINDEX l x", NOT_INT],
      ["LINDEX l 9223372036854775807", "(nil)"],
      ["LLEN l", 6],
      ["SET s x", "+OK"],
      ["LLEN s", WRONGTYPE],
      ["LINDEX s 0", WRONGTYPE],
      ["LRANGE s 0 1", WRONGTYPE],
    ]);
  });

  it("LREM: from the head, from the tail, all; emptied list deleted", () => {
    const f = fake();
    check(f, [
      ["LREM nol 0 a", 0, []],
      ["LREM nol x a", NOT_INT],
      ["RPUSH l a b c a b a", 6],
      ["LREM l x a", NOT_INT],
      ["LREM l -2 a", 2, [["LREM", "l", "-2", "a"]]],
      ["LRANGE l 0 -1", ["a", "b", "c", "b"]],
      ["LREM l 0 b", 2],
      ["LRANGE l 0 -1", ["a", "c"]],
      ["LREM l 1 a", 1],
      ["LREM l 0 zz", 0, []],
      ["LREM l 9223372036854775807 c", 1],
      ["EXISTS l", 0],
      ["RPUSH l x y x y x y", 6],
      ["LREM l 2 x", 2],
      ["LRANGE l 0 -1", ["y", "y", "x", "y"]],
      ["SET s x", "+OK"],
      ["LREM s 0 a", WRONGTYPE],
    ]);
  });

  it("BLPOP / BRPOP with data: immediate, replicated as LPOP / RPOP", () => {
    const f = fake();
    check(f, [
      ["RPUSH a 1 2 3", 3],
      ["BLPOP nol a 0", ["a", "1"], [["LPOP", "a"]]],
      ["BRPOP a nol 5", ["a", "3"], [["RPOP", "a"]]],
      ["BRPOP a 5", ["a", "2"]],
      ["EXISTS a", 0],
      ["SET s x", "+OK"],
      ["BLPOP nol s 0", WRONGTYPE, []],
      ["BLPOP s nol 0", WRONGTYPE],
    ]);
  });

  it("BLPOP timeout parsing", () => {
    const f = fake();
    const negative = "-ERR timeout is negative";
    const notFloat = "-ERR timeout is not a float or out of range";
    check(f, [
      ["BLPOP l -1", negative],
      ["BLPOP l -0.002", negative],
      ["BLPOP l 1e20", negative],
      ["BLPOP l inf", negative],
      ["BLPOP l 9223372036854776", negative],
      ["BLPOP l abc", notFloat],
      [["BLPOP", "l", ""], notFloat],
      [["BLPOP", "l", " 1"], notFloat],
      ["BLPOP l nan", notFloat],
      ["BLPOP l 1e5000", notFloat],
      ["SET s x", "+OK"],
      ["BLPOP s abc", notFloat], // the timeout is checked before the keys
    ]);
  });

  it("BLPOP blocks, is served when a key it waits on is offered, and pops; the pusher's reply comes first", async () => {
    const f = fake({ now: Date.now() });
    const pending = f.start("BLPOP", "a", "b", "0");
    assert.equal(f.waiters.length, 1);
    assert.deepEqual(f.waiters[0].keys, ["a", "b"]);
    assert.equal(f.waiters[0].timeoutMs, 0); // forever
    f.take();
    check(f, [["RPUSH b x y", 2, [["RPUSH", "b", "x", "y"]]]]);
    assert.equal(f.waiters[0].offer("b"), true);
    assert.deepEqual(await pending, ["b", "x"]);
    assert.deepEqual(f.take(), [["LPOP", "b"]]);
    assert.equal(f.waiters.length, 0);
    check(f, [["LRANGE b 0 -1", ["y"]]]);
  });

  it("a blocked BLPOP pops from the key offered (the server offers them first signalled first), not the first listed", async () => {
    const f = fake({ now: Date.now() });
    const pending = f.start("BLPOP", "l1", "l2", "0");
    f.run("RPUSH", "l2", "a");
    f.run("RPUSH", "l1", "b");
    f.waiters[0].offer("l2");
    assert.deepEqual(await pending, ["l2", "a"]);
  });

  it("a blocked BRPOP offered a key without data (another client took it) stays blocked", async () => {
    const f = fake({ now: Date.now() });
    const pending = f.start("BRPOP", "a", "10");
    assert.equal(f.waiters[0].timeoutMs, 10_000);
    assert.equal(f.waiters[0].offer("a"), false); // the list is empty
    assert.deepEqual(f.take(), []);
    f.run("RPUSH", "a", "1", "2");
    f.take();
    f.waiters[0].offer("a");
    assert.deepEqual(await pending, ["a", "2"]);
    assert.deepEqual(f.take(), [["RPOP", "a"]]);
  });

  it("BLPOP times out with a null array (RESP3 null), and ignores keys of other types once blocked", async () => {
    const f = fake({ now: Date.now(), resp: 3 });
    const pending = f.start("BLPOP", "a", "0.5");
    f.run("SET", "a", "string now");
    assert.equal(f.waiters[0].offer("a"), false); // skipped, not an error
    f.waiters[0].timeOut();
    assert.equal(await pending, "(nil array)");
  });

  it("BLPOP with a context that may not block (mayBlock: false) answers the null array synchronously", () => {
    const f = fake();
    const spec = TABLE.get("blpop")!;
    const reply = spec.handler({ ...f.ctx, mayBlock: false } as CommandContext, [Buffer.from("BLPOP"), Buffer.from("a"), Buffer.from("0")]);
    assert.ok(!(reply instanceof Promise));
    assert.equal(plain(reply), "(nil array)");
    assert.equal(f.waiters.length, 0);
  });

  it("BLPOP timeouts: in ms; -0.001 s and huge ones block forever", () => {
    const f = fake({ now: Date.now() });
    void f.start("BLPOP", "a", "0.5");
    assert.equal(f.waiters.shift()!.timeoutMs, 500);
    void f.start("BLPOP", "a", "-0.001");
    assert.equal(f.waiters.shift()!.timeoutMs, 0);
    void f.start("BLPOP", "a", "9223372036854775");
    assert.equal(f.waiters.shift()!.timeoutMs, 0);
  });
});
