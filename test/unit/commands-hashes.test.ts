// Hash commands called directly (replies and propagation as redis-server 7.0.15 gives them).
import { check, fake } from "./commands-context.test.js";

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value";

describe("commands: hashes", () => {
  it("HSET (always propagated), HGET, HGETALL in insertion order, HLEN, HEXISTS", () => {
    const f = fake();
    check(f, [
      ["HSET h f v g", "-ERR wrong number of arguments for 'hset' command", []], // pairs checked by HSET
      ["HSET h f 1 g 2 f 3", 2, [["HSET", "h", "f", "1", "g", "2", "f", "3"]]],
      ["HSET h f 3", 0, [["HSET", "h", "f", "3"]]], // unchanged, still replicated
      ["HGETALL h", { map: [["f", "3"], ["g", "2"]] }],
      ["HSET h a 1", 1],
      ["HGETALL h", { map: [["f", "3"], ["g", "2"], ["a", "1"]] }],
      ["HGET h g", "2"],
      ["HGET h zz", "(nil)"],
      ["HGET noh f", "(nil)"],
      ["HGETALL noh", { map: [] }],
      ["HLEN h", 3],
      ["HLEN noh", 0],
      ["HEXISTS h f", 1],
      ["HEXISTS h zz", 0],
      ["HEXISTS noh f", 0],
    ]);
  });

  it("HDEL: count, propagation only when deleting, emptied hash deleted", () => {
    const f = fake();
    check(f, [
      ["HDEL noh f", 0, []],
      ["HSET h f 1 g 2", 2],
      ["HDEL h zz", 0, []],
      ["HDEL h f f zz", 1, [["HDEL", "h", "f", "f", "zz"]]],
      ["HDEL h g", 1],
      ["EXISTS h", 0],
    ]);
  });

  it("HINCRBY: creates, errors, overflow", () => {
    const f = fake();
    check(f, [
      ["HINCRBY noh2 f x", "-ERR value is not an integer or out of range", []],
      ["EXISTS noh2", 0],
      ["HINCRBY h new -5", -5, [["HINCRBY", "h", "new", "-5"]]],
      ["HINCRBY h new 0", -5, [["HINCRBY", "h", "new", "0"]]],
      ["HINCRBY h f 9223372036854775807", 9223372036854775807n],
      ["HINCRBY h f 1", "-ERR increment or decrement would overflow", []],
      ["HINCRBY h g -9223372036854775808", -9223372036854775808n],
      ["HINCRBY h g -1", "-ERR increment or decrement would overflow"],
      ["HSET h s abc z 01", 2],
      ["HINCRBY h s 1", "-ERR hash value is not an integer"],
      ["HINCRBY h z 1", "-ERR hash value is not an integer"],
      [["HSET", "h", "n", " 1"], 1],
      ["HINCRBY h n 1", "-ERR hash value is not an integer"],
    ]);
  });

  it("WRONGTYPE", () => {
    const f = fake();
    f.run("SET", "s", "x");
    check(f, [
      ["HSET s f v", WRONGTYPE],
      ["HGET s f", WRONGTYPE],
      ["HGETALL s", WRONGTYPE],
      ["HDEL s f", WRONGTYPE],
      ["HINCRBY s f 1", WRONGTYPE],
      ["HINCRBY s f x", "-ERR value is not an integer or out of range"], // the increment first
      ["HLEN s", WRONGTYPE],
      ["HEXISTS s f", WRONGTYPE],
    ]);
  });
});
