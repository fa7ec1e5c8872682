// The test spec: what a run does. Parsed from YAML and/or CLI flags by spec-parse.ts,
// validated completely before anything starts.
import type { PartitionShape } from "../nemesis/links.js";

export const TARGETS = ["redis", "bundled"] as const;
export const TOPOLOGIES = ["standalone", "replication", "sentinel"] as const;
export const WORKLOADS = ["register", "cas-register", "counter", "set"] as const;
export const NEMESES = ["none", "kill", "pause", "failover", "partition", "lag"] as const;
export const NEMESIS_MODES = ["random", "sequence"] as const;
/** Which links a lag fault slows. */
export const LAG_LINKS = ["primary-replicas", "clients", "all"] as const;
export const NEMESIS_TARGETS = ["primary", "replica", "sentinel"] as const;
export const PERSISTENCE = ["none", "appendonly"] as const;
export const CHECKERS = ["linearizable", "set", "counter", "stats"] as const;

export type TargetName = (typeof TARGETS)[number];
export type TopologyName = (typeof TOPOLOGIES)[number];
export type WorkloadName = (typeof WORKLOADS)[number];
export type NemesisName = (typeof NEMESES)[number];
export type NemesisTarget = (typeof NEMESIS_TARGETS)[number];
export type Persistence = (typeof PERSISTENCE)[number];
export type CheckerName = (typeof CHECKERS)[number];
export type NemesisMode = (typeof NEMESIS_MODES)[number];
export type LagLinks = (typeof LAG_LINKS)[number];

/** The checkers that can judge each workload's history; all of them run unless the spec picks some. */
export const WORKLOAD_CHECKERS: Record<WorkloadName, readonly CheckerName[]> = {
  register: ["linearizable", "stats"],
  "cas-register": ["linearizable", "stats"],
  counter: ["counter", "stats"],
  set: ["set", "stats"],
};

export interface TopologySpec {
  type: TopologyName;
  /** Replicas of the primary (replication and sentinel). */
  replicas: number;
  /** Sentinels (sentinel only). */
  sentinels: number;
}

export interface SentinelSpec {
  quorum: number;
  downAfterMs: number;
  failoverTimeoutMs: number;
  parallelSyncs: number;
}

export interface ReplicationSpec {
  minReplicasToWrite: number;
  minReplicasMaxLag: number;
  /** replica-priority of each replica, in order; missing entries default to 100. */
  replicaPriority: number[];
}

export interface WorkloadSpec {
  type: WorkloadName;
  /** Number of keys the workload spreads over. */
  keys: number;
  /** Concurrent client workers. */
  concurrency: number;
  /** Total ops per second across all workers. */
  rate: number;
  /** Client command timeout; a timed-out op is recorded as `info`. */
  timeoutMs: number;
}

export interface NemesisSpec {
  faults: NemesisName[];
  /** random: each fault picked by the seeded RNG; sequence: the faults in the order listed, round and round. */
  mode: NemesisMode;
  /** Roles a kill or pause may hit, picked by the seeded RNG. */
  targets: NemesisTarget[];
  /** Seconds between the end of one fault and the start of the next. */
  intervalS: number;
  /** Seconds a fault lasts (a kill restarts, a pause resumes, after this). */
  durationS: number;
  /** Per fault, in the order of `faults`: its own interval / duration; missing entries use the ones above. */
  intervalsS: number[];
  durationsS: number[];
  /** Shapes a partition fault picks from. */
  partitions: PartitionShape[];
  lag: { ms: number; jitterMs: number; links: LagLinks };
}

export interface Spec {
  name: string;
  seed: number;
  target: TargetName;
  topology: TopologySpec;
  sentinel: SentinelSpec;
  replication: ReplicationSpec;
  requirepass?: string;
  persistence: Persistence;
  workload: WorkloadSpec;
  nemesis: NemesisSpec;
  /** Seconds the workload runs (the final heal and reads come after). */
  timeLimitS: number;
  /** Seconds allowed for the topology to become ready or settle after the heal. */
  setupTimeoutS: number;
  /** Budget of the linearizability search, per run. */
  linearizability: { timeLimitS: number; memoryLimitMb: number };
  /** Deliberate faults of the bundled server (bundled-server/bugs.ts), to prove a checker catches them. */
  bugs: string[];
  /** Checkers to run; empty means the workload's own. */
  checkers: CheckerName[];
  resultsDir: string;
}
