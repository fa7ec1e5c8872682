// Turns a YAML spec file and/or CLI flag overrides into a validated, fully resolved Spec.
//
// Flow: read the YAML nodes (with line/column) and the flag strings into one map of
// given values, checking each against a small schema table (type, range, enum); then fill
// in defaults (some depend on other fields, e.g. replicas on the topology); then run the
// cross-field checks (impossible setups). Every problem is collected, and all of them are
// thrown together as one SpecError, so a user fixes a spec in one go, before anything starts.

import { randomInt } from "node:crypto";
import { readFileSync } from "node:fs";
import { Document, LineCounter, isAlias, isMap, isNode, isScalar, isSeq, parseDocument, visit } from "yaml";
import { BUG_NAMES } from "../bundled-server/bugs.js";
import { PARTITION_SHAPES, type PartitionShape } from "../core/spec.js";
import {
  CHECKERS,
  EXPECT_LOSS,
  EXPECT_REPLICA_READS,
  LAG_LINKS,
  LOSS_WINDOW_WORKLOADS,
  NEMESES,
  NEMESIS_MODES,
  NEMESIS_TARGETS,
  PERSISTENCE,
  TARGETS,
  TOPOLOGIES,
  WORKLOADS,
  checkersFitting,
  type LagLinks,
  type NemesisName,
  type NemesisTarget,
  type Spec,
  type TopologyName,
} from "../core/spec.js";

/** Bad input. `problems` holds one line per problem, each naming where it is and what is allowed. */
export class SpecError extends Error {
  constructor(public problems: string[]) {
    super(problems.join("\n"));
    this.name = "SpecError";
  }
}

/** Raw flag values as the CLI got them (keys: "--replicas", "replicas" or commander's "replicas"/"downAfterMs"). */
export type FlagValues = Readonly<Record<string, string | undefined>>;

// ---------------------------------------------------------------------------
// Schema: one row per setting. `path` is the kebab-case YAML path and is also the name
// used in messages; `flag` is the CLI flag that overrides it.

type ItemType =
  | { kind: "int"; min: number; max: number }
  | { kind: "number"; min: number; minExclusive: boolean; max: number }
  | { kind: "enum"; noun: string; values: readonly string[] };

type FieldType =
  | ItemType
  | { kind: "string"; noun: string; pattern: RegExp; expect: string }
  | { kind: "list"; item: ItemType; unique: boolean; nonEmpty: boolean };

type Scalar = number | string;
type Value = Scalar | Scalar[];

interface Field {
  path: string;
  flag: string;
  description: string;
  type: FieldType;
  /** A constant, or computed from other (resolved) fields; none means the setting is optional. */
  default?: Value | ((r: Resolver) => Value);
}

const int = (min: number, max: number): ItemType => ({ kind: "int", min, max });
const positive = (max: number): ItemType => ({ kind: "number", min: 0, minExclusive: true, max });
const oneOf = (noun: string, values: readonly string[]): ItemType => ({ kind: "enum", noun, values });
const listOf = (item: ItemType, opts: { unique: boolean; nonEmpty: boolean }): FieldType => ({ kind: "list", item, ...opts });

const FIELDS: readonly Field[] = [
  {
    path: "name",
    flag: "--name",
    description: "run name (default: <target>-<topology>-<workload>-<faults joined by +>)",
    // '+' is allowed because the default name joins faults with it.
    type: { kind: "string", noun: "name", pattern: /^[A-Za-z0-9._+-]+$/, expect: "letters, digits, '.', '_', '-' or '+'" },
    default: (r) =>
      [r.str("target"), r.str("topology.type"), r.str("workload.type"), r.strs("nemesis.faults").join("+")].join("-"),
  },
  {
    path: "seed",
    flag: "--seed",
    description: "RNG seed, 0..2147483647 (default: random)",
    type: int(0, 2 ** 31 - 1),
    // Random but always recorded, so any run can be replayed from its resolved spec.
    default: () => randomInt(0, 2 ** 31),
  },
  { path: "target", flag: "--target", description: `server under test: ${TARGETS.join(", ")} (default bundled: runs on a bare machine)`, type: oneOf("target", TARGETS), default: "bundled" },
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
  },
  {
    path: "topology.sentinels",
    flag: "--sentinels",
    description: "sentinels, 0..9 (default 3 with sentinel, 0 otherwise)",
    type: int(0, 9),
    default: (r) => (r.str("topology.type") === "sentinel" ? 3 : 0),
  },
  {
    path: "sentinel.quorum",
    flag: "--quorum",
    description: "sentinel quorum, 1..sentinels (default: majority)",
    type: int(1, 9),
    default: (r) => Math.floor(r.num("topology.sentinels") / 2) + 1,
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
    description: `${WORKLOADS.join(", ")} (default register)`,
    type: oneOf("workload", WORKLOADS),
    default: "register",
  },
  {
    path: "workload.keys",
    flag: "--keys",
    description: "keys, 1..100000 (default 5 for register and cas-register, 1 otherwise)",
    type: int(1, 100_000),
    default: (r) => (r.str("workload.type").includes("register") ? 5 : 1),
  },
  { path: "workload.concurrency", flag: "--concurrency", description: "client workers, 1..1000 (default 5)", type: int(1, 1000), default: 5 },
  { path: "workload.rate", flag: "--rate", description: "total ops/s, 1..100000 (default 100)", type: int(1, 100_000), default: 100 },
  {
    path: "workload.timeout-ms",
    flag: "--timeout-ms",
    description: "client command timeout in ms, 10..60000 (default 1000)",
    type: int(10, 60_000),
    default: 1000,
  },
  {
    path: "workload.wait-replicas",
    flag: "--wait-replicas",
    description: "WAIT for this many replicas after every write, 0..replicas (default 0: no WAIT); fewer in time makes the write info",
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
    type: listOf(oneOf("bug switch", BUG_NAMES), { unique: true, nonEmpty: false }),
    default: [],
  },
  {
    path: "checkers",
    flag: "--checkers",
    description: `checkers: ${CHECKERS.join(", ")} (default: the workload's own)`,
    type: listOf(oneOf("checker", CHECKERS), { unique: true, nonEmpty: false }),
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

const FIELD_BY_PATH = new Map(FIELDS.map((f) => [f.path, f]));
const FIELD_BY_FLAG = new Map(FIELDS.map((f) => [f.flag, f]));

/** Section name -> its keys, e.g. "topology" -> ["type", "replicas", "sentinels"]. */
const SECTIONS = new Map<string, string[]>();
for (const { path } of FIELDS) {
  const dot = path.indexOf(".");
  if (dot < 0) continue;
  const section = path.slice(0, dot);
  SECTIONS.set(section, [...(SECTIONS.get(section) ?? []), path.slice(dot + 1)]);
}

/** Top-level keys in table order, sections where their first field is. */
const TOP_LEVEL_KEYS = [...new Set(FIELDS.map((f) => f.path.split(".")[0]))];

/** CLI flags, for the CLI to register (each takes one raw string value). */
export const FLAGS: ReadonlyArray<{ readonly flag: string; readonly path: string; readonly description: string; readonly list?: boolean }> =
  FIELDS.map((f) => ({
    flag: f.flag,
    path: f.path,
    description: f.description,
    ...(f.type.kind === "list" ? { list: true } : {}),
  }));

// ---------------------------------------------------------------------------
// Where a value came from, and how a problem is printed.

type Where = { file: string; line: number; col: number } | { flag: string };

/** One problem: where, which setting (its YAML path, `path[i]` for a list entry), and what is wrong and allowed. */
interface Problem {
  where: Where;
  label: string;
  text: string;
}

function formatProblem({ where, label, text }: Problem): string {
  // A flag maps to exactly one field, so the flag name alone says where.
  return "flag" in where ? `${where.flag}: ${text}` : `${where.file}:${where.line}:${where.col}: ${label}: ${text}`;
}

/** File problems in file order (easiest to fix top to bottom), then flag problems as given. */
function byPosition(a: Problem, b: Problem): number {
  const key = (w: Where) => ("flag" in w ? [1, 0, 0] : [0, w.line, w.col]);
  const [ka, kb] = [key(a.where), key(b.where)];
  return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
}

/** A value as it appears in a message. */
function describe(raw: unknown): string {
  if (raw === null || raw === undefined) return "an empty value";
  if (typeof raw === "string") return `'${raw}'`;
  if (Array.isArray(raw)) return "a list";
  if (typeof raw === "object") return "a mapping";
  return String(raw);
}

function expectation(type: FieldType): string {
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

// ---------------------------------------------------------------------------
// Checking one input value against its field type. Shared by YAML and flags, so both
// give the same messages.

interface Input {
  where: Where;
  raw: unknown;
  /** Present when the input is a list (a YAML sequence, or a comma-separated flag). */
  items?: Array<{ raw: unknown; where: Where }>;
}

interface Given {
  value: Value;
  where: Where;
  /** Where each list entry is, for problems about one entry. */
  itemWheres: Where[];
}

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

function checkScalar(type: Exclude<FieldType, { kind: "list" }>, raw: unknown): Checked<Scalar> {
  const expected = `; expected ${expectation(type)}`;
  if (raw === null || raw === undefined) return { ok: false, problem: `missing value${expected}` };
  switch (type.kind) {
    case "int":
    case "number": {
      const noun = type.kind === "int" ? "an integer" : "a number";
      if (typeof raw !== "number" || Number.isNaN(raw) || (type.kind === "int" && !Number.isInteger(raw))) {
        return { ok: false, problem: `${describe(raw)} is not ${noun}${expected}` };
      }
      const tooLow = type.kind === "number" && type.minExclusive ? raw <= type.min : raw < type.min;
      if (tooLow || raw > type.max) return { ok: false, problem: `${raw} is out of range${expected}` };
      return { ok: true, value: raw };
    }
    case "string":
      if (typeof raw !== "string") {
        const hint = typeof raw === "number" || typeof raw === "boolean" ? " (quote it in YAML)" : "";
        return { ok: false, problem: `${describe(raw)} is not a string${hint}${expected}` };
      }
      if (!type.pattern.test(raw)) return { ok: false, problem: `${describe(raw)} is not a valid ${type.noun}${expected}` };
      return { ok: true, value: raw };
    case "enum":
      if (typeof raw !== "string" || !type.values.includes(raw)) {
        return { ok: false, problem: `${describe(raw)} is not a valid ${type.noun}${expected}` };
      }
      return { ok: true, value: raw };
  }
}

/** Checks an input; returns the value, or its problems. */
function checkInput(field: Field, input: Input): { ok: true; value: Given } | { ok: false; problems: Problem[] } {
  const { type } = field;
  const fail = (where: Where, label: string, text: string) => ({ ok: false as const, problems: [{ where, label, text }] });
  if (type.kind !== "list") {
    const checked = checkScalar(type, input.raw);
    if (!checked.ok) return fail(input.where, field.path, checked.problem);
    return { ok: true, value: { value: checked.value, where: input.where, itemWheres: [] } };
  }
  if (!input.items) return fail(input.where, field.path, `${describe(input.raw)} is not a list; expected ${expectation(type)}`);
  if (type.nonEmpty && input.items.length === 0) return fail(input.where, field.path, `must not be empty; expected ${expectation(type)}`);

  const problems: Problem[] = [];
  const values: Scalar[] = [];
  input.items.forEach((item, i) => {
    const label = `${field.path}[${i}]`;
    const checked = checkScalar(type.item, item.raw);
    if (!checked.ok) problems.push({ where: item.where, label, text: checked.problem });
    else if (type.unique && values.includes(checked.value)) {
      const noun = type.item.kind === "enum" ? type.item.noun : "value";
      problems.push({ where: item.where, label, text: `duplicate ${describe(checked.value)}; expected each ${noun} at most once` });
    }
    if (checked.ok) values.push(checked.value);
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { value: values, where: input.where, itemWheres: input.items.map((item) => item.where) } };
}

// ---------------------------------------------------------------------------
// Collected inputs: the given values (file, then flags on top) and the problems so far.

class Inputs {
  readonly problems: Problem[] = [];
  readonly given = new Map<string, Given>();
  /** Fields whose input was rejected; cross-field checks skip them so one mistake gives one message. */
  readonly bad = new Set<string>();
  /** YAML sections present (even empty), where their key is; a section can be wrong for a topology. */
  readonly sections = new Map<string, Where>();

  offer(field: Field, input: Input): void {
    const checked = checkInput(field, input);
    if (checked.ok) {
      this.given.set(field.path, checked.value);
      this.bad.delete(field.path);
    } else {
      this.problems.push(...checked.problems);
      this.bad.add(field.path);
    }
  }

  add(where: Where, label: string, text: string): void {
    this.problems.push({ where, label, text });
  }
}

// ---------------------------------------------------------------------------
// Reading YAML nodes, with line/column for every value.

class YamlReader {
  private readonly lineCounter = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(
    text: string,
    private readonly source: string,
    private readonly inputs: Inputs,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false });
  }

  read(): void {
    if (this.doc.errors.length > 0) {
      // The tree is unreliable after a syntax error: report the errors and nothing else from the file.
      for (const error of this.doc.errors) {
        const { line, col } = this.lineCounter.linePos(error.pos[0]);
        this.inputs.add({ file: this.source, line, col }, "YAML syntax error", error.message);
      }
      return;
    }
    const root = this.deref(this.doc.contents);
    if (root === null || (isScalar(root) && root.value === null)) return; // empty file: all defaults
    if (!isMap(root)) {
      const where = this.where(root, { file: this.source, line: 1, col: 1 });
      this.problem(where, "top level", `${describe(this.plain(root))} is not a mapping; expected a mapping of settings (${TOP_LEVEL_KEYS.join(", ")})`);
      return;
    }
    this.readMap(root, "", { file: this.source, line: 1, col: 1 });
  }

  /** Reads the pairs of the top level (prefix "") or of one section. */
  private readMap(map: { items: Array<{ key: unknown; value: unknown }> }, prefix: string, parentWhere: Where): void {
    for (const pair of map.items) {
      const keyWhere = this.where(pair.key, parentWhere);
      const key = isScalar(pair.key) ? String(pair.key.value) : describe(this.plain(pair.key));
      const path = prefix === "" ? key : `${prefix}.${key}`;
      const field = FIELD_BY_PATH.get(path);
      if (prefix === "" && SECTIONS.has(key)) this.readSection(key, pair.value, keyWhere);
      else if (field) this.inputs.offer(field, this.input(field, pair.value, keyWhere));
      else this.unknownKey(path, prefix, keyWhere);
    }
  }

  private readSection(section: string, node: unknown, keyWhere: Where): void {
    this.inputs.sections.set(section, keyWhere);
    const value = this.deref(node);
    if (value === null || (isScalar(value) && value.value === null)) return; // `section:` alone: empty
    if (!isMap(value)) {
      const keys = SECTIONS.get(section) ?? [];
      this.problem(this.where(node, keyWhere), section, `${describe(this.plain(value))} is not a mapping; expected a mapping with keys ${keys.join(", ")}`);
      return;
    }
    this.readMap(value, section, keyWhere);
  }

  private unknownKey(path: string, prefix: string, where: Where): void {
    const allowed = prefix === "" ? TOP_LEVEL_KEYS : (SECTIONS.get(prefix) ?? []);
    const key = path.slice(prefix === "" ? 0 : prefix.length + 1);
    // A key put at the wrong level is a common slip; name where it belongs.
    // Also catch flag names and camelCase used as keys (`down-after-ms`, `timeLimit`).
    const elsewhere = FIELDS.find((f) => f.path.endsWith(`.${key}`) || f.path === key || f.flag === normalizeFlag(key));
    const hint = elsewhere && elsewhere.path !== path ? ` (did you mean ${elsewhere.path}?)` : "";
    const level = prefix === "" ? "at the top level" : `in ${prefix}`;
    this.problem(where, path, `unknown key${hint}; expected one of ${allowed.join(", ")} ${level}`);
  }

  private input(field: Field, node: unknown, keyWhere: Where): Input {
    const where = this.where(node, keyWhere);
    const value = this.deref(node);
    if (field.type.kind === "list" && isSeq(value)) {
      return { where, raw: null, items: value.items.map((item) => ({ raw: this.plain(this.deref(item)), where: this.where(item, where) })) };
    }
    return { where, raw: this.plain(value) };
  }

  private problem(where: Where, label: string, text: string): void {
    this.inputs.add(where, label, text);
  }

  /** Follows an alias (`*name`) to the node it refers to. */
  private deref(node: unknown): unknown {
    return isAlias(node) ? (node.resolve(this.doc) ?? null) : (node ?? null);
  }

  private plain(node: unknown): unknown {
    return isNode(node) ? node.toJS(this.doc) : node;
  }

  private where(node: unknown, fallback: Where): Where {
    const range = isNode(node) ? node.range : undefined;
    if (!range) return fallback;
    const { line, col } = this.lineCounter.linePos(range[0]);
    return { file: this.source, line, col };
  }
}

// ---------------------------------------------------------------------------
// Reading flags: strings converted to the field's type, then checked like YAML values.

/** "--down-after-ms", "down-after-ms" and commander's "downAfterMs" all name the same flag. */
function normalizeFlag(key: string): string {
  return `--${key.replace(/^-+/, "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A flag string as the type wants it; a string that is not a number stays a string, so the check names it. */
function fromFlag(type: FieldType, text: string): unknown {
  if (type.kind !== "int" && type.kind !== "number") return text;
  const trimmed = text.trim();
  const n = Number(trimmed);
  return trimmed !== "" && Number.isFinite(n) ? n : text;
}

function readFlags(flags: FlagValues, inputs: Inputs): void {
  for (const [key, text] of Object.entries(flags)) {
    if (text === undefined) continue;
    const flag = normalizeFlag(key);
    const field = FIELD_BY_FLAG.get(flag);
    if (!field) {
      inputs.add({ flag }, flag, `unknown flag; expected one of ${FIELDS.map((f) => f.flag).join(", ")}`);
      continue;
    }
    const where: Where = { flag };
    const { type } = field;
    if (type.kind === "list") {
      const parts = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
      inputs.offer(field, { where, raw: text, items: parts.map((part) => ({ raw: fromFlag(type.item, part), where })) });
    } else {
      inputs.offer(field, { where, raw: fromFlag(type, text) });
    }
  }
}

// ---------------------------------------------------------------------------
// Resolving: a given value, else the field's default (which may read other fields).

class Resolver {
  private readonly cache = new Map<string, Value | undefined>();

  constructor(private readonly given: ReadonlyMap<string, Given>) {}

  value(path: string): Value | undefined {
    if (this.cache.has(path)) return this.cache.get(path);
    const field = FIELD_BY_PATH.get(path);
    if (!field) throw new Error(`spec-parse: no field ${path}`);
    const value = this.given.get(path)?.value ?? this.fallback(field);
    this.cache.set(path, value);
    return value;
  }

  private fallback(field: Field): Value | undefined {
    const value = typeof field.default === "function" ? field.default(this) : field.default;
    return Array.isArray(value) ? [...value] : value; // a copy: the table's lists are shared
  }

  // Typed getters. The schema check guarantees the types, so a mismatch is a bug here.
  num(path: string): number {
    const v = this.value(path);
    if (typeof v !== "number") throw new Error(`spec-parse: ${path} is not a number`);
    return v;
  }

  str(path: string): string {
    const v = this.value(path);
    if (typeof v !== "string") throw new Error(`spec-parse: ${path} is not a string`);
    return v;
  }

  optStr(path: string): string | undefined {
    return this.value(path) === undefined ? undefined : this.str(path);
  }

  numbers(path: string): number[] {
    return this.list(path).map((v) => {
      if (typeof v !== "number") throw new Error(`spec-parse: ${path} has a non-number`);
      return v;
    });
  }

  strs(path: string): string[] {
    return this.list(path).map(String);
  }

  oneOf<T extends string>(values: readonly T[], path: string): T {
    const v = this.str(path);
    const found = values.find((x) => x === v);
    if (found === undefined) throw new Error(`spec-parse: ${path} is not one of ${values.join(", ")}`);
    return found;
  }

  someOf<T extends string>(values: readonly T[], path: string): T[] {
    return this.strs(path).map((v) => {
      const found = values.find((x) => x === v);
      if (found === undefined) throw new Error(`spec-parse: ${path} has a value not in ${values.join(", ")}`);
      return found;
    });
  }

  private list(path: string): Scalar[] {
    const v = this.value(path);
    if (!Array.isArray(v)) throw new Error(`spec-parse: ${path} is not a list`);
    return v;
  }
}

/** replica-priority for every replica, in order; entries not given default to 100. */
function padPriorities(given: number[], replicas: number): number[] {
  return given.length >= replicas ? given : [...given, ...Array<number>(replicas - given.length).fill(100)];
}

function buildSpec(r: Resolver): Spec {
  const replicas = r.num("topology.replicas");
  const requirepass = r.optStr("requirepass");
  return {
    name: r.str("name"),
    seed: r.num("seed"),
    target: r.oneOf(TARGETS, "target"),
    topology: { type: r.oneOf(TOPOLOGIES, "topology.type"), replicas, sentinels: r.num("topology.sentinels") },
    sentinel: {
      quorum: r.num("sentinel.quorum"),
      downAfterMs: r.num("sentinel.down-after-milliseconds"),
      failoverTimeoutMs: r.num("sentinel.failover-timeout"),
      parallelSyncs: r.num("sentinel.parallel-syncs"),
    },
    replication: {
      minReplicasToWrite: r.num("replication.min-replicas-to-write"),
      minReplicasMaxLag: r.num("replication.min-replicas-max-lag"),
      replicaPriority: padPriorities(r.numbers("replication.replica-priority"), replicas),
    },
    // Absent, not undefined, so a resolved spec deep-equals its YAML round trip.
    ...(requirepass === undefined ? {} : { requirepass }),
    persistence: r.oneOf(PERSISTENCE, "persistence"),
    workload: {
      type: r.oneOf(WORKLOADS, "workload.type"),
      keys: r.num("workload.keys"),
      concurrency: r.num("workload.concurrency"),
      rate: r.num("workload.rate"),
      timeoutMs: r.num("workload.timeout-ms"),
      waitReplicas: r.num("workload.wait-replicas"),
      waitTimeoutMs: r.num("workload.wait-timeout-ms"),
    },
    nemesis: {
      faults: r.someOf(NEMESES, "nemesis.faults"),
      mode: r.oneOf(NEMESIS_MODES, "nemesis.mode"),
      targets: r.someOf(NEMESIS_TARGETS, "nemesis.targets"),
      intervalS: r.num("nemesis.interval"),
      durationS: r.num("nemesis.duration"),
      intervalsS: r.numbers("nemesis.intervals"),
      durationsS: r.numbers("nemesis.durations"),
      partitions: r.someOf(PARTITION_SHAPES, "nemesis.partitions"),
      lag: { ms: r.num("nemesis.lag-ms"), jitterMs: r.num("nemesis.lag-jitter-ms"), links: r.oneOf(LAG_LINKS, "nemesis.lag-links") },
    },
    expect: { loss: r.oneOf(EXPECT_LOSS, "expect.loss"), replicaReads: r.oneOf(EXPECT_REPLICA_READS, "expect.replica-reads") },
    timeLimitS: r.num("time-limit"),
    setupTimeoutS: r.num("setup-timeout"),
    linearizability: { timeLimitS: r.num("linearizability.time-limit"), memoryLimitMb: r.num("linearizability.memory-limit-mb") },
    bugs: r.strs("bugs"),
    checkers: r.someOf(CHECKERS, "checkers"),
    resultsDir: r.str("results-dir"),
  };
}

// ---------------------------------------------------------------------------
// Cross-field checks: setups that are each valid field by field but impossible together.

class CrossCheck {
  constructor(
    readonly spec: Spec,
    private readonly inputs: Inputs,
    private readonly source: string,
  ) {}

  /** False if any of these fields was rejected already (its default stands in, and would mislead). */
  usable(...paths: string[]): boolean {
    return paths.every((p) => !this.inputs.bad.has(p));
  }

  given(path: string): Given | undefined {
    return this.inputs.given.get(path);
  }

  sectionWhere(section: string): Where | undefined {
    return this.inputs.sections.get(section);
  }

  /** A problem about a field (or one entry of a list field), reported where it was given. */
  report(path: string, text: string, index?: number): void {
    const given = this.given(path);
    const where: Where =
      (index !== undefined ? given?.itemWheres[index] : undefined) ??
      given?.where ??
      this.sectionWhere(path.split(".")[0]) ?? { file: this.source, line: 1, col: 1 };
    this.reportAt(where, index === undefined ? path : `${path}[${index}]`, text);
  }

  reportAt(where: Where, label: string, text: string): void {
    this.inputs.add(where, label, text);
  }
}

const REPLICA_TOPOLOGIES = "replication or sentinel";

/** How many replicas and sentinels each topology can have. */
function checkTopologyShape(c: CrossCheck): void {
  if (!c.usable("topology.type", "topology.replicas", "topology.sentinels")) return;
  const { type, replicas, sentinels } = c.spec.topology;
  if (type === "standalone" && replicas > 0) {
    c.report("topology.replicas", `${replicas} replicas need topology ${REPLICA_TOPOLOGIES} (topology.type is standalone); expected 0`);
  }
  if (type !== "standalone" && replicas === 0) {
    c.report("topology.replicas", `topology ${type} needs at least one replica; expected 1..16`);
  }
  if (type !== "sentinel" && sentinels > 0) {
    c.report("topology.sentinels", `${sentinels} sentinels need topology sentinel (topology.type is ${type}); expected 0`);
  }
  if (type === "sentinel" && sentinels === 0) {
    c.report("topology.sentinels", "topology sentinel needs at least one sentinel; expected 1..9");
  }
}

/** sentinel settings only make sense with sentinels, replication settings only with replicas. */
function checkSectionsFitTopology(c: CrossCheck): void {
  if (!c.usable("topology.type")) return;
  const type = c.spec.topology.type;
  const refuse = (section: string, needs: string) => {
    const text = `${section} settings need topology ${needs}, but topology.type is ${type}; expected no ${section} settings with ${type}`;
    const sectionWhere = c.sectionWhere(section);
    if (sectionWhere) c.reportAt(sectionWhere, section, text);
    // Settings given by flag are refused one by one (those from the file are covered by the section).
    for (const f of FIELDS) {
      const given = c.given(f.path);
      if (f.path.startsWith(`${section}.`) && given && "flag" in given.where) c.reportAt(given.where, f.path, text);
    }
  };
  if (type !== "sentinel") refuse("sentinel", "sentinel");
  if (type === "standalone") refuse("replication", REPLICA_TOPOLOGIES);
}

function checkQuorum(c: CrossCheck): void {
  if (!c.usable("topology.type", "topology.sentinels", "sentinel.quorum")) return;
  const { topology, sentinel } = c.spec;
  // Without sentinels, checkTopologyShape has already said so.
  if (topology.type !== "sentinel" || topology.sentinels === 0) return;
  if (sentinel.quorum > topology.sentinels) {
    c.report(
      "sentinel.quorum",
      `${sentinel.quorum} is more than the ${topology.sentinels} sentinels (topology.sentinels); expected 1..${topology.sentinels}`,
    );
  }
}

function checkReplicaLimits(c: CrossCheck): void {
  if (!c.usable("topology.type", "topology.replicas")) return;
  const { type, replicas } = c.spec.topology;
  // Standalone refuses the section; zero replicas is refused by checkTopologyShape.
  if (type === "standalone" || replicas === 0) return;
  const minToWrite = c.spec.replication.minReplicasToWrite;
  if (c.usable("replication.min-replicas-to-write") && minToWrite > replicas) {
    c.report(
      "replication.min-replicas-to-write",
      `${minToWrite} is more than the ${replicas} replicas (topology.replicas), so no write could succeed; expected 0..${replicas}`,
    );
  }
  const priorities = c.given("replication.replica-priority");
  const count = Array.isArray(priorities?.value) ? priorities.value.length : 0;
  if (c.usable("replication.replica-priority") && count > replicas) {
    c.report(
      "replication.replica-priority",
      `${count} entries but only ${replicas} replicas (topology.replicas); expected at most ${replicas} entries`,
    );
  }
}

function checkFaults(c: CrossCheck): void {
  if (!c.usable("nemesis.faults")) return;
  const faults = c.spec.nemesis.faults;
  const none = faults.indexOf("none");
  if (none >= 0 && faults.length > 1) {
    const others = NEMESES.filter((n) => n !== "none").join(", ");
    c.report("nemesis.faults", `'none' cannot be combined with other faults; expected [none] alone, or a list of ${others}`, none);
  }
  if (!c.usable("topology.type")) return;
  const type = c.spec.topology.type;
  const allowed = NEMESES.filter((n: NemesisName) => n !== "failover" || type === "sentinel");
  faults.forEach((fault, i) => {
    if (!allowed.includes(fault)) {
      c.report("nemesis.faults", `'${fault}' needs topology sentinel (topology.type is ${type}); expected one of ${allowed.join(", ")}`, i);
    }
  });
}

/** Which roles exist in a topology, and so can be hit by a fault. */
function rolesOf(type: TopologyName): NemesisTarget[] {
  return NEMESIS_TARGETS.filter((t) => t === "primary" || (t === "replica" && type !== "standalone") || (t === "sentinel" && type === "sentinel"));
}

function checkNemesisTargets(c: CrossCheck): void {
  if (!c.usable("nemesis.targets", "topology.type")) return;
  const type = c.spec.topology.type;
  const roles = rolesOf(type);
  c.spec.nemesis.targets.forEach((target, i) => {
    if (roles.includes(target)) return;
    const needs = target === "sentinel" ? "topology sentinel" : `topology ${REPLICA_TOPOLOGIES}`;
    c.report("nemesis.targets", `'${target}' needs ${needs} (topology.type is ${type}); expected one of ${roles.join(", ")}`, i);
  });
}

/** Bug switches are deliberate faults of the bundled server: no other target has them. */
function checkTargetTopology(c: CrossCheck): void {
  if (!c.usable("target", "topology.type")) return;
  if (c.usable("bugs") && c.spec.bugs.length > 0 && c.spec.target !== "bundled") {
    c.report("bugs", `bug switches exist only in the bundled server (target is ${c.spec.target}); expected target bundled, or no bugs`);
  }
}

/** Per-fault timings line up with the faults, one entry each at most. */
function checkPerFaultTimings(c: CrossCheck): void {
  if (!c.usable("nemesis.faults")) return;
  const faults = c.spec.nemesis.faults.length;
  for (const [path, list] of [
    ["nemesis.intervals", c.spec.nemesis.intervalsS],
    ["nemesis.durations", c.spec.nemesis.durationsS],
  ] as const) {
    if (c.usable(path) && list.length > faults) {
      c.report(path, `${list.length} entries for ${faults} fault${faults === 1 ? "" : "s"} (nemesis.faults); expected at most one per fault, in the same order`);
    }
  }
}

/** The nodes a partition shape needs: sentinels to isolate one, several nodes to split them. */
function partitionNeeds(shape: PartitionShape, topology: Spec["topology"]): string | undefined {
  const nodes = 1 + topology.replicas + topology.sentinels;
  if ((shape === "isolate-sentinel" || shape === "sentinel-from-primary") && topology.sentinels === 0) return "topology sentinel";
  if (shape === "bridge" && nodes < 3) return "at least 3 nodes";
  const needsReplicas: readonly PartitionShape[] = ["isolate-replica", "primary-with-clients", "halves", "majority-minority", "majorities-ring", "bridge"];
  if (needsReplicas.includes(shape) && topology.replicas === 0) return `topology ${REPLICA_TOPOLOGIES}`;
  return undefined;
}

function checkNetworkFaults(c: CrossCheck): void {
  if (!c.usable("topology.type", "topology.replicas", "topology.sentinels")) return;
  const { topology } = c.spec;
  // Only values the spec gives: the defaults are chosen to fit the topology.
  if (c.given("nemesis.partitions") && c.usable("nemesis.partitions")) {
    const possible = PARTITION_SHAPES.filter((shape) => partitionNeeds(shape, topology) === undefined);
    c.spec.nemesis.partitions.forEach((shape, i) => {
      const needs = partitionNeeds(shape, topology);
      if (needs) c.report("nemesis.partitions", `'${shape}' needs ${needs} (topology.type is ${topology.type}); expected one of ${possible.join(", ")}`, i);
    });
  }
  if (c.given("nemesis.lag-links") && c.usable("nemesis.lag-links")) {
    const links = c.spec.nemesis.lag.links;
    const needs = lagLinksNeed(links, topology);
    if (needs) {
      const possible = LAG_LINKS.filter((l) => lagLinksNeed(l, topology) === undefined);
      c.report("nemesis.lag-links", `'${links}' needs ${needs} (topology.type is ${topology.type}); expected ${possible.join(" or ")}`);
    }
  }
}

/** What a set of lag links needs that the topology lacks, if anything. */
function lagLinksNeed(links: LagLinks, topology: Spec["topology"]): string | undefined {
  if ((links === "primary-replicas" || links === "primary-replica") && topology.replicas === 0) return "replicas";
  if (links === "sentinels" && topology.sentinels < 2) return "two sentinels or more";
  return undefined;
}

function checkCheckers(c: CrossCheck): void {
  if (!c.usable("checkers", "workload.type", "topology.type")) return;
  const workload = c.spec.workload.type;
  const topology = c.spec.topology.type;
  const allowed = checkersFitting(workload, topology);
  c.spec.checkers.forEach((checker, i) => {
    if (allowed.includes(checker)) return;
    const why =
      checker === "election-rules"
        ? `needs topology sentinel (topology.type is ${topology})`
        : checker === "loss-window" && LOSS_WINDOW_WORKLOADS.includes(workload)
          ? `needs replicas (topology.type is ${topology})`
          : `cannot judge the ${workload} workload (workload.type)`;
    c.report("checkers", `'${checker}' ${why}; expected one of ${allowed.join(", ")}`, i);
  });
}

/** Replica reads need replicas and a reader; WAIT needs replicas to wait for, and time to do it in. */
function checkReplicaWork(c: CrossCheck): void {
  if (!c.usable("workload.type", "topology.type", "topology.replicas")) return;
  const { workload, topology } = c.spec;
  if (workload.type === "stale-read" && topology.replicas === 0) {
    c.report("workload.type", `'stale-read' reads from replicas and needs topology ${REPLICA_TOPOLOGIES} (topology.type is ${topology.type}); expected another workload`);
  }
  if (workload.type === "stale-read" && c.usable("workload.concurrency") && workload.concurrency < 2) {
    c.report("workload.concurrency", `stale-read needs a writer and a reader; ${workload.concurrency} is too few; expected 2..1000`);
  }
  if (c.usable("workload.wait-replicas") && workload.waitReplicas > 0) {
    if (workload.waitReplicas > topology.replicas) {
      c.report("workload.wait-replicas", `${workload.waitReplicas} is more than the ${topology.replicas} replicas (topology.replicas); expected 0..${topology.replicas}`);
    }
    if (c.usable("workload.wait-timeout-ms", "workload.timeout-ms") && workload.waitTimeoutMs >= workload.timeoutMs) {
      c.report("workload.wait-timeout-ms", `${workload.waitTimeoutMs} ms is not below the client timeout (workload.timeout-ms ${workload.timeoutMs}); expected 1..${workload.timeoutMs - 1}`);
    }
  }
  if (c.usable("expect.replica-reads") && c.given("expect.replica-reads") && workload.type !== "stale-read") {
    c.report("expect.replica-reads", `only the stale-read workload reads from replicas (workload.type is ${workload.type}); expected no expect.replica-reads, or workload stale-read`);
  }
  if (c.usable("expect.loss") && c.spec.expect.loss === "none" && !checkersFitting(workload.type, topology.type).includes("loss-window")) {
    c.report("expect.loss", `'none' is judged by the loss-window checker, which needs workload ${LOSS_WINDOW_WORKLOADS.join(", ")} with replicas (workload.type is ${workload.type}, topology.type ${topology.type}); expected bounded`);
  }
}

const CROSS_CHECKS: ReadonlyArray<(c: CrossCheck) => void> = [
  checkTopologyShape,
  checkSectionsFitTopology,
  checkQuorum,
  checkReplicaLimits,
  checkFaults,
  checkNemesisTargets,
  checkTargetTopology,
  checkPerFaultTimings,
  checkNetworkFaults,
  checkCheckers,
  checkReplicaWork,
];

// ---------------------------------------------------------------------------
// API

/**
 * Parses and validates a spec. `source` names the text in messages (the file path).
 * Flags override the text's values. Throws SpecError listing every problem.
 */
export function parseSpec(text: string, source: string, flags: FlagValues = {}): Spec {
  const inputs = new Inputs();
  new YamlReader(text, source, inputs).read();
  readFlags(flags, inputs);
  const spec = buildSpec(new Resolver(inputs.given));
  const check = new CrossCheck(spec, inputs, source);
  for (const run of CROSS_CHECKS) run(check);
  if (inputs.problems.length > 0) throw new SpecError([...inputs.problems].sort(byPosition).map(formatProblem));
  return spec;
}

/** Reads `file` (if given) and parses it with the flags on top; with no file, flags and defaults only. */
export function loadSpec(opts: { file?: string; flags?: FlagValues }): Spec {
  if (opts.file === undefined) return parseSpec("", "(no spec file)", opts.flags);
  let text: string;
  try {
    text = readFileSync(opts.file, "utf8");
  } catch (err) {
    throw new SpecError([`${opts.file}: cannot read: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return parseSpec(text, opts.file, opts.flags);
}

/**
 * The fully resolved spec as kebab-case YAML (seed included, so the run can be replayed).
 * Sections that do not apply to the topology are left out, since parseSpec refuses them.
 */
export function specToYaml(spec: Spec): string {
  const { topology: t, sentinel: s, replication: rep, workload: w, nemesis: n } = spec;
  const doc = new Document({
    name: spec.name,
    seed: spec.seed,
    target: spec.target,
    topology: { type: t.type, replicas: t.replicas, sentinels: t.sentinels },
    ...(t.type === "sentinel"
      ? {
          sentinel: {
            quorum: s.quorum,
            "down-after-milliseconds": s.downAfterMs,
            "failover-timeout": s.failoverTimeoutMs,
            "parallel-syncs": s.parallelSyncs,
          },
        }
      : {}),
    ...(t.type !== "standalone"
      ? {
          replication: {
            "min-replicas-to-write": rep.minReplicasToWrite,
            "min-replicas-max-lag": rep.minReplicasMaxLag,
            "replica-priority": rep.replicaPriority,
          },
        }
      : {}),
    ...(spec.requirepass === undefined ? {} : { requirepass: spec.requirepass }),
    persistence: spec.persistence,
    workload: {
      type: w.type,
      keys: w.keys,
      concurrency: w.concurrency,
      rate: w.rate,
      "timeout-ms": w.timeoutMs,
      "wait-replicas": w.waitReplicas,
      "wait-timeout-ms": w.waitTimeoutMs,
    },
    nemesis: {
      faults: n.faults,
      mode: n.mode,
      targets: n.targets,
      interval: n.intervalS,
      duration: n.durationS,
      intervals: n.intervalsS,
      durations: n.durationsS,
      partitions: n.partitions,
      "lag-ms": n.lag.ms,
      "lag-jitter-ms": n.lag.jitterMs,
      "lag-links": n.lag.links,
    },
    expect: { loss: spec.expect.loss, ...(w.type === "stale-read" ? { "replica-reads": spec.expect.replicaReads } : {}) },
    "time-limit": spec.timeLimitS,
    "setup-timeout": spec.setupTimeoutS,
    linearizability: { "time-limit": spec.linearizability.timeLimitS, "memory-limit-mb": spec.linearizability.memoryLimitMb },
    ...(spec.bugs.length > 0 ? { bugs: spec.bugs } : {}),
    checkers: spec.checkers,
    "results-dir": spec.resultsDir,
  });
  // Short lists read better inline: `faults: [kill, pause]`.
  visit(doc, {
    Seq(_, node) {
      node.flow = true;
    },
  });
  return doc.toString();
}
