// Partition shapes: exact cuts for a sentinel topology, plus properties over node counts and seeds.
import assert from "node:assert/strict";
import fc from "fast-check";
import { Rng } from "../../core/rng.js";
import { CLIENTS, type Component, type Link } from "../../core/network.js";
import { PARTITION_SHAPES, type PartitionShape } from "../../core/spec.js";
import type { Roles } from "../../core/target.js";
import { cutBetween, describePartition, nodesOf, partitionFor, ringLinked, type Partition } from "../../nemesis/partition-shapes.js";

/** One shard, as every topology has today. */
function oneShard(primary: string, replicas: string[], sentinels: string[]): Roles {
  return { shards: [{ id: "mymaster", primary, replicas }], sentinels };
}

const SENTINEL = oneShard("n1", ["n2", "n3"], ["s1", "s2", "s3"]);
const NODES = ["n1", "n2", "n3", "s1", "s2", "s3"];

/** Both directions of every pair in `pairs` as "a>b" keys, sorted. */
function sym(pairs: [Component, Component][]): string[] {
  return pairs.flatMap(([a, b]) => [`${a}>${b}`, `${b}>${a}`]).sort();
}
function keys(links: readonly Link[]): string[] {
  return links.map(([a, b]) => `${a}>${b}`).sort();
}
function cross(xs: Component[], ys: Component[]): [Component, Component][] {
  return xs.flatMap((x) => ys.map((y): [Component, Component] => [x, y]));
}
function get(shape: PartitionShape, roles: Roles = SENTINEL, seed = 1): Partition {
  const p = partitionFor(shape, roles, new Rng(seed));
  assert.ok(p, `${shape} should be possible`);
  return p;
}
function cuts(p: Partition, a: Component, b: Component): boolean {
  return p.cut.some(([x, y]) => x === a && y === b);
}
/** The nodes each node still reaches, itself included. */
function views(p: Partition, nodes: Component[]): Map<Component, Component[]> {
  return new Map(nodes.map((a) => [a, nodes.filter((b) => a === b || !cuts(p, a, b))]));
}
function rolesOf(n: number, replicas: number): Roles {
  const r = replicas % n;
  return oneShard(
    "n1",
    Array.from({ length: r }, (_, i) => `n${i + 2}`),
    Array.from({ length: n - 1 - r }, (_, i) => `s${i + 1}`),
  );
}

describe("partition shapes: sentinel topology", () => {
  it("isolate-primary cuts n1 from every node and from the clients", () => {
    const p = get("isolate-primary");
    assert.deepEqual(p.sides, [["n1"], ["n2", "n3", "s1", "s2", "s3", CLIENTS]]);
    assert.deepEqual(keys(p.cut), sym(cross(["n1"], ["n2", "n3", "s1", "s2", "s3", CLIENTS])));
  });

  it("isolate-replica picks a replica, each of them for some seed", () => {
    const picked = new Set<Component>();
    for (let seed = 0; seed < 50; seed++) {
      const p = get("isolate-replica", SENTINEL, seed);
      const [[r]] = p.sides!;
      assert.ok(["n2", "n3"].includes(r));
      picked.add(r);
      const rest = [...NODES.filter((x) => x !== r), CLIENTS];
      assert.deepEqual(p.sides, [[r], rest]);
      assert.deepEqual(keys(p.cut), sym(cross([r], rest)));
    }
    assert.deepEqual([...picked].sort(), ["n2", "n3"]);
  });

  it("isolate-sentinel picks a sentinel", () => {
    const picked = new Set<Component>();
    for (let seed = 0; seed < 50; seed++) {
      const p = get("isolate-sentinel", SENTINEL, seed);
      const [[s]] = p.sides!;
      picked.add(s);
      assert.deepEqual(keys(p.cut), sym(cross([s], [...NODES.filter((x) => x !== s), CLIENTS])));
    }
    assert.deepEqual([...picked].sort(), ["s1", "s2", "s3"]);
  });

  it("primary-with-clients keeps clients<->n1 and cuts both from the rest", () => {
    const p = get("primary-with-clients");
    assert.deepEqual(p.sides, [["n1", CLIENTS], ["n2", "n3", "s1", "s2", "s3"]]);
    assert.deepEqual(keys(p.cut), sym(cross(["n1", CLIENTS], ["n2", "n3", "s1", "s2", "s3"])));
    assert.ok(cuts(p, "n1", "n2") && cuts(p, "n2", "n1") && cuts(p, "n1", "s1") && cuts(p, CLIENTS, "n2"));
    assert.ok(!cuts(p, CLIENTS, "n1") && !cuts(p, "n1", CLIENTS));
    assert.equal(describePartition(p), "primary-with-clients: n1 clients | n2 n3 s1 s2 s3");
  });

  it("halves splits the nodes 3/3 and leaves the clients alone", () => {
    const p = get("halves");
    const [a, b] = p.sides!;
    assert.equal(a.length, 3);
    assert.deepEqual([...a, ...b].sort(), [...NODES].sort());
    assert.deepEqual(keys(p.cut), sym(cross(a, b)));
    assert.ok(!p.cut.some(([x, y]) => x === CLIENTS || y === CLIENTS));
  });

  it("majority-minority is 2 vs 4 for six nodes, and 1 vs 3 where halves is 2 vs 2", () => {
    const p = get("majority-minority");
    assert.deepEqual(p.sides!.map((s) => s.length), [2, 4]);
    assert.deepEqual(keys(p.cut), sym(cross(p.sides![0], p.sides![1])));
    assert.ok(!p.cut.some(([x, y]) => x === CLIENTS || y === CLIENTS));
    const four = oneShard("n1", ["n2"], ["s1", "s2"]);
    assert.deepEqual(get("majority-minority", four).sides!.map((s) => s.length), [1, 3]);
    assert.deepEqual(get("halves", four).sides!.map((s) => s.length), [2, 2]);
  });

  it("majorities-ring: each of six nodes sees exactly four, all different; no sides; clients untouched", () => {
    const p = get("majorities-ring");
    assert.equal(p.sides, undefined);
    assert.equal(p.cut.length, 12); // 6 nodes x 2 cut peers each, both directions
    assert.ok(!p.cut.some(([x, y]) => x === CLIENTS || y === CLIENTS));
    const v = views(p, NODES);
    for (const seen of v.values()) assert.equal(seen.length, 4);
    assert.equal(new Set([...v.values()].map((s) => s.join())).size, 6);
  });

  it("bridge: halves minus a bridge that keeps links to both", () => {
    const p = get("bridge");
    const [a, b] = p.sides!;
    const bridge = a[a.length - 1];
    assert.equal(b[0], bridge);
    assert.deepEqual(a.length, 4);
    assert.deepEqual(b.length, 3);
    assert.deepEqual([...new Set([...a, ...b])].sort(), [...NODES].sort());
    assert.deepEqual(keys(p.cut), sym(cross(a.slice(0, -1), b.slice(1))));
    assert.ok(!p.cut.some(([x, y]) => x === bridge || y === bridge));
    assert.ok(!p.cut.some(([x, y]) => x === CLIENTS || y === CLIENTS));
  });

  it("clients-only cuts just clients<->primary", () => {
    const p = get("clients-only");
    assert.equal(p.sides, undefined);
    assert.deepEqual(keys(p.cut), sym([["n1", CLIENTS]]));
    assert.equal(describePartition(p), "clients-only: cut n1<->clients");
  });

  it("sentinel-from-primary cuts one sentinel from the primary only", () => {
    const p = get("sentinel-from-primary");
    assert.equal(p.sides, undefined);
    assert.equal(p.cut.length, 2);
    const [[a, b]] = p.cut;
    assert.equal(a, "n1");
    assert.match(b, /^s\d$/);
    assert.deepEqual(keys(p.cut), sym([["n1", b]]));
  });

  it("impossible shapes give undefined", () => {
    const rng = new Rng(7);
    const noReplicas = oneShard("n1", [], ["s1", "s2", "s3"]);
    const noSentinels = oneShard("n1", ["n2", "n3"], []);
    const alone = oneShard("n1", [], []);
    const two = oneShard("n1", ["n2"], []);
    assert.equal(partitionFor("isolate-replica", noReplicas, rng), undefined);
    assert.equal(partitionFor("isolate-sentinel", noSentinels, rng), undefined);
    for (const shape of ["isolate-replica", "isolate-sentinel", "primary-with-clients", "halves", "majority-minority", "majorities-ring", "bridge"] as const) {
      assert.equal(partitionFor(shape, alone, rng), undefined, shape);
    }
    for (const shape of ["bridge", "majority-minority", "majorities-ring"] as const) {
      assert.equal(partitionFor(shape, two, rng), undefined, shape);
    }
    assert.ok(partitionFor("isolate-primary", alone, rng));
    assert.ok(partitionFor("clients-only", alone, rng));
    assert.ok(partitionFor("halves", two, rng));
  });

  it("rejects a repeated component or a node named clients", () => {
    assert.throws(() => partitionFor("halves", oneShard("n1", ["n1"], []), new Rng(1)));
    assert.throws(() => partitionFor("halves", oneShard("n1", [CLIENTS], []), new Rng(1)));
    assert.deepEqual(nodesOf(SENTINEL), NODES);
  });
});

describe("partition shapes: helpers", () => {
  it("cutBetween cuts every pair on different sides, both ways, once", () => {
    assert.deepEqual(cutBetween([["a", "b"], ["c"]]), [
      ["a", "c"],
      ["c", "a"],
      ["b", "c"],
      ["c", "b"],
    ]);
    assert.deepEqual(cutBetween([["a", "a"], ["b"], ["b"]]), [
      ["a", "b"],
      ["b", "a"],
    ]);
    assert.deepEqual(cutBetween([["a", "b", "c"]]), []);
  });

  it("cutBetween keeps links of a component shared by sides", () => {
    assert.deepEqual(keys(cutBetween([["a", "x"], ["x", "b"]])), ["a>b", "b>a"]);
  });

  it("describePartition lists one-way and symmetric cuts", () => {
    assert.equal(
      describePartition({ shape: "majorities-ring", cut: [["a", "b"], ["b", "a"], ["c", "d"]] }),
      "majorities-ring: cut a<->b c->d",
    );
    assert.match(describePartition(get("isolate-primary")), /^isolate-primary: n1 \| n2 n3 s1 s2 s3 clients$/);
  });
});

describe("partition shapes: properties", () => {
  const arb = fc.record({ n: fc.integer({ min: 1, max: 9 }), r: fc.nat(8), seed: fc.integer() });

  it("no self links, no duplicates, symmetric, known components, sides consistent with the cut", () => {
    fc.assert(
      fc.property(arb, fc.constantFrom(...PARTITION_SHAPES), ({ n, r, seed }, shape) => {
        const roles = rolesOf(n, r);
        const nodes = nodesOf(roles);
        const p = partitionFor(shape, roles, new Rng(seed));
        const possible: Record<PartitionShape, boolean> = {
          "isolate-primary": true,
          "isolate-replica": roles.shards[0].replicas.length > 0,
          "isolate-sentinel": roles.sentinels.length > 0,
          "primary-with-clients": n >= 2,
          halves: n >= 2,
          "majority-minority": n >= 3,
          "majorities-ring": n >= 3,
          bridge: n >= 3,
          "clients-only": true,
          "sentinel-from-primary": roles.sentinels.length > 0,
        };
        assert.equal(p !== undefined, possible[shape]);
        if (!p) return;
        assert.equal(p.shape, shape);
        assert.ok(p.cut.length > 0);
        const all = new Set([...nodes, CLIENTS]);
        const ks = keys(p.cut);
        assert.equal(new Set(ks).size, ks.length, "duplicate link");
        for (const [a, b] of p.cut) {
          assert.notEqual(a, b);
          assert.ok(all.has(a) && all.has(b));
          assert.ok(cuts(p, b, a), `asymmetric ${a}->${b}`);
        }
        const clientLinks = p.cut.filter(([a, b]) => a === CLIENTS || b === CLIENTS);
        const sorted = (xs: Component[]) => [...xs].sort();
        switch (shape) {
          case "isolate-primary":
          case "isolate-replica":
          case "isolate-sentinel":
          case "primary-with-clients": {
            const flat = p.sides!.flat();
            assert.equal(p.sides!.length, 2);
            assert.ok(p.sides!.every((s) => s.length > 0));
            assert.deepEqual(sorted(flat), sorted([...all]), "sides partition all components");
            if (shape !== "primary-with-clients") assert.equal(p.sides![0].length, 1);
            break;
          }
          case "halves":
          case "majority-minority": {
            assert.deepEqual(sorted(p.sides!.flat()), sorted(nodes), "sides partition the nodes");
            assert.equal(p.sides![0].length, shape === "halves" ? Math.floor(n / 2) : Math.floor((n - 1) / 2));
            assert.equal(clientLinks.length, 0);
            break;
          }
          case "bridge": {
            const [a, b] = p.sides!;
            assert.deepEqual(sorted([...a, ...b]), sorted([...nodes, a[a.length - 1]]));
            assert.equal(a[a.length - 1], b[0]);
            assert.equal(clientLinks.length, 0);
            break;
          }
          case "majorities-ring": {
            assert.equal(p.sides, undefined);
            assert.equal(clientLinks.length, 0);
            const m = Math.floor(n / 2) + 1;
            const sizes = [...views(p, nodes).values()].map((v) => v.length);
            assert.ok(sizes.every((s) => s >= m && s <= m + 1), `views ${sizes} for majority ${m}`);
            assert.equal(sizes.filter((s) => s > m).length, n % 4 === 3 ? 1 : 0);
            break;
          }
          case "clients-only":
            assert.deepEqual(ks, sym([[roles.shards[0].primary, CLIENTS]]));
            break;
        }
        if (p.sides) assert.deepEqual(ks, keys(cutBetween(p.sides)));
      }),
      { numRuns: 2000 },
    );
  });

  it("majorities-ring: for n >= 5 no two nodes see the same majority (checked up to 12)", () => {
    for (let n = 5; n <= 12; n++) {
      const roles = rolesOf(n, 2);
      const nodes = nodesOf(roles);
      for (let seed = 0; seed < 5; seed++) {
        const v = views(partitionFor("majorities-ring", roles, new Rng(seed))!, nodes);
        assert.equal(new Set([...v.values()].map((s) => s.join())).size, n, `n=${n}`);
      }
    }
  });

  it("ringLinked is symmetric and reflexive", () => {
    for (let n = 1; n <= 12; n++) {
      for (let p = 0; p < n; p++) {
        assert.ok(ringLinked(n, p, p));
        for (let q = 0; q < n; q++) assert.equal(ringLinked(n, p, q), ringLinked(n, q, p), `n=${n} ${p} ${q}`);
      }
    }
  });

  it("the same seed gives the same partition", () => {
    fc.assert(
      fc.property(arb, fc.constantFrom(...PARTITION_SHAPES), ({ n, r, seed }, shape) => {
        const roles = rolesOf(n, r);
        assert.deepEqual(partitionFor(shape, roles, new Rng(seed)), partitionFor(shape, roles, new Rng(seed)));
      }),
      { numRuns: 500 },
    );
  });

  it("different seeds shuffle differently", () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 30; seed++) seen.add(describePartition(get("halves", SENTINEL, seed)));
    assert.ok(seen.size > 5);
  });
});

describe("partition shapes: several shards", () => {
  const TWO: Roles = {
    shards: [
      { id: "a", primary: "n1", replicas: ["n2"] },
      { id: "b", primary: "n3", replicas: ["n4"] },
    ],
    sentinels: ["s1"],
  };
  const ALL = ["n1", "n2", "n3", "n4", "s1"];

  it("the nodes are each shard's primary and replicas, then the sentinels", () => {
    assert.deepEqual(nodesOf(TWO), ALL);
  });

  it("isolate-primary and primary-with-clients take one shard's primary, each shard's for some seed; the other shard is on the far side", () => {
    const isolated = new Set<Component>();
    const withClients = new Set<Component>();
    for (let seed = 0; seed < 30; seed++) {
      const alone = get("isolate-primary", TWO, seed);
      const [[p]] = alone.sides!;
      isolated.add(p);
      assert.deepEqual(alone.sides, [[p], [...ALL.filter((x) => x !== p), CLIENTS]]);
      const split = get("primary-with-clients", TWO, seed);
      const [[q]] = split.sides!;
      withClients.add(q);
      assert.deepEqual(split.sides, [[q, CLIENTS], ALL.filter((x) => x !== q)]);
    }
    assert.deepEqual([...isolated].sort(), ["n1", "n3"]);
    assert.deepEqual([...withClients].sort(), ["n1", "n3"]);
  });

  it("isolate-replica picks from every shard's replicas; clients-only cuts the clients from one primary", () => {
    const replicas = new Set<Component>();
    for (let seed = 0; seed < 30; seed++) replicas.add(get("isolate-replica", TWO, seed).sides![0][0]);
    assert.deepEqual([...replicas].sort(), ["n2", "n4"]);
    const cut = keys(get("clients-only", TWO).cut);
    assert.ok([sym([["n1", CLIENTS]]), sym([["n3", CLIENTS]])].some((k) => k.join() === cut.join()), cut.join());
  });
});
