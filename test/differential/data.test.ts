// Data-type commands on the bundled server against a real redis-server, byte for byte
// (sorted where Redis leaves the order unspecified), including the error cases.
import { waitFor } from "../helpers.js";
import { Both, ServerPair } from "../support/differential.js";

type Step = string[] | { sorted: string[] };

/** Each script runs on both servers from an empty database. */
const SCRIPTS: Record<string, Step[]> = {
  strings: [
    ["SET", "s", "v"],
    ["GET", "s"],
    ["GET", "missing"],
    ["SET", "s", "w", "NX"],
    ["SET", "s", "w", "XX", "GET"],
    ["SET", "n", "1", "EX", "100"],
    ["SET", "n", "1", "PX", "0"],
    ["SET", "n", "1", "EX", "-5"],
    ["SET", "n", "1", "EX", "x"],
    ["SET", "n", "1", "NX", "XX"],
    ["SET", "n", "1", "KEEPTTL", "EX", "10"],
    ["SET", "n", "1", "KEEPTTL"],
    ["SET", "n", "1", "BOGUS"],
    ["MSET", "a", "1", "b", "2"],
    ["MSET", "a", "1", "b"],
    ["MGET", "a", "b", "missing"],
    ["SETNX", "a", "9"],
    ["SETNX", "c", "9"],
    ["GETSET", "a", "10"],
    ["GETDEL", "a"],
    ["GETDEL", "a"],
    ["INCR", "i"],
    ["INCRBY", "i", "41"],
    ["DECR", "i"],
    ["DECRBY", "i", "2"],
    ["INCRBY", "i", "x"],
    ["INCR", "s"],
    ["SET", "big", "9223372036854775807"],
    ["INCR", "big"],
    ["DECRBY", "i", "-9223372036854775808"],
    ["APPEND", "s", "-more"],
    ["APPEND", "newkey", "x"],
    ["STRLEN", "s"],
    ["STRLEN", "missing"],
    ["RPUSH", "list", "x"],
    ["GET", "list"],
    ["APPEND", "list", "x"],
    ["STRLEN", "list"],
  ],
  keys: [
    ["MSET", "k1", "a", "k2", "b", "other", "c"],
    ["DEL", "k1", "missing", "k1"],
    ["UNLINK", "k2"],
    ["EXISTS", "other", "other", "missing"],
    ["TYPE", "other"],
    ["TYPE", "missing"],
    ["RPUSH", "l", "x"],
    ["TYPE", "l"],
    ["EXPIRE", "other", "100"],
    ["TTL", "other"],
    ["PTTL", "missing"],
    ["TTL", "l"],
    ["EXPIRE", "other", "50", "GT"],
    ["EXPIRE", "other", "500", "GT"],
    ["EXPIRE", "other", "50", "NX"],
    ["EXPIRE", "other", "50", "XX", "NX"],
    ["EXPIRE", "other", "x"],
    ["PEXPIRE", "l", "100000"],
    ["PERSIST", "l"],
    ["PERSIST", "l"],
    ["TTL", "l"],
    ["EXPIRE", "gone", "10"],
    ["SET", "past", "v"],
    ["EXPIRE", "past", "-1"],
    ["EXISTS", "past"],
    ["MSET", "hello", "1", "hallo", "2", "hxllo", "3", "hllo", "4", "heeeello", "5", "h[x]llo", "6"],
    { sorted: ["KEYS", "h?llo"] },
    { sorted: ["KEYS", "h*llo"] },
    { sorted: ["KEYS", "h[ae]llo"] },
    { sorted: ["KEYS", "h[^e]llo"] },
    { sorted: ["KEYS", "h[a-b]llo"] },
    { sorted: ["KEYS", "h\\[x\\]llo"] },
    ["RENAME", "hello", "renamed"],
    ["RENAME", "missing", "x"],
    ["GET", "renamed"],
    ["DBSIZE"],
    ["SELECT", "1"],
    ["DBSIZE"],
    ["RANDOMKEY"],
    ["SELECT", "0"],
    ["FLUSHDB"],
    ["DBSIZE"],
    ["SET", "x", "1"],
    ["FLUSHALL", "ASYNC"],
    ["DBSIZE"],
    ["SCAN", "0", "COUNT", "x"],
    ["SCAN", "abc"],
  ],
  lists: [
    ["LPUSH", "l", "a", "b", "c"],
    ["RPUSH", "l", "d", "e"],
    ["LRANGE", "l", "0", "-1"],
    ["LRANGE", "l", "-100", "100"],
    ["LRANGE", "l", "3", "1"],
    ["LLEN", "l"],
    ["LLEN", "missing"],
    ["LINDEX", "l", "0"],
    ["LINDEX", "l", "-1"],
    ["LINDEX", "l", "99"],
    ["LINDEX", "l", "x"],
    ["RPUSH", "l", "a", "a"],
    ["LREM", "l", "2", "a"],
    ["LREM", "l", "-1", "a"],
    ["LRANGE", "l", "0", "-1"],
    ["LPOP", "l"],
    ["RPOP", "l", "2"],
    ["LPOP", "l", "0"],
    ["LPOP", "l", "-1"],
    ["LPOP", "missing"],
    ["LPOP", "missing", "2"],
    ["RPOP", "l", "100"],
    ["EXISTS", "l"],
    ["SET", "s", "v"],
    ["LPUSH", "s", "x"],
    ["LRANGE", "s", "0", "1"],
    ["RPUSH", "q", "job"],
    ["BLPOP", "empty", "q", "1"],
    ["BLPOP", "q", "0.1"],
    ["BRPOP", "q", "x"],
    ["BRPOP", "q", "-1"],
  ],
  sets: [
    ["SADD", "s", "a", "b", "c", "a"],
    ["SADD", "s", "c"],
    ["SCARD", "s"],
    ["SISMEMBER", "s", "a"],
    ["SISMEMBER", "s", "z"],
    { sorted: ["SMEMBERS", "s"] },
    ["SREM", "s", "a", "z"],
    ["SCARD", "s"],
    ["SMEMBERS", "missing"],
    ["SPOP", "missing"],
    ["SPOP", "s", "0"],
    ["SPOP", "s", "-1"],
    ["SADD", "one", "only"],
    ["SPOP", "one"],
    ["EXISTS", "one"],
    ["SET", "str", "v"],
    ["SADD", "str", "x"],
    ["SCARD", "str"],
  ],
  hashes: [
    ["HSET", "h", "f1", "1", "f2", "2"],
    ["HSET", "h", "f1", "10"],
    ["HSET", "h", "f3"],
    ["HGET", "h", "f1"],
    ["HGET", "h", "nope"],
    ["HGETALL", "missing"],
    ["HLEN", "h"],
    ["HEXISTS", "h", "f2"],
    ["HEXISTS", "h", "f9"],
    ["HINCRBY", "h", "f1", "5"],
    ["HINCRBY", "h", "new", "-3"],
    ["HINCRBY", "h", "f1", "x"],
    ["HSET", "h", "text", "abc"],
    ["HINCRBY", "h", "text", "1"],
    ["HDEL", "h", "f1", "f9"],
    ["HLEN", "h"],
    ["HDEL", "h", "f2", "new", "text"],
    ["EXISTS", "h"],
    ["SET", "str", "v"],
    ["HGET", "str", "f"],
  ],
  zsets: [
    ["ZADD", "z", "1", "a", "2", "b", "3", "c"],
    ["ZADD", "z", "1.5", "a"],
    ["ZADD", "z", "CH", "5", "a", "6", "d"],
    ["ZADD", "z", "NX", "XX", "1", "a"],
    ["ZADD", "z", "GT", "LT", "1", "a"],
    ["ZADD", "z", "INCR", "1", "a", "2", "b"],
    ["ZADD", "z", "INCR", "2", "a"],
    ["ZADD", "z", "x", "a"],
    ["ZADD", "z", "1"],
    ["ZSCORE", "z", "a"],
    ["ZSCORE", "z", "nope"],
    ["ZCARD", "z"],
    ["ZRANGE", "z", "0", "-1"],
    ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    ["ZRANGE", "z", "0", "1", "REV"],
    ["ZRANGE", "z", "(1", "+inf", "BYSCORE", "WITHSCORES"],
    ["ZRANGE", "z", "-inf", "3", "BYSCORE", "LIMIT", "1", "2"],
    ["ZRANGE", "z", "0", "1", "LIMIT", "0", "1"],
    ["ZRANGEBYSCORE", "z", "2", "6"],
    ["ZRANGEBYSCORE", "z", "-inf", "+inf", "WITHSCORES", "LIMIT", "0", "2"],
    ["ZRANGEBYSCORE", "z", "x", "2"],
    ["ZINCRBY", "z", "0.1", "b"],
    ["ZINCRBY", "z", "x", "b"],
    ["ZSCORE", "z", "b"],
    ["ZREM", "z", "a", "nope"],
    ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
    ["SET", "str", "v"],
    ["ZADD", "str", "1", "a"],
  ],
};

describe("differential: data-type commands", function () {
  this.timeout(30_000);
  let pair: ServerPair;
  let both: Both;

  before(async () => {
    pair = await ServerPair.start([["enable-debug-command", "local"]]);
  });
  after(() => pair?.stop()); // undefined when `before` failed: its error is the one to see

  /** Until both servers count `n` clients blocked (INFO clients: blocked_clients). */
  async function blocked(n: number): Promise<void> {
    const { real, ours } = await pair.clients();
    try {
      await waitFor(`${n} blocked clients on both servers`, 10_000, async () => {
        const counts = await Promise.all([real, ours].map(async (c) => Number(/blocked_clients:(\d+)/.exec(await c.call("INFO", "clients"))?.[1])));
        return counts.every((count) => count === n);
      });
    } finally {
      real.close();
      ours.close();
    }
  }

  /** Until `args` answers `reply` on both servers. */
  async function answers(args: string[], reply: string): Promise<void> {
    const { real, ours } = await pair.clients();
    try {
      await waitFor(`${args.join(" ")} to answer ${JSON.stringify(reply)} on both servers`, 10_000, async () =>
        (await Promise.all([real.call(...args), ours.call(...args)])).every((r) => r === reply),
      );
    } finally {
      real.close();
      ours.close();
    }
  }

  for (const [group, script] of Object.entries(SCRIPTS)) {
    for (const resp of ["2", "3"]) {
      it(`${group} (RESP${resp})`, async () => {
        const { real, ours } = await pair.clients();
        both = new Both(real, ours);
        try {
          await both.same("FLUSHALL");
          if (resp === "3") await Promise.all([real.call("HELLO", "3"), ours.call("HELLO", "3")]);
          for (const step of script) {
            if (Array.isArray(step)) await both.same(...step);
            else await both.sameSorted(...step.sorted);
          }
        } finally {
          both.close();
        }
      });
    }
  }

  it("BLPOP blocks until another client pushes, and both servers hand the same element over", async () => {
    const a = await pair.clients();
    const b = await pair.clients();
    const waiter = new Both(a.real, a.ours);
    const pusher = new Both(b.real, b.ours);
    await pusher.same("DEL", "jobs");
    const popped = waiter.same("BLPOP", "jobs", "30");
    await blocked(1);
    await pusher.same("RPUSH", "jobs", "j1", "j2");
    await popped;
    await pusher.same("LRANGE", "jobs", "0", "-1");
    waiter.close();
    pusher.close();
  });

  it("a client blocked in BLPOP is served right after the command that pushed, before anything else runs", async () => {
    const [a, b, c] = [await pair.clients(), await pair.clients(), await pair.clients()];
    const waiter = new Both(a.real, a.ours);
    const pusher = new Both(b.real, b.ours);
    const other = new Both(c.real, c.ours);
    await pusher.same("DEL", "jobs", "k1", "k2");
    // The LPOP pipelined after the push finds the list already served.
    let popped = waiter.same("BLPOP", "jobs", "0");
    await blocked(1);
    await pusher.sameRaw("RPUSH jobs j1\r\nLPOP jobs\r\n"); // :1
    await pusher.sameRaw(""); // nil
    await popped;
    // A transaction is served after its EXEC: its own LPOP comes first.
    popped = waiter.same("BLPOP", "jobs", "0");
    await blocked(1);
    await pusher.sameRaw("MULTI\r\nRPUSH jobs j2 j3\r\nLPOP jobs\r\nEXEC\r\n");
    for (let i = 0; i < 3; i++) await pusher.sameRaw("");
    await popped; // j3
    // Keys are served in the order they became ready, two clients in the order they blocked.
    popped = waiter.same("BLPOP", "k1", "k2", "0");
    await blocked(1);
    const second = other.same("BRPOP", "k2", "0");
    await blocked(2);
    await pusher.sameRaw("MULTI\r\nRPUSH k2 x y\r\nRPUSH k1 z\r\nEXEC\r\n");
    for (let i = 0; i < 3; i++) await pusher.sameRaw("");
    await Promise.all([popped, second]); // k2 x, then k2 y
    await pusher.same("LRANGE", "k1", "0", "-1");
    waiter.close();
    pusher.close();
    other.close();
  });

  it("KEYS skips expired keys without deleting them (DEBUG SET-ACTIVE-EXPIRE 0 keeps the background from doing it)", async () => {
    const { real, ours } = await pair.clients();
    both = new Both(real, ours);
    await both.same("FLUSHALL");
    await both.same("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    try {
      await both.same("SET", "short", "v", "PX", "1");
      await both.same("SET", "kept", "v");
      await new Promise((r) => setTimeout(r, 50)); // past its 1 ms TTL: only time can do it, nothing may touch the key
      await both.same("KEYS", "*");
      await both.same("KEYS", "short");
      await both.same("DBSIZE"); // still 2
      await both.same("EXISTS", "short"); // the access deletes it
      await both.same("DBSIZE");
      await both.same("DEBUG", "SET-ACTIVE-EXPIRE");
      await both.same("DEBUG", "NOSUCH");
      await both.same("DEBUG", "SLEEP", "x"); // strtod: no number sleeps 0 s
    } finally {
      await both.same("DEBUG", "SET-ACTIVE-EXPIRE", "1");
      both.close();
    }
  });

  it("keys expire lazily and actively", async () => {
    const { real, ours } = await pair.clients();
    both = new Both(real, ours);
    await both.same("FLUSHALL");
    await both.same("SET", "short", "v", "PX", "50");
    await both.same("SET", "untouched", "v", "PX", "50");
    await answers(["GET", "short"], "$-1\r\n"); // expired: the access finds nothing
    await both.same("GET", "short");
    await answers(["DBSIZE"], ":0\r\n"); // DBSIZE touches no key: the untouched one goes in the background
    await both.same("DBSIZE");
    both.close();
  });
});
