// The bundled server as a target and with real clients: ioredis (RESP2 and RESP3),
// redis-cli (interactive and --pipe), redis-benchmark; runs with kill and pause; the bug
// switches caught by the checkers.
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { RunResults } from "../../core/run-folder.js";
import { freePort } from "../../targets/ports.js";
import { onlyRunDir, readJson, runCli, startCli, tempDir, waitFor } from "../helpers.js";
import { RawClient } from "../support/raw-client.js";

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
      const results = join(tempDir(), "results");
      const res = await runCli([
        "run",
        ...["--target", "bundled", "--topology", "standalone", "--workload", workload, "--persistence", "appendonly"],
        ...["--nemesis", fault, "--nemesis-interval", "1", "--nemesis-duration", "1", "--time-limit", "5", "--rate", "200"],
        ...["--results-dir", results],
      ]);
      assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
      const verdict = readJson<RunResults>(join(onlyRunDir(results), "results.json"));
      assert.equal(verdict.valid, true);
      assert.ok((verdict.opCounts.ok ?? 0) > 100);
    });
  }

  for (const [fault, extra] of [
    ["partition", ["--partitions", "isolate-primary,halves"]],
    ["kill", ["--nemesis-targets", "replica"]],
    ["lag", ["--lag-links", "primary-replicas", "--lag-ms", "300"]],
  ] as const) {
    it(`replication topology with ${fault} faults: valid, and every replica back in sync after the heal`, async () => {
      const results = join(tempDir(), "results");
      const res = await runCli([
        "run",
        ...["--target", "bundled", "--topology", "replication", "--replicas", "2", "--workload", "set"],
        ...["--nemesis", fault, ...extra, "--nemesis-interval", "1", "--nemesis-duration", "1.5", "--time-limit", "6", "--rate", "200"],
        ...["--results-dir", results],
      ]);
      assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
      const dir = onlyRunDir(results);
      const verdict = readJson<RunResults>(join(dir, "results.json"));
      assert.equal(verdict.valid, true);
      assert.ok((verdict.opCounts.ok ?? 0) > 100);
      const faults = readFileSync(join(dir, "history.jsonl"), "utf8").split("\n").filter((l) => l.includes('"nemesis"') && l.includes(`"${fault}`));
      assert.ok(faults.length > 0, `the history records the ${fault} faults`);
    });
  }

  /** A bundled sentinel run judged by election-rules (and stats), with and without a bug switch, side by side. */
  async function electionPair(bug: string, args: string[]) {
    const runWith = async (bugArgs: string[]) => {
      const results = join(tempDir(), "results");
      const res = await runCli([
        "run",
        ...["--topology", "sentinel", "--workload", "set", "--persistence", "appendonly", ...bugArgs, ...args],
        ...["--checkers", "election-rules,stats", "--results-dir", results],
      ]);
      const verdict = readJson<RunResults>(join(onlyRunDir(results), "results.json"));
      return { res, output: res.stdout + res.stderr, election: verdict.checkers["election-rules"] };
    };
    const [buggy, honest] = await Promise.all([runWith(["--bug", bug]), runWith([])]);
    return { buggy, honest };
  }

  it("bug failover-without-quorum: a sentinel cut from the primary alone fails it over, and election-rules says ODOWN lacked the quorum; honest, nobody fails over", async () => {
    const { buggy, honest } = await electionPair("failover-without-quorum", [
      ...["--nemesis", "partition", "--partitions", "sentinel-from-primary", "--nemesis-interval", "2", "--nemesis-duration", "7", "--time-limit", "9"],
    ]);
    assert.equal(buggy.res.code, 1, buggy.output);
    assert.match(buggy.res.stdout, /BROKEN odown-first: ODOWN with 1 of 2 sentinels agreeing \(#quorum 1\/2\)/);
    assert.equal(honest.res.code, 0, honest.output);
    assert.match(honest.res.stdout, /election-rules valid +no failover in the record/);
  });

  it("bug select-lowest-offset: with one replica's stream lagging 2 s, a forced failover promotes it, and election-rules names the better one; honest, the replica ahead", async () => {
    // The lag runs long enough for every sentinel's INFO of the replicas (each 10 s) to see
    // the lagging one behind; the forced failover then selects from those offsets.
    const { buggy, honest } = await electionPair("select-lowest-offset", [
      ...["--nemesis", "lag,failover", "--nemesis-mode", "together", "--nemesis-intervals", "1,12", "--nemesis-durations", "14,3", "--time-limit", "16"],
      ...["--lag-links", "primary-replica", "--lag-ms", "2000", "--lag-jitter-ms", "0"],
    ]);
    assert.equal(buggy.res.code, 1, buggy.output);
    assert.match(buggy.res.stdout, /BROKEN best-replica: promoted (n\d) but (?!\1)n\d was better \(priority 100, offset (\d+), .*\) than \1 \(priority 100, offset (\d+)/);
    const [, , better, worse] = /promoted (n\d) but n\d was better \(priority 100, offset (\d+), .*\) than \1 \(priority 100, offset (\d+)/.exec(buggy.res.stdout)!;
    assert.ok(Number(better) > Number(worse), `${better} > ${worse}`);
    assert.equal(honest.res.code, 0, honest.output);
    // Not a tie broken by run id: the honest leader saw the offsets apart, and took the one ahead.
    assert.match(honest.res.stdout, /ok best-replica: n\d was the best: n\d has offset (\d+) < (\d+)/);
  });

  it("bug vote-twice-per-epoch: with votes slowed between sentinels, several stand in one epoch and each votes for all of them; honest, each votes once", async () => {
    // 2.5 s on every sentinel-to-sentinel link: a sentinel that reaches ODOWN cannot hear the
    // first candidate's vote request before it stands itself, so candidates share an epoch.
    const { buggy, honest } = await electionPair("vote-twice-per-epoch", [
      ...["--nemesis", "lag,kill", "--nemesis-mode", "together", "--nemesis-targets", "primary", "--nemesis-intervals", "1,2", "--nemesis-durations", "16,8"],
      ...["--lag-links", "sentinels", "--lag-ms", "2500", "--lag-jitter-ms", "0", "--time-limit", "18"],
    ]);
    assert.equal(buggy.res.code, 1, buggy.output);
    assert.match(buggy.res.stdout, /BROKEN one-vote-per-epoch: s\d voted for [23] candidates in epoch \d+/);
    assert.equal(honest.res.code, 0, honest.output);
    // The same situation arose: two or more candidates in one epoch; each sentinel voted once.
    const attempts = honest.election.details.attempts as { leader: string; epoch: number | null }[];
    const byEpoch = new Map<number | null, Set<string>>();
    for (const a of attempts) byEpoch.set(a.epoch, (byEpoch.get(a.epoch) ?? new Set()).add(a.leader));
    assert.ok([...byEpoch.values()].some((leaders) => leaders.size >= 2), `no epoch with two candidates: ${JSON.stringify(attempts)}`);
    const global = honest.election.details.global as { rule: string; valid: boolean | string }[];
    assert.deepEqual(global.find((g) => g.rule === "one-vote-per-epoch")?.valid, true);
  });

  it("the default chaos run: set then register on a bundled primary, 2 replicas and 3 sentinels, under partitions and kills", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli(["chaos", "--time-limit", "6", "--results-dir", results, "--seed", "7"]);
    assert.ok(res.code === 0 || res.code === 1, `exit ${res.code}: ${res.stderr}`);
    assert.match(res.stdout, /chaos: reports\n {2}chaos-set +\S+ +\/\S+\n {2}chaos-register +\S+ +\/\S+/);
    for (const name of ["chaos-set", "chaos-register"]) {
      const [stamp] = readdirSync(join(results, name));
      const dir = join(results, name, stamp);
      const spec = readFileSync(join(dir, "test.yaml"), "utf8");
      assert.match(spec, /target: bundled/);
      assert.match(spec, /type: sentinel/);
      assert.ok(readJson<RunResults>(join(dir, "results.json")).checkers.stats);
    }
  });

  it("bug lost-ack: the set checker reports the acknowledged adds that were lost", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli(["run", "--target", "bundled", "--workload", "set", "--bug", "lost-ack", "--time-limit", "3", "--results-dir", results]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    const verdict = readJson<RunResults>(join(onlyRunDir(results), "results.json"));
    assert.equal(verdict.checkers.set.valid, false);
    assert.ok((verdict.checkers.set.details.lost as unknown[]).length > 0);
  });

  it("bug lost-ack: the counter checker finds reads below the acknowledged increments", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli(["run", "--target", "bundled", "--workload", "counter", "--bug", "lost-ack", "--time-limit", "3", "--results-dir", results]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    const verdict = readJson<RunResults>(join(onlyRunDir(results), "results.json"));
    assert.equal(verdict.checkers.counter.valid, false, verdict.checkers.counter.summary);
  });

  it("bug stale-read: the linearizability checker finds the stale reads", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli(["run", "--target", "bundled", "--workload", "register", "--keys", "2", "--bug", "stale-read", "--time-limit", "3", "--results-dir", results]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    const verdict = readJson<RunResults>(join(onlyRunDir(results), "results.json"));
    assert.equal(verdict.checkers.linearizable.valid, false, verdict.checkers.linearizable.summary);
  });

  it("the same runs are valid without the bugs", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli(["run", "--target", "bundled", "--workload", "register", "--keys", "2", "--time-limit", "3", "--results-dir", results]);
    assert.equal(res.code, 0, res.stdout + res.stderr);
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
    try {
      await new Promise((r) => setTimeout(r, 300));
      for (const line of lines) {
        execFileSync("tmux", ["send-keys", "-t", session, line, "Enter"]);
        await new Promise((r) => setTimeout(r, 150));
      }
      await new Promise((r) => setTimeout(r, 300));
      return execFileSync("tmux", ["capture-pane", "-p", "-t", session], { encoding: "utf8" }).replaceAll(`:${port}>`, ":PORT>").trimEnd();
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
