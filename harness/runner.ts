// One run, start to end: set up the target, run workload and nemesis until the time
// limit, heal, read the final state, tear down, check, store. Teardown and the heal run
// whichever way the run goes; an abort (SIGINT/SIGTERM) skips straight to teardown.
import { join } from "node:path";
import { writeFileSync } from "node:fs";
import type { Redis } from "ioredis";
import { opsToEdn } from "../history/jepsen.js";
import { scheduledFaults } from "../nemesis/index.js";
import { runSchedule } from "../nemesis/schedule.js";
import { createWorkload } from "../workloads/index.js";
import type { ClientRole, Workload } from "../workloads/workload.js";
import { checkersOf, opCounts, runCheckersWith, storeArtifacts } from "./check.js";
import { createClient, remoteAddress } from "./client.js";
import { Observer } from "./observer.js";
import { Recorder } from "./recorder.js";
import { Rng } from "../core/rng.js";
import { sleep } from "../core/sleep.js";
import { specToYaml } from "../spec/index.js";
import type { Spec } from "../core/spec.js";
import { createRunDir, FILES, markLatest, writeJson, type RunResults } from "../core/run-folder.js";
import { Supervisor } from "../targets/supervisor.js";
import { MASTER_NAME } from "../targets/topology.js";
import { createTarget, preflight } from "../targets/index.js";
import type { Target } from "../core/target.js";
import { invoke, runWorkers, waitReady } from "./workers.js";

export interface Progress {
  phase: "setup" | "workload" | "heal" | "final reads" | "teardown" | "check";
  elapsedS: number;
  ops: number;
  fault?: string;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Human-readable notes on the phases of the run. */
  log?: (line: string) => void;
  onProgress?: (p: Progress) => void;
  /** Makes the target instead of the spec's (tests: for example bundled data nodes under real sentinels). */
  createTarget?: (spec: Spec, runDir: string, supervisor: Supervisor) => Target;
}

export interface RunOutcome {
  runDir: string;
  results: RunResults;
}

/** Attempts at each final read: the heal has settled, but a read can still meet a reconnect. */
const FINAL_READ_ATTEMPTS = 10;

export async function run(spec: Spec, opts: RunOptions = {}): Promise<RunOutcome> {
  const log = opts.log ?? (() => undefined);
  const signal = opts.signal ?? new AbortController().signal;
  preflight(spec);

  const startedAt = new Date();
  const runDir = createRunDir(spec.resultsDir, spec.name, startedAt);
  writeFileSync(join(runDir, FILES.spec), specToYaml(spec));
  markLatest(spec.resultsDir, runDir);
  const supervisor = new Supervisor(join(runDir, FILES.processes));
  const recorder = new Recorder(join(runDir, FILES.history));
  const rng = new Rng(spec.seed);
  const workload = createWorkload(spec.workload);
  const target = (opts.createTarget ?? createTarget)(spec, runDir, supervisor);

  let phase: Progress["phase"] = "setup";
  let fault: string | undefined;
  const t0 = Date.now();
  const progressTimer = setInterval(() => {
    opts.onProgress?.({ phase, elapsedS: (Date.now() - t0) / 1000, ops: recorder.history().length, fault });
  }, 1000);

  let error: string | undefined;
  let setUp = false;
  let observer: Observer | undefined;
  try {
    log(`run folder ${runDir}`);
    log(`starting ${spec.target} ${spec.topology.type} topology`);
    await target.setup();
    setUp = true;
    observer = startObserver(spec, target, recorder, runDir);
    await observer?.start();
    if (!signal.aborted) {
      phase = "workload";
      log(`running ${spec.workload.type} workload for ${spec.timeLimitS} s, nemesis ${spec.nemesis.faults.join("+")}`);
      await runPhase(spec, target, workload, recorder, rng, signal, (f) => (fault = f));
    }
  } catch (err) {
    error = describe(err);
  }

  try {
    if (setUp && !signal.aborted) {
      phase = "heal";
      log("final heal: resuming and restarting every node, waiting for the topology to settle");
      await target.heal();
      phase = "final reads";
      await finalReads(spec, target, workload, recorder, nextProcess(recorder));
    }
  } catch (err) {
    error ??= describe(err);
  } finally {
    phase = "teardown";
    // After the heal and the final reads, so the record holds the old primary rejoining.
    await observer?.stop().catch((err) => (error ??= describe(err)));
    await target.teardown().catch((err) => (error ??= describe(err)));
    await supervisor.close();
    recorder.close();
    clearInterval(progressTimer);
  }

  phase = "check";
  const history = recorder.history();
  writeFileSync(join(runDir, FILES.historyEdn), opsToEdn(history));
  const checked = await runCheckersWith(history, checkersOf(spec), observer ? { events: observer.events() } : undefined);
  const interrupted = signal.aborted ? String(signal.reason ?? "aborted") : undefined;
  const results: RunResults = {
    name: spec.name,
    seed: spec.seed,
    // A run that did not complete cannot vouch for the target, whatever the checkers say.
    valid: checked.valid === false ? false : error || interrupted ? "unknown" : checked.valid,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    error,
    interrupted,
    opCounts: opCounts(history),
    checkers: storeArtifacts(runDir, checked.checkers),
  };
  writeJson(join(runDir, FILES.results), results);
  // The reports are for people and CI; failing to draw them must not change the verdict.
  try {
    // Loaded here, not at the top: the charting library is only needed once a run has ended.
    const { writeReports } = await import("../report/index.js");
    await writeReports(runDir, { history, results });
  } catch (err) {
    log(`reports not written: ${describe(err)}`);
  }
  return { runDir, results };
}

/** An observer for topologies with something to observe (replicas or sentinels); none for standalone. */
function startObserver(spec: Spec, target: Target, recorder: Recorder, runDir: string): Observer | undefined {
  if (spec.topology.type === "standalone") return undefined;
  return new Observer({
    nodes: target.nodes.map(({ id, kind, host, port }) => ({ id, kind, host, port })),
    admin: (id) => target.adminAddress(id),
    now: () => recorder.now(),
    file: join(runDir, FILES.events),
    ...(spec.topology.type === "sentinel" ? { masterName: MASTER_NAME } : {}),
  });
}

async function runPhase(
  spec: Spec,
  target: Target,
  workload: Workload,
  recorder: Recorder,
  rng: Rng,
  signal: AbortSignal,
  onFault: (f: string | undefined) => void,
): Promise<void> {
  const deadline = Date.now() + spec.timeLimitS * 1000;
  const clientRng = rng.fork();
  const nemesisRng = rng.fork();
  await Promise.all([
    runWorkers({
      workload,
      recorder,
      rng: clientRng,
      concurrency: spec.workload.concurrency,
      rate: spec.workload.rate,
      deadline,
      signal,
      connect: (role) => connect(spec, target, role),
      nodeOf: (c) => nodeOf(target, c),
      connectWaitMs: spec.workload.timeoutMs,
    }),
    runSchedule(
      scheduledFaults(spec.nemesis),
      { target, rng: nemesisRng, roles: spec.nemesis.targets },
      {
        mode: spec.nemesis.mode,
        deadline,
        signal,
        record: (f, value) => recorder.record("nemesis", "info", { f, value }),
        onChange: onFault,
      },
    ),
  ]);
}

/** Reads the final state through a fresh client, retrying each read until one completes `ok`. */
async function finalReads(spec: Spec, target: Target, workload: Workload, recorder: Recorder, firstProcess: number): Promise<void> {
  let process = firstProcess;
  let client = connect(spec, target);
  try {
    for (const op of workload.finalOps()) {
      for (let attempt = 1; attempt <= FINAL_READ_ATTEMPTS; attempt++) {
        await waitReady(client, spec.workload.timeoutMs);
        const outcome = await invoke(client, process, op, { workload, recorder, nodeOf: (c) => nodeOf(target, c) });
        if (outcome === "ok") break;
        if (outcome === "info" || client.status === "end") {
          process++;
          client.disconnect();
          client = connect(spec, target);
        }
        await sleep(500);
      }
    }
  } finally {
    client.disconnect();
  }
}

let replicaTurn = 0;

/** A client of the primary, or of a replica (Sentinel picks one; without Sentinel, the replicas in turn). */
function connect(spec: Spec, target: Target, role: ClientRole = "primary"): Redis {
  const replicas = role === "replica" ? target.replicaEndpoints() : [];
  const endpoint = replicas.length > 0 ? replicas[replicaTurn++ % replicas.length] : target.endpoint();
  return createClient(endpoint, { password: target.password, timeoutMs: spec.workload.timeoutMs, replica: replicas.length > 0 });
}

function nodeOf(target: Target, client: Redis): string | undefined {
  const addr = remoteAddress(client);
  return addr ? target.nodeAt(addr.host, addr.port) : undefined;
}

/** The first process number no op has used, even after a run that broke off mid-way. */
function nextProcess(recorder: Recorder): number {
  let max = -1;
  for (const op of recorder.history()) if (typeof op.process === "number" && op.process > max) max = op.process;
  return max + 1;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
