// Replication between the bundled server and real redis-server 7, in every pairing. Real
// Redis replicating from real Redis runs the same scenario in the same test: it is the
// oracle for what the sync counters, the data and the errors must be.
import assert from "node:assert/strict";
import { readFileSync, rmSync } from "node:fs";
import { createConnection } from "node:net";
import { join } from "node:path";
import { Switch } from "../../net/switch.js";
import { waitFor } from "../helpers.js";
import { TestNodes, dumpAll, fillVariety, inSync, type ServerKind, type TestNode } from "../support/nodes.js";

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
  const sw = new Switch(7);
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
      await waitFor("the replica to see its link down", 10_000, async () => (await replica.info("replication")).master_link_status === "down");
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
    it(`a ${kind} replica of a bundled primary syncs while writes keep coming (diskless: the stream waits for the first ACK)`, async () => {
      for (let round = 0; round < 4; round++) {
        const primary = await nodes.start("bundled", FAST_SYNC);
        let writing = true;
        const writer = (async () => {
          for (let i = 0; writing && i < 100_000; i++) await primary.call("SET", `w${i % 100}`, "x".repeat(50));
        })();
        const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
        await waitFor("the link up while writes go on", 10_000, async () => (await replica.info("replication")).master_link_status === "up");
        writing = false;
        await writer;
        await inSync(primary, replica);
        assert.deepEqual(await dumpAll(replica), await dumpAll(primary));
        await nodes.stopAll();
      }
    });

    it(`${kind}: a backlog smaller than what was missed forces a full sync`, async () => {
      const primary = await nodes.start(kind, { ...FAST_SYNC, "repl-backlog-size": "16kb" });
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.publicPort}` });
      sw = await throughSwitch(primary, replica);
      await inSync(primary, replica);
      await sw.set([[replica.id, primary.id]], { kind: "reset" });
      await waitFor("link down", 10_000, async () => (await replica.info("replication")).master_link_status === "down");
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

    it(`${kind}: CONFIG REWRITE keeps the replication state across a restart, as Sentinel relies on: promoted, it restarts a master; re-pointed, it follows the new primary`, async () => {
      const primary = await nodes.start(kind);
      const other = await nodes.start(kind);
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}`, maxclients: "900" }, { configFile: true });
      await inSync(primary, replica);
      // What Sentinel sends a replica it promotes: SLAVEOF NO ONE, then CONFIG REWRITE.
      assert.equal(await replica.call("REPLICAOF", "NO", "ONE"), "OK");
      assert.equal(await replica.call("CONFIG", "SET", "replica-priority", "7"), "OK");
      assert.equal(await replica.call("CONFIG", "REWRITE"), "OK");
      const promoted = readFileSync(replica.configFile, "utf8");
      assert.doesNotMatch(promoted, /^replicaof /m);
      assert.match(promoted, /^maxclients 900$/m);
      assert.match(promoted, /^replica-priority 7$/m);
      await replica.kill();
      await replica.start();
      assert.equal((await replica.info("replication")).role, "master");
      assert.deepEqual(await replica.call("CONFIG", "GET", "replica-priority"), ["replica-priority", "7"]);
      // And a replica re-pointed at another primary restarts following that one.
      assert.equal(await replica.call("REPLICAOF", other.host, String(other.port)), "OK");
      assert.equal(await replica.call("CONFIG", "REWRITE"), "OK");
      assert.match(readFileSync(replica.configFile, "utf8"), new RegExp(`^replicaof ${other.host} ${other.port}$`, "m"));
      await replica.kill();
      await replica.start();
      await inSync(other, replica);
      assert.equal((await replica.info("replication")).master_port, String(other.port));
      // Without a config file there is nothing to rewrite: Redis's error.
      await assert.rejects(primary.call("CONFIG", "REWRITE"), /^ReplyError: ERR The server is running without a config file$/);
    });

    it(`${kind}: a primary restarted without persistence empties its replicas (the hazard the seeds warn of)`, async () => {
      const primary = await nodes.start(kind, FAST_SYNC);
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}` });
      await writeBatch(primary, "precious", 30);
      await inSync(primary, replica);
      assert.equal(await replica.call("DBSIZE"), 30);
      await primary.kill();
      await primary.start();
      await waitFor("the replica to resync with the empty primary", 20_000, async () => {
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
      await waitFor("writes accepted", 15_000, async () => (await primary.call("SET", "k", "v")) === "OK");
      assert.equal(await primary.call("GET", "k"), "v", "reads are always allowed");

      replica.signal("SIGSTOP");
      await waitFor("NOREPLICAS after the replica stopped acknowledging", 30_000, async () =>
        primary.call("SET", "k", "v2").then(
          () => false,
          (err: Error) => /NOREPLICAS/.test(err.message),
        ),
      );
      // Refused only once the replica's last ACK is older than min-replicas-max-lag (2 s), by the
      // primary's own count (refreshGoodSlavesCount: lag in whole seconds, good while lag <= 2).
      const lag = Number(/,lag=(\d+)$/.exec((await primary.info("replication")).slave0 ?? "")?.[1]);
      assert.ok(lag > 2, `refused while the replica's last ACK was ${lag} s old`);
      replica.signal("SIGCONT");
      await waitFor("writes accepted again", 30_000, async () => (await primary.call("SET", "k", "v3")) === "OK");

      await replica.kill();
      await waitFor("NOREPLICAS once the replica is gone", 15_000, async () =>
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
      assert.equal(await primary.call("WAIT", "2", "20000"), 2); // returns as soon as both acknowledged
      r2.signal("SIGSTOP");
      await primary.call("SET", "w", "2");
      const t0 = Date.now();
      assert.equal(await primary.call("WAIT", "2", "600"), 1);
      assert.ok(Date.now() - t0 >= 550, "WAIT waited for its timeout"); // a lower bound: it cannot answer before
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
      // The other replica, re-pointed while still linked to the old primary, follows the promoted
      // one and continues by the old id: no full sync.
      assert.equal(await other.call("REPLICAOF", replica.host, String(replica.port)), "OK");
      await primary.kill();
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
    await waitFor("the leaf to have the later writes", 10_000, async () => (await leaf.call("DBSIZE")) === (await primary.call("DBSIZE")));
    assert.deepEqual(await dumpAll(leaf), await dumpAll(primary));
  });
});

/** The replication stream a replica would get, read by a fake replica on a raw socket (PINGs left out). */
async function streamAfterSync(node: TestNode, act: () => Promise<void>): Promise<string> {
  const socket = createConnection({ host: node.host, port: node.port });
  let received = Buffer.alloc(0);
  socket.on("data", (d: Buffer) => (received = Buffer.concat([received, d])));
  try {
    socket.write("PING\r\nREPLCONF listening-port 1\r\nREPLCONF capa psync2\r\n");
    // Redis refuses a PSYNC while replies to the client are still pending: wait for them first.
    await waitFor("the handshake replies", 5_000, async () => received.toString("latin1") === "+PONG\r\n+OK\r\n+OK\r\n");
    socket.write("PSYNC ? -1\r\n");
    // +PONG, +OK, +OK, +FULLRESYNC, then $<len> and the RDB: wait for all of it.
    let start = -1;
    let syncOffset = 0;
    await waitFor("the full sync payload", 10_000, async () => {
      const text = received.toString("latin1");
      const header = /\+FULLRESYNC [0-9a-f]{40} (\d+)\r\n\n*\$(\d+)\r\n/.exec(text);
      if (!header) return false;
      syncOffset = Number(header[1]);
      start = header.index + header[0].length + Number(header[2]);
      return received.length >= start;
    });
    await act();
    // The stream has arrived once every byte the primary produced since the full sync is here.
    await waitFor("the replication stream up to the primary's offset", 10_000, async () => {
      const offset = Number((await node.info("replication")).master_repl_offset);
      return received.length - start === offset - syncOffset;
    });
    return received.subarray(start).toString("latin1").replace(/\*1\r\n\$4\r\n(ping|PING)\r\n/g, "");
  } finally {
    socket.destroy();
  }
}

describe("replication: what a replica receives and the rules it follows", function () {
  this.timeout(60_000);
  const nodes = new TestNodes();
  afterEach(() => nodes.stopAll());

  it("the stream carries SELECT (also from inside a transaction), a transaction of several writes as MULTI ... EXEC, and expirations as DEL, byte for byte as redis-server's", async () => {
    const streamOf = async (kind: ServerKind) => {
      const node = await nodes.start(kind, { ...FAST_SYNC, "repl-diskless-sync": "no" });
      return streamAfterSync(node, async () => {
        await node.call("SELECT", "2");
        await node.call("SET", "plain", "1");
        await node.call("MULTI");
        await node.call("INCR", "counter");
        await node.call("SET", "other", "x");
        await node.call("SELECT", "3");
        await node.call("SET", "in-3", "x");
        await node.call("EXEC"); // MULTI after SELECT 2, SELECT 3 before the last SET, EXEC
        await node.call("MULTI");
        await node.call("SET", "single", "x");
        await node.call("EXEC"); // one write: no MULTI / EXEC around it
        await node.call("SELECT", "2");
        await node.call("SET", "short", "v", "PX", "50");
        // Once expired, the access deletes it and propagates DEL (a GET before that propagates nothing).
        await waitFor("the key to expire", 10_000, async () => (await node.call("GET", "short")) === null);
        await node.call("SELECT", "0");
      });
    };
    const ours = await streamOf("bundled");
    const real = await streamOf("redis");
    assert.equal(ours.replace(/PXAT\r\n\$13\r\n\d{13}/, "PXAT"), real.replace(/PXAT\r\n\$13\r\n\d{13}/, "PXAT"));
    assert.match(ours, /MULTI[\s\S]*INCR[\s\S]*EXEC/);
    assert.match(ours, /DEL\r\n\$5\r\nshort/);
  });

  for (const kind of ["redis", "bundled"] as const) {
    it(`${kind}: masterauth, and the replica's announced address in the primary's INFO`, async () => {
      const primary = await nodes.start(kind, { ...FAST_SYNC, requirepass: "s3cret" });
      const replica = await nodes.start(kind, {
        replicaof: `${primary.host} ${primary.port}`,
        masterauth: "s3cret",
        "replica-announce-ip": "127.9.9.9",
        "replica-announce-port": "4242",
        "replica-priority": "7",
      });
      await inSync(primary, replica);
      // The primary lists the replica as online once its first ACK after the transfer arrives.
      await waitFor("the replica online at its announced address", 10_000, async () =>
        /^ip=127\.9\.9\.9,port=4242,state=online,offset=\d+,lag=\d+$/.test((await primary.info("replication")).slave0 ?? ""),
      );
      assert.equal((await replica.info("replication")).slave_priority, "7");
    });

    it(`${kind}: replica-serve-stale-data no answers MASTERDOWN while the link is down, INFO still works`, async () => {
      const primary = await nodes.start(kind, FAST_SYNC);
      const replica = await nodes.start(kind, { replicaof: `${primary.host} ${primary.port}`, "replica-serve-stale-data": "no" });
      await inSync(primary, replica);
      await primary.kill();
      await waitFor("link down", 10_000, async () => (await replica.info("replication")).master_link_status === "down");
      await assert.rejects(replica.call("GET", "k"), /^ReplyError: MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'\.$/);
      assert.equal((await replica.info("replication")).role, "slave");
    });
  }

  it("ROLE, and REPLICAOF's errors, as redis-server answers them", async () => {
    for (const kind of ["redis", "bundled"] as const) {
      const node = await nodes.start(kind);
      assert.deepEqual(await node.call("ROLE"), ["master", 0, []], kind);
      await assert.rejects(node.call("REPLICAOF", "127.0.0.1", "70000"), /^ReplyError: ERR Invalid master port$/, kind);
      await assert.rejects(node.call("WAIT", "x", "0"), /^ReplyError: ERR value is not an integer or out of range$/, kind);
      await assert.rejects(node.call("WAIT", "0", "-1"), /^ReplyError: ERR timeout is negative$/, kind);
    }
  });

  describe("bug switches (bundled only), each against the same setup without it", () => {
    it("ignore-min-replicas: a master without good replicas acknowledges writes", async () => {
      const honest = await nodes.start("bundled", { "min-replicas-to-write": "1" });
      await assert.rejects(honest.call("SET", "k", "v"), /NOREPLICAS/);
      const buggy = await nodes.start("bundled", { "min-replicas-to-write": "1", bug: "ignore-min-replicas" });
      assert.equal(await buggy.call("SET", "k", "v"), "OK");
    });

    it("replica-writable: a read-only replica accepts a client write that its master never sees", async () => {
      const primary = await nodes.start("bundled", FAST_SYNC);
      const replica = await nodes.start("bundled", { replicaof: `${primary.host} ${primary.port}`, bug: "replica-writable" });
      await inSync(primary, replica);
      assert.equal((await replica.info("replication")).slave_read_only, "1");
      assert.equal(await replica.call("SET", "local", "1"), "OK");
      assert.equal(await primary.call("EXISTS", "local"), 0);
    });

    it("skip-propagation: the replica is in sync by offset yet misses acknowledged writes", async () => {
      const run = async (bug: string | undefined) => {
        const primary = await nodes.start("bundled", FAST_SYNC);
        const replica = await nodes.start("bundled", { replicaof: `${primary.host} ${primary.port}`, ...(bug ? { bug } : {}) });
        const buggyPrimary = bug ? await nodes.start("bundled", { ...FAST_SYNC, bug }) : primary;
        if (bug) await replica.call("REPLICAOF", buggyPrimary.host, String(buggyPrimary.port));
        await inSync(buggyPrimary, replica);
        await writeBatch(buggyPrimary, "acked", 30);
        await inSync(buggyPrimary, replica);
        return Number(await replica.call("DBSIZE"));
      };
      assert.equal(await run(undefined), 30);
      assert.equal(await run("skip-propagation"), 27);
    });
  });
});
