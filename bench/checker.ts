// npm run bench:checker — the linearizability checker on generated histories: time,
// memory and ops checked per second, single-threaded and on worker threads. Each case
// runs in its own process so that its peak RSS is its own.
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { checkLinearizability } from "../checkers/linearizable/check.js";
import { checkLinearizabilityParallel } from "../checkers/linearizable/parallel.js";
import { generateRegisterHistory, type Shape } from "./histories.js";

const SHAPES: Shape[] = [
  { name: "1 key, 10 clients, 5,000 ops", clients: 10, keys: 1, ops: 5_000, overlap: 1, infoRate: 0.01 },
  { name: "1 key, 10 clients, 5,000 ops, 4x overlap", clients: 10, keys: 1, ops: 5_000, overlap: 4, infoRate: 0.01 },
  { name: "5 keys, 50 clients, 50,000 ops", clients: 50, keys: 5, ops: 50_000, overlap: 1, infoRate: 0.01 },
  { name: "1,000 keys, 100 clients, 1,000,000 ops", clients: 100, keys: 1_000, ops: 1_000_000, overlap: 1, infoRate: 0.001 },
];

const LIMITS = { timeLimitMs: 120_000, memoryBytes: 2 ** 31 };

async function runCase(shape: Shape, threads: number): Promise<string> {
  const history = generateRegisterHistory(shape);
  const ops = history.length / 2;
  const t0 = performance.now();
  const result =
    threads === 1 ? checkLinearizability(history, "kv", LIMITS) : await checkLinearizabilityParallel(history, "kv", LIMITS, threads);
  const seconds = (performance.now() - t0) / 1000;
  const rss = (process.resourceUsage().maxRSS / 1024).toFixed(0);
  const rate = Math.round(ops / seconds).toLocaleString("en");
  return `| ${shape.name} | ${threads} | ${result.verdict} | ${seconds.toFixed(2)} s | ${rate} | ${rss} MiB |`;
}

const [, , mode, shapeIndex, threads] = process.argv;
if (mode === "--case") {
  console.log(await runCase(SHAPES[Number(shapeIndex)], Number(threads)));
} else {
  const filter = mode;
  console.log(`linearizability checker (kv model), ${availableParallelism()} cores, node ${process.version}`);
  console.log("| history | threads | verdict | time | ops/s | peak RSS (whole process, history included) |");
  console.log("|---|---|---|---|---|---|");
  SHAPES.forEach((shape, i) => {
    if (filter && !shape.name.includes(filter)) return;
    for (const t of [...new Set([1, availableParallelism()])]) {
      const line = execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--case", String(i), String(t)], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
      });
      process.stdout.write(line);
    }
  });
}
