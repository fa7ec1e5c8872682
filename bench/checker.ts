// npm run bench:checker — the linearizability checker on generated histories: time,
// memory and ops checked per second, single-threaded and on worker threads.
import { availableParallelism } from "node:os";
import { checkLinearizability } from "../checkers/linearizable/check.js";
import { checkLinearizabilityParallel } from "../checkers/linearizable/parallel.js";
import { generateRegisterHistory, type Shape } from "./histories.js";

const SHAPES: Shape[] = [
  { name: "1 key, 10 clients, 5,000 ops", clients: 10, keys: 1, ops: 5_000, overlap: 1, infoRate: 0.01 },
  { name: "1 key, 10 clients, 5,000 ops, heavy overlap", clients: 10, keys: 1, ops: 5_000, overlap: 4, infoRate: 0.01 },
  { name: "5 keys, 50 clients, 50,000 ops", clients: 50, keys: 5, ops: 50_000, overlap: 1, infoRate: 0.01 },
  { name: "1,000 keys, 100 clients, 1,000,000 ops", clients: 100, keys: 1_000, ops: 1_000_000, overlap: 1, infoRate: 0.001 },
];

const LIMITS = { timeLimitMs: 120_000, memoryBytes: 2 ** 31 };

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

async function main(): Promise<void> {
  const only = process.argv[2];
  console.log(`linearizability checker benchmark (kv model), ${availableParallelism()} cores, node ${process.version}`);
  console.log("shape | threads | verdict | time | ops/s | peak RSS");
  for (const shape of SHAPES) {
    if (only && !shape.name.includes(only)) continue;
    const history = generateRegisterHistory(shape);
    const ops = history.length / 2;
    for (const threads of [1, availableParallelism()]) {
      global.gc?.();
      const t0 = performance.now();
      const result =
        threads === 1 ? checkLinearizability(history, "kv", LIMITS) : await checkLinearizabilityParallel(history, "kv", LIMITS, threads);
      const seconds = (performance.now() - t0) / 1000;
      const rss = process.resourceUsage().maxRSS * 1024;
      console.log(`${shape.name} | ${threads} | ${result.verdict} | ${seconds.toFixed(2)} s | ${Math.round(ops / seconds).toLocaleString("en")} | ${mib(rss)}`);
    }
  }
}

await main();
