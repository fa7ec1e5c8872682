// The seam between the runner and whatever provides the nodes (real redis-server
// processes today; the bundled server and containers later).
import type { NemesisTarget } from "../core/spec.js";
import type { NetworkRoles } from "../net/links.js";
import type { Switch } from "../net/switch.js";
import type { AdminAddress } from "./admin.js";

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

export interface Target {
  readonly nodes: readonly NodeAddress[];
  /** Password clients must send, if any. */
  readonly password?: string;
  /** Starts every node and waits until the topology is ready. */
  setup(): Promise<void>;
  endpoint(): Endpoint;
  /** Where replica reads go: Sentinel asked for a replica, or each replica directly; empty without replicas. */
  replicaEndpoints(): Endpoint[];
  /** How the harness reaches a node for INFO and control: directly, past the switch. */
  adminAddress(id: string): AdminAddress;
  /** Ids of the nodes that currently have a role, running ones only. */
  nodesWithRole(role: NemesisTarget): Promise<string[]>;
  /** Process faults. `kill` is SIGKILL; `restart` starts the node again with its config and data dir. */
  kill(id: string): Promise<void>;
  restart(id: string): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  /** The switch every link of the target goes through, for network faults. */
  readonly network: Switch;
  /** Current roles for network faults; undefined while the sentinels disagree on the primary. */
  networkRoles(): Promise<NetworkRoles | undefined>;
  /** Asks a sentinel to fail over; returns its reply. */
  forceFailover(sentinelId: string): Promise<string>;
  /** Resumes paused and restarts killed nodes, then waits for the topology to settle. */
  heal(): Promise<void>;
  /** Stops every process the target started. Safe to call more than once and after errors. */
  teardown(): Promise<void>;
  /** The node behind an address a client is connected to. */
  nodeAt(host: string, port: number): string | undefined;
}
