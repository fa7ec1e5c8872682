// Partition shapes: which directed links to cut for a named network fault, given the
// roles at the moment the fault starts. Pure functions: no I/O; every random choice
// comes from the Rng passed in, and every list is built in a stable order, so one seed
// always gives the same partition.
//
// The nodes are each shard's [primary, ...replicas], then the sentinels; CLIENTS is the
// harness's client processes as one component. Where the clients sit matters for Redis: they
// find the primary through Sentinel, so a side holding an old primary together with the
// clients can go on accepting writes while the other side fails over. A shape about "the
// primary" is about one shard's, drawn by the RNG when there are several.

import type { Rng } from "../core/rng.js";
import { CLIENTS, type Component, type Link } from "../core/network.js";
import type { PartitionShape } from "../core/spec.js";
import type { Roles, Shard } from "../core/target.js";

export interface Partition {
  shape: PartitionShape;
  /** The groups that can still talk among themselves, when the shape has sides. */
  sides?: Component[][];
  /** Every directed link that is cut. */
  cut: Link[];
}

/**
 * The directed links to cut for `shape`, or undefined when the shape is impossible
 * for these roles (or would cut nothing). Every cut is symmetric: [a, b] is cut iff
 * [b, a] is.
 *
 * - isolate-primary: sides [[primary], [every other node..., clients]].
 * - isolate-replica / isolate-sentinel: a random replica (of any shard) / sentinel alone;
 *   every other component (clients included) on the other side. Undefined without one.
 * - primary-with-clients: sides [[primary, clients], [every other node...]];
 *   undefined when the primary is the only node.
 * - halves: nodes shuffled, the first floor(n/2) vs the rest. Needs n >= 2.
 * - majority-minority: nodes shuffled, a minority of floor((n-1)/2) vs the rest
 *   (sides [minority, majority]). Needs n >= 3.
 * - majorities-ring: see {@link ringLinked}; no sides. Needs n >= 3.
 * - bridge: nodes shuffled, A = the first floor(n/2), the bridge = the next one,
 *   B = the rest; A-B links cut; sides [[...A, bridge], [bridge, ...B]]. Needs n >= 3.
 * - clients-only: clients <-> the primary only; no sides.
 * - sentinel-from-primary: a random sentinel <-> the primary only; no sides. One sentinel
 *   loses the primary while the others still see it: fewer than a quorum of 2 can agree it
 *   is down, so an honest Sentinel does not fail over. Undefined without sentinels.
 *
 * For halves, majority-minority, majorities-ring and bridge the clients keep their
 * links to every node (like Jepsen's control node) and are on no side.
 */
export function partitionFor(shape: PartitionShape, roles: Roles, rng: Rng): Partition | undefined {
  const nodes = nodesOf(roles);
  const { sentinels } = roles;
  const replicas = roles.shards.flatMap((s) => s.replicas);
  const n = nodes.length;
  const split = (sides: Component[][]): Partition => ({ shape, sides, cut: cutBetween(sides) });
  const others = (c: Component) => nodes.filter((x) => x !== c);
  const alone = (c: Component): Partition => split([[c], [...others(c), CLIENTS]]);

  switch (shape) {
    case "isolate-primary":
      return alone(pickShard(roles, rng).primary);
    case "isolate-replica":
      return replicas.length === 0 ? undefined : alone(rng.pick(replicas));
    case "isolate-sentinel":
      return sentinels.length === 0 ? undefined : alone(rng.pick(sentinels));
    case "primary-with-clients": {
      if (n < 2) return undefined;
      const { primary } = pickShard(roles, rng);
      return split([[primary, CLIENTS], others(primary)]);
    }
    case "halves": {
      if (n < 2) return undefined;
      const s = shuffled(nodes, rng);
      const h = Math.floor(n / 2);
      return split([s.slice(0, h), s.slice(h)]);
    }
    case "majority-minority": {
      const minority = Math.floor((n - 1) / 2);
      if (minority < 1) return undefined;
      const s = shuffled(nodes, rng);
      return split([s.slice(0, minority), s.slice(minority)]);
    }
    case "majorities-ring": {
      if (n < 3) return undefined;
      const ring = shuffled(nodes, rng);
      const position = new Map(ring.map((c, i) => [c, i] as const));
      const cut: Link[] = [];
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          const [a, b] = [nodes[i], nodes[j]];
          if (!ringLinked(n, position.get(a)!, position.get(b)!)) cut.push([a, b], [b, a]);
        }
      }
      return { shape, cut };
    }
    case "bridge": {
      if (n < 3) return undefined;
      const s = shuffled(nodes, rng);
      const h = Math.floor(n / 2);
      const bridge = s[h];
      return split([[...s.slice(0, h), bridge], [bridge, ...s.slice(h + 1)]]);
    }
    case "clients-only":
      return { shape, cut: both(pickShard(roles, rng).primary, CLIENTS) };
    case "sentinel-from-primary":
      return sentinels.length === 0 ? undefined : { shape, cut: both(pickShard(roles, rng).primary, rng.pick(sentinels)) };
  }
}

/**
 * The shard a fault about "the primary" is about. With one shard nothing is drawn, so a
 * seed picks what it picked before there were shards.
 */
export function pickShard(roles: Roles, rng: Rng): Shard {
  return roles.shards.length === 1 ? roles.shards[0] : rng.pick(roles.shards);
}

function both(a: Component, b: Component): Link[] {
  return [
    [a, b],
    [b, a],
  ];
}

/**
 * Whether ring positions p and q (0 <= p, q < n) keep their link in majorities-ring.
 * With the majority m = floor(n/2) + 1 and k = floor((m - 1) / 2), a node keeps its
 * links to the nodes within ring distance k, which is itself plus 2k others. When m is
 * odd that is exactly m. When m is even it is m - 1, and each node also keeps one
 * "chord" to a far node:
 * - even n (n = 2 mod 4): the opposite node, n/2 away; every node sees exactly m.
 * - odd n (n = 3 mod 4): a symmetric cut cannot give every node exactly m (n nodes of
 *   odd degree m - 1 is impossible), so with h = (n - 1) / 2 the chords are i <-> i + h
 *   for i < h plus (n - 1) <-> (h - 1): every node sees exactly m except position h - 1,
 *   which sees m + 1.
 * For n >= 5 no two nodes see the same majority (checked in the tests for n <= 12).
 */
export function ringLinked(n: number, p: number, q: number): boolean {
  if (p === q) return true;
  const m = Math.floor(n / 2) + 1;
  const k = Math.floor((m - 1) / 2);
  const d = Math.abs(p - q);
  if (Math.min(d, n - d) <= k) return true;
  if (2 * k + 1 >= m) return false;
  return chord(n, p) === q || chord(n, q) === p;
}

function chord(n: number, p: number): number | undefined {
  if (n % 2 === 0) return (p + n / 2) % n;
  const h = (n - 1) / 2;
  if (p < h) return p + h;
  if (p === n - 1) return h - 1;
  return undefined;
}

/**
 * All directed links between components on different sides, both directions, in a
 * stable order, without duplicates or self links. Components that share any side keep
 * their link, so overlapping sides (bridge) work: the shared component is cut from no one.
 */
export function cutBetween(sides: Component[][]): Link[] {
  const order: Component[] = [];
  const sidesOf = new Map<Component, Set<number>>();
  sides.forEach((side, i) => {
    for (const c of side) {
      let set = sidesOf.get(c);
      if (!set) {
        set = new Set();
        sidesOf.set(c, set);
        order.push(c);
      }
      set.add(i);
    }
  });
  const cut: Link[] = [];
  for (let i = 0; i < order.length; i++) {
    for (let j = i + 1; j < order.length; j++) {
      const [a, b] = [order[i], order[j]];
      const sa = sidesOf.get(a)!;
      if (![...sidesOf.get(b)!].some((s) => sa.has(s))) cut.push([a, b], [b, a]);
    }
  }
  return cut;
}

/**
 * One short line for logs: the sides when there are any
 * (`primary-with-clients: n1 clients | n2 n3 s1 s2 s3`), else the cut links, `a<->b`
 * for a symmetric pair and `a->b` for a one-way cut (`clients-only: cut n1<->clients`).
 */
export function describePartition(p: Partition): string {
  if (p.sides) return `${p.shape}: ${p.sides.map((s) => s.join(" ")).join(" | ")}`;
  const present = new Set(p.cut.map(([a, b]) => key(a, b)));
  const done = new Set<string>();
  const parts: string[] = [];
  for (const [a, b] of p.cut) {
    if (done.has(key(a, b))) continue;
    done.add(key(a, b));
    if (present.has(key(b, a))) {
      done.add(key(b, a));
      parts.push(`${a}<->${b}`);
    } else {
      parts.push(`${a}->${b}`);
    }
  }
  return `${p.shape}: cut ${parts.length ? parts.join(" ") : "nothing"}`;
}

/** The nodes in role order: each shard's [primary, ...replicas], then the sentinels. Throws on a repeated id or a node named CLIENTS. */
export function nodesOf(roles: Roles): Component[] {
  const nodes = [...roles.shards.flatMap((s) => [s.primary, ...s.replicas]), ...roles.sentinels];
  const seen = new Set<Component>();
  for (const c of nodes) {
    if (c === CLIENTS) throw new Error(`a node cannot be named ${JSON.stringify(CLIENTS)}`);
    if (seen.has(c)) throw new Error(`component ${JSON.stringify(c)} appears twice in the roles`);
    seen.add(c);
  }
  return nodes;
}

function key(a: Component, b: Component): string {
  return `${a}\u0000${b}`;
}

/** A Fisher-Yates shuffled copy. */
function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
