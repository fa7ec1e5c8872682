// The seam between the harness and whatever provides the nodes. Every target has the small
// core `Target`: its nodes, how clients and the harness reach them, and its roles as shards.
// What it can do to its nodes comes as optional capabilities, each its own interface that a
// target declares in `capabilities` and a nemesis asks for through a type guard, as Jepsen's
// jepsen.db Kill / Pause / Primary protocols: process control, network control, failover control.
import type { Link, Rule } from "./network.js";
import type { NemesisName } from "./spec.js";

export type NodeKind = "data" | "sentinel";

export interface NodeAddress {
  /** Stable id within a run: n1, n2, ... for data nodes, s1, s2, ... for sentinels. */
  id: string;
  kind: NodeKind;
  host: string;
  port: number;
}

/**
 * How a client reaches a node: directly, or through Sentinel as an application does
 * (`role: "slave"` asks Sentinel for a replica, as ioredis's option of that name does).
 */
export type Endpoint =
  | { kind: "direct"; host: string; port: number }
  | { kind: "sentinel"; masterName: string; sentinels: Array<{ host: string; port: number }>; role?: "master" | "slave" };

/** How the harness reaches a node for INFO and control. */
export interface AdminAddress {
  /** Node id, for messages. */
  id?: string;
  host: string;
  /** Where the harness reaches the node directly (behind the switch, when there is one). */
  port: number;
  /** The port the node announces to others and clients use; the same as `port` without a switch. */
  announcedPort?: number;
  password?: string;
}

/** A primary and its replicas: what a failover acts on. One today; a Redis Cluster has one per slot range. */
export interface Shard {
  /** Stable within a run; Sentinel's master name for a shard it monitors. */
  readonly id: string;
  readonly primary: string;
  /** In the target's node order. */
  readonly replicas: readonly string[];
}

/** Who has which role at one moment. */
export interface Roles {
  readonly shards: readonly Shard[];
  /** The sentinels watching the shards; empty without Sentinel. */
  readonly sentinels: readonly string[];
}

export const CAPABILITIES = ["process", "network", "failover"] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** Each capability as messages name it. */
export const CAPABILITY_TITLES: Record<Capability, string> = {
  process: "process control",
  network: "network control",
  failover: "failover control",
};

/** The capability each fault of the spec needs from the target. */
export const FAULT_NEEDS: Record<Exclude<NemesisName, "none">, Capability> = {
  kill: "process",
  pause: "process",
  partition: "network",
  lag: "network",
  failover: "failover",
};

export interface Target {
  /** What this target can do beyond the core, fixed before setup. */
  readonly capabilities: readonly Capability[];
  readonly nodes: readonly NodeAddress[];
  /** Password clients must send, if any. */
  readonly password?: string;
  /** Starts (or connects to) every node and waits until the topology is ready. */
  setup(): Promise<void>;
  endpoint(): Endpoint;
  /** Where replica reads go: Sentinel asked for a replica, or each replica directly; empty without replicas. */
  replicaEndpoints(): Endpoint[];
  /** How the harness reaches a node for INFO and control: directly, past the switch. */
  adminAddress(id: string): AdminAddress;
  /** The current roles; undefined while they cannot be told (sentinels disagreeing mid-failover). */
  roles(): Promise<Roles | undefined>;
  /** Undoes every fault left (whatever capability made it), then waits for the topology to settle. */
  heal(): Promise<void>;
  /** Stops whatever the target started. Safe to call more than once and after errors. */
  teardown(): Promise<void>;
  /** The node behind an address a client is connected to. */
  nodeAt(host: string, port: number): string | undefined;
}

/** Process faults. */
export interface ProcessControl {
  /** Kills the node at once (SIGKILL for a process). */
  kill(id: string): Promise<void>;
  /** Starts a killed node again with its config and data; nothing when it runs. */
  restart(id: string): Promise<void>;
  /** Freezes the node without closing its connections (SIGSTOP). */
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** False while the node is killed, paused or has exited. */
  isRunning(id: string): boolean;
}

/** Network faults: every link of the target passes a switch that applies a rule per directed link. */
export interface NetworkControl {
  /** Sets the rule of each link; resolves once it applies to open connections. */
  setLinks(links: readonly Link[], rule: Rule): Promise<void>;
}

/** How a failover is asked for, after Redis Cluster's CLUSTER FAILOVER [FORCE|TAKEOVER]; Sentinel knows only `default`. */
export const FAILOVER_MODES = ["default", "force", "takeover"] as const;
export type FailoverMode = (typeof FAILOVER_MODES)[number];

/** A node that can be asked to fail a shard over: a sentinel watching it, or (Cluster) one of its replicas. */
export interface FailoverAgent {
  node: string;
  shard: string;
}

/** Failovers without a failure. */
export interface FailoverControl {
  /** Every running node that can fail a shard over now, with that shard, in a stable order. */
  failoverAgents(): Promise<FailoverAgent[]>;
  /** Asks the agent to fail its shard over; returns its reply. */
  failover(agent: FailoverAgent, mode?: FailoverMode): Promise<string>;
}

export function hasProcessControl(t: Target): t is Target & ProcessControl {
  return t.capabilities.includes("process");
}

export function hasNetworkControl(t: Target): t is Target & NetworkControl {
  return t.capabilities.includes("network");
}

export function hasFailoverControl(t: Target): t is Target & FailoverControl {
  return t.capabilities.includes("failover");
}
