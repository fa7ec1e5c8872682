// The nemesis schedule's modes, with faults that only log, on a simulated clock; and the lag
// fault's link sets.
import assert from "node:assert/strict";
import { mock } from "node:test";
import { Rng } from "../../core/rng.js";
import type { NemesisMode } from "../../core/spec.js";
import type { Roles, Target } from "../../core/target.js";
import { lagLinks } from "../../nemesis/lag.js";
import { CLIENTS } from "../../core/network.js";
import type { Nemesis } from "../../nemesis/nemesis.js";
import { runSchedule, type ScheduledFault } from "../../nemesis/schedule.js";

/**
 * Runs the schedule for `ms` of simulated time and returns its nemesis ops as "start a @t" /
 * "stop a @t", t in ms from the start. The clock (Date) and the timers (setTimeout) are
 * node:test's mock timers, advanced 1 ms at a time once every promise has settled: the times
 * are exactly those the schedule asks for, however loaded the machine.
 */
async function scheduleLog(mode: NemesisMode, faults: Array<[string, number, number]>, ms: number): Promise<string[]> {
  mock.timers.enable({ apis: ["setTimeout", "Date"], now: 0 });
  try {
    const log: string[] = [];
    const scheduled: ScheduledFault[] = faults.map(([name, intervalMs, durationMs]) => {
      const nemesis: Nemesis = {
        name,
        async start() {
          return { description: {}, stop: async () => ({}) };
        },
      };
      return { nemesis, intervalMs, durationMs };
    });
    let finished = false;
    const run = runSchedule(
      scheduled,
      { target: {} as Target, rng: new Rng(1), roles: ["primary"] },
      {
        mode,
        deadline: ms,
        signal: new AbortController().signal,
        record: (f, value) => log.push(`${f} ${String(value.fault)} @${Date.now()}`),
      },
    ).finally(() => (finished = true));
    while (!finished) {
      await new Promise((resolve) => setImmediate(resolve)); // every pending promise settles first
      if (!finished) mock.timers.tick(1);
    }
    await run;
    return log;
  } finally {
    mock.timers.reset();
  }
}

describe("nemesis schedule", () => {
  it("sequence: one fault at a time, each after its own interval, in the order listed", async () => {
    const log = await scheduleLog("sequence", [["a", 100, 200], ["b", 200, 100]], 660);
    assert.deepEqual(log, ["start a @100", "stop a @300", "start b @500", "stop b @600"]);
  });

  it("together: every fault each round, each its interval after the round's start, overlapping", async () => {
    const log = await scheduleLog("together", [["lag", 40, 400], ["failover", 200, 100]], 600);
    assert.deepEqual(log, ["start lag @40", "start failover @200", "stop failover @300", "stop lag @440", "start lag @480", "stop lag @600"]);
  });

  it("random: the seeded RNG picks the faults, the same ones for the same seed", async () => {
    const faults: Array<[string, number, number]> = [["a", 10, 10], ["b", 10, 10], ["c", 10, 10]];
    const picks = (log: string[]) => log.filter((l) => l.startsWith("start")).map((l) => l.split(" ")[1]);
    const one = await scheduleLog("random", faults, 200);
    const two = await scheduleLog("random", faults, 200);
    assert.ok(new Set(picks(one)).size > 1, one.join(", "));
    assert.deepEqual(two, one);
  });
});

describe("lag links", () => {
  const replicas = ["n2", "n3"];
  const sentinels = ["s1", "s2", "s3"];
  const roles: Roles = { shards: [{ id: "mymaster", primary: "n1", replicas }], sentinels };

  it("primary-replicas slows the replication stream to every replica; primary-replica to one, picked by the RNG", () => {
    assert.deepEqual(lagLinks("primary-replicas", roles, new Rng(1)), [
      ["n1", "n2"],
      ["n1", "n3"],
    ]);
    const one = lagLinks("primary-replica", roles, new Rng(1));
    assert.equal(one.length, 1);
    assert.equal(one[0][0], "n1");
    assert.ok(replicas.includes(one[0][1]));
    const seen = new Set(Array.from({ length: 20 }, (_, seed) => lagLinks("primary-replica", roles, new Rng(seed))[0][1]));
    assert.deepEqual([...seen].sort(), ["n2", "n3"], "either replica can be the one left behind");
    assert.deepEqual(lagLinks("primary-replica", { shards: [{ id: "mymaster", primary: "n1", replicas: [] }], sentinels }, new Rng(1)), []);
  });

  it("sentinels slows every sentinel-to-sentinel link, both ways, and nothing else", () => {
    const links = lagLinks("sentinels", roles, new Rng(1)).map(([a, b]) => `${a}->${b}`);
    assert.deepEqual(links.sort(), ["s1->s2", "s1->s3", "s2->s1", "s2->s3", "s3->s1", "s3->s2"]);
  });

  it("clients slows both directions between the clients and the primary; all, every link", () => {
    assert.deepEqual(lagLinks("clients", roles, new Rng(1)), [
      [CLIENTS, "n1"],
      ["n1", CLIENTS],
    ]);
    assert.equal(lagLinks("all", roles, new Rng(1)).length, 7 * 6);
  });
});

describe("lag links: several shards", () => {
  const roles: Roles = {
    shards: [
      { id: "a", primary: "n1", replicas: ["n2"] },
      { id: "b", primary: "n3", replicas: ["n4", "n5"] },
    ],
    sentinels: [],
  };

  it("primary-replicas slows every shard's replication streams; primary-replica one of them; clients every primary", () => {
    assert.deepEqual(lagLinks("primary-replicas", roles, new Rng(1)), [
      ["n1", "n2"],
      ["n3", "n4"],
      ["n3", "n5"],
    ]);
    const seen = new Set(Array.from({ length: 30 }, (_, seed) => lagLinks("primary-replica", roles, new Rng(seed))[0].join("->")));
    assert.deepEqual([...seen].sort(), ["n1->n2", "n3->n4", "n3->n5"]);
    assert.deepEqual(lagLinks("clients", roles, new Rng(1)), [
      [CLIENTS, "n1"],
      ["n1", CLIENTS],
      [CLIENTS, "n3"],
      ["n3", CLIENTS],
    ]);
  });
});
