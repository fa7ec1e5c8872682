// npm run bench:sentinel [-- samples] — the time from kill -9 of the primary to the first
// +switch-master, with bundled sentinels and nodes and with real redis-sentinel and
// redis-server: a primary, two replicas, three sentinels (quorum 2, down-after 2000 ms), each
// kind sampled several times, alternating. Prints every sample, the medians and the
// bundled/real ratio: a ratio on a shared machine belongs here, not in a test.
import { which } from "../targets/which.js";
import { waitFor } from "../test/helpers.js";
import { SentinelEvents, TestNodes, inSync, sentinelsKnowAll, type ServerKind } from "../test/support/nodes.js";

const SAMPLES = Number(process.argv[2] ?? 5);
/** The bundled sentinels should fail over within this many times real Sentinel's time. */
const TARGET_RATIO = 1.5;

/** One failover from a fresh topology: ms from the kill to the first +switch-master any sentinel published. */
async function failoverMs(kind: ServerKind): Promise<number> {
  const nodes = new TestNodes();
  const watchers: SentinelEvents[] = [];
  try {
    const primary = await nodes.start(kind, { "repl-diskless-sync-delay": "0" });
    const replicas = [];
    for (let i = 0; i < 2; i++) replicas.push(await nodes.start(kind, { "repl-diskless-sync-delay": "0", replicaof: `${primary.host} ${primary.port}` }));
    for (const r of replicas) await inSync(primary, r);
    const sentinels = [];
    for (let i = 0; i < 3; i++) sentinels.push(await nodes.startSentinel(kind, primary));
    await sentinelsKnowAll(sentinels, replicas.length);
    watchers.push(...(await Promise.all(sentinels.map((s) => SentinelEvents.watch(s)))));
    const killedAt = Date.now();
    await primary.kill();
    await waitFor("+switch-master", 120_000, () => watchers.some((w) => w.of("+switch-master").length > 0));
    return Math.min(...watchers.flatMap((w) => w.of("+switch-master").map((e) => e.at))) - killedAt;
  } finally {
    for (const w of watchers) w.close();
    await nodes.stopAll();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function main(): Promise<void> {
  if (!which("redis-server") || !which("redis-sentinel")) {
    console.error("bench:sentinel needs redis-server and redis-sentinel on PATH (apt-get install redis-server redis-sentinel)");
    process.exit(1);
  }
  if (!Number.isInteger(SAMPLES) || SAMPLES < 1) {
    console.error(`bench:sentinel takes the number of samples per kind, a positive integer, not ${JSON.stringify(process.argv[2])}`);
    process.exit(1);
  }
  console.log(`kill -9 of the primary to the first +switch-master: 1 primary, 2 replicas, 3 sentinels, quorum 2, down-after 2000 ms; ${SAMPLES} samples each, alternating, node ${process.version}`);
  console.log("| sample | redis-sentinel ms | bundled ms |");
  console.log("|---|---|---|");
  const real: number[] = [];
  const ours: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    real.push(await failoverMs("redis"));
    ours.push(await failoverMs("bundled"));
    console.log(`| ${i + 1} | ${real[i]} | ${ours[i]} |`);
  }
  const ratio = median(ours) / median(real);
  console.log(`| median | ${median(real)} | ${median(ours)} |`);
  console.log(`bundled/real ratio of the medians: ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? "met" : "NOT met"})`);
}

await main();
