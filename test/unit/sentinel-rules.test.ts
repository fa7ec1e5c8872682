// Sentinel's rules as pure functions: replica selection against a brute-force reading of
// Redis's rules, and the vote count of an election. (The integration tests check the same
// rules from outside, against real redis-sentinel.)
import assert from "node:assert/strict";
import fc from "fast-check";
import { Bugs } from "../../bundled-server/bugs.js";
import { Instance, Master } from "../../bundled-server/sentinel/instance.js";
import { selectReplica } from "../../bundled-server/sentinel/select.js";
import { Sentinel } from "../../bundled-server/sentinel/sentinel.js";

const NOW = 1_000_000;
const PERIODS = { pingPeriod: 1000, infoPeriod: 10_000 };

interface ReplicaShape {
  priority: number;
  offset: number;
  runid: string | undefined;
  sDown: boolean;
  lastAvailAgo: number;
  infoAgo: number;
  linkDownMs: number;
}

function masterWith(replicas: ReplicaShape[], masterSDownAgo?: number): Master {
  const master = new Master("m", "127.0.0.1", 1, 2, NOW);
  master.downAfter = 1000;
  if (masterSDownAgo !== undefined) {
    master.sDown = true;
    master.sDownSinceTime = NOW - masterSDownAgo;
  }
  replicas.forEach((r, i) => {
    const replica = new Instance("slave", "127.0.0.2", 1000 + i, master, NOW);
    replica.link = { connected: true } as Instance["link"];
    Object.assign(replica, {
      slavePriority: r.priority,
      slaveReplOffset: r.offset,
      runid: r.runid,
      sDown: r.sDown,
      lastAvailTime: NOW - r.lastAvailAgo,
      infoRefresh: NOW - r.infoAgo,
      masterLinkDownTime: r.linkDownMs,
    });
    master.slaves.set(replica.name, replica);
  });
  return master;
}

/** The replicas the rules of docs/redis-ha-reference.md §2.8 let be chosen, read literally, with their indexes. */
function eligible(master: Master, replicas: ReplicaShape[]): Array<{ r: ReplicaShape; i: number }> {
  const maxDown = (master.sDown ? NOW - master.sDownSinceTime : 0) + 10 * master.downAfter;
  const validity = master.sDown ? 5 * PERIODS.pingPeriod : 3 * PERIODS.infoPeriod;
  return replicas
    .map((r, i) => ({ r, i }))
    .filter(({ r }) => !r.sDown && r.lastAvailAgo <= 5 * PERIODS.pingPeriod && r.priority !== 0 && r.infoAgo <= validity && r.linkDownMs <= maxDown);
}

/** The best of the eligible replicas by §2.8's order, read literally. */
function bruteForce(master: Master, replicas: ReplicaShape[]): number | undefined {
  let best: { r: ReplicaShape; i: number } | undefined;
  for (const c of eligible(master, replicas)) {
    if (!best) best = c;
    else if (c.r.priority !== best.r.priority) best = c.r.priority < best.r.priority ? c : best;
    else if (c.r.offset !== best.r.offset) best = c.r.offset > best.r.offset ? c : best;
    else if ((c.r.runid === undefined) !== (best.r.runid === undefined)) best = c.r.runid !== undefined ? c : best;
    else if (c.r.runid !== undefined && c.r.runid.toLowerCase() < best.r.runid!.toLowerCase()) best = c;
  }
  return best?.i;
}

const replicaShape: fc.Arbitrary<ReplicaShape> = fc.record({
  priority: fc.constantFrom(0, 1, 10, 100),
  offset: fc.constantFrom(0, 100, 200),
  runid: fc.option(fc.constantFrom("aaa", "AAB", "abc", "b00"), { nil: undefined }),
  sDown: fc.boolean(),
  lastAvailAgo: fc.constantFrom(0, 4000, 6000),
  infoAgo: fc.constantFrom(0, 4000, 6000, 40_000),
  linkDownMs: fc.constantFrom(0, 5000, 20_000),
});

describe("Sentinel replica selection", () => {
  it("picks what Redis's rules pick (brute force, random replicas)", () => {
    fc.assert(
      fc.property(fc.array(replicaShape, { maxLength: 5 }), fc.option(fc.constantFrom(0, 3000, 15_000), { nil: undefined }), (replicas, sDownAgo) => {
        const master = masterWith(replicas, sDownAgo);
        const { chosen, excluded } = selectReplica(master, NOW, PERIODS);
        const expected = bruteForce(master, replicas);
        assert.equal(chosen?.port, expected === undefined ? undefined : 1000 + expected);
        // Left out with a reason: exactly the replicas the rules make ineligible.
        const allowed = new Set(eligible(master, replicas).map(({ i }) => 1000 + i));
        assert.deepEqual(excluded.map((e) => e.replica.port).sort((a, b) => a - b), replicas.map((_, i) => 1000 + i).filter((port) => !allowed.has(port)));
      }),
      { numRuns: 500 },
    );
  });

  const base: ReplicaShape = { priority: 100, offset: 100, runid: "b", sDown: false, lastAvailAgo: 0, infoAgo: 0, linkDownMs: 0 };
  const pick = (replicas: ReplicaShape[], bugs?: { lowestOffset: boolean; ignorePriority: boolean }, sDownAgo?: number) =>
    selectReplica(masterWith(replicas, sDownAgo), NOW, PERIODS, bugs);

  it("says why each replica was left out", () => {
    const { chosen, excluded } = pick([
      { ...base, sDown: true },
      { ...base, priority: 0 },
      { ...base, lastAvailAgo: 6000 },
      { ...base, infoAgo: 6000 },
      { ...base, linkDownMs: 20_000 },
    ], undefined, 1000);
    assert.equal(chosen, undefined);
    assert.deepEqual(
      excluded.map((e) => e.reason.replace(/\d+/g, "N")),
      ["subjectively down", "replica-priority N", "no valid PING reply for N ms", "INFO N ms old", "master link down for N ms"],
    );
  });

  it("a run id sorts case-insensitively, and a missing one last", () => {
    assert.equal(pick([{ ...base, runid: undefined }, { ...base, runid: "B" }, { ...base, runid: "a" }]).chosen?.port, 1002);
  });

  it("the bug switches change the order the checkers look at", () => {
    const replicas = [
      { ...base, priority: 10, offset: 100 },
      { ...base, priority: 100, offset: 200 },
      { ...base, priority: 0, offset: 300 },
    ];
    assert.equal(pick(replicas).chosen?.port, 1000);
    assert.equal(pick(replicas, { lowestOffset: true, ignorePriority: false }).chosen?.port, 1000);
    assert.equal(pick(replicas, { lowestOffset: false, ignorePriority: true }).chosen?.port, 1002, "priority 0 promoted");
    assert.equal(pick([{ ...base, offset: 100 }, { ...base, offset: 200 }], { lowestOffset: true, ignorePriority: false }).chosen?.port, 1000);
  });
});

describe("Sentinel votes", () => {
  const sentinelWith = (bugs: string, peers: number) => {
    const s = new Sentinel(
      { port: 1, bugs: new Bugs(bugs), publish: () => 0, log: () => undefined, saveState: () => undefined },
      { currentEpoch: 0, announceIp: "", announcePort: 0, sourceAddress: undefined, masters: [{ name: "m", host: "127.0.0.1", port: 2, quorum: 2 }] },
    );
    const master = s.masters.get("m")!;
    for (let i = 0; i < peers; i++) {
      const peer = new Instance("sentinel", "127.0.0.3", 100 + i, master, NOW);
      peer.runid = `peer${i}`;
      master.sentinels.set(peer.runid, peer);
    }
    return { s, master, peers: [...master.sentinels.values()] };
  };

  it("one vote per epoch, first come first served; a higher epoch is adopted", () => {
    const { s, master } = sentinelWith("", 2);
    assert.deepEqual(s.voteLeader(master, 1, "x"), { leader: "x", epoch: 1 });
    assert.deepEqual(s.voteLeader(master, 1, "y"), { leader: "x", epoch: 1 });
    assert.deepEqual(s.voteLeader(master, 0, "y"), { leader: "x", epoch: 1 });
    assert.deepEqual(s.voteLeader(master, 5, "y"), { leader: "y", epoch: 5 });
    assert.equal(s.currentEpoch, 5);
  });

  it("vote-twice-per-epoch: the vote moves within an epoch", () => {
    const { s, master } = sentinelWith("vote-twice-per-epoch", 2);
    s.voteLeader(master, 1, "x");
    assert.deepEqual(s.voteLeader(master, 1, "y"), { leader: "y", epoch: 1 });
  });

  it("a leader needs max(majority of all known sentinels, quorum) votes", () => {
    // 5 peers + self = 6 voters: a majority is 4.
    const { s, master, peers } = sentinelWith("", 5);
    s.currentEpoch = 1;
    const votesFor = (n: number) => peers.forEach((p, i) => Object.assign(p, { leader: i < n ? "x" : undefined, leaderEpoch: 1 }));
    votesFor(2);
    assert.equal(s.leaderOf(master, 1), undefined, "3 of 6 is no majority");
    votesFor(3);
    master.leader = undefined;
    master.leaderEpoch = 0;
    assert.equal(s.leaderOf(master, 1), "x", "4 of 6 is");
    const lenient = sentinelWith("failover-without-quorum", 5);
    lenient.s.currentEpoch = 1;
    assert.equal(lenient.s.leaderOf(lenient.master, 1), lenient.s.myid, "the bug elects itself with one vote");
  });
});
