// Sentinel, bundled and real, rule by rule. Every rule that can be seen from outside runs
// with real redis-sentinel in the same test, as the oracle; every pairing of bundled and real
// sentinels and data nodes fails over.
import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { Switch } from "../../net/switch.js";
import { waitFor } from "../helpers.js";
import { SentinelEvents, TestNodes, inSync, masterAddress, pairs, replicasOf, sentinelsKnowAll, type SentinelTestSettings, type ServerKind, type TestNode } from "../support/nodes.js";

const FAST_SYNC = { "repl-diskless-sync-delay": "0" };
/** Shorter internal periods (SENTINEL DEBUG, Redis 7.0), the same for both kinds: faster rejoin tests. */
const FAST_PERIODS = ["info-period", "1000", "publish-period", "500"];

interface Setup {
  primary: TestNode;
  replicas: TestNode[];
  sentinels: TestNode[];
  events: SentinelEvents[];
}

const addr = (n: TestNode) => `${n.host}:${n.port}`;

describe("Sentinel: bundled and real, rule by rule", function () {
  this.timeout(120_000);
  const nodes = new TestNodes();
  let watchers: SentinelEvents[] = [];
  let sw: Switch | undefined;
  afterEach(async () => {
    for (const w of watchers) w.close();
    watchers = [];
    await sw?.close();
    sw = undefined;
    await nodes.stopAll();
  });

  /** A primary, replicas with the given priorities, sentinels of the given kinds; ready when every sentinel knows all. */
  async function setup(
    nodeKind: ServerKind,
    sentinelKinds: ServerKind[],
    opts: { priorities?: number[]; settings?: SentinelTestSettings; nodeOptions?: Record<string, string>; replicaOptions?: Record<string, string>; fastPeriods?: boolean } = {},
  ): Promise<Setup> {
    const primary = await nodes.start(nodeKind, { ...FAST_SYNC, ...opts.nodeOptions });
    const replicas: TestNode[] = [];
    for (const priority of opts.priorities ?? [100, 100]) {
      replicas.push(await nodes.start(nodeKind, { ...FAST_SYNC, ...opts.nodeOptions, ...opts.replicaOptions, replicaof: `${primary.host} ${primary.port}`, "replica-priority": String(priority) }));
    }
    for (const r of replicas) await inSync(primary, r);
    const sentinels: TestNode[] = [];
    for (const kind of sentinelKinds) sentinels.push(await nodes.startSentinel(kind, primary, opts.settings));
    if (opts.fastPeriods) for (const s of sentinels) await s.call("SENTINEL", "DEBUG", ...FAST_PERIODS);
    await sentinelsKnowAll(sentinels, replicas.length);
    const events = await Promise.all(sentinels.map((s) => SentinelEvents.watch(s)));
    watchers.push(...events);
    return { primary, replicas, sentinels, events };
  }

  async function agreedMaster(sentinels: TestNode[], not: string, timeoutMs = 30_000): Promise<string> {
    let agreed = "";
    await waitFor("every sentinel to name one new master", timeoutMs, async () => {
      const named = await Promise.all(sentinels.map(masterAddress));
      agreed = named[0];
      return agreed !== not && named.every((n) => n === agreed);
    });
    return agreed;
  }

  const pairings: Array<[sentinels: ServerKind, nodes: ServerKind]> = [
    ["redis", "redis"],
    ["bundled", "redis"],
    ["redis", "bundled"],
    ["bundled", "bundled"],
  ];
  for (const [sentinelKind, nodeKind] of pairings) {
    it(`${sentinelKind} sentinels fail over ${nodeKind} nodes: the lower priority number wins, replicas follow, epochs grow, the old master rejoins as a replica`, async () => {
      const s = await setup(nodeKind, [sentinelKind, sentinelKind, sentinelKind], { priorities: [20, 10], fastPeriods: true });
      await s.primary.call("SET", "before", "1");
      for (const r of s.replicas) await inSync(s.primary, r);
      await s.primary.kill();
      const promoted = await agreedMaster(s.sentinels, addr(s.primary));
      assert.equal(promoted, addr(s.replicas[1]), "priority 10 beats priority 20");
      await waitFor("the other replica to follow the promoted one", 20_000, async () => {
        const r = await s.replicas[0].info("replication");
        return `${r.master_host}:${r.master_port}` === promoted && r.master_link_status === "up";
      });
      await s.primary.start(); // back, empty, as a master: Sentinel must demote it
      await waitFor("the old master to rejoin as a replica of the promoted one", 30_000, async () => {
        const r = await s.primary.info("replication");
        return r.role === "slave" && `${r.master_host}:${r.master_port}` === promoted && r.master_link_status === "up";
      });
      assert.equal(await s.replicas[1].call("GET", "before"), "1");
      for (const e of s.events) {
        const epochs = e.of("+new-epoch").map((x) => Number(x.message));
        assert.deepEqual(epochs, [...epochs].sort((a, b) => a - b), "epochs only grow");
        assert.ok(e.of("+convert-to-slave").length + e.of("+switch-master").length > 0);
      }
      const leaders = s.events.flatMap((e) => e.of("+elected-leader"));
      assert.equal(leaders.length, 1, "one leader");
      const master = Object.fromEntries(pairs((await s.sentinels[0].call("SENTINEL", "MASTER", "mymaster")) as string[]));
      assert.ok(Number(master["config-epoch"]) >= 1);
    });
  }

  it("a mix of bundled and real sentinels agrees on one failover of bundled nodes", async () => {
    const s = await setup("bundled", ["bundled", "redis", "bundled"]);
    await s.primary.kill();
    const promoted = await agreedMaster(s.sentinels, addr(s.primary));
    assert.ok(s.replicas.some((r) => addr(r) === promoted));
    // The observers switch on the leader's hello; the leader ends once the other replica follows.
    await waitFor("the leader's +failover-end", 20_000, async () => s.events.some((e) => e.of("+failover-end").length > 0));
    assert.equal(s.events.flatMap((e) => e.of("+elected-leader")).length, 1, "one leader among bundled and real sentinels");
    assert.equal(s.events.flatMap((e) => e.of("+failover-end")).length, 1);
  });

  for (const kind of ["redis", "bundled"] as const) {
    it(`${kind}: a new master that dies right after its failover is failed over again at once (+switch-master resets the 2 x failover-timeout back-off)`, async function () {
      this.timeout(240_000);
      // failover-timeout 300 s: a back-off kept from the first election would block the second
      // for 10 minutes, far past any deadline here, while the generous deadlines leave room for
      // what a loaded machine may add (a sentinel whose timer stalls 2 s enters TILT for 30 s).
      // INFO each second: with Redis's 10 s the leader may find the replica's INFO older than the
      // 5 s selection allows a master in SDOWN, and abort (no-good-slave) into the back-off.
      const s = await setup(kind, [kind, kind, kind], { settings: { downAfterMs: 1000, failoverTimeoutMs: 300_000 }, fastPeriods: true });
      await s.primary.kill();
      const first = await agreedMaster(s.sentinels, addr(s.primary), 100_000);
      const next = s.replicas.find((r) => addr(r) !== first)!;
      await waitFor("the other replica to follow the promoted one", 30_000, async () => {
        const r = await next.info("replication");
        return `${r.master_host}:${r.master_port}` === first && r.master_link_status === "up";
      });
      const promoted = s.replicas.find((r) => addr(r) === first)!;
      await promoted.kill();
      assert.equal(await agreedMaster(s.sentinels, first, 100_000), addr(next));
    });

    it(`${kind}: priority 0 is never promoted, and with only priority 0 SENTINEL FAILOVER answers NOGOODSLAVE`, async () => {
      const s = await setup(kind, [kind], { priorities: [0, 100], settings: { quorum: 1 }, fastPeriods: true });
      assert.equal(await s.sentinels[0].call("SENTINEL", "FAILOVER", "mymaster"), "OK");
      assert.equal(await agreedMaster(s.sentinels, addr(s.primary)), addr(s.replicas[1]));
      await s.replicas[1].call("CONFIG", "SET", "replica-priority", "0");
      await waitFor("the old master to be a replica again", 30_000, async () => (await s.primary.info("replication")).role === "slave");
      await s.primary.call("CONFIG", "SET", "replica-priority", "0");
      // A FAILOVER asked before the sentinel's INFO carries the new priorities would succeed.
      await waitFor("the sentinel to see priority 0 on both replicas", 30_000, async () => {
        const known = await replicasOf(s.sentinels[0]);
        return known.length === 2 && known.every((r) => r["slave-priority"] === "0");
      });
      await waitFor("NOGOODSLAVE", 15_000, async () =>
        s.sentinels[0].call("SENTINEL", "FAILOVER", "mymaster").then(
          () => false,
          (err: Error) => /NOGOODSLAVE No suitable replica to promote/.test(err.message),
        ),
      );
    });

    it(`${kind}: with equal priority and offset, the smaller run id wins`, async () => {
      const s = await setup(kind, [kind], { settings: { quorum: 1 } });
      const runids = await Promise.all(s.replicas.map(async (r) => (await r.info("server")).run_id));
      const expected = runids[0].toLowerCase() < runids[1].toLowerCase() ? s.replicas[0] : s.replicas[1];
      // The run id decides only between equal offsets, as the sentinel last saw them in INFO.
      await waitFor("the sentinel to see both replicas at the same offset", 30_000, async () => {
        const known = await replicasOf(s.sentinels[0]);
        return known.length === 2 && known[0]["slave-repl-offset"] === known[1]["slave-repl-offset"];
      });
      assert.equal(await s.sentinels[0].call("SENTINEL", "FAILOVER", "mymaster"), "OK");
      assert.equal(await agreedMaster(s.sentinels, addr(s.primary)), addr(expected));
    });

    it(`${kind}: with equal priority, the larger offset wins over the smaller run id`, () => offsetRule(kind, []));
  }

  /** Two replicas, the one with the smaller run id behind in offset; a forced failover. */
  async function offsetRule(kind: ServerKind, extraLines: string[]): Promise<{ promoted: string; behind: string; ahead: string }> {
    const primary = await nodes.start(kind, FAST_SYNC);
    const replicas = [
      await nodes.start(kind, { replicaof: `${primary.host} ${primary.publicPort}` }),
      await nodes.start(kind, { replicaof: `${primary.host} ${primary.publicPort}` }),
    ];
    sw = new Switch(3);
    for (const n of [primary, ...replicas]) await sw.add({ id: n.id, host: n.host, publicPort: n.publicPort, privatePort: n.port });
    for (const r of replicas) await inSync(primary, r);
    const runids = await Promise.all(replicas.map(async (r) => (await r.info("server")).run_id.toLowerCase()));
    const [behind, ahead] = runids[0] < runids[1] ? replicas : [replicas[1], replicas[0]];
    // The replica with the smaller run id falls behind: its link to the primary hangs while writes go on.
    await sw.set([[primary.id, behind.id]], { kind: "drop" });
    for (let i = 0; i < 20; i++) await primary.call("SET", `k${i}`, "v");
    await waitFor("the other replica to have the writes", 10_000, async () => (await ahead.call("DBSIZE")) === 20);
    const sentinel = await nodes.startSentinel(kind, primary, { quorum: 1, extraLines });
    // The selection reads the offsets the sentinel last saw in INFO: wait until it sees the gap.
    await waitFor("the sentinel to see the replica that is behind at a smaller offset", 30_000, async () => {
      const offsets = new Map((await replicasOf(sentinel)).map((r) => [r.name, Number(r["slave-repl-offset"])]));
      return (offsets.get(addr(behind)) ?? Infinity) < (offsets.get(addr(ahead)) ?? 0);
    });
    assert.equal(await sentinel.call("SENTINEL", "FAILOVER", "mymaster"), "OK");
    const promoted = await agreedMaster([sentinel], addr(primary));
    if (extraLines.length === 0) assert.equal(promoted, addr(ahead));
    return { promoted, behind: addr(behind), ahead: addr(ahead) };
  }

  for (const kind of ["redis", "bundled"] as const) {

    it(`${kind}: no failover when fewer than quorum sentinels see the master down`, async () => {
      const { events, cutOff } = await oneSentinelCutOff(kind, []);
      // Nothing must happen: give the cut-off sentinel 5 s of SDOWN by its own clock (it asks the
      // others every second meanwhile) rather than 5 s of this test's clock.
      await waitFor("the cut-off sentinel to have seen the master down for 5 s", 60_000, async () => {
        const master = Object.fromEntries(pairs((await cutOff.call("SENTINEL", "MASTER", "mymaster")) as string[]));
        return Number(master["s-down-time"] ?? 0) >= 5000;
      });
      assert.deepEqual(
        events.map((e) => e.of("+odown").length + e.of("+switch-master").length),
        [0, 0, 0],
      );
    });
  }

  /** A primary, a replica, three sentinels (quorum 2) of which the first (`cutOff`) loses the primary; their events. */
  async function oneSentinelCutOff(kind: ServerKind, extraLines: string[]): Promise<{ events: SentinelEvents[]; cutOff: TestNode }> {
    const primary = await nodes.start(kind, FAST_SYNC);
    const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
    await inSync(primary, replica);
    // Sentinels reach the primary through the switch, so one of them can lose it alone.
    sw = new Switch(5);
    await sw.add({ id: primary.id, host: primary.host, publicPort: primary.publicPort, privatePort: primary.port });
    const viaSwitch = { host: primary.host, port: primary.publicPort };
    // Each sentinel joins the switch before it starts, so its connections are known to be its own.
    const join = (n: TestNode) => sw!.add({ id: n.id, host: n.host, publicPort: n.publicPort, privatePort: n.port });
    const sentinels: TestNode[] = [];
    for (let i = 0; i < 3; i++) sentinels.push(await nodes.startSentinel(kind, viaSwitch, { extraLines }, join));
    await waitFor("sentinels to know each other", 30_000, async () => {
      for (const s of sentinels) if (((await s.call("SENTINEL", "SENTINELS", "mymaster")) as unknown[]).length !== 2) return false;
      return true;
    });
    const events = await Promise.all(sentinels.map((s) => SentinelEvents.watch(s)));
    watchers.push(...events);
    await sw.set(
      [
        [sentinels[0].id, primary.id],
        [primary.id, sentinels[0].id],
      ],
      { kind: "drop" },
    );
    await waitFor("the cut-off sentinel to see the master down", 30_000, async () => events[0].of("+sdown").some((e) => e.message.startsWith("master")));
    return { events, cutOff: sentinels[0] };
  }

  for (const kind of ["redis", "bundled"] as const) {

    it(`${kind}: no failover when a majority of sentinels is unreachable, even with the quorum met`, async () => {
      const s = await setup(kind, [kind, kind, kind], { settings: { quorum: 1, failoverTimeoutMs: 3000 } });
      s.sentinels[1].signal("SIGSTOP");
      s.sentinels[2].signal("SIGSTOP");
      await s.primary.kill();
      await waitFor("the lone sentinel to give up the election", 20_000, async () => s.events[0].of("-failover-abort-not-elected").length > 0);
      assert.ok(s.events[0].of("+odown").length > 0, "quorum 1 was met");
      assert.equal(s.events[0].of("+switch-master").length, 0);
      assert.equal(await masterAddress(s.sentinels[0]), addr(s.primary));
      s.sentinels[1].signal("SIGCONT");
      s.sentinels[2].signal("SIGCONT");
    });

    it(`${kind}: an old master without masterauth cannot rejoin (its link stays down), as the seeds warn`, async () => {
      const password = "pw";
      const s = await setup(kind, [kind], {
        settings: { quorum: 1, authPass: password },
        nodeOptions: { requirepass: password },
        replicaOptions: { masterauth: password },
        fastPeriods: true,
      });
      assert.equal(await s.sentinels[0].call("SENTINEL", "FAILOVER", "mymaster"), "OK");
      const promoted = await agreedMaster(s.sentinels, addr(s.primary));
      await waitFor("the old master to be told to replicate", 30_000, async () => (await s.primary.info("replication")).role === "slave");
      // Its link must stay down: let it try (it reconnects each second) and be refused a few times.
      const [host, port] = promoted.split(":");
      const target = [...s.replicas].find((r) => r.host === host && String(r.port) === port)!;
      const connections = async () => Number((await target.info("stats")).total_connections_received);
      const before = await connections();
      await waitFor("the old master to have tried the promoted one a few times", 30_000, async () => (await connections()) >= before + 3);
      const r = await s.primary.info("replication");
      assert.equal(`${r.master_host}:${r.master_port}`, promoted);
      assert.equal(r.master_link_status, "down");
    });
  }

  describe("bug switches of the bundled Sentinel, each against its honest run above", () => {
    it("select-lowest-offset promotes the replica that is behind", async () => {
      const r = await offsetRule("bundled", ["bug select-lowest-offset"]);
      assert.equal(r.promoted, r.behind);
    });

    it("ignore-priority promotes a replica with priority 0", async () => {
      const s = await setup("bundled", ["bundled"], { priorities: [0], settings: { quorum: 1, extraLines: ["bug ignore-priority"] } });
      assert.equal(await s.sentinels[0].call("SENTINEL", "FAILOVER", "mymaster"), "OK");
      assert.equal(await agreedMaster(s.sentinels, addr(s.primary)), addr(s.replicas[0]));
    });

    it("failover-without-quorum: a sentinel that alone lost the primary fails it over", async () => {
      const { events } = await oneSentinelCutOff("bundled", ["bug failover-without-quorum"]);
      await waitFor("the lone sentinel's failover", 20_000, async () => events[0].of("+switch-master").length > 0);
      assert.ok(events[0].of("+odown").some((e) => / #quorum 1\/2$/.test(e.message)), "ODOWN with 1 of 2");
    });

    it("vote-twice-per-epoch: a second candidate gets the vote in the same epoch (real Sentinel keeps the first)", async () => {
      const votes = async (kind: ServerKind, extraLines: string[]) => {
        const primary = await nodes.start(kind);
        const sentinel = await nodes.startSentinel(kind, primary, { extraLines });
        const ask = (runid: string) => sentinel.call("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", primary.host, String(primary.port), "10", runid);
        return [await ask("a".repeat(40)), await ask("b".repeat(40))];
      };
      assert.deepEqual(await votes("redis", []), [
        [0, "a".repeat(40), 10],
        [0, "a".repeat(40), 10],
      ]);
      assert.deepEqual(await votes("bundled", []), await votes("redis", []));
      assert.deepEqual((await votes("bundled", ["bug vote-twice-per-epoch"]))[1], [0, "b".repeat(40), 10]);
    });
  });

  it("SENTINEL subcommands, INFO and ROLE answer as redis-sentinel's: same fields, same order, same texts", async () => {
    const answers = async (kind: ServerKind) => {
      const s = await setup(kind, [kind, kind]);
      const x = s.sentinels[0];
      const keys = (reply: unknown) => pairs(reply as string[]).map(([k]) => k);
      const out = {
        master: keys(await x.call("SENTINEL", "MASTER", "mymaster")),
        replica: keys(((await x.call("SENTINEL", "REPLICAS", "mymaster")) as unknown[])[0]),
        sentinel: keys(((await x.call("SENTINEL", "SENTINELS", "mymaster")) as unknown[])[0]),
        ckquorum: String(await x.call("SENTINEL", "CKQUORUM", "mymaster")),
        noSuchMaster: await x.call("SENTINEL", "MASTER", "nope").catch((e: Error) => e.message),
        addrUnknown: await x.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nope"),
        myid: String(await x.call("SENTINEL", "MYID")).length,
        role: ((await x.call("ROLE")) as unknown[])[0],
        info: Object.keys(await x.info("sentinel")),
        monitor: await x.call("SENTINEL", "MONITOR", "other", s.replicas[0].host, String(s.replicas[0].port), "1"),
        duplicate: await x.call("SENTINEL", "MONITOR", "other", s.replicas[0].host, String(s.replicas[0].port), "1").catch((e: Error) => e.message),
        set: await x.call("SENTINEL", "SET", "other", "down-after-milliseconds", "5000"),
        remove: await x.call("SENTINEL", "REMOVE", "other"),
        reset: await x.call("SENTINEL", "RESET", "mymaster"),
        resetNone: await x.call("SENTINEL", "RESET", "nomatch*"),
      };
      for (const w of watchers) w.close();
      watchers = [];
      await nodes.stopAll();
      return out;
    };
    const real = await answers("redis");
    const ours = await answers("bundled");
    assert.deepEqual(ours, real, JSON.stringify({ ours, real }));
  });

  for (const kind of ["redis", "bundled"] as const) {
    it(`${kind}: a sentinel stopped for 3 s enters TILT when it resumes`, async () => {
      const s = await setup(kind, [kind]);
      s.sentinels[0].signal("SIGSTOP");
      // The fault itself, not a wait: a pause longer than SENTINEL_TILT_TRIGGER (2 s).
      await new Promise((r) => setTimeout(r, 3000));
      s.sentinels[0].signal("SIGCONT");
      await waitFor("+tilt", 5_000, async () => s.events[0].of("+tilt").length > 0);
      assert.equal((await s.sentinels[0].info("sentinel")).sentinel_tilt, "1");
    });
  }

  it("ioredis in sentinel mode follows a failover of the bundled sentinels", async () => {
    const s = await setup("bundled", ["bundled", "bundled", "bundled"]);
    const client = new Redis({ sentinels: s.sentinels.map((x) => ({ host: x.host, port: x.port })), name: "mymaster", maxRetriesPerRequest: 1, sentinelRetryStrategy: () => 200 });
    client.on("error", () => undefined);
    try {
      assert.equal(await client.set("a", "1"), "OK");
      await s.primary.kill();
      const promoted = await agreedMaster(s.sentinels, addr(s.primary));
      await waitFor("ioredis to write to the new master", 20_000, async () => (await client.set("b", "2")) === "OK");
      const [host, port] = promoted.split(":");
      const direct = s.replicas.find((r) => r.host === host && String(r.port) === port)!;
      assert.equal(await direct.call("GET", "b"), "2");
    } finally {
      client.disconnect();
    }
  });
});
