// RDB files between our codec and a real redis-server 7.0, both ways: what it SAVEs we
// decode to exactly what it serves, and what we encode it loads and serves back. Also the
// legacy and compact encodings of the fixture, and a flipped byte that it must refuse.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { Redis } from "ioredis";
import { Keyspace, type Value } from "../../bundled-server/keyspace.js";
import { decodeRdb, encodeRdb, type RdbEntry } from "../../bundled-server/replication/rdb.js";
import { freePort } from "../../targets/ports.js";
import { waitFor } from "../helpers.js";
import { EDGE_INTS, FUNCTION_CODE, compactFixture, keyspaceItemsArb, liveEntries } from "../support/rdb-fixtures.js";

/** A redis-server on a free port, its files in `dir`, its log collected. */
class RealRedis {
  log = "";
  exitCode: number | null | undefined;

  private constructor(
    readonly port: number,
    private readonly proc: ChildProcess,
  ) {
    proc.stdout?.on("data", (d: Buffer) => (this.log += d.toString()));
    proc.on("exit", (code) => (this.exitCode = code));
  }

  static async start(dir: string, extra: string[] = []): Promise<RealRedis> {
    const port = await freePort();
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--dbfilename", "dump.rdb", "--save", "", "--appendonly", "no", ...extra];
    return new RealRedis(port, spawn("redis-server", args, { stdio: ["ignore", "pipe", "ignore"] }));
  }

  /** Waits for the server to accept connections (true) or to exit (false). */
  async ready(): Promise<boolean> {
    await waitFor("redis-server to start or exit", 30_000, () => /ready to accept connections/i.test(this.log) || this.exitCode !== undefined).catch((err: Error) => {
      throw new Error(`${err.message}; its log:\n${this.log}`);
    });
    return this.exitCode === undefined;
  }

  async client(): Promise<Redis> {
    // RESP2: flat WITHSCORES and HGETALL replies.
    const c = new Redis({ port: this.port, host: "127.0.0.1", protocol: 2, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    await c.connect();
    return c;
  }

  kill(): void {
    this.proc.kill("SIGKILL");
  }
}

interface Served {
  value: Value;
  pttl: number;
}

/** Every key the server holds, by "db key", with its value and PTTL, and the encodings it keeps them in. */
async function dump(c: Redis): Promise<{ keys: Map<string, Served>; encodings: Set<string> }> {
  const keys = new Map<string, Served>();
  const encodings = new Set<string>();
  for (let db = 0; db < 16; db++) {
    await c.select(db);
    for (const key of (await c.callBuffer("KEYS", "*")) as Buffer[]) {
      const type = String(await c.call("TYPE", key));
      const pttl = Number(await c.call("PTTL", key));
      encodings.add(String(await c.call("OBJECT", "ENCODING", key)));
      keys.set(`${db} ${key.toString("latin1")}`, { value: await read(c, key, type), pttl });
    }
  }
  return { keys, encodings };
}

async function read(c: Redis, key: Buffer, type: string): Promise<Value> {
  const reply = async (...args: Array<string | Buffer | number>) => (await c.callBuffer(args[0] as string, ...args.slice(1))) as Buffer[];
  switch (type) {
    case "string":
      return { type, v: (await c.callBuffer("GET", key)) as Buffer };
    case "list":
      return { type, v: await reply("LRANGE", key, 0, -1) };
    case "set":
      return { type, v: new Set((await reply("SMEMBERS", key)).map((m) => m.toString("latin1"))) };
    case "hash": {
      const flat = await reply("HGETALL", key);
      const v = new Map<string, Buffer>();
      for (let i = 0; i < flat.length; i += 2) v.set(flat[i].toString("latin1"), flat[i + 1]);
      return { type, v };
    }
    case "zset": {
      const flat = await reply("ZRANGE", key, 0, -1, "WITHSCORES");
      const scores = new Map<string, number>();
      for (let i = 0; i < flat.length; i += 2) scores.set(flat[i].toString("latin1"), parseScore(flat[i + 1].toString()));
      return { type, v: { scores } };
    }
    default:
      throw new Error(`unexpected type ${type}`);
  }
}

function parseScore(s: string): number {
  return s === "inf" ? Infinity : s === "-inf" ? -Infinity : Number(s);
}

/** The server holds exactly these keys, with these values and (within a few seconds) expiry times. */
function assertServes(served: Map<string, Served>, expected: RdbEntry[], now: number): void {
  const id = (e: RdbEntry) => `${e.db} ${e.key}`;
  assert.deepStrictEqual(new Map([...served].map(([k, s]) => [k, s.value])), new Map(expected.map((e) => [id(e), unsignedZero(e.value)])));
  for (const e of expected) {
    const { pttl } = served.get(id(e))!;
    if (e.expireAt === undefined) assert.equal(pttl, -1, `${id(e)} has no expiry`);
    else assert.ok(Math.abs(e.expireAt - now - pttl) < 5000, `${id(e)}: PTTL ${pttl}, expected about ${e.expireAt - now}`);
  }
}

/** Redis replies "0" for a score of -0, so a reply cannot show the sign the file has. */
function unsignedZero(value: Value): Value {
  if (value.type !== "zset") return value;
  return { type: "zset", v: { scores: new Map([...value.v.scores].map(([m, s]) => [m, s === 0 ? 0 : s])) } };
}

describe("differential: RDB files with redis-server 7.0", function () {
  this.timeout(30_000);
  const servers: RealRedis[] = [];
  const dirs: string[] = [];
  const clients: Redis[] = [];

  const start = async (file?: Buffer, extra: string[] = []) => {
    const dir = mkdtempSync(join(tmpdir(), "redline-rdb-"));
    dirs.push(dir);
    if (file) writeFileSync(join(dir, "dump.rdb"), file);
    const server = await RealRedis.start(dir, extra);
    servers.push(server);
    return { server, dir, up: await server.ready() };
  };
  const connect = async (server: RealRedis) => {
    const c = await server.client();
    clients.push(c);
    return c;
  };

  after(() => {
    for (const c of clients) c.disconnect();
    for (const s of servers) s.kill();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("decodes what it SAVEs, every encoding it keeps small and big values in, to what it serves", async () => {
    const { server, dir, up } = await start(undefined, ["--enable-debug-command", "yes"]);
    assert.ok(up, server.log);
    const c = await connect(server);
    const scrambled = Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7919 + 13) % 251));
    const many = (n: number, f: (i: number) => string[]) => Array.from({ length: n }, (_, i) => f(i)).flat();
    const commands: Array<Array<string | Buffer>> = [
      ["SET", "s:int8", "100"],
      ["SET", "s:int16", "-30000"],
      ["SET", "s:int32", "2000000000"],
      ["SET", "s:int64", "1234567890123"],
      ["SET", "s:embstr", "hello"],
      ["SET", "s:empty", ""],
      ["SET", "s:lzf", "ab".repeat(100)], // > 20 bytes and compressible: stored LZF-compressed
      ["SET", "s:raw", scrambled],
      ["SET", Buffer.from([0, 0xff, 0x0a]), Buffer.from([0xff, 0])],
      ["RPUSH", "l:small", "a", ...EDGE_INTS.map(String), "", "x".repeat(100), "y".repeat(5000)],
      ["RPUSH", "l:big", ...many(3000, (i) => [`item-${i}-${"z".repeat(40)}`])], // several listpack nodes
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "1000"],
      ["RPUSH", "l:plain", "before", "p".repeat(2000), "after"], // the big element gets a plain node
      ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"],
      ["SADD", "set:int16", "1", "2", "3"],
      ["SADD", "set:int64", "-5", "5000000000"],
      ["SADD", "set:strings", "a", "b", "", "\x00"],
      ["SADD", "set:big", ...many(600, (i) => [String(i)])],
      ["ZADD", "z:small", "1", "a", "1.5", "b", "inf", "c", "-inf", "d", "-0.25", "e", "1e20", "f", "0.1", "g", "-0", "h"],
      ["ZADD", "z:big", ...many(200, (i) => [String(i / 7), `m${i}`])],
      ["ZADD", "z:long", "1", "m".repeat(100)],
      ["HSET", "h:small", "f", "v", "n", "12", "e", ""],
      ["HSET", "h:big", ...many(200, (i) => [`f${i}`, `v${i}`])],
      ["HSET", "h:long", "f", "v".repeat(100)],
      ["SET", "e:string", "v", "PX", "100000"],
      ["RPUSH", "e:list", "a"],
      ["PEXPIRE", "e:list", "200000"],
      ["HSET", "e:hash", "f", "v"],
      ["EXPIRE", "e:hash", "300"],
      ["FUNCTION", "LOAD", FUNCTION_CODE],
      ["SELECT", "3"],
      ["SET", "db3", "x"],
      ["ZADD", "db3:z", "2", "m"],
      ["SELECT", "15"],
      ["SADD", "db15", "m"],
      ["SET", "e:db15", "v", "EX", "1000"],
      ["SAVE"],
    ];
    for (const [cmd, ...args] of commands) await c.call(cmd as string, ...args);

    const { entries, aux } = decodeRdb(readFileSync(join(dir, "dump.rdb")));
    const { keys, encodings } = await dump(c);
    assertServes(keys, entries, Date.now());
    assert.equal(aux.get("redis-ver"), "7.0.15");
    for (const enc of ["int", "embstr", "raw", "quicklist", "intset", "hashtable", "listpack", "skiplist"]) assert.ok(encodings.has(enc), `no ${enc} value`);
  });

  it("loads what we encode and serves it back, refusing nothing; a flipped byte fails the checksum", async () => {
    const now = Date.now();
    const ks = new Keyspace();
    const put = (db: number, key: string, value: Value, expireAt?: number) => ks.dbs[db].set(key, value, { expireAt });
    const b = (s: string) => Buffer.from(s, "latin1");
    put(0, "string", { type: "string", v: b("FLIPFLIPFLIP") });
    put(0, "\x00\xff binary", { type: "string", v: b("\x00\xff\r\n") });
    put(0, "int", { type: "string", v: b("-9223372036854775808") });
    put(0, "big", { type: "string", v: Buffer.alloc(70000, "q") });
    put(0, "list", { type: "list", v: [b(""), b("1"), b("x".repeat(20000))] });
    put(0, "set:ints", { type: "set", v: new Set(["1", "-2", "5000000000"]) });
    put(0, "set:big", { type: "set", v: new Set(Array.from({ length: 600 }, (_, i) => `m${i}`)) });
    put(0, "hash", { type: "hash", v: new Map([["f", b("v")], ["", b("")], ["long", b("l".repeat(100))]]) });
    put(0, "zset", { type: "zset", v: { scores: new Map([["a", 1.5], ["b", -Infinity], ["c", Infinity], ["d", -0], ["e", 0.1]]) } });
    put(0, "zset:big", { type: "zset", v: { scores: new Map(Array.from({ length: 200 }, (_, i) => [`m${i}`, i / 3])) } });
    put(0, "expires", { type: "string", v: b("e") }, now + 500_000);
    put(0, "expired", { type: "string", v: b("gone") }, now - 1);
    put(4, "db4", { type: "list", v: [b("in db 4")] }, now + 100_000);
    for (const items of fc.sample(keyspaceItemsArb, { numRuns: 3, seed: 11 })) for (const { db, key, value, expiresIn } of items) put(db, `random:${key}`, value, expiresIn === undefined ? undefined : now + expiresIn);
    const file = encodeRdb(ks, now, { replId: "0123456789abcdef0123456789abcdef01234567", replOffset: 99 });

    const { server, up } = await start(file);
    assert.ok(up && /DB loaded from disk/.test(server.log), server.log);
    assertServes((await dump(await connect(server))).keys, liveEntries(ks, now), Date.now());

    const flipped = Buffer.from(file);
    flipped[file.indexOf("FLIPFLIPFLIP") + 3] ^= 0x20;
    const refused = await start(flipped);
    assert.equal(refused.up, false, refused.server.log);
    assert.match(refused.server.log, /Wrong RDB checksum/);
  });

  it("loads the fixture's compact and legacy encodings to the same keys we decode", async () => {
    const now = Date.now();
    const { file, expected } = compactFixture(now);
    assert.deepStrictEqual(decodeRdb(file).entries, expected);
    const { server, up } = await start(file);
    assert.ok(up && /DB loaded from disk/.test(server.log), server.log);
    assertServes((await dump(await connect(server))).keys, expected, Date.now());
  });
});
