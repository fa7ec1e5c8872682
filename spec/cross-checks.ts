// Cross-field checks: setups that are each valid field by field but impossible together (a
// quorum above the sentinels, a checker that cannot judge the workload...). Each check is a
// small function in CROSS_CHECKS, with a line saying what it refuses (the reference lists them).
import { checkersFitting, checkerNamed } from "../checkers/index.js";
import { descriptor as lossWindow } from "../checkers/loss-window.js";
import {
  LAG_LINKS,
  NEMESES,
  NEMESIS_TARGETS,
  PARTITION_SHAPES,
  type LagLinks,
  type NemesisName,
  type NemesisTarget,
  type PartitionShape,
  type Spec,
  type TopologyName,
} from "../core/spec.js";
import { LOSS_SHAPES } from "../core/workload-traits.js";
import { unsupportedFaults } from "../targets/index.js";
import { WORKLOADS, workloadNamed } from "../workloads/index.js";
import { FIELDS } from "./fields.js";
import type { Given, Inputs } from "./inputs.js";
import type { Where } from "./problems.js";

export class CrossCheck {
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

  /** Whether a problem was reported already about this field (or this entry of a list field). */
  reported(path: string, index?: number): boolean {
    const label = index === undefined ? path : `${path}[${index}]`;
    return this.inputs.problems.some((p) => p.label === label);
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

/** A fault the target cannot do (targets/: its capabilities), unless an earlier check refused that fault already. */
function checkTargetCapabilities(c: CrossCheck): void {
  if (!c.usable("target", "topology.type", "nemesis.faults")) return;
  for (const { index, text } of unsupportedFaults(c.spec)) {
    if (!c.reported("nemesis.faults", index)) c.report("nemesis.faults", text, index);
  }
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
  const workload = workloadNamed(c.spec.workload.type);
  const topology = c.spec.topology.type;
  const allowed = checkersFitting(workload, topology).map((d) => d.name);
  c.spec.checkers.forEach((name, i) => {
    const why = checkerNamed(name).unfit(workload, topology);
    if (why !== undefined) c.report("checkers", `'${name}' ${why}; expected one of ${allowed.join(", ")}`, i);
  });
}

/** Replica reads need replicas to read from, and a reader besides the writer. */
function checkReplicaReads(c: CrossCheck): void {
  if (!c.usable("workload.type", "topology.type", "topology.replicas")) return;
  const { workload, topology } = c.spec;
  if (!workloadNamed(workload.type).readsReplicas) return;
  if (topology.replicas === 0) {
    c.report("workload.type", `'${workload.type}' reads from replicas and needs topology ${REPLICA_TOPOLOGIES} (topology.type is ${topology.type}); expected another workload`);
  }
  if (c.usable("workload.concurrency") && workload.concurrency < 2) {
    c.report("workload.concurrency", `${workload.type} needs a writer and a reader; ${workload.concurrency} is too few; expected 2..1000`);
  }
}

/** WAIT needs replicas to wait for, and time to do it in. */
function checkWait(c: CrossCheck): void {
  if (!c.usable("workload.type", "topology.type", "topology.replicas")) return;
  const { workload, topology } = c.spec;
  if (c.usable("workload.wait-replicas") && workload.waitReplicas > 0) {
    if (workload.waitReplicas > topology.replicas) {
      c.report("workload.wait-replicas", `${workload.waitReplicas} is more than the ${topology.replicas} replicas (topology.replicas); expected 0..${topology.replicas}`);
    }
    if (c.usable("workload.wait-timeout-ms", "workload.timeout-ms") && workload.waitTimeoutMs >= workload.timeoutMs) {
      c.report("workload.wait-timeout-ms", `${workload.waitTimeoutMs} ms is not below the client timeout (workload.timeout-ms ${workload.timeoutMs}); expected 1..${workload.timeoutMs - 1}`);
    }
  }
}

/** An expectation needs the workload and checker that judge it. */
function checkExpectations(c: CrossCheck): void {
  if (!c.usable("workload.type", "topology.type", "topology.replicas")) return;
  const { workload, topology } = c.spec;
  const traits = workloadNamed(workload.type);
  if (c.usable("expect.replica-reads") && c.given("expect.replica-reads") && !traits.readsReplicas) {
    const readers = WORKLOADS.filter((w) => w.readsReplicas).map((w) => w.name).join(" or ");
    c.report("expect.replica-reads", `only the ${readers} workload reads from replicas (workload.type is ${workload.type}); expected no expect.replica-reads, or workload ${readers}`);
  }
  if (c.usable("expect.loss") && c.spec.expect.loss === "none" && lossWindow.unfit(traits, topology.type) !== undefined) {
    // Listed in the order of the loss shapes, as the loss-window checker names them.
    const judged = LOSS_SHAPES.flatMap((shape) => WORKLOADS.filter((w) => w.lossShape === shape).map((w) => w.name));
    c.report("expect.loss", `'none' is judged by the loss-window checker, which needs workload ${judged.join(", ")} with replicas (workload.type is ${workload.type}, topology.type ${topology.type}); expected bounded`);
  }
}

/** One cross-field check: what it refuses (the reference lists these), and the check itself. */
export interface CrossCheckRule {
  refuses: string;
  run(c: CrossCheck): void;
}

/** Every cross-field check, in order; adding one is one line here. */
export const CROSS_CHECKS: readonly CrossCheckRule[] = [
  { refuses: "replicas on standalone, sentinels without topology sentinel, a replication or sentinel topology without replicas, a sentinel topology without sentinels", run: checkTopologyShape },
  { refuses: "a `sentinel:` section without topology sentinel, a `replication:` section on standalone", run: checkSectionsFitTopology },
  { refuses: "a quorum larger than the number of sentinels", run: checkQuorum },
  { refuses: "`min-replicas-to-write` above the number of replicas, more `replica-priority` entries than replicas", run: checkReplicaLimits },
  { refuses: "`none` combined with other faults, a `failover` fault without sentinels", run: checkFaults },
  { refuses: "a fault the target cannot do (process faults need process control, network faults the switch, `failover` a failover agent)", run: checkTargetCapabilities },
  { refuses: "a `sentinel` nemesis target without sentinels, a `replica` target on standalone", run: checkNemesisTargets },
  { refuses: "bug switches with a target other than bundled", run: checkTargetTopology },
  { refuses: "more per-fault intervals or durations than faults", run: checkPerFaultTimings },
  { refuses: "a partition shape the topology cannot have (`isolate-sentinel` without sentinels, a split of one node), lag links it lacks (`primary-replicas` without replicas, `sentinels` with fewer than two)", run: checkNetworkFaults },
  { refuses: "a checker that cannot judge the workload on the topology (see Checkers below)", run: checkCheckers },
  { refuses: "a workload that reads from replicas without replicas, or with fewer than 2 workers (a writer and a reader)", run: checkReplicaReads },
  { refuses: "`wait-replicas` above the replicas, a `wait-timeout-ms` not below `timeout-ms`", run: checkWait },
  { refuses: "`expect.replica-reads` without a workload that reads from replicas, `expect.loss: none` where the loss-window checker cannot run", run: checkExpectations },
];
