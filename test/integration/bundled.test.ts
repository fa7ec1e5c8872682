// The bundled server as a target and with real clients: ioredis (RESP2 and RESP3),
// redis-cli (interactive and --pipe), redis-benchmark; runs with kill, pause, partition and lag
// faults. Its bug switches are proven in bug-switches.test.ts and election-bugs.test.ts.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { RunResults } from "../../core/run-folder.js";
import { freePort } from "../../targets/ports.js";
import { parseHistory } from "../../history/jsonl.js";
import { readJson, runCli, startCli, tempDir, waitFor } from "../helpers.js";
import { RawClient } from "../support/raw-client.js";
import { faultStarts, redlineRun } from "../support/twins.js";

describe("bundled server with real clients", function () {
  this.timeout(60_000);
  let port: number;
  let stop: () => void;
  let serverRss: () => number;

  before(async () => {
    port = await freePort();
    const { child } = startCli(["server", "--port", String(port), "--bind", "127.0.0.1"]);
    stop = () => child.kill("SIGKILL");
    serverRss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))![1]) * 1024;
    await waitFor("the bundled server", 10_000, () => spawnSync("redis-cli", ["-p", String(port), "PING"]).stdout?.toString().trim() === "PONG");
  });
  after(() => stop());

  for (const protocol of [2, 3] as const) {
    it(`ioredis over RESP${protocol}: strings, lists, hashes, transactions, pub/sub`, async () => {
      const client = new Redis({ port, host: "127.0.0.1", protocol, maxRetriesPerRequest: 0 });
      const sub = new Redis({ port, host: "127.0.0.1", protocol, maxRetriesPerRequest: 0 });
      try {
        await client.set(`s${protocol}`, "v", "EX", 100);
        assert.equal(await client.get(`s${protocol}`), "v");
        assert.ok((await client.ttl(`s${protocol}`)) > 90);
        await client.rpush(`l${protocol}`, "a", "b", "c");
        assert.deepEqual(await client.lrange(`l${protocol}`, 0, -1), ["a", "b", "c"]);
        await client.hset(`h${protocol}`, { f1: "1", f2: "2" });
        assert.deepEqual(await client.hgetall(`h${protocol}`), { f1: "1", f2: "2" });
        assert.deepEqual(await client.multi().incr(`c${protocol}`).incr(`c${protocol}`).exec(), [
          [null, 1],
          [null, 2],
        ]);
        const message = new Promise<string>((resolve) => sub.on("message", (_ch, m: string) => resolve(m)));
        await sub.subscribe(`ch${protocol}`);
        await client.publish(`ch${protocol}`, "hi");
        assert.equal(await message, "hi");
      } finally {
        client.disconnect();
        sub.disconnect();
      }
    });
  }

  it("redis-cli: commands, errors and --pipe", () => {
    const cli = (...args: string[]) => execFileSync("redis-cli", ["-p", String(port), ...args], { encoding: "utf8" }).trim();
    assert.equal(cli("SET", "cli", "x"), "OK");
    assert.equal(cli("GET", "cli"), "x");
    assert.equal(cli("LPUSH", "cli", "y"), "WRONGTYPE Operation against a key holding the wrong kind of value");
    const piped = execFileSync("redis-cli", ["-p", String(port), "--pipe"], { input: "SET p1 a\r\nSET p2 b\r\nINCR n\r\n", encoding: "utf8" });
    assert.match(piped, /errors: 0, replies: 3/);
    assert.equal(cli("MGET", "p1", "p2"), "a\nb");
  });

  it("redis-benchmark's standard tests run to the end", () => {
    const out = execFileSync("redis-benchmark", ["-p", String(port), "-n", "2000", "-c", "10", "-q", "-t", "ping,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,lrange,mset"], {
      encoding: "utf8",
      timeout: 50_000,
    });
    for (const test of ["SET", "GET", "INCR", "LPUSH", "SADD", "HSET", "ZADD", "MSET"]) assert.match(out, new RegExp(`${test}.*requests per second`));
  });

  it("survives garbage on the wire, split at random places, and keeps serving", async () => {
    const before = serverRss();
    let seed = 42;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 200; round++) {
      const c = await RawClient.connect(port);
      const bytes = Buffer.from(Array.from({ length: 1 + Math.floor(random() * 300) }, () => Math.floor(random() * 256)));
      // Some rounds start like a real request, then go wrong.
      const prefix = Buffer.from(["*3\r\n$3\r\nSET\r\n", "*99999999999\r\n", "$-5\r\n", "*2\r\n$4000000000\r\n", ""][round % 5]);
      await c.send(Buffer.concat([prefix, bytes]), 50);
      c.close();
    }
    const check = await RawClient.connect(port);
    assert.equal(await check.call("PING"), "+PONG\r\n");
    check.close();
    assert.ok(serverRss() - before < 100 * 2 ** 20, `the server grew by ${(serverRss() - before) / 2 ** 20} MiB`);
  });
});

describe("redline run --target bundled", function () {
  this.timeout(120_000);

  for (const [workload, fault] of [
    ["register", "kill"],
    ["counter", "pause"],
    ["set", "kill"],
  ] as const) {
    it(`${workload} workload with ${fault} faults, persistence on`, async () => {
      const run = await redlineRun([
        ...["--target", "bundled", "--topology", "standalone", "--workload", workload, "--persistence", "appendonly"],
        ...["--nemesis", fault, "--nemesis-interval", "1", "--nemesis-duration", "1", "--time-limit", "5", "--rate", "200", "--seed", "7"],
      ]);
      assert.equal(run.code, 0, run.output);
      assert.equal(run.results.valid, true);
      assert.ok((run.results.opCounts.ok ?? 0) > 100);
      assert.ok(faultStarts(run, fault).length > 0, `the history records the ${fault} faults`);
    });
  }

  for (const [fault, extra] of [
    ["partition", ["--partitions", "isolate-primary,halves"]],
    ["kill", ["--nemesis-targets", "replica"]],
    ["lag", ["--lag-links", "primary-replicas", "--lag-ms", "300"]],
  ] as const) {
    it(`replication topology with ${fault} faults: valid, and every replica back in sync after the heal`, async () => {
      const run = await redlineRun([
        ...["--target", "bundled", "--topology", "replication", "--replicas", "2", "--workload", "set"],
        ...["--nemesis", fault, ...extra, "--nemesis-interval", "1", "--nemesis-duration", "1.5", "--time-limit", "6", "--rate", "200", "--seed", "7"],
      ]);
      assert.equal(run.code, 0, run.output);
      assert.equal(run.results.valid, true);
      assert.ok((run.results.opCounts.ok ?? 0) > 100);
      assert.ok(faultStarts(run, fault).length > 0, `the history records the ${fault} faults`);
    });
  }

  it("the default chaos run: set then register on a bundled primary, 2 replicas and 3 sentinels, under partitions and kills", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli(["chaos", "--time-limit", "6", "--results-dir", results, "--seed", "7"]);
    // Seed 7 isolates the primary with its clients for about 2 s in each run: too short for a failover.
    assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
    assert.match(res.stdout, /chaos: reports\n {2}chaos-set +valid +\/\S+\n {2}chaos-register +valid +\/\S+/);
    for (const name of ["chaos-set", "chaos-register"]) {
      const [stamp] = readdirSync(join(results, name));
      const dir = join(results, name, stamp);
      const spec = readFileSync(join(dir, "test.yaml"), "utf8");
      assert.match(spec, /target: bundled/);
      assert.match(spec, /type: sentinel/);
      const verdict = readJson<RunResults>(join(dir, "results.json"));
      assert.equal(verdict.valid, true);
      assert.equal(verdict.checkers.stats.valid, true);
      const partitions = parseHistory(readFileSync(join(dir, "history.jsonl"), "utf8")).filter((op) => op.process === "nemesis" && op.f === "start");
      assert.deepEqual(partitions.map((op) => (op.value as { fault: string; shape: string }).shape), ["primary-with-clients"], `${name}'s faults`);
    }
  });
});

describe("bundled server persistence", function () {
  this.timeout(30_000);

  it("with appendonly, a SIGKILLed server restarts with every acknowledged write, TTLs and transactions included", async () => {
    const dir = tempDir();
    const port = await freePort();
    const args = ["server", "--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes"];
    const up = () => waitFor("the bundled server", 10_000, () => spawnSync("redis-cli", ["-p", String(port), "PING"]).stdout?.toString().trim() === "PONG");
    const first = startCli(args);
    await up();
    const client = await RawClient.connect(port);
    await client.call("SADD", "s", "a", "b", "c", "d");
    await client.call("SPOP", "s", "2");
    const members = await client.call("SMEMBERS", "s");
    await client.call("SET", "t", "v", "EX", "1000");
    await client.call("SELECT", "2");
    await client.call("MULTI");
    await client.call("INCR", "n");
    await client.call("INCR", "n");
    await client.call("SELECT", "3");
    await client.call("SET", "m", "in 3");
    await client.call("EXEC");
    await client.call("SET", "after", "still 3");
    client.close();
    first.child.kill("SIGKILL");
    await first.done;

    const second = startCli(args);
    try {
      await up();
      const again = await RawClient.connect(port);
      assert.match(members, /^\*2\r\n/);
      assert.equal(await again.call("SMEMBERS", "s"), members);
      assert.match(await again.call("TTL", "t"), /^:(99\d|1000)\r\n$/);
      await again.call("SELECT", "2");
      assert.equal(await again.call("GET", "n"), "$1\r\n2\r\n");
      await again.call("SELECT", "3");
      assert.equal(await again.call("MGET", "m", "after"), "*2\r\n$4\r\nin 3\r\n$7\r\nstill 3\r\n");
      again.close();
    } finally {
      second.child.kill("SIGKILL");
    }
  });
});

describe("redis-cli interactive against the bundled server and redis-server", function () {
  this.timeout(30_000);

  /** Types lines into an interactive redis-cli under tmux and returns the screen, prompt port removed. */
  async function screen(port: number, lines: string[]): Promise<string> {
    const session = `redline-cli-${port}`;
    execFileSync("tmux", ["new-session", "-d", "-s", session, "-x", "120", "-y", "40", `redis-cli -p ${port}`]);
    const pane = () => execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" });
    // Each reply ends with a fresh prompt: the count of prompts on the screen says what is drawn.
    const prompts = () => pane().split(`:${port}>`).length - 1;
    try {
      await waitFor("redis-cli's first prompt", 10_000, () => prompts() === 1);
      for (const [i, line] of lines.entries()) {
        execFileSync("tmux", ["send-keys", "-t", session, line, "Enter"]);
        await waitFor(`the reply to ${line}`, 10_000, () => prompts() === i + 2);
      }
      return pane().replaceAll(`:${port}>`, ":PORT>").trimEnd();
    } finally {
      execFileSync("tmux", ["kill-session", "-t", session]);
    }
  }

  it("the same keystrokes give the same screen", async function () {
    if (spawnSync("tmux", ["-V"]).status !== 0) this.skip(); // tmux is what drives an interactive terminal here
    const lines = ["SET greeting hello", "GET greeting", "LPUSH greeting x", "HSET h f v", "HGETALL h", "NOSUCH cmd", "SELECT 20", "ZADD z 1.5 m", "ZRANGE z 0 -1 WITHSCORES"];
    const ours = await freePort();
    const real = await freePort();
    const bundled = startCli(["server", "--port", String(ours), "--bind", "127.0.0.1"]);
    const redis = spawn("redis-server", ["--port", String(real), "--bind", "127.0.0.1", "--save", ""], { stdio: "ignore" });
    try {
      const up = (port: number) => waitFor(`port ${port}`, 10_000, () => spawnSync("redis-cli", ["-p", String(port), "PING"]).stdout?.toString().trim() === "PONG");
      await up(ours);
      await up(real);
      assert.equal(await screen(ours, lines), await screen(real, lines));
    } finally {
      bundled.child.kill("SIGKILL");
      redis.kill("SIGKILL");
    }
  });
});
