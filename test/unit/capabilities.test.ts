// Targets by capability: what each target can do for a spec, the faults a spec asks of a
// target that cannot do them, and nemeses that ask for the capability they need and pick
// nodes from every shard.
import assert from "node:assert/strict";
import type { Link, Rule } from "../../core/network.js";
import { Rng } from "../../core/rng.js";
import type { NemesisName, Spec, TopologyName } from "../../core/spec.js";
import type { Capability, FailoverAgent, NodeAddress, Roles, Target } from "../../core/target.js";
import { failoverNemesis } from "../../nemesis/failover.js";
import { pickNode, type FaultContext } from "../../nemesis/nemesis.js";
import { partitionNemesis } from "../../nemesis/partition.js";
import { killNemesis } from "../../nemesis/process.js";
import { capabilitiesOf, unsupportedFaults } from "../../targets/index.js";

function specOf(target: Spec["target"], topology: TopologyName, faults: NemesisName[]): Spec {
  return { target, topology: { type: topology, replicas: 2, sentinels: 3 }, nemesis: { faults } } as unknown as Spec;
}

/** Two shards and three sentinels; records what the nemeses ask of it. */
class FakeTarget implements Target {
  readonly nodes: NodeAddress[] = ["n1", "n2", "n3", "n4", "s1", "s2", "s3"].map((id, i) => ({
    id,
    kind: id.startsWith("s") ? "sentinel" : "data",
    host: "127.0.0.1",
    port: 7000 + i,
  }));
  readonly calls: string[] = [];
  readonly down = new Set<string>();
  constructor(readonly capabilities: readonly Capability[]) {}
  async setup() {}
  endpoint() {
    return { kind: "direct" as const, host: "127.0.0.1", port: 7000 };
  }
  replicaEndpoints() {
    return [];
  }
  adminAddress(id: string) {
    return { id, host: "127.0.0.1", port: 7000 };
  }
  async roles(): Promise<Roles> {
    return {
      shards: [
        { id: "a", primary: "n1", replicas: ["n2"] },
        { id: "b", primary: "n3", replicas: ["n4"] },
      ],
      sentinels: ["s1", "s2", "s3"],
    };
  }
  async heal() {}
  async teardown() {}
  nodeAt() {
    return undefined;
  }
  async kill(id: string) {
    this.calls.push(`kill ${id}`);
  }
  async restart(id: string) {
    this.calls.push(`restart ${id}`);
  }
  async pause() {}
  async resume() {}
  isRunning(id: string) {
    return !this.down.has(id);
  }
  async setLinks(links: readonly Link[], rule: Rule) {
    this.calls.push(`${rule.kind} ${links.length}`);
  }
  async failoverAgents(): Promise<FailoverAgent[]> {
    return [
      { node: "s1", shard: "a" },
      { node: "s2", shard: "b" },
    ];
  }
  async failover(agent: FailoverAgent) {
    this.calls.push(`failover ${agent.shard} via ${agent.node}`);
    return "OK";
  }
}

const ALL: Capability[] = ["process", "network", "failover"];
const context = (target: Target, roles: FaultContext["roles"], seed = 1): FaultContext => ({ target, rng: new Rng(seed), roles });

describe("target capabilities", () => {
  it("the process targets have process and network control, and failover control with sentinels", () => {
    for (const target of ["redis", "bundled"] as const) {
      assert.deepEqual(capabilitiesOf(specOf(target, "sentinel", ["none"])), ["process", "network", "failover"]);
      for (const topology of ["standalone", "replication"] as const) {
        assert.deepEqual(capabilitiesOf(specOf(target, topology, ["none"])), ["process", "network"]);
      }
    }
  });

  it("every fault is supported by today's targets on sentinel", () => {
    const faults: NemesisName[] = ["kill", "pause", "failover", "partition", "lag"];
    assert.deepEqual(unsupportedFaults(specOf("redis", "sentinel", faults)), []);
    assert.deepEqual(unsupportedFaults(specOf("bundled", "sentinel", faults)), []);
    assert.deepEqual(unsupportedFaults(specOf("redis", "sentinel", ["none"])), []);
  });

  it("names each fault a target without a capability cannot do, at its place in the list", () => {
    const networkOnly = () => ["network"] as const;
    const spec = specOf("redis", "sentinel", ["partition", "kill", "lag", "pause", "failover", "kill"]);
    assert.deepEqual(unsupportedFaults(spec, networkOnly), [
      { index: 1, text: "'kill' needs process control, which target 'redis' does not have" },
      { index: 3, text: "'pause' needs process control, which target 'redis' does not have" },
      { index: 4, text: "'failover' needs failover control, which target 'redis' does not have" },
      { index: 5, text: "'kill' needs process control, which target 'redis' does not have" },
    ]);
    assert.deepEqual(unsupportedFaults(specOf("bundled", "replication", ["lag", "partition"]), () => ["process"]), [
      { index: 0, text: "'lag' needs network control, which target 'bundled' does not have" },
      { index: 1, text: "'partition' needs network control, which target 'bundled' does not have" },
    ]);
  });
});

describe("nemeses by capability", () => {
  it("a fault the target has no capability for fails with what it lacks", async () => {
    const target = new FakeTarget(["network"]);
    await assert.rejects(killNemesis.start(context(target, ["primary"])), /the target has no process control/);
    await assert.rejects(failoverNemesis.start(context(target, ["primary"])), /the target has no failover control/);
    await assert.rejects(partitionNemesis(["halves"]).start(context(new FakeTarget(["process"]), ["primary"])), /no network control/);
    assert.deepEqual(target.calls, []);
  });

  it("kill picks primaries and replicas from every shard, running ones only", async () => {
    const target = new FakeTarget(ALL);
    const picked = async (role: "primary" | "replica" | "sentinel") => {
      const seen = new Set<string>();
      for (let seed = 0; seed < 40; seed++) seen.add((await pickNode(context(target, [role], seed)))!.id);
      return [...seen].sort();
    };
    assert.deepEqual(await picked("primary"), ["n1", "n3"]);
    assert.deepEqual(await picked("replica"), ["n2", "n4"]);
    assert.deepEqual(await picked("sentinel"), ["s1", "s2", "s3"]);
    target.down.add("n1");
    assert.deepEqual(await picked("primary"), ["n3"]);
    target.down.add("n3");
    assert.equal(await pickNode(context(target, ["primary"])), undefined);

    const fault = (await killNemesis.start(context(target, ["replica"])))!;
    await fault.stop();
    const victim = String(fault.description.node);
    assert.deepEqual(target.calls, [`kill ${victim}`, `restart ${victim}`]);
  });

  it("failover asks an agent for its own shard; partition sets its cut through network control", async () => {
    const target = new FakeTarget(ALL);
    const fault = (await failoverNemesis.start(context(target, ["primary"])))!;
    assert.match(target.calls[0], /^failover (a via s1|b via s2)$/);
    assert.deepEqual(fault.description, { via: target.calls[0].split(" ")[3], reply: "OK" });

    const network = new FakeTarget(["network"]);
    const partition = (await partitionNemesis(["isolate-primary"]).start(context(network, ["primary"])))!;
    await partition.stop();
    // A primary alone against 6 other nodes and the clients: 7 pairs, both ways.
    assert.deepEqual(network.calls, ["drop 14", "pass 14"]);
  });
});
