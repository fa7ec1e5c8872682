// Network faults against real redis-server and redis-sentinel, through the switch.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Redis } from "ioredis";
import { parseHistory } from "../../history/jsonl.js";
import type { Op } from "../../history/op.js";
import { info, waitUntil } from "../../targets/admin.js";
import { Rng } from "../../core/rng.js";
import { parseSpec } from "../../spec/index.js";
import type { RunResults } from "../../core/run-folder.js";
import { Supervisor } from "../../targets/supervisor.js";
import { replicationProblem } from "../../targets/topology.js";
import { ProcessTarget } from "../../targets/process-target.js";
import { redisPrograms } from "../../targets/redis.js";
import { lagLinks } from "../../nemesis/lag.js";
import { onlyRunDir, readJson, runCli, tempDir } from "../helpers.js";

function nemesisOps(history: Op[]): Op[] {
  return history.filter((o) => o.process === "nemesis");
}

/** The node that served the final reads: the primary once everything has settled. */
function finalPrimary(history: Op[]): string | undefined {
  return history.filter((o) => o.type === "ok" && o.f === "read").at(-1)?.node;
}

describe("network faults against real Redis", function () {
  this.timeout(150_000);

  it("primary-with-clients: Sentinel fails over while the old primary keeps acknowledging writes that are then lost", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli([
      "run",
      ...["--target", "redis", "--topology", "sentinel", "--workload", "set", "--rate", "200", "--timeout-ms", "500"],
      ...["--nemesis", "partition", "--partitions", "primary-with-clients", "--nemesis-interval", "2", "--nemesis-duration", "6"],
      ...["--down-after-ms", "1000", "--failover-timeout-ms", "3000", "--time-limit", "10", "--seed", "5"],
      ...["--results-dir", results],
    ]);
    assert.equal(res.code, 1, `expected lost writes (exit 1), got ${res.code}\n${res.stderr}\n${res.stdout}`);
    const runDir = onlyRunDir(results);
    const history = parseHistory(readFileSync(join(runDir, "history.jsonl"), "utf8"));
    const [start, stop] = nemesisOps(history);
    const value = start.value as { shape: string; cut: string[] };
    assert.equal(value.shape, "primary-with-clients");
    assert.ok(value.cut.includes("n1->n2") && value.cut.includes("s1->n1"), value.cut.join(" "));
    assert.ok(!value.cut.includes("clients->n1"), "clients must keep their link to the old primary");
    const duringSplit = history.filter((o) => o.type === "ok" && o.f === "add" && o.node === "n1" && o.time > start.time + 3e9 && o.time < stop.time);
    assert.ok(duringSplit.length > 0, "the old primary acknowledged no write during the partition");
    assert.notEqual(finalPrimary(history), "n1", "Sentinel did not fail over");
    const verdict = readJson<RunResults>(join(runDir, "results.json"));
    const lost = verdict.checkers.set.details.lost as Array<{ node: string }>;
    assert.ok(lost.length > 0 && lost.every((l) => l.node === "n1"), verdict.checkers.set.summary);
  });

  it("clients-only: clients get fail / info, and nobody fails over", async () => {
    const results = join(tempDir(), "results");
    const res = await runCli([
      "run",
      ...["--target", "redis", "--topology", "sentinel", "--workload", "register", "--rate", "100", "--timeout-ms", "300"],
      ...["--nemesis", "partition", "--partitions", "clients-only", "--nemesis-interval", "1", "--nemesis-duration", "4"],
      ...["--down-after-ms", "1000", "--failover-timeout-ms", "3000", "--time-limit", "6", "--seed", "6"],
      ...["--results-dir", results],
    ]);
    assert.equal(res.code, 0, `${res.stderr}\n${res.stdout}`);
    const history = parseHistory(readFileSync(join(onlyRunDir(results), "history.jsonl"), "utf8"));
    const [start, stop] = nemesisOps(history);
    assert.deepEqual((start.value as { cut: string[] }).cut.sort(), ["clients->n1", "n1->clients"]);
    const during = history.filter((o) => o.time > start.time + 500e6 && o.time < stop.time && o.type !== "invoke" && o.process !== "nemesis");
    assert.ok(during.length > 0 && during.every((o) => o.type === "fail" || o.type === "info"), "ops during the partition must not succeed");
    assert.equal(finalPrimary(history), "n1", "a clients-only partition must not cause a failover");
  });

  it("lag on the primary->replica links lets replica offsets fall behind; after the heal every link passes and replicas are in sync", async () => {
    const dir = tempDir();
    const spec = parseSpec("topology: {type: replication, replicas: 2}\nsetup-timeout: 30\n", "lag.yaml");
    const supervisor = new Supervisor();
    const target = new ProcessTarget(spec, dir, supervisor, redisPrograms());
    try {
      await target.setup();
      const roles = (await target.roles())!;
      await target.setLinks(lagLinks("primary-replicas", roles, new Rng(1)), { kind: "delay", ms: 1500, jitterMs: 0 });
      const primary = target.nodes.find((n) => n.id === "n1")!;
      const client = new Redis({ host: primary.host, port: primary.port, maxRetriesPerRequest: 0 });
      try {
        for (let i = 0; i < 200; i++) await client.set(`k${i}`, "x".repeat(100));
      } finally {
        client.disconnect();
      }
      const admin = (id: string) => target.adminAddress(id);
      const masterOffset = Number((await info(admin("n1"), "replication")).master_repl_offset);
      const replicaOffset = Number((await info(admin("n2"), "replication")).slave_repl_offset);
      assert.ok(replicaOffset < masterOffset, `replica at ${replicaOffset}, primary at ${masterOffset}: no lag`);
      await target.heal();
      assert.deepEqual(target.network.faulty(), []);
      const layout = { data: ["n1", "n2", "n3"].map(admin), sentinels: [] };
      assert.equal(await replicationProblem(layout, layout.data[0]), undefined);
      // The replica catches up with what the primary had during the lag (a full resync may pass through 0 first).
      await waitUntil("the replica catching up after the heal", 15_000, async () => {
        const offset = Number((await info(admin("n2"), "replication")).slave_repl_offset);
        return offset >= masterOffset ? undefined : `replica at ${offset}, primary was at ${masterOffset}`;
      });
    } finally {
      await target.teardown();
      await supervisor.close();
    }
  });
});
