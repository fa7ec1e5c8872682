// The spec reference (docs/spec.md), generated from the field table, the workload and checker
// lists and the cross-checks, so that the docs say what the parser does. `npm run docs:spec`
// writes it; a unit test fails when the committed file differs from what this produces.
import { CHECKERS } from "../checkers/index.js";
import { TOPOLOGIES } from "../core/spec.js";
import { WORKLOADS } from "../workloads/index.js";
import { CROSS_CHECKS } from "./cross-checks.js";
import { expectation, FIELDS, SECTION_DOCS, type Field, type Value } from "./fields.js";
import { parseSpec, SpecError } from "./index.js";

/** Where the reference lives, and the command that writes it. */
export const REFERENCE_FILE = "docs/spec.md";
export const REGENERATE = "npm run docs:spec";

/** A full spec with the defaults noted; the unit test parses it with every other yaml block of the docs. */
const EXAMPLE = `name: sentinel-set-kill          # default: <target>-<topology>-<workload>-<faults>
seed: 7                          # default: random; the resolved seed is stored in test.yaml
target: redis                    # real redis-server / redis-sentinel from PATH
topology:
  type: sentinel                 # standalone | replication | sentinel (default standalone)
  replicas: 2                    # default 2 for replication and sentinel
  sentinels: 3                   # default 3 for sentinel
sentinel:                        # only with topology sentinel
  quorum: 2                      # default: a majority of the sentinels
  down-after-milliseconds: 2000
  failover-timeout: 10000
  parallel-syncs: 1
replication:                     # only with topology replication or sentinel
  min-replicas-to-write: 0
  min-replicas-max-lag: 10
  replica-priority: [100, 0]     # per replica, in order; missing ones are 100
requirepass: secret              # also set as masterauth on every node and auth-pass on every sentinel
persistence: none                # none | appendonly
workload:
  type: set                      # register | cas-register | counter | set | stale-read (default register)
  keys: 1                        # default 5 for register and cas-register, 1 otherwise
  concurrency: 5                 # client workers
  rate: 100                      # total ops/s
  timeout-ms: 1000               # client command timeout; a timed-out op is \`info\`
  wait-replicas: 0               # WAIT for this many replicas after each write (0: off); fewer is \`info\`
  wait-timeout-ms: 100           # WAIT's timeout, below timeout-ms
nemesis:
  faults: [partition, kill]      # none | kill | pause | failover | partition | lag (default none)
  mode: random                   # random | sequence | together
  targets: [primary]             # kill / pause: primary | replica | sentinel, picked by the seeded RNG
  interval: 5                    # seconds between faults
  duration: 5                    # seconds a fault lasts (then restart / resume / heal)
  intervals: [3]                 # per fault, in the order of faults (optional)
  durations: [10, 5]             # per fault, in the order of faults (optional)
  partitions: [primary-with-clients, majorities-ring]   # shapes a partition picks from
  lag-ms: 200                    # lag: latency added
  lag-jitter-ms: 50
  lag-links: primary-replicas    # primary-replicas | primary-replica | sentinels | clients | all
expect:                          # what the test expects of the target (judged by the checkers)
  loss: bounded                  # bounded: lost writes within the configuration's bound | none: no loss at all
  # replica-reads: stale         # stale-read workload only: stale | linearizable
time-limit: 30                   # seconds of workload; the final heal and reads come after
setup-timeout: 30                # seconds for the topology to become ready or settle
checkers: [set, stats, loss-window, election-rules]   # default: all that fit the workload and topology
linearizability:                 # the search's budget; past it the verdict is unknown
  time-limit: 120                # seconds
  memory-limit-mb: 1024
results-dir: results
# bugs: [lost-ack]               # target bundled only: deliberate faults for checker tests
`;

/** A spec with mistakes, to show how problems are reported (its messages are the parser's own). */
const BAD_EXAMPLE = `topology:
  type: sentinel
  sentinels: 3
sentinel:
  quorum: 5
workload:
  type: sets
  rate: fast
`;

export function specReference(): string {
  return [
    "<!-- Generated from the spec's field table (spec/fields.ts), the workload and checker lists and the",
    `     cross-checks by \`${REGENERATE}\`; do not edit by hand. -->`,
    "",
    "# The spec",
    "",
    "A run is described by a spec: a YAML file, the flags of `redline run`, or both (flags override the",
    "file's values). Every field is optional. The whole spec is validated before anything starts: every",
    "problem is reported at once, each naming the file, line, column and field (or the flag) and what is",
    "allowed, and redline exits 254. The resolved spec, defaults and seed included, is stored in the run",
    "folder as `test.yaml`, from which the run can be replayed.",
    "",
    "## Example",
    "",
    "A full spec, with the defaults noted:",
    "",
    "```yaml",
    EXAMPLE.trimEnd(),
    "```",
    "",
    "The same with flags only, and a file with one value overridden:",
    "",
    "```sh",
    "redline run --target redis --topology sentinel --workload set --nemesis partition,kill --time-limit 30",
    "redline run spec.yaml --seed 8",
    "```",
    "",
    "Every ```` ```yaml ```` block in README.md and docs/ is a complete spec like the one above: a unit",
    "test parses each of them, so the examples cannot fall out of date. (Other YAML would go in a block",
    "of another language.)",
    "",
    "## Fields",
    "",
    ...fieldTables(),
    "## Workloads",
    "",
    "`workload.type` picks one. Its own checkers judge its history; the other checkers that fit it are",
    "listed under Checkers.",
    "",
    "| workload | what it does | its checkers | default keys | needs |",
    "|---|---|---|---|---|",
    ...WORKLOADS.map((w) =>
      row([code(w.name), w.doc, w.checkers.map(code).join(", "), String(w.defaultKeys), w.readsReplicas ? "replicas, and 2 workers or more" : ""]),
    ),
    "",
    "## Checkers",
    "",
    "Without `checkers`, every checker that fits the workload and the topology runs: the workload's own,",
    "then the others below that fit. A checker listed in `checkers` must fit.",
    "",
    "| checker | judges | fits |",
    "|---|---|---|",
    ...CHECKERS.map((c) => row([code(c.name), c.doc, fitsText(c)])),
    "",
    "## Refused as impossible",
    "",
    "Each field can be valid on its own and the spec still impossible. These are refused (exit 254):",
    "",
    ...CROSS_CHECKS.map((rule) => `- ${rule.refuses}`),
    "",
    "## Problems",
    "",
    "This spec (`bad.yaml`):",
    "",
    "```text",
    BAD_EXAMPLE.trimEnd(),
    "```",
    "",
    "is refused with:",
    "",
    "```text",
    ...problemsOf(BAD_EXAMPLE, "bad.yaml").map((p) => `redline: ${p}`),
    "```",
    "",
  ].join("\n");
}

/** One table per section, top-level settings first, sections in the table's order. */
function fieldTables(): string[] {
  const sections = [...new Set(FIELDS.map(sectionOf))].sort((a, b) => (a === "" ? -1 : b === "" ? 1 : 0));
  return sections.flatMap((section) => [
    `### ${section === "" ? "Top level" : section}`,
    "",
    SECTION_DOCS[section] ?? "",
    "",
    "| field | flag | allowed | default | description |",
    "|---|---|---|---|---|",
    ...FIELDS.filter((f) => sectionOf(f) === section).map((f) =>
      row([code(f.path), code(f.flag), expectation(f.type), defaultText(f), f.doc ? `${f.description}. ${f.doc}` : f.description]),
    ),
    "",
  ]);
}

function sectionOf(field: Field): string {
  const dot = field.path.indexOf(".");
  return dot < 0 ? "" : field.path.slice(0, dot);
}

function defaultText(field: Field): string {
  if (field.defaultText !== undefined) return field.defaultText;
  if (field.default === undefined) return "none (optional)";
  return code(valueText(field.default));
}

function valueText(value: Value): string {
  return Array.isArray(value) ? `[${value.join(", ")}]` : String(value);
}

/** The workloads and topologies a checker fits, e.g. "register, counter, set on replication or sentinel". */
function fitsText(checker: (typeof CHECKERS)[number]): string {
  const groups = new Map<string, string[]>();
  for (const w of WORKLOADS) {
    const topologies = TOPOLOGIES.filter((t) => checker.unfit(w, t) === undefined);
    if (topologies.length === 0) continue;
    const key = topologies.length === TOPOLOGIES.length ? "any topology" : `topology ${topologies.join(" or ")}`;
    groups.set(key, [...(groups.get(key) ?? []), w.name]);
  }
  return [...groups.entries()]
    .map(([topologies, names]) => `${names.length === WORKLOADS.length ? "every workload" : names.map(code).join(", ")}, on ${topologies}`)
    .join("; ");
}

function problemsOf(text: string, source: string): string[] {
  try {
    parseSpec(text, source);
  } catch (err) {
    if (err instanceof SpecError) return err.problems;
    throw err;
  }
  throw new Error("spec reference: the bad example is accepted");
}

function code(text: string): string {
  return `\`${text}\``;
}

/** A table row; a cell's '|' would end it, and '<' would start an HTML tag. */
function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replace(/\|/g, "\\|").replace(/</g, "&lt;")).join(" | ")} |`;
}
