// End to end against real redis-server / redis-sentinel processes, through the CLI.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseHistory } from "../../history/jsonl.js";
import type { RunResults } from "../../core/run-folder.js";
import type { ProcessRecord } from "../../targets/supervisor.js";
import { endRun, onlyRunDir, pidAlive, readJson, pidsMentioning, runCli, startCli, tempDir, waitFor } from "../helpers.js";

function assertAllStopped(runDir: string): void {
  const started = readJson<ProcessRecord>(join(runDir, "processes.json")).processes;
  assert.ok(started.length > 0, "the run started no process");
  const alive = started.filter((p) => pidAlive(p.pid));
  assert.deepEqual(alive, [], `processes of the run still alive: ${alive.map((p) => `${p.name}=${p.pid}`).join(", ")}`);
}

/** Until the run's history has a line with `text`; its run folder. */
async function started(results: string, text: string): Promise<string> {
  let runDir = "";
  await waitFor(`the run's history to have ${text}`, 60_000, () => {
    runDir = onlyRunDir(results);
    return readFileSync(join(runDir, "history.jsonl"), "utf8").includes(text);
  });
  return runDir;
}

describe("redline run against real Redis", function () {
  this.timeout(120_000);

  it("a bad spec starts nothing and exits 254 naming the file and line", async () => {
    const dir = tempDir();
    const specFile = join(dir, "bad.yaml");
    writeFileSync(specFile, "target: redis\ntopology:\n  type: sentinel\n  replicas: 2\n  sentinels: 3\nsentinel:\n  quorum: 5\n");
    const res = await runCli(["run", specFile, "--results-dir", join(dir, "results")]);
    assert.equal(res.code, 254, res.stderr);
    assert.match(res.stderr, /bad\.yaml:7:\d+: sentinel\.quorum/);
    assert.doesNotMatch(res.stderr, /at .*\.js:\d+/, "no stack trace");
    assert.equal(existsSync(join(dir, "results")), false, "no run folder for a refused spec");
    // Other test files run meanwhile (mocha --parallel): a node of this run would name its folder.
    assert.deepEqual(pidsMentioning(dir), [], "no process started");
  });

  it("sentinel topology: the primary is killed, Sentinel fails over, acknowledged writes land on both primaries", async () => {
    // The default results dir is relative ("results"): run from a fresh folder, as a user would.
    const cwd = tempDir();
    const results = join(cwd, "results");
    const res = await runCli(
      [
        "run",
        ...["--target", "redis", "--topology", "sentinel", "--replicas", "2", "--sentinels", "3"],
        ...["--workload", "set", "--concurrency", "4", "--rate", "200", "--timeout-ms", "500"],
        ...["--nemesis", "kill", "--nemesis-targets", "primary", "--nemesis-interval", "3", "--nemesis-duration", "9"],
        ...["--down-after-ms", "1000", "--failover-timeout-ms", "3000", "--time-limit", "15", "--seed", "7"],
      ],
      cwd,
    );
    assert.ok(res.code === 0 || res.code === 1, `exit ${res.code}: ${res.stderr}\n${res.stdout}`);
    const runDir = onlyRunDir(results);
    for (const f of ["test.yaml", "history.jsonl", "results.json", "processes.json", "nodes/n1/redis.log", "nodes/s1/sentinel.log"]) {
      assert.ok(existsSync(join(runDir, f)), `${f} missing from the run folder`);
    }
    const history = parseHistory(readFileSync(join(runDir, "history.jsonl"), "utf8"));
    const kill = history.find((o) => o.process === "nemesis" && o.f === "start");
    assert.ok(kill, "no kill in the history");
    assert.deepEqual((kill.value as { node: string; fault: string }).fault, "kill");
    const killed = (kill.value as { node: string }).node;
    const okAdds = history.filter((o) => o.type === "ok" && o.f === "add");
    assert.ok(okAdds.some((o) => o.node === killed && o.time < kill.time), "no acknowledged add on the first primary");
    assert.ok(okAdds.some((o) => o.node !== killed && o.time > kill.time), "no acknowledged add on a promoted primary");
    const verdict = readJson<RunResults>(join(runDir, "results.json"));
    assert.ok(verdict.checkers.set.valid === true || verdict.checkers.set.valid === false, verdict.checkers.set.summary);
    assert.equal(typeof verdict.checkers.stats.valid, "boolean");
    assert.match(res.stdout, /set +(valid|INVALID)/);
    // The observer recorded the failover, and it followed Sentinel's rules.
    assert.ok(existsSync(join(runDir, "events.jsonl")), "no events.jsonl");
    const election = verdict.checkers["election-rules"];
    assert.equal(election.valid, true, `${election.summary}\n${election.report?.join("\n")}`);
    assert.match(res.stdout, /failover epoch \d+ by s\d: n1 -> n\d at [\d.]+ s: valid/);
    assert.notEqual(verdict.checkers["loss-window"].valid, false, verdict.checkers["loss-window"].summary);
    assertAllStopped(runDir);
  });

  it("SIGINT stops the run and leaves no process of it alive", async () => {
    const results = join(tempDir(), "results");
    const run = startCli([
      "run",
      ...["--target", "redis", "--topology", "sentinel", "--workload", "counter"],
      ...["--nemesis", "pause", "--nemesis-interval", "1", "--nemesis-duration", "30", "--time-limit", "60"],
      ...["--results-dir", results],
    ]);
    try {
      const runDir = await started(results, '"nemesis"');
      run.child.kill("SIGINT");
      const res = await run.done;
      assert.equal(res.code, 2, res.stderr);
      assertAllStopped(runDir);
      const verdict = readJson<RunResults>(join(runDir, "results.json"));
      assert.equal(verdict.valid, "unknown");
      assert.equal(verdict.interrupted, "SIGINT");
    } finally {
      await endRun(run, results);
    }
  });
});

describe("redline reap", function () {
  this.timeout(60_000);

  it("stops the nodes of a run whose harness was SIGKILLed, and nothing else", async () => {
    const results = join(tempDir(), "results");
    const run = startCli(["run", "--target", "redis", "--topology", "replication", "--time-limit", "60", "--results-dir", results]);
    try {
      const runDir = await started(results, '"ok"');
      run.child.kill("SIGKILL"); // the one exit the harness cannot clean up after
      await run.done;
      const nodes = readJson<ProcessRecord>(join(runDir, "processes.json")).processes;
      assert.ok(nodes.some((p) => pidAlive(p.pid)), "the nodes should have outlived the killed harness");
      const reap = await runCli(["reap", "--results-dir", results]);
      assert.match(reap.stdout, new RegExp(`${nodes.length} leftover processes stopped`));
      await waitFor("the nodes to exit", 30_000, () => nodes.every((p) => !pidAlive(p.pid)));
      const again = await runCli(["reap", "--results-dir", results]);
      assert.match(again.stdout, /0 leftover processes stopped/);
    } finally {
      await endRun(run, results); // the nodes too, when an assertion above failed before the reap
    }
  });
});

describe("redline run: settings reach the real nodes", function () {
  this.timeout(120_000);

  it("replication: requirepass, appendonly and min-replicas-to-write are in force; a killed replica blocks writes", async () => {
    const dir = tempDir();
    const specFile = join(dir, "repl.yaml");
    writeFileSync(
      specFile,
      [
        "name: repl-counter",
        "target: redis",
        "topology: { type: replication, replicas: 2 }",
        "replication: { min-replicas-to-write: 2, min-replicas-max-lag: 10 }",
        "requirepass: s3cret",
        "persistence: appendonly",
        "workload: { type: counter, keys: 2, concurrency: 3, rate: 100, timeout-ms: 500 }",
        "nemesis: { faults: [kill], targets: [replica], interval: 1, duration: 3 }",
        "time-limit: 6",
        "seed: 3",
      ].join("\n"),
    );
    const res = await runCli(["run", specFile, "--results-dir", join(dir, "results")]);
    const runDir = onlyRunDir(join(dir, "results"));
    assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
    const conf = readFileSync(join(runDir, "nodes/n2/n2.conf"), "utf8");
    assert.match(conf, /^requirepass s3cret$/m);
    assert.match(conf, /^masterauth s3cret$/m);
    assert.ok(existsSync(join(runDir, "nodes/n1/data/appendonlydir")), "no append-only file on the primary");
    const history = parseHistory(readFileSync(join(runDir, "history.jsonl"), "utf8"));
    const refused = history.filter((o) => o.type === "fail" && o.error?.startsWith("NOREPLICAS"));
    assert.ok(refused.length > 0, "min-replicas-to-write 2 with a replica killed must refuse writes");
    const verdict = readJson<RunResults>(join(runDir, "results.json"));
    assert.equal(verdict.checkers.counter.valid, true, verdict.checkers.counter.summary);
    assertAllStopped(runDir);
  });

  it("sentinel: a forced failover with auth promotes the replica the priorities allow", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli([
      "run",
      ...["--target", "redis", "--topology", "sentinel", "--replicas", "2", "--replica-priority", "0,100"],
      ...["--requirepass", "pw", "--workload", "register", "--rate", "100", "--timeout-ms", "500"],
      ...["--nemesis", "failover", "--nemesis-interval", "2", "--nemesis-duration", "20", "--time-limit", "8"],
      ...["--down-after-ms", "1000", "--failover-timeout-ms", "3000", "--results-dir", results],
    ]);
    const runDir = onlyRunDir(results);
    assert.ok(res.code === 0 || res.code === 1, `exit ${res.code}: ${res.stderr}\n${res.stdout}`);
    const history = parseHistory(readFileSync(join(runDir, "history.jsonl"), "utf8"));
    const failover = history.find((o) => o.process === "nemesis" && o.f === "start");
    assert.deepEqual(failover?.value, { fault: "failover", via: (failover?.value as { via: string }).via, reply: "OK" });
    // Clients stay on the old primary until Sentinel demotes it; after the heal the final reads go to
    // the promoted one, and n2 has replica-priority 0, so only n3 may have been promoted.
    const finalReads = history.filter((o) => o.type === "ok" && o.f === "read").slice(-5);
    assert.deepEqual([...new Set(finalReads.map((o) => o.node))], ["n3"]);
    // The election-rules checker agrees: n2 was excluded for its priority 0, n3 was the best.
    const election = readJson<RunResults>(join(runDir, "results.json")).checkers["election-rules"];
    assert.equal(election.valid, true, `${election.summary}\n${election.report?.join("\n")}`);
    assert.match(res.stdout, /ok best-replica: n3 was the best: n2 excluded \(priority 0\)/);
    assertAllStopped(runDir);
  });

  it("a missing redis-server is a clear error with the install command, and starts nothing", async () => {
    const dir = tempDir();
    const res = await runCli(["run", "--target", "redis", "--results-dir", join(dir, "results")], undefined, {
      PATH: "/nonexistent",
    });
    assert.equal(res.code, 255);
    assert.match(res.stderr, /redis-server was not found on PATH.*apt-get install redis-server redis-sentinel/);
    assert.equal(existsSync(join(dir, "results")), false);
  });
});

describe("redline run: linearizability against real Redis", function () {
  this.timeout(120_000);

  it("cas-register on standalone Redis is linearizable; the run folder has history.edn and the view", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli([
      "run",
      ...["--target", "redis", "--topology", "standalone", "--workload", "cas-register", "--keys", "2"],
      ...["--concurrency", "8", "--rate", "400", "--time-limit", "4", "--seed", "11", "--results-dir", results],
    ]);
    assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
    const runDir = onlyRunDir(results);
    const verdict = readJson<RunResults>(join(runDir, "results.json"));
    assert.equal(verdict.checkers.linearizable.valid, true, verdict.checkers.linearizable.summary);
    const history = parseHistory(readFileSync(join(runDir, "history.jsonl"), "utf8"));
    const cas = history.filter((o) => o.f === "cas");
    assert.ok(cas.some((o) => o.type === "ok") && cas.some((o) => o.type === "fail"), "cas ops should both succeed and fail");
    assert.ok(existsSync(join(runDir, "linearizability.html")));
    assert.match(readFileSync(join(runDir, "history.edn"), "utf8"), /:f :cas/);
    // The stored history re-checks to the same verdict.
    const again = await runCli(["check", runDir]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
  });
});
