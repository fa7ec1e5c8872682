// The spec's field table: one row per setting, with its YAML path (also the name used in
// messages), the CLI flag that overrides it, its type (range, enum), its default and its
// --help text. Reading, flags, resolution and the docs' reference all work from this table.
import { randomInt } from "node:crypto";
import { BUG_NAMES } from "../bundled-server/bugs.js";
import { CHECKERS } from "../checkers/index.js";
import {
  EXPECT_LOSS,
  EXPECT_REPLICA_READS,
  LAG_LINKS,
  NEMESES,
  NEMESIS_MODES,
  NEMESIS_TARGETS,
  PARTITION_SHAPES,
  PERSISTENCE,
  TARGETS,
  TOPOLOGIES,
} from "../core/spec.js";
import { WORKLOADS, workloadNamed } from "../workloads/index.js";

const WORKLOAD_NAMES = WORKLOADS.map((w) => w.name);
const CHECKER_NAMES = CHECKERS.map((c) => c.name);

/** "a", "a and b", "a, b and c". */
function andList(names: readonly string[]): string {
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

/** workload.keys' default per workload, e.g. "5 for register and cas-register, 1 otherwise" (the commonest is "otherwise"). */
function defaultKeysText(): string {
  const byKeys = new Map<number, string[]>();
  for (const w of WORKLOADS) byKeys.set(w.defaultKeys, [...(byKeys.get(w.defaultKeys) ?? []), w.name]);
  const [commonest, ...others] = [...byKeys.entries()].sort((a, b) => b[1].length - a[1].length);
  return [...others.map(([keys, names]) => `${keys} for ${andList(names)}`), `${commonest[0]} otherwise`].join(", ");
}

export type ItemType =
  | { kind: "int"; min: number; max: number }
  | { kind: "number"; min: number; minExclusive: boolean; max: number }
  | { kind: "enum"; noun: string; values: readonly string[] };

export type FieldType =
  | ItemType
  | { kind: "string"; noun: string; pattern: RegExp; expect: string }
  | { kind: "list"; item: ItemType; unique: boolean; nonEmpty: boolean };

export type Scalar = number | string;
export type Value = Scalar | Scalar[];

/** What a computed default may read: other fields, resolved (spec/resolve.ts). */
export interface Resolved {
  num(path: string): number;
  str(path: string): string;
  strs(path: string): string[];
}

/** A constant default (none: the setting is optional), or one computed from other fields, with how the reference says it. */
type Default = { default?: Value; defaultText?: undefined } | { default: (r: Resolved) => Value; defaultText: string };

export type Field = Default & {
  path: string;
  flag: string;
  /** The flag's --help text. */
  description: string;
  /** More for the reference, when the help text does not say it all. */
  doc?: string;
  type: FieldType;
};

/** Each section's line in the reference ("" is the top level). */
export const SECTION_DOCS: Readonly<Record<string, string>> = {
  "": "Run-wide settings.",
  topology: "The deployment under test: a primary, its replicas and the sentinels.",
  sentinel: "Sentinel's settings; only with topology sentinel.",
  replication: "Replication settings; only with topology replication or sentinel.",
  workload: "What the clients do.",
  nemesis: "The faults and their schedule.",
  expect: "What the test expects of the target, judged by the checkers.",
  linearizability: "The linearizability search's budget; past it the verdict is unknown.",
};

const int = (min: number, max: number): ItemType => ({ kind: "int", min, max });
const positive = (max: number): ItemType => ({ kind: "number", min: 0, minExclusive: true, max });
const oneOf = (noun: string, values: readonly string[]): ItemType => ({ kind: "enum", noun, values });
const listOf = (item: ItemType, opts: { unique: boolean; nonEmpty: boolean }): FieldType => ({ kind: "list", item, ...opts });

export const FIELDS: readonly Field[] = [
  {
    path: "name",
    flag: "--name",
    description: "run name (default: <target>-<topology>-<workload>-<faults joined by +>)",
    // '+' is allowed because the default name joins faults with it.
    type: { kind: "string", noun: "name", pattern: /^[A-Za-z0-9._+-]+$/, expect: "letters, digits, '.', '_', '-' or '+'" },
    default: (r) =>
      [r.str("target"), r.str("topology.type"), r.str("workload.type"), r.strs("nemesis.faults").join("+")].join("-"),
    defaultText: "<target>-<topology>-<workload>-<faults joined by +>",
  },
  {
    path: "seed",
    flag: "--seed",
    description: "RNG seed, 0..2147483647 (default: random)",
    type: int(0, 2 ** 31 - 1),
    // Random but always recorded, so any run can be replayed from its resolved spec.
    default: () => randomInt(0, 2 ** 31),
    defaultText: "random (the resolved seed is stored in the run folder's test.yaml)",
  },
  {
    path: "target",
    flag: "--target",
    description: `server under test: ${TARGETS.join(", ")} (default bundled: runs on a bare machine)`,
    doc: "bundled: the reference server in bundled-server/, started from this package; redis: redis-server and redis-sentinel from PATH.",
    type: oneOf("target", TARGETS),
    default: "bundled",
  },
  {
    path: "topology.type",
    flag: "--topology",
    description: `${TOPOLOGIES.join(", ")} (default standalone)`,
    type: oneOf("topology", TOPOLOGIES),
    default: "standalone",
  },
  {
    path: "topology.replicas",
    flag: "--replicas",
    description: "replicas of the primary, 0..16 (default 0 standalone, 2 otherwise)",
    type: int(0, 16),
    default: (r) => (r.str("topology.type") === "standalone" ? 0 : 2),
    defaultText: "0 on standalone, 2 otherwise",
  },
  {
    path: "topology.sentinels",
    flag: "--sentinels",
    description: "sentinels, 0..9 (default 3 with sentinel, 0 otherwise)",
    type: int(0, 9),
    default: (r) => (r.str("topology.type") === "sentinel" ? 3 : 0),
    defaultText: "3 with topology sentinel, 0 otherwise",
  },
  {
    path: "sentinel.quorum",
    flag: "--quorum",
    description: "sentinel quorum, 1..sentinels (default: majority)",
    type: int(1, 9),
    default: (r) => Math.floor(r.num("topology.sentinels") / 2) + 1,
    defaultText: "a majority of the sentinels",
  },
  {
    path: "sentinel.down-after-milliseconds",
    flag: "--down-after-ms",
    description: "sentinel down-after-milliseconds, 100..600000 (default 2000)",
    type: int(100, 600_000),
    default: 2000,
  },
  {
    path: "sentinel.failover-timeout",
    flag: "--failover-timeout-ms",
    description: "sentinel failover-timeout in ms, 500..3600000 (default 10000)",
    type: int(500, 3_600_000),
    default: 10_000,
  },
  {
    path: "sentinel.parallel-syncs",
    flag: "--parallel-syncs",
    description: "sentinel parallel-syncs, 1..16 (default 1)",
    type: int(1, 16),
    default: 1,
  },
  {
    path: "replication.min-replicas-to-write",
    flag: "--min-replicas-to-write",
    description: "min-replicas-to-write, 0..replicas (default 0)",
    type: int(0, 16),
    default: 0,
  },
  {
    path: "replication.min-replicas-max-lag",
    flag: "--min-replicas-max-lag",
    description: "min-replicas-max-lag in seconds, 0..3600 (default 10)",
    type: int(0, 3600),
    default: 10,
  },
  {
    path: "replication.replica-priority",
    flag: "--replica-priority",
    description: "replica-priority per replica, 0..1000 (missing ones: 100)",
    type: listOf({ kind: "int", min: 0, max: 1000 }, { unique: false, nonEmpty: false }),
    default: [],
  },
  {
    path: "requirepass",
    flag: "--requirepass",
    description: "password (also used as masterauth); no whitespace",
    doc: "Also set as masterauth on every node and auth-pass on every sentinel.",
    type: { kind: "string", noun: "password", pattern: /^\S+$/, expect: "a non-empty string without whitespace" },
  },
  {
    path: "persistence",
    flag: "--persistence",
    description: `${PERSISTENCE.join(", ")} (default none)`,
    type: oneOf("persistence mode", PERSISTENCE),
    default: "none",
  },
  {
    path: "workload.type",
    flag: "--workload",
    description: `${WORKLOAD_NAMES.join(", ")} (default register)`,
    type: oneOf("workload", WORKLOAD_NAMES),
    default: "register",
  },
  {
    path: "workload.keys",
    flag: "--keys",
    description: `keys, 1..100000 (default ${defaultKeysText()})`,
    type: int(1, 100_000),
    default: (r) => workloadNamed(r.str("workload.type")).defaultKeys,
    defaultText: defaultKeysText(),
  },
  { path: "workload.concurrency", flag: "--concurrency", description: "client workers, 1..1000 (default 5)", type: int(1, 1000), default: 5 },
  { path: "workload.rate", flag: "--rate", description: "total ops/s, 1..100000 (default 100)", type: int(1, 100_000), default: 100 },
  {
    path: "workload.timeout-ms",
    flag: "--timeout-ms",
    description: "client command timeout in ms, 10..60000 (default 1000)",
    doc: "A timed-out op is recorded as info: it may or may not have taken effect.",
    type: int(10, 60_000),
    default: 1000,
  },
  {
    path: "workload.wait-replicas",
    flag: "--wait-replicas",
    description: "WAIT for this many replicas after every write, 0..replicas (default 0: no WAIT); fewer in time makes the write info",
    doc: "Each write (write, add, cas) becomes the write plus WAIT N wait-timeout-ms: ok only when N replicas acknowledged it in time, info otherwise. With expect.loss: none it tests the claim that writes so confirmed survive failovers.",
    type: int(0, 16),
    default: 0,
  },
  {
    path: "workload.wait-timeout-ms",
    flag: "--wait-timeout-ms",
    description: "WAIT's timeout in ms, 1..60000, below timeout-ms (default 100)",
    type: int(1, 60_000),
    default: 100,
  },
  {
    path: "nemesis.faults",
    flag: "--nemesis",
    description: `faults: ${NEMESES.join(", ")} (default none)`,
    doc: "kill: SIGKILL a node of a role from nemesis.targets, then restart it; pause: SIGSTOP, then SIGCONT; failover: SENTINEL FAILOVER at a random sentinel; partition: the links of a shape from nemesis.partitions stop passing at the network switch, then pass again; lag: latency on nemesis.lag-links, then none.",
    type: listOf(oneOf("nemesis fault", NEMESES), { unique: true, nonEmpty: true }),
    default: ["none"],
  },
  {
    path: "nemesis.mode",
    flag: "--nemesis-mode",
    description: `${NEMESIS_MODES.join(", ")}: faults picked at random, in the order listed, or all of them in each round, overlapping (default random)`,
    type: oneOf("nemesis mode", NEMESIS_MODES),
    default: "random",
  },
  {
    path: "nemesis.targets",
    flag: "--nemesis-targets",
    description: `roles a fault may hit: ${NEMESIS_TARGETS.join(", ")} (default primary)`,
    doc: "A kill or pause hits one of these roles, picked by the seeded RNG.",
    type: listOf(oneOf("nemesis target", NEMESIS_TARGETS), { unique: true, nonEmpty: true }),
    default: ["primary"],
  },
  {
    path: "nemesis.interval",
    flag: "--nemesis-interval",
    description: "seconds between faults, > 0 and <= 3600 (default 5)",
    type: positive(3600),
    default: 5,
  },
  {
    path: "nemesis.duration",
    flag: "--nemesis-duration",
    description: "seconds a fault lasts, > 0 and <= 3600 (default 5)",
    doc: "Then a killed node restarts, a paused one resumes, a partition heals, a lag ends.",
    type: positive(3600),
    default: 5,
  },
  {
    path: "nemesis.intervals",
    flag: "--nemesis-intervals",
    description: "per fault, in the order of nemesis.faults: seconds before it (default: nemesis.interval)",
    type: listOf(positive(3600), { unique: false, nonEmpty: false }),
    default: [],
  },
  {
    path: "nemesis.durations",
    flag: "--nemesis-durations",
    description: "per fault, in the order of nemesis.faults: seconds it lasts (default: nemesis.duration)",
    type: listOf(positive(3600), { unique: false, nonEmpty: false }),
    default: [],
  },
  {
    path: "nemesis.partitions",
    flag: "--partitions",
    description: `partition shapes to pick from: ${PARTITION_SHAPES.join(", ")} (default primary-with-clients; clients-only on standalone)`,
    type: listOf(oneOf("partition shape", PARTITION_SHAPES), { unique: true, nonEmpty: true }),
    default: (r) => (r.str("topology.type") === "standalone" ? ["clients-only"] : ["primary-with-clients"]),
    defaultText: "[primary-with-clients]; [clients-only] on standalone",
  },
  {
    path: "nemesis.lag-ms",
    flag: "--lag-ms",
    description: "lag fault: added latency in ms, 1..60000 (default 200)",
    type: int(1, 60_000),
    default: 200,
  },
  {
    path: "nemesis.lag-jitter-ms",
    flag: "--lag-jitter-ms",
    description: "lag fault: jitter in ms, 0..60000 (default 50)",
    type: int(0, 60_000),
    default: 50,
  },
  {
    path: "nemesis.lag-links",
    flag: "--lag-links",
    description: `lag fault: links slowed, ${LAG_LINKS.join(", ")} (default primary-replicas; clients on standalone)`,
    type: oneOf("set of links", LAG_LINKS),
    default: (r) => (r.str("topology.type") === "standalone" ? "clients" : "primary-replicas"),
    defaultText: "primary-replicas; clients on standalone",
  },
  {
    path: "expect.loss",
    flag: "--expect-loss",
    description: `${EXPECT_LOSS.join(" or ")}: lost acknowledged writes must stay within what the configuration promises, or there must be none (default bounded)`,
    type: oneOf("loss expectation", EXPECT_LOSS),
    default: "bounded",
  },
  {
    path: "expect.replica-reads",
    flag: "--expect-replica-reads",
    description: `${EXPECT_REPLICA_READS.join(" or ")}: stale-read workload, whether a stale replica read is invalid (default stale)`,
    type: oneOf("replica read expectation", EXPECT_REPLICA_READS),
    default: "stale",
  },
  {
    path: "time-limit",
    flag: "--time-limit",
    description: "seconds the workload runs, > 0 and <= 86400 (default 30)",
    doc: "The final heal and the final reads come after.",
    type: positive(86_400),
    default: 30,
  },
  {
    path: "setup-timeout",
    flag: "--setup-timeout",
    description: "seconds allowed for setup and settling, 1..600 (default 30)",
    type: { kind: "number", min: 1, minExclusive: false, max: 600 },
    default: 30,
  },
  {
    path: "linearizability.time-limit",
    flag: "--lin-time-limit",
    description: "seconds the linearizability search may take before its verdict is unknown, > 0 and <= 86400 (default 120)",
    type: positive(86_400),
    default: 120,
  },
  {
    path: "linearizability.memory-limit-mb",
    flag: "--lin-memory-limit-mb",
    description: "MiB the linearizability search's cache may use before its verdict is unknown, 16..65536 (default 1024)",
    type: int(16, 65_536),
    default: 1024,
  },
  {
    path: "bugs",
    flag: "--bug",
    description: `bundled server only: deliberate faults for checker tests, ${BUG_NAMES.join(", ")} (default none)`,
    doc: "Only with target bundled.",
    type: listOf(oneOf("bug switch", BUG_NAMES), { unique: true, nonEmpty: false }),
    default: [],
  },
  {
    path: "checkers",
    flag: "--checkers",
    description: `checkers: ${CHECKER_NAMES.join(", ")} (default: the workload's own)`,
    doc: "Without it, every checker that fits the workload and the topology runs (see Checkers below).",
    type: listOf(oneOf("checker", CHECKER_NAMES), { unique: true, nonEmpty: false }),
    default: [],
  },
  {
    path: "results-dir",
    flag: "--results-dir",
    description: "directory for results (default results)",
    type: { kind: "string", noun: "directory", pattern: /\S/, expect: "a non-empty string" },
    default: "results",
  },
];

export const FIELD_BY_PATH = new Map(FIELDS.map((f) => [f.path, f]));
export const FIELD_BY_FLAG = new Map(FIELDS.map((f) => [f.flag, f]));

/** Section name -> its keys, e.g. "topology" -> ["type", "replicas", "sentinels"]. */
export const SECTIONS = new Map<string, string[]>();
for (const { path } of FIELDS) {
  const dot = path.indexOf(".");
  if (dot < 0) continue;
  const section = path.slice(0, dot);
  SECTIONS.set(section, [...(SECTIONS.get(section) ?? []), path.slice(dot + 1)]);
}

/** Top-level keys in table order, sections where their first field is. */
export const TOP_LEVEL_KEYS = [...new Set(FIELDS.map((f) => f.path.split(".")[0]))];

/** What a field allows, as messages (and the reference) say it. */
export function expectation(type: FieldType): string {
  switch (type.kind) {
    case "int":
      return `an integer ${type.min}..${type.max}`;
    case "number":
      return `a number ${type.minExclusive ? ">" : ">="} ${type.min} and <= ${type.max}`;
    case "string":
      return type.expect;
    case "enum":
      return `one of ${type.values.join(", ")}`;
    case "list":
      if (type.item.kind === "enum") return `a list of ${type.item.values.join(", ")}`;
      return `a list of ${expectation(type.item).replace(/^an? /, "").replace(/^(integer|number)/, "$1s")}`;
  }
}
