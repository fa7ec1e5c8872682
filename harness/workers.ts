// The client side of a run: `concurrency` workers, each invoking the workload's ops at
// its share of the rate until the deadline, recording every invocation and completion.
import type { Redis } from "ioredis";
import type { ClientRole, OpInput, Workload } from "../workloads/workload.js";
import { ensureReady } from "./client.js";
import { classifyError } from "../core/outcome.js";
import { ProcessSlot, type Recorder } from "./recorder.js";
import type { Rng } from "../core/rng.js";
import { sleep } from "../core/sleep.js";

export interface WorkerOptions {
  workload: Workload;
  recorder: Recorder;
  rng: Rng;
  concurrency: number;
  /** Total ops per second across all workers. */
  rate: number;
  /** Date.now() value at which workers stop invoking. */
  deadline: number;
  signal: AbortSignal;
  /** A new connection (to the primary, or to a replica for a replica worker); each process gets its own, as a Jepsen client does. */
  connect(role: ClientRole): Redis;
  /** Node id behind a client's current connection. */
  nodeOf(client: Redis): string | undefined;
  /** Bound on waiting for a fresh connection before an op is tried anyway. */
  connectWaitMs: number;
}

/** Runs the workers until the deadline or an abort. */
export async function runWorkers(opts: WorkerOptions): Promise<void> {
  await Promise.all(
    Array.from({ length: opts.concurrency }, (_, i) =>
      runWorker(new ProcessSlot(i, opts.concurrency), opts.rng.fork(), opts.workload.roleOf?.(i) ?? "primary", opts),
    ),
  );
}

async function runWorker(slot: ProcessSlot, rng: Rng, role: ClientRole, opts: WorkerOptions): Promise<void> {
  const periodMs = (1000 * opts.concurrency) / opts.rate;
  let client = opts.connect(role);
  await waitReady(client, opts.connectWaitMs, opts.signal);
  let nextStart = Date.now() + rng.next() * periodMs; // spread the workers' phases
  while (!opts.signal.aborted) {
    await sleep(nextStart - Date.now(), opts.signal);
    if (opts.signal.aborted || Date.now() >= opts.deadline) break;
    nextStart = Math.max(nextStart + periodMs, Date.now());
    if (client.status === "end") {
      // ioredis gave up on this connection (a failed connect ends it for good); no op is in flight.
      client = opts.connect(role);
      await waitReady(client, opts.connectWaitMs, opts.signal);
    }
    const outcome = await invoke(client, slot.current, opts.workload.next(rng, role), opts);
    if (outcome === "info") {
      // The op may still be in flight: continue as a new process on a new connection.
      slot.retire();
      client.disconnect();
      client = opts.connect(role);
      await waitReady(client, opts.connectWaitMs, opts.signal);
    }
  }
  client.disconnect();
}

/** One op: records the invocation, runs it, records exactly one completion. */
export async function invoke(
  client: Redis,
  process: number,
  op: OpInput,
  opts: Pick<WorkerOptions, "workload" | "recorder" | "nodeOf">,
): Promise<"ok" | "fail" | "info"> {
  opts.recorder.record(process, "invoke", op);
  try {
    ensureReady(client);
    const value = await opts.workload.apply(client, op);
    opts.recorder.record(process, "ok", { ...op, value, node: opts.nodeOf(client) });
    return "ok";
  } catch (err) {
    const { type, error } = classifyError(err);
    opts.recorder.record(process, type, { ...op, node: opts.nodeOf(client), error });
    return type;
  }
}

export function waitReady(client: Redis, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  if (client.status === "ready") return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    client.once("ready", done);
    signal?.addEventListener("abort", done, { once: true });
  });
}
