// Parts checked on worker threads, one per core, when there is more than one part and
// more than one core. Same verdicts as checkLinearizability, sooner.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { History } from "../../history/op.js";
import { checkParts, combine, DEFAULT_LIMITS, modelByName, prepareParts, type LinearizabilityOptions } from "./check.js";
import type { Part } from "./prepare.js";
import type { LinearizabilityResult, PartitionResult } from "./types.js";
import type { WorkerRequest } from "./worker.js";

export async function checkLinearizabilityParallel(
  history: History,
  modelName: string,
  opts: LinearizabilityOptions = DEFAULT_LIMITS,
  threads = availableParallelism(),
): Promise<LinearizabilityResult> {
  const started = Date.now();
  const model = modelByName(modelName);
  const parts = prepareParts(history, model);
  const deadline = started + opts.timeLimitMs;
  const workers = Math.min(threads, parts.length);
  if (workers <= 1) {
    return combine(modelName, checkParts(model, parts, deadline, opts.memoryBytes), Date.now() - started);
  }
  const batches = balance(parts, workers);
  const memoryBytes = Math.floor(opts.memoryBytes / workers);
  const results = await Promise.all(batches.map((batch) => runWorker({ model: modelName, parts: batch, deadline, memoryBytes })));
  // Put the ops back (workers do not send them) and restore the parts' order.
  const byLabel = new Map(results.flat().map((r) => [r.label, r]));
  const partitions: PartitionResult[] = parts.map((p) => ({ ...byLabel.get(p.label)!, ops: p.ops }));
  return combine(modelName, partitions, Date.now() - started);
}

/** Largest parts first, each to the least loaded batch: the slowest worker finishes soonest. */
function balance(parts: readonly Part[], count: number): Part[][] {
  const batches: Part[][] = Array.from({ length: count }, () => []);
  const load = new Array<number>(count).fill(0);
  for (const part of [...parts].sort((a, b) => b.ops.length - a.ops.length)) {
    const i = load.indexOf(Math.min(...load));
    batches[i].push(part);
    load[i] += part.ops.length;
  }
  return batches;
}

function runWorker(req: WorkerRequest): Promise<PartitionResult[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./worker.js", import.meta.url));
    worker.once("message", (results: PartitionResult[]) => {
      resolve(results);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.postMessage(req);
  });
}
