import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { FLAGS, SpecError, loadSpec, parseSpec, specToYaml } from "../../spec/index.js";
import type { Spec } from "../../core/spec.js";

/** The problems of a spec that must be refused. */
function problemsOf(text: string, flags?: Record<string, string>): string[] {
  try {
    parseSpec(text, "spec.yaml", flags);
  } catch (err) {
    assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
    assert.equal(err.message, err.problems.join("\n"));
    return err.problems;
  }
  assert.fail("expected the spec to be refused");
}

/** The one problem of a spec that must be refused. */
function problemOf(text: string, flags?: Record<string, string>): string {
  const problems = problemsOf(text, flags);
  assert.equal(problems.length, 1, `expected one problem, got:\n${problems.join("\n")}`);
  return problems[0];
}

const yaml = (...lines: string[]) => lines.join("\n") + "\n";

const DEFAULTS: Omit<Spec, "seed"> = {
  name: "bundled-standalone-register-none",
  target: "bundled",
  topology: { type: "standalone", replicas: 0, sentinels: 0 },
  sentinel: { quorum: 1, downAfterMs: 2000, failoverTimeoutMs: 10000, parallelSyncs: 1 },
  replication: { minReplicasToWrite: 0, minReplicasMaxLag: 10, replicaPriority: [] },
  persistence: "none",
  workload: { type: "register", keys: 5, concurrency: 5, rate: 100, timeoutMs: 1000, waitReplicas: 0, waitTimeoutMs: 100 },
  nemesis: {
    faults: ["none"],
    targets: ["primary"],
    intervalS: 5,
    durationS: 5,
    mode: "random", intervalsS: [], durationsS: [], partitions: ["clients-only"], lag: { ms: 200, jitterMs: 50, links: "clients" },
  },
  expect: { loss: "bounded", replicaReads: "stale" },
  timeLimitS: 30,
  setupTimeoutS: 30,
  linearizability: { timeLimitS: 120, memoryLimitMb: 1024 },
  bugs: [],
  checkers: [],
  resultsDir: "results",
};

const FULL_SENTINEL = yaml(
  "name: sentinel-set-kill",
  "seed: 7",
  "target: redis",
  "topology:",
  "  type: sentinel",
  "  replicas: 2",
  "  sentinels: 3",
  "sentinel:",
  "  quorum: 2",
  "  down-after-milliseconds: 1500",
  "  failover-timeout: 9000",
  "  parallel-syncs: 2",
  "replication:",
  "  min-replicas-to-write: 1",
  "  min-replicas-max-lag: 5",
  "  replica-priority: [50]",
  "requirepass: s3cret",
  "persistence: appendonly",
  "workload:",
  "  type: set",
  "  keys: 3",
  "  concurrency: 8",
  "  rate: 250",
  "  timeout-ms: 500",
  "nemesis:",
  "  faults: [kill, failover]",
  "  targets: [primary, sentinel]",
  "  interval: 2.5",
  "  duration: 4",
  "time-limit: 60",
  "setup-timeout: 45",
  "checkers: [set, stats]",
  "results-dir: out/results",
);

const FULL_SENTINEL_SPEC: Spec = {
  name: "sentinel-set-kill",
  seed: 7,
  target: "redis",
  topology: { type: "sentinel", replicas: 2, sentinels: 3 },
  sentinel: { quorum: 2, downAfterMs: 1500, failoverTimeoutMs: 9000, parallelSyncs: 2 },
  replication: { minReplicasToWrite: 1, minReplicasMaxLag: 5, replicaPriority: [50, 100] },
  requirepass: "s3cret",
  persistence: "appendonly",
  workload: { type: "set", keys: 3, concurrency: 8, rate: 250, timeoutMs: 500, waitReplicas: 0, waitTimeoutMs: 100 },
  nemesis: {
    faults: ["kill", "failover"],
    targets: ["primary", "sentinel"],
    intervalS: 2.5,
    durationS: 4,
    mode: "random", intervalsS: [], durationsS: [], partitions: ["primary-with-clients"], lag: { ms: 200, jitterMs: 50, links: "primary-replicas" },
  },
  expect: { loss: "bounded", replicaReads: "stale" },
  timeLimitS: 60,
  setupTimeoutS: 45,
  linearizability: { timeLimitS: 120, memoryLimitMb: 1024 },
  bugs: [],
  checkers: ["set", "stats"],
  resultsDir: "out/results",
};

describe("spec-parse", () => {
  describe("valid specs", () => {
    it("fills every default from an empty file, with a random seed", () => {
      for (const text of ["", "# only a comment\n", "---\n"]) {
        const { seed, ...rest } = parseSpec(text, "spec.yaml");
        assert.deepEqual(rest, DEFAULTS);
        assert.ok(Number.isInteger(seed) && seed >= 0 && seed <= 2 ** 31 - 1, `seed ${seed}`);
      }
    });

    it("takes defaults that depend on the topology and the workload", () => {
      const sentinel = parseSpec(yaml("topology: {type: sentinel}", "workload: {type: counter}"), "spec.yaml");
      assert.deepEqual(sentinel.topology, { type: "sentinel", replicas: 2, sentinels: 3 });
      assert.equal(sentinel.sentinel.quorum, 2);
      assert.deepEqual(sentinel.replication.replicaPriority, [100, 100]);
      assert.equal(sentinel.workload.keys, 1);
      assert.equal(sentinel.name, "bundled-sentinel-counter-none");

      const five = parseSpec(yaml("topology:", "  type: sentinel", "  sentinels: 5"), "spec.yaml");
      assert.equal(five.sentinel.quorum, 3);

      const replication = parseSpec(yaml("topology: {type: replication}", "nemesis: {faults: [kill, pause]}"), "spec.yaml");
      assert.deepEqual(replication.topology, { type: "replication", replicas: 2, sentinels: 0 });
      assert.equal(replication.name, "bundled-replication-register-kill+pause");
    });

    it("parses a full sentinel spec", () => {
      assert.deepEqual(parseSpec(FULL_SENTINEL, "spec.yaml"), FULL_SENTINEL_SPEC);
    });

    it("allows kill and pause on a standalone primary", () => {
      const spec = parseSpec(yaml("nemesis:", "  faults: [kill, pause]", "  targets: [primary]"), "spec.yaml");
      assert.deepEqual(spec.nemesis.faults, ["kill", "pause"]);
    });

    it("treats an empty section as no settings", () => {
      const { seed, ...rest } = parseSpec(yaml("workload:", "nemesis:"), "spec.yaml");
      assert.ok(Number.isInteger(seed));
      assert.deepEqual(rest, DEFAULTS);
    });
  });

  describe("flags", () => {
    it("override the file's values, converting strings to the field types", () => {
      const spec = parseSpec(FULL_SENTINEL, "spec.yaml", {
        "--seed": "42",
        "--replicas": "3",
        "--quorum": "3",
        "--replica-priority": "10, 20",
        "--nemesis": "pause",
        "--nemesis-targets": "replica,primary",
        "--nemesis-interval": "0.5",
        "--checkers": "",
        "--workload": "counter",
        "--results-dir": "elsewhere",
      });
      assert.equal(spec.seed, 42);
      assert.deepEqual(spec.topology, { type: "sentinel", replicas: 3, sentinels: 3 });
      assert.equal(spec.sentinel.quorum, 3);
      assert.deepEqual(spec.replication.replicaPriority, [10, 20, 100]);
      assert.deepEqual(spec.nemesis.faults, ["pause"]);
      assert.deepEqual(spec.nemesis.targets, ["replica", "primary"]);
      assert.equal(spec.nemesis.intervalS, 0.5);
      assert.deepEqual(spec.checkers, []);
      assert.equal(spec.workload.type, "counter");
      assert.equal(spec.workload.keys, 3, "keys still from the file");
      assert.equal(spec.resultsDir, "elsewhere");
      assert.equal(spec.name, "sentinel-set-kill", "name still from the file");
    });

    it("accept keys with or without dashes, and commander's camelCase; undefined is not given", () => {
      const spec = loadSpec({ flags: { topology: "sentinel", downAfterMs: "3000", "failover-timeout-ms": "20000" } });
      assert.equal(spec.topology.type, "sentinel");
      assert.equal(spec.sentinel.downAfterMs, 3000);
      assert.equal(spec.sentinel.failoverTimeoutMs, 20000);
      const flags: Record<string, string | undefined> = { "--rate": undefined };
      assert.equal(parseSpec("", "spec.yaml", flags).workload.rate, 100);
    });

    it("map every documented flag to a schema path", () => {
      const byFlag = new Map(FLAGS.map((f) => [f.flag, f]));
      assert.equal(byFlag.size, 42);
      assert.equal(byFlag.get("--down-after-ms")?.path, "sentinel.down-after-milliseconds");
      assert.equal(byFlag.get("--failover-timeout-ms")?.path, "sentinel.failover-timeout");
      assert.equal(byFlag.get("--nemesis")?.path, "nemesis.faults");
      assert.equal(byFlag.get("--time-limit")?.path, "time-limit");
      const lists = FLAGS.filter((f) => f.list).map((f) => f.flag);
      assert.deepEqual(lists.sort(), [
        "--bug",
        "--checkers",
        "--nemesis",
        "--nemesis-durations",
        "--nemesis-intervals",
        "--nemesis-targets",
        "--partitions",
        "--replica-priority",
      ]);
      for (const f of FLAGS) assert.ok(f.description.length > 0, f.flag);
    });

    it("report a bad flag value by flag name", () => {
      assert.equal(problemOf("", { "--replicas": "abc" }), "--replicas: 'abc' is not an integer; expected an integer 0..16");
      assert.equal(problemOf("", { "--time-limit": "2.5x" }), "--time-limit: '2.5x' is not a number; expected a number > 0 and <= 86400");
      assert.equal(problemOf("", { "--keys": "1.5" }), "--keys: 1.5 is not an integer; expected an integer 1..100000");
      assert.equal(
        problemOf("", { "--topology": "cluster" }),
        "--topology: 'cluster' is not a valid topology; expected one of standalone, replication, sentinel",
      );
      assert.equal(
        problemOf("", { "--nemesis": "kill,kill" }),
        "--nemesis: duplicate 'kill'; expected each nemesis fault at most once",
      );
      assert.match(problemOf("", { "--nemesis": "" }), /^--nemesis: must not be empty; expected a list of none, kill, pause, failover, partition, lag$/);
      assert.match(problemOf("", { "--bogus": "1" }), /^--bogus: unknown flag; expected one of --name, --seed, .*--results-dir$/);
    });

    it("report cross-field problems of flags by flag name", () => {
      assert.equal(
        problemOf("", { quorum: "2" }),
        "--quorum: sentinel settings need topology sentinel, but topology.type is standalone; expected no sentinel settings with standalone",
      );
      assert.equal(
        problemOf(FULL_SENTINEL, { "--sentinels": "1" }),
        "spec.yaml:9:11: sentinel.quorum: 2 is more than the 1 sentinels (topology.sentinels); expected 1..1",
      );
    });
  });

  describe("round trip", () => {
    it("parseSpec(specToYaml(spec)) deep-equals spec", () => {
      const specs = [
        parseSpec("", "spec.yaml"),
        parseSpec(FULL_SENTINEL, "spec.yaml"),
        parseSpec(yaml("topology: {type: replication, replicas: 1}", "requirepass: '12345'", "time-limit: 0.25"), "spec.yaml"),
        parseSpec("", "spec.yaml", { nemesis: "kill,pause", name: "x.y_z-1" }),
        parseSpec(yaml("topology: {type: sentinel}", "workload: {type: set, wait-replicas: 2, wait-timeout-ms: 50}", "expect: {loss: none}"), "spec.yaml"),
        parseSpec(yaml("topology: {type: replication}", "workload: {type: stale-read}", "expect: {replica-reads: linearizable}"), "spec.yaml"),
      ];
      for (const spec of specs) {
        const text = specToYaml(spec);
        assert.deepEqual(parseSpec(text, "resolved.yaml"), spec, text);
      }
    });

    it("writes kebab-case keys, the seed, and only the sections the topology allows", () => {
      const standalone = specToYaml(parseSpec("seed: 9", "spec.yaml"));
      assert.match(standalone, /^seed: 9$/m);
      assert.match(standalone, /^time-limit: 30$/m);
      assert.match(standalone, /^ {2}timeout-ms: 1000$/m);
      assert.doesNotMatch(standalone, /^(sentinel|replication|requirepass):/m);

      const sentinel = specToYaml(parseSpec(FULL_SENTINEL, "spec.yaml"));
      assert.match(sentinel, /^ {2}down-after-milliseconds: 1500$/m);
      assert.match(sentinel, /^ {2}replica-priority: \[ 50, 100 \]$/m);
      assert.match(sentinel, /^requirepass: s3cret$/m);
    });
  });

  describe("loadSpec", () => {
    let dir = "";
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "redline-spec-"));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("reads a file and names it in problems", () => {
      const file = join(dir, "ok.yaml");
      writeFileSync(file, FULL_SENTINEL);
      assert.deepEqual(loadSpec({ file }), FULL_SENTINEL_SPEC);

      const bad = join(dir, "bad.yaml");
      writeFileSync(bad, yaml("seed: 1", "topology:", "  replicas: 99"));
      assert.throws(
        () => loadSpec({ file: bad }),
        (err: unknown) =>
          err instanceof SpecError &&
          err.problems[0] === `${bad}:3:13: topology.replicas: 99 is out of range; expected an integer 0..16`,
      );
    });

    it("refuses a missing file with a SpecError", () => {
      const file = join(dir, "missing.yaml");
      assert.throws(
        () => loadSpec({ file }),
        (err: unknown) => err instanceof SpecError && err.problems.length === 1 && err.problems[0].startsWith(`${file}: cannot read: ENOENT`),
      );
    });
  });

  describe("bug switches", () => {
    it("are for the bundled target only, by name", () => {
      assert.deepEqual(parseSpec(yaml("target: bundled", "bugs: [lost-ack]"), "spec.yaml").bugs, ["lost-ack"]);
      assert.equal(
        problemOf(yaml("target: redis", "bugs: [lost-ack]")),
        "spec.yaml:2:7: bugs: bug switches exist only in the bundled server (target is redis); expected target bundled, or no bugs",
      );
      assert.match(problemOf(yaml("target: bundled", "bugs: [lose-everything]")), /'lose-everything' is not a valid bug switch; expected one of lost-ack, stale-read/);
    });

    it("target bundled takes every topology", () => {
      for (const type of ["replication", "sentinel"]) {
        assert.equal(parseSpec(yaml("target: bundled", "topology:", `  type: ${type}`), "spec.yaml").topology.type, type);
      }
    });
  });

  describe("network faults", () => {
    it("parses partition shapes, lag settings, the mode and per-fault timings", () => {
      const spec = parseSpec(
        yaml(
          "topology: {type: sentinel}",
          "nemesis:",
          "  faults: [partition, lag, kill]",
          "  mode: sequence",
          "  partitions: [primary-with-clients, majorities-ring]",
          "  intervals: [2, 1.5]",
          "  durations: [10]",
          "  lag-ms: 300",
          "  lag-jitter-ms: 0",
          "  lag-links: all",
        ),
        "spec.yaml",
      );
      assert.equal(spec.nemesis.mode, "sequence");
      assert.deepEqual(spec.nemesis.partitions, ["primary-with-clients", "majorities-ring"]);
      assert.deepEqual(spec.nemesis.intervalsS, [2, 1.5]);
      assert.deepEqual(spec.nemesis.durationsS, [10]);
      assert.deepEqual(spec.nemesis.lag, { ms: 300, jitterMs: 0, links: "all" });
      assert.deepEqual(parseSpec(specToYaml(spec), "again.yaml"), spec);
    });

    it("refuses shapes and lag links the topology cannot have, and extra per-fault timings", () => {
      const problems = problemsOf(
        yaml("topology: {type: replication}", "nemesis: {faults: [partition], partitions: [halves, isolate-sentinel], durations: [1, 2]}"),
      );
      assert.deepEqual(problems, [
        "spec.yaml:2:53: nemesis.partitions[1]: 'isolate-sentinel' needs topology sentinel (topology.type is replication); expected one of isolate-primary, isolate-replica, primary-with-clients, halves, majority-minority, majorities-ring, bridge, clients-only",
        "spec.yaml:2:83: nemesis.durations: 2 entries for 1 fault (nemesis.faults); expected at most one per fault, in the same order",
      ]);
      assert.match(problemOf(yaml("nemesis: {faults: [lag], lag-links: primary-replicas}")), /nemesis\.lag-links: 'primary-replicas' needs replicas/);
      assert.match(problemOf(yaml("nemesis: {faults: [lag], lag-links: primary-replica}")), /nemesis\.lag-links: 'primary-replica' needs replicas \(topology.type is standalone\); expected clients or all/);
      assert.match(problemOf(yaml("topology: {type: replication}", "nemesis: {faults: [lag], lag-links: sentinels}")), /'sentinels' needs two sentinels or more/);
    });

    it("parses the together mode, which runs every fault in each round", () => {
      const spec = parseSpec(yaml("topology: {type: sentinel}", "nemesis: {faults: [lag, failover], mode: together, lag-links: primary-replica, intervals: [1, 12]}"), "spec.yaml");
      assert.equal(spec.nemesis.mode, "together");
      assert.equal(spec.nemesis.lag.links, "primary-replica");
      assert.deepEqual(parseSpec(specToYaml(spec), "again.yaml"), spec);
      assert.match(problemOf(yaml("nemesis: {faults: [kill], mode: overlap}")), /nemesis\.mode: .*'overlap'.*expected one of random, sequence, together/);
    });
  });

  describe("checkers that read the observer's record", () => {
    it("join the workload's own by topology: loss-window with replicas, election-rules with sentinels", async () => {
      const { checkersFor } = await import("../../harness/check.js");
      const names = (text: string) => checkersFor(parseSpec(text, "spec.yaml"));
      assert.deepEqual(names("workload: {type: set}"), ["set", "stats"]);
      assert.deepEqual(names(yaml("topology: {type: replication}", "workload: {type: counter}")), ["counter", "stats", "loss-window"]);
      assert.deepEqual(names(yaml("topology: {type: sentinel}", "workload: {type: register}")), ["linearizable", "stats", "loss-window", "election-rules"]);
      assert.deepEqual(names(yaml("topology: {type: sentinel}", "workload: {type: cas-register}")), ["linearizable", "stats", "election-rules"]);
      assert.deepEqual(names(yaml("topology: {type: sentinel}", "workload: {type: stale-read}")), ["stale-read", "stats", "election-rules"]);
    });

    it("parse WAIT, the expectations and the stale-read workload", () => {
      const spec = parseSpec(
        yaml("topology: {type: sentinel}", "workload: {type: set, wait-replicas: 2, wait-timeout-ms: 50}", "expect: {loss: none}"),
        "spec.yaml",
      );
      assert.deepEqual([spec.workload.waitReplicas, spec.workload.waitTimeoutMs], [2, 50]);
      assert.deepEqual(spec.expect, { loss: "none", replicaReads: "stale" });
      const stale = parseSpec("", "spec.yaml", { topology: "replication", workload: "stale-read", "expect-replica-reads": "linearizable" });
      assert.equal(stale.workload.keys, 1);
      assert.equal(stale.expect.replicaReads, "linearizable");
    });

    it("refuse what cannot work together", () => {
      assert.equal(
        problemOf(yaml("topology: {type: replication}", "checkers: [stats, election-rules]")),
        "spec.yaml:2:19: checkers[1]: 'election-rules' needs topology sentinel (topology.type is replication); expected one of linearizable, stats, loss-window",
      );
      assert.equal(
        problemOf(yaml("workload: {type: set}", "checkers: [loss-window]")),
        "spec.yaml:2:12: checkers[0]: 'loss-window' needs replicas (topology.type is standalone); expected one of set, stats",
      );
      assert.match(problemOf(yaml("workload: {type: stale-read}")), /workload\.type: 'stale-read' reads from replicas and needs topology replication or sentinel/);
      assert.match(problemOf("", { topology: "replication", workload: "stale-read", concurrency: "1" }), /^--concurrency: stale-read needs a writer and a reader/);
      assert.equal(
        problemOf("", { topology: "replication", replicas: "1", "wait-replicas": "2" }),
        "--wait-replicas: 2 is more than the 1 replicas (topology.replicas); expected 0..1",
      );
      assert.equal(
        problemOf("", { topology: "replication", "wait-replicas": "1", "wait-timeout-ms": "1000" }),
        "--wait-timeout-ms: 1000 ms is not below the client timeout (workload.timeout-ms 1000); expected 1..999",
      );
      assert.match(problemOf(yaml("topology: {type: sentinel}", "expect: {replica-reads: linearizable}")), /expect\.replica-reads: only the stale-read workload reads from replicas/);
      assert.match(problemOf("", { "expect-loss": "none" }), /^--expect-loss: 'none' is judged by the loss-window checker/);
      assert.match(problemOf("", { topology: "sentinel", workload: "cas-register", "expect-loss": "none" }), /--expect-loss: 'none' is judged by the loss-window checker/);
    });
  });

  describe("bad specs", () => {
    it("unknown top-level key: file:line:col and the allowed keys", () => {
      assert.equal(
        problemOf(yaml("seed: 1", "colour: red")),
        "spec.yaml:2:1: colour: unknown key; expected one of name, seed, target, topology, sentinel, replication, " +
          "requirepass, persistence, workload, nemesis, expect, time-limit, setup-timeout, linearizability, bugs, checkers, results-dir at the top level",
      );
    });

    it("unknown nested key: the section's allowed keys, and a hint when the key belongs elsewhere", () => {
      assert.equal(
        problemOf(yaml("topology:", "  type: sentinel", "  replica: 2")),
        "spec.yaml:3:3: topology.replica: unknown key; expected one of type, replicas, sentinels in topology",
      );
      const [misplaced, flagName] = problemsOf(yaml("replicas: 2", "sentinel:", "  down-after-ms: 100", "topology: {type: sentinel}"));
      assert.match(misplaced, /^spec\.yaml:1:1: replicas: unknown key \(did you mean topology\.replicas\?\); expected one of name, seed,/);
      assert.match(flagName, /^spec\.yaml:3:3: sentinel\.down-after-ms: unknown key \(did you mean sentinel\.down-after-milliseconds\?\); expected one of quorum, down-after-milliseconds, failover-timeout, parallel-syncs in sentinel$/);
    });

    it("wrong type", () => {
      assert.equal(problemOf(yaml("seed: '7'")), "spec.yaml:1:7: seed: '7' is not an integer; expected an integer 0..2147483647");
      assert.equal(problemOf(yaml("workload:", "  keys: 2.5")), "spec.yaml:2:9: workload.keys: 2.5 is not an integer; expected an integer 1..100000");
      assert.equal(problemOf(yaml("time-limit: soon")), "spec.yaml:1:13: time-limit: 'soon' is not a number; expected a number > 0 and <= 86400");
      assert.equal(
        problemOf(yaml("requirepass: 1234")),
        "spec.yaml:1:14: requirepass: 1234 is not a string (quote it in YAML); expected a non-empty string without whitespace",
      );
      assert.equal(
        problemOf(yaml("nemesis:", "  faults: kill")),
        "spec.yaml:2:11: nemesis.faults: 'kill' is not a list; expected a list of none, kill, pause, failover, partition, lag",
      );
      assert.equal(
        problemOf(yaml("topology: sentinel")),
        "spec.yaml:1:11: topology: 'sentinel' is not a mapping; expected a mapping with keys type, replicas, sentinels",
      );
      assert.equal(problemOf(yaml("seed:")), "spec.yaml:1:6: seed: missing value; expected an integer 0..2147483647");
    });

    it("top level that is not a mapping", () => {
      assert.match(problemOf(yaml("- seed: 1")), /^spec\.yaml:1:1: top level: a list is not a mapping; expected a mapping of settings \(name, seed,/);
      assert.match(problemOf("just words\n"), /^spec\.yaml:1:1: top level: 'just words' is not a mapping;/);
    });

    it("out of range", () => {
      assert.equal(
        problemOf(yaml("topology:", "  type: replication", "  replicas: 17")),
        "spec.yaml:3:13: topology.replicas: 17 is out of range; expected an integer 0..16",
      );
      assert.equal(problemOf(yaml("nemesis:", "  interval: 0")), "spec.yaml:2:13: nemesis.interval: 0 is out of range; expected a number > 0 and <= 3600");
      assert.equal(problemOf(yaml("setup-timeout: 0.5")), "spec.yaml:1:16: setup-timeout: 0.5 is out of range; expected a number >= 1 and <= 600");
      assert.equal(problemOf(yaml("seed: 2147483648")), "spec.yaml:1:7: seed: 2147483648 is out of range; expected an integer 0..2147483647");
      assert.equal(
        problemOf(yaml("topology: {type: replication}", "replication:", "  replica-priority: [1, 1001]")),
        "spec.yaml:3:25: replication.replica-priority[1]: 1001 is out of range; expected an integer 0..1000",
      );
    });

    it("bad enum value lists the allowed ones", () => {
      assert.equal(
        problemOf(yaml("topology:", "  type: sentinal")),
        "spec.yaml:2:9: topology.type: 'sentinal' is not a valid topology; expected one of standalone, replication, sentinel",
      );
      assert.equal(
        problemOf(yaml("nemesis:", "  faults:", "    - kill", "    - partiton")),
        "spec.yaml:4:7: nemesis.faults[1]: 'partiton' is not a valid nemesis fault; expected one of none, kill, pause, failover, partition, lag",
      );
    });

    it("duplicate list entries", () => {
      assert.equal(problemOf(yaml("checkers: [stats, stats]")), "spec.yaml:1:19: checkers[1]: duplicate 'stats'; expected each checker at most once");
    });

    it("bad strings", () => {
      assert.equal(problemOf(yaml("name: my run")), "spec.yaml:1:7: name: 'my run' is not a valid name; expected letters, digits, '.', '_', '-' or '+'");
      assert.equal(problemOf(yaml("results-dir: ''")), "spec.yaml:1:14: results-dir: '' is not a valid directory; expected a non-empty string");
    });

    it("YAML syntax errors, with line and column", () => {
      assert.match(problemOf(yaml("seed: 1", "nemesis:", "  faults: [kill", "time-limit: 5")), /^spec\.yaml:4:1: YAML syntax error: /);
      assert.match(problemOf(yaml("seed: 1", "seed: 2")), /^spec\.yaml:2:1: YAML syntax error: Map keys must be unique/);
    });

    it("quorum larger than the number of sentinels", () => {
      assert.equal(
        problemOf(yaml("topology:", "  type: sentinel", "  sentinels: 3", "sentinel:", "  quorum: 4")),
        "spec.yaml:5:11: sentinel.quorum: 4 is more than the 3 sentinels (topology.sentinels); expected 1..3",
      );
    });

    it("zero replicas or sentinels under topology sentinel, zero replicas under replication", () => {
      assert.equal(
        problemOf(yaml("topology:", "  type: sentinel", "  replicas: 0")),
        "spec.yaml:3:13: topology.replicas: topology sentinel needs at least one replica; expected 1..16",
      );
      assert.equal(
        problemOf(yaml("topology:", "  type: sentinel", "  sentinels: 0")),
        "spec.yaml:3:14: topology.sentinels: topology sentinel needs at least one sentinel; expected 1..9",
      );
      assert.equal(
        problemOf(yaml("topology: {type: replication, replicas: 0}")),
        "spec.yaml:1:41: topology.replicas: topology replication needs at least one replica; expected 1..16",
      );
    });

    it("replicas or sentinels where the topology has none", () => {
      assert.equal(
        problemOf(yaml("topology:", "  replicas: 1")),
        "spec.yaml:2:13: topology.replicas: 1 replicas need topology replication or sentinel (topology.type is standalone); expected 0",
      );
      assert.equal(
        problemOf(yaml("topology:", "  type: replication", "  sentinels: 3")),
        "spec.yaml:3:14: topology.sentinels: 3 sentinels need topology sentinel (topology.type is replication); expected 0",
      );
    });

    it("sections the topology does not allow", () => {
      assert.equal(
        problemOf(yaml("topology:", "  type: replication", "sentinel:", "  quorum: 1")),
        "spec.yaml:3:1: sentinel: sentinel settings need topology sentinel, but topology.type is replication; expected no sentinel settings with replication",
      );
      assert.equal(
        problemOf(yaml("replication:", "  min-replicas-to-write: 0")),
        "spec.yaml:1:1: replication: replication settings need topology replication or sentinel, but topology.type is standalone; " +
          "expected no replication settings with standalone",
      );
    });

    it("replication settings beyond the number of replicas", () => {
      const problems = problemsOf(
        yaml("topology:", "  type: replication", "  replicas: 2", "replication:", "  min-replicas-to-write: 3", "  replica-priority: [1, 2, 3]"),
      );
      assert.deepEqual(problems, [
        "spec.yaml:5:26: replication.min-replicas-to-write: 3 is more than the 2 replicas (topology.replicas), so no write could succeed; expected 0..2",
        "spec.yaml:6:21: replication.replica-priority: 3 entries but only 2 replicas (topology.replicas); expected at most 2 entries",
      ]);
    });

    it("failover nemesis on standalone", () => {
      assert.equal(
        problemOf(yaml("nemesis:", "  faults: [kill, failover]")),
        "spec.yaml:2:18: nemesis.faults[1]: 'failover' needs topology sentinel (topology.type is standalone); expected one of none, kill, pause, partition, lag",
      );
    });

    it("'none' combined with other faults", () => {
      assert.equal(
        problemOf(yaml("nemesis:", "  faults: [kill, none]")),
        "spec.yaml:2:18: nemesis.faults[1]: 'none' cannot be combined with other faults; expected [none] alone, or a list of kill, pause, failover, partition, lag",
      );
    });

    it("sentinel target on replication, replica target on standalone", () => {
      assert.equal(
        problemOf(yaml("topology:", "  type: replication", "nemesis:", "  faults: [kill]", "  targets: [primary, sentinel]")),
        "spec.yaml:5:22: nemesis.targets[1]: 'sentinel' needs topology sentinel (topology.type is replication); expected one of primary, replica",
      );
      assert.equal(
        problemOf(yaml("nemesis:", "  targets: [replica]")),
        "spec.yaml:2:13: nemesis.targets[0]: 'replica' needs topology replication or sentinel (topology.type is standalone); expected one of primary",
      );
    });

    it("checker that does not match the workload", () => {
      assert.equal(
        problemOf(yaml("workload:", "  type: counter", "checkers: [set]")),
        "spec.yaml:3:12: checkers[0]: 'set' cannot judge the counter workload (workload.type); expected one of counter, stats",
      );
      assert.equal(
        problemOf(yaml("checkers: [stats, counter]")),
        "spec.yaml:1:19: checkers[1]: 'counter' cannot judge the register workload (workload.type); expected one of linearizable, stats",
      );
    });

    it("reports several problems together, file ones in file order, then flags", () => {
      const problems = problemsOf(
        yaml(
          "topology:",
          "  type: sentinel",
          "  sentinels: 2",
          "sentinel:",
          "  quorum: 3",
          "workload:",
          "  type: register",
          "  rate: fast",
          "bogus: 1",
          "checkers: [set]",
        ),
        { "--concurrency": "0" },
      );
      assert.equal(problems.length, 5, problems.join("\n"));
      assert.match(problems[0], /^spec\.yaml:5:11: sentinel\.quorum: 3 is more than the 2 sentinels/);
      assert.match(problems[1], /^spec\.yaml:8:9: workload\.rate: 'fast' is not an integer/);
      assert.match(problems[2], /^spec\.yaml:9:1: bogus: unknown key/);
      assert.match(problems[3], /^spec\.yaml:10:12: checkers\[0\]: 'set' cannot judge the/);
      assert.equal(problems[4], "--concurrency: 0 is out of range; expected an integer 1..1000");
    });

    it("does not pile follow-on problems onto a rejected field", () => {
      // The bad topology is not replaced by the default (standalone) to then also refuse the sentinel section.
      assert.deepEqual(problemsOf(yaml("topology:", "  type: sentinal", "sentinel:", "  quorum: 2")), [
        "spec.yaml:2:9: topology.type: 'sentinal' is not a valid topology; expected one of standalone, replication, sentinel",
      ]);
    });
  });
});
