// Who talks to whom: the components of a network fault and the directed links between them.
import type { PartitionShape } from "../core/spec.js";

/** A node id (n1.., s1..) or CLIENTS, the harness's client processes as one group. */
export type Component = string;

export const CLIENTS: Component = "clients";

/** A directed link: bytes sent by `from` towards `to`. */
export type Link = readonly [from: Component, to: Component];

/** The roles of the components at the moment a fault starts. */
export interface NetworkRoles {
  primary: Component;
  replicas: readonly Component[];
  sentinels: readonly Component[];
}

export interface Partition {
  shape: PartitionShape;
  /** The groups that can still talk among themselves, when the shape has sides. */
  sides?: Component[][];
  /** Every directed link that is cut. */
  cut: Link[];
}
