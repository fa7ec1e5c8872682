// The test spec: what a run does. Parsed from YAML and/or CLI flags by spec/,
// validated completely before anything starts.

export const TARGETS = ["redis", "bundled"] as const;
export const TOPOLOGIES = ["standalone", "replication", "sentinel"] as const;
export const NEMESES = ["none", "kill", "pause", "failover", "partition", "lag"] as const;
export const NEMESIS_MODES = ["random", "sequence", "together"] as const;
/** Which links a lag fault slows. */
export const LAG_LINKS = ["primary-replicas", "primary-replica", "sentinels", "clients", "all"] as const;
export const PARTITION_SHAPES = [
  "isolate-primary",
  "isolate-replica",
  "isolate-sentinel",
  "primary-with-clients",
  "halves",
  "majority-minority",
  "majorities-ring",
  "bridge",
  "clients-only",
  "sentinel-from-primary",
] as const;
export type PartitionShape = (typeof PARTITION_SHAPES)[number];
export const NEMESIS_TARGETS = ["primary", "replica", "sentinel"] as const;
export const PERSISTENCE = ["none", "appendonly"] as const;
/** expect.loss: lost acknowledged writes must stay within the configuration's bound, or there must be none. */
export const EXPECT_LOSS = ["bounded", "none"] as const;
/** expect.replica-reads: replica reads may be stale, or must be linearizable. */
export const EXPECT_REPLICA_READS = ["stale", "linearizable"] as const;

export type TargetName = (typeof TARGETS)[number];
export type TopologyName = (typeof TOPOLOGIES)[number];
export type NemesisName = (typeof NEMESES)[number];
export type NemesisTarget = (typeof NEMESIS_TARGETS)[number];
export type Persistence = (typeof PERSISTENCE)[number];
export type NemesisMode = (typeof NEMESIS_MODES)[number];
export type LagLinks = (typeof LAG_LINKS)[number];
export type ExpectLoss = (typeof EXPECT_LOSS)[number];
export type ExpectReplicaReads = (typeof EXPECT_REPLICA_READS)[number];

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
  /** A workload's name (workloads/index.ts lists them; spec/ accepts only those). */
  type: string;
  /** Number of keys the workload spreads over. */
  keys: number;
  /** Concurrent client workers. */
  concurrency: number;
  /** Total ops per second across all workers. */
  rate: number;
  /** Client command timeout; a timed-out op is recorded as `info`. */
  timeoutMs: number;
  /** WAIT for this many replicas after every write (0: no WAIT); fewer in time makes the write `info`. */
  waitReplicas: number;
  waitTimeoutMs: number;
}

/** What the test expects of the target, for the checkers that judge against it. */
export interface ExpectSpec {
  loss: ExpectLoss;
  replicaReads: ExpectReplicaReads;
}

export interface NemesisSpec {
  faults: NemesisName[];
  /**
   * random: each fault picked by the seeded RNG; sequence: the faults in the order listed, round
   * and round; together: every fault in each round, each `interval` after the round's start.
   */
  mode: NemesisMode;
  /** Roles a kill or pause may hit, picked by the seeded RNG. */
  targets: NemesisTarget[];
  /** Seconds between the end of one fault and the start of the next (together: from the round's start). */
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
  expect: ExpectSpec;
  /** Seconds the workload runs (the final heal and reads come after). */
  timeLimitS: number;
  /** Seconds allowed for the topology to become ready or settle after the heal. */
  setupTimeoutS: number;
  /** Budget of the linearizability search, per run. */
  linearizability: { timeLimitS: number; memoryLimitMb: number };
  /** Deliberate faults of the bundled server (bundled-server/bugs.ts), to prove a checker catches them. */
  bugs: string[];
  /** Checkers to run, by name (checkers/index.ts lists them); empty means all that fit the workload and topology. */
  checkers: string[];
  resultsDir: string;
}
