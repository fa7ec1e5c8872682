// Replication between the bundled server and real redis-server 7, in every pairing. Real
// Redis replicating from real Redis runs the same scenario in the same test: it is the
// oracle for what the sync counters, the data and the errors must be.
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Rng } from "../../harness/rng.js";
import { Switch } from "../../nemesis/switch.js";
import { TestNodes, dumpAll, eventually, fillVariety, inSync, type ServerKind, type TestNode } from "../support/nodes.js";

const PAIRS: Array<[primary: ServerKind, replica: ServerKind]> = [
  ["redis", "redis"],
  ["bundled", "redis"],
  ["redis", "bundled"],
  ["bundled", "bundled"],
];

const FAST_SYNC = { "repl-diskless-sync-delay": "0" };

async function syncCounters(node: TestNode): Promise<{ full: number; partialOk: number; partialErr: number }> {
  const stats = await node.info("stats");
  return { full: Number(stats.sync_full), partialOk: Number(stats.sync_partial_ok), partialErr: Number(stats.sync_partial_err) };
}

/** A switch in front of the nodes: the replica reaches the primary through its public port, so the link can be cut. */
async function throughSwitch(...nodes: TestNode[]): Promise<Switch> {
  const sw = new Switch(new Rng(7));
  for (const n of nodes) await sw.add({ id: n.id, host: n.host, publicPort: n.publicPort, privatePort: n.port });
  return sw;
}

async function writeBatch(node: TestNode, prefix: string, count: number, size = 8): Promise<void> {
  for (let i = 0; i < count; i++) await node.call("SET", `${prefix}:${i}`, String(i).padStart(size, "v"));
}

describe("replication: bundled and real Redis in both directions", function () {
  this.timeout(120_000);
  const nodes = new TestNodes();
  let sw: Switch | undefined;
  afterEach(async () => {
    await sw?.close();
    sw = undefined;
    await nodes.stopAll();
  });

  for (const [primaryKind, replicaKind] of PAIRS) {
    it(`${replicaKind} replica of a ${primaryKind} primary: full sync, then a partial sync after the link was cut, same data`, async () => {
      const primary = await nodes.start(primaryKind, FAST_SYNC);
      await fillVariety(primary, "before");
      await fillVariety(primary, "db3", 3);
      const replica = await nodes.start(replicaKind, { replicaof: `${primary.host} ${primary.publicPort}` });
      sw = await throughSwitch(primary, replica);
      await inSync(primary, replica);
      assert.deepEqual(await dumpAll(replica), await dumpAll(primary));
      assert.deepEqual(await syncCounters(primary), { full: 1, partialOk: 0, partialErr: 0 });

      const link: Array<[string, string]> = [
        [replica.id, primary.id],
        [primary.id, replica.id],
      ];
      await sw.set(link, { kind: "reset" });
      await eventually("the replica to see its link down", 10_000, async () => (await replica.info("replication")).master_link_status === "down");
      await fillVariety(primary, "during");
      await writeBatch(primary, "during-batch", 50);
      await primary.call("DEL", "before:str");
      await sw.heal();
      await inSync(primary, replica);
      assert.deepEqual(await dumpAll(replica), await dumpAll(primary));
      assert.deepEqual(await syncCounters(primary), { full: 1, partialOk: 1, partialErr: 0 });
    });
  }

  for (const kind of ["redis", "bundled"] as const) {
    it(`${kind}: a backlog smaller than what was missed forces a full sync`, async () => {
      const primary = await nodes.start(kind, { ...FAST_SYNC, "repl-backlog-size": "16kb" });
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.publicPort}` });
      sw = await throughSwitch(primary, replica);
      await inSync(primary, replica);
      await sw.set([[replica.id, primary.id]], { kind: "reset" });
      await eventually("link down", 10_000, async () => (await replica.info("replication")).master_link_status === "down");
      await writeBatch(primary, "overflow", 400, 100); // ~50 KB of stream, three times the backlog
      await sw.heal();
      await inSync(primary, replica);
      assert.deepEqual(await syncCounters(primary), { full: 2, partialOk: 0, partialErr: 1 });
      assert.equal(await replica.call("DBSIZE"), 400);
    });

    it(`${kind}: a replica killed and restarted continues from the RDB of its last full sync; without that file it takes a full sync`, async () => {
      const primary = await nodes.start(kind, FAST_SYNC);
      await writeBatch(primary, "before", 5);
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
      await inSync(primary, replica);
      await writeBatch(primary, "after-sync", 5);
      await inSync(primary, replica);
      await replica.kill();
      await writeBatch(primary, "while-down", 20);
      await replica.start();
      await inSync(primary, replica);
      // The RDB holds the data up to the full sync; the backlog gives the rest.
      assert.deepEqual(await syncCounters(primary), { full: 1, partialOk: 1, partialErr: 0 });
      assert.equal(await replica.call("DBSIZE"), 30);

      await replica.kill();
      rmSync(join(replica.dir, "dump.rdb"));
      await replica.start();
      await inSync(primary, replica);
      assert.deepEqual(await syncCounters(primary), { full: 2, partialOk: 1, partialErr: 0 });
      assert.equal(await replica.call("DBSIZE"), 30);
    });

    it(`${kind}: a primary restarted without persistence empties its replicas (the hazard the seeds warn of)`, async () => {
      const primary = await nodes.start(kind, FAST_SYNC);
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
      await writeBatch(primary, "precious", 30);
      await inSync(primary, replica);
      assert.equal(await replica.call("DBSIZE"), 30);
      await primary.kill();
      await primary.start();
      await eventually("the replica to resync with the empty primary", 20_000, async () => {
        const r = await replica.info("replication");
        return r.master_link_status === "up" && (await replica.call("DBSIZE")) === 0;
      });
      assert.equal((await syncCounters(primary)).full, 1);
    });

    it(`${kind}: min-replicas-to-write refuses writes when the replica stalls or vanishes, with Redis's error`, async () => {
      const primary = await nodes.start(kind, { ...FAST_SYNC, "min-replicas-to-write": "1", "min-replicas-max-lag": "2" });
      await assert.rejects(primary.call("SET", "k", "v"), /^ReplyError: NOREPLICAS Not enough good replicas to write\.$/);
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
      await inSync(primary, replica);
      await eventually("writes accepted", 5_000, async () => (await primary.call("SET", "k", "v")) === "OK");
      assert.equal(await primary.call("GET", "k"), "v", "reads are always allowed");

      replica.signal("SIGSTOP");
      const stoppedAt = Date.now();
      await eventually("NOREPLICAS after the replica stopped acknowledging", 10_000, async () =>
        primary.call("SET", "k", "v2").then(
          () => false,
          (err: Error) => /NOREPLICAS/.test(err.message),
        ),
      );
      const refusedAfterS = (Date.now() - stoppedAt) / 1000;
      // The reference (§1.11, §5): refusals start between L-1 and L+2 seconds after the last ACK.
      assert.ok(refusedAfterS >= 1 && refusedAfterS <= 4.5, `refused after ${refusedAfterS} s`);
      replica.signal("SIGCONT");
      await eventually("writes accepted again", 10_000, async () => (await primary.call("SET", "k", "v3")) === "OK");

      await replica.kill();
      await eventually("NOREPLICAS once the replica is gone", 3_000, async () =>
        primary.call("SET", "k", "v4").then(
          () => false,
          (err: Error) => /NOREPLICAS/.test(err.message),
        ),
      );
    });

    it(`${kind}: WAIT counts the replicas that acknowledged, and times out with fewer`, async () => {
      const primary = await nodes.start(kind, FAST_SYNC);
      const r1 = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
      const r2 = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
      await inSync(primary, r1);
      await inSync(primary, r2);
      await primary.call("SET", "w", "1");
      assert.equal(await primary.call("WAIT", "2", "2000"), 2);
      r2.signal("SIGSTOP");
      await primary.call("SET", "w", "2");
      const t0 = Date.now();
      assert.equal(await primary.call("WAIT", "2", "600"), 1);
      assert.ok(Date.now() - t0 >= 550, "WAIT waited for its timeout");
      assert.equal(await primary.call("WAIT", "1", "0"), 1);
      r2.signal("SIGCONT");
      await assert.rejects(r1.call("WAIT", "1", "10"), /WAIT cannot be used with replica instances/);
    });

    it(`${kind}: a replica refuses client writes, and REPLICAOF NO ONE keeps the old history as replid2`, async () => {
      const primary = await nodes.start(kind, FAST_SYNC);
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
      const other = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
      await writeBatch(primary, "h", 10);
      await inSync(primary, replica);
      await inSync(primary, other);
      await assert.rejects(replica.call("SET", "x", "1"), /^ReplyError: READONLY You can't write against a read only replica\.$/);
      const before = await primary.info("replication");
      assert.equal(await replica.call("REPLICAOF", "NO", "ONE"), "OK");
      const promoted = await replica.info("replication");
      assert.equal(promoted.role, "master");
      assert.equal(promoted.master_replid2, before.master_replid);
      assert.equal(Number(promoted.second_repl_offset), Number(before.master_repl_offset) + 1);
      // The other replica follows the promoted one and continues by the old id: no full sync.
      await primary.kill();
      assert.equal(await other.call("REPLICAOF", replica.host, String(replica.port)), "OK");
      await inSync(replica, other);
      assert.deepEqual(await syncCounters(replica), { full: 0, partialOk: 1, partialErr: 0 });
      assert.equal(await other.call("DBSIZE"), 10);
    });
  }

  it("INFO replication has the same fields, in the same order, on bundled and real nodes", async () => {
    const fieldsOf = async (kind: ServerKind) => {
      const primary = await nodes.start(kind, { ...FAST_SYNC, "min-replicas-to-write": "1" });
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
      await inSync(primary, replica);
      const names = (info: Record<string, string>) => Object.keys(info).map((k) => k.replace(/^slave\d+$/, "slaveN"));
      return { primary: names(await primary.info("replication")), replica: names(await replica.info("replication")) };
    };
    assert.deepEqual(await fieldsOf("bundled"), await fieldsOf("redis"));
  });

  it("chained replication: a bundled replica of a bundled replica of a real primary", async () => {
    const primary = await nodes.start("redis", FAST_SYNC);
    await fillVariety(primary, "chain");
    const middle = await nodes.start("bundled", { ...FAST_SYNC, replicaof: `${primary.host} ${primary.port}` });
    await inSync(primary, middle);
    const leaf = await nodes.start("bundled", { replicaof: `${middle.host} ${middle.port}` });
    await inSync(middle, leaf);
    await writeBatch(primary, "later", 20);
    await eventually("the leaf to have the later writes", 10_000, async () => (await leaf.call("DBSIZE")) === (await primary.call("DBSIZE")));
    assert.deepEqual(await dumpAll(leaf), await dumpAll(primary));
  });
});
