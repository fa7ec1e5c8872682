// The vocabulary of network faults: the components that talk, the directed links between
// them, and the rule a link follows. The switch (net/) enforces rules on links; nemeses
// (nemesis/) choose them; targets with network control take them.

/** A node id (n1.., s1..) or CLIENTS, the harness's client processes as one group. */
export type Component = string;

export const CLIENTS: Component = "clients";

/** A directed link: bytes sent by `from` towards `to`. */
export type Link = readonly [from: Component, to: Component];

export type Rule =
  | { kind: "pass" }
  /** Bytes stop flowing, as when packets are dropped: connections hang, and what was sent arrives after the heal (TCP retransmits). */
  | { kind: "drop" }
  /** Connections are reset, now and whenever one is opened. */
  | { kind: "reset" }
  | { kind: "delay"; ms: number; jitterMs: number };

export const PASS: Rule = { kind: "pass" };
