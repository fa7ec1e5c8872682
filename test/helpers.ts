// Shared by the integration tests: run the CLI as a user would, and check processes.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sameProcess } from "../targets/proc.js";
import type { ProcessRecord, StartedProcess } from "../targets/supervisor.js";

export const CLI = fileURLToPath(new URL("../harness/cli.js", import.meta.url));

const tempDirs: string[] = [];

/** Removes this process's temp dirs as it ends (run folders hold logs and data files: megabytes each), unless REDLINE_KEEP_TEST_DIRS is set. */
function removeTempDirs(): void {
  if (process.env.REDLINE_KEEP_TEST_DIRS) return;
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
process.once("exit", removeTempDirs);
// Mocha's parallel workers are ended with SIGTERM, which skips "exit" handlers: clean up, then
// take the signal again, now without a handler, so the process ends as it would have.
process.once("SIGTERM", () => {
  removeTempDirs();
  process.kill(process.pid, "SIGTERM");
});

/** A fresh directory under the system's temp dir, removed when the test process ends. */
export function tempDir(prefix = "redline-test-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function startCli(
  args: string[],
  cwd?: string,
  env?: Record<string, string>,
): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d) => (stdout += d));
  child.stderr!.on("data", (d) => (stderr += d));
  const done = new Promise<CliResult>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

/**
 * Ends a CLI run a test started, whatever became of the test: the CLI if it still runs, then
 * every process its processes.json records that still runs (a SIGKILLed harness leaves its
 * nodes behind). For a `finally`: an assertion that fails first must not leak servers.
 */
export async function endRun(run: { child: ChildProcess; done: Promise<CliResult> }, resultsDir: string): Promise<void> {
  if (run.child.exitCode === null && run.child.signalCode === null) {
    run.child.kill("SIGKILL");
    await run.done;
  }
  let started: StartedProcess[];
  try {
    started = readJson<ProcessRecord>(join(onlyRunDir(resultsDir), "processes.json")).processes;
  } catch {
    return; // no run folder or no record yet: nothing was started
  }
  for (const p of started) if (sameProcess(p.pid, p.startTime)) process.kill(p.pid, "SIGKILL");
}

export function runCli(args: string[], cwd?: string, env?: Record<string, string>): Promise<CliResult> {
  return startCli(args, cwd, env).done;
}

/** True while a PID names a live, non-zombie process. */
export function pidAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** PIDs of the live processes whose command line mentions `text` (a run's folder, say). */
export function pidsMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) pids.push(Number(entry));
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** The only run folder under a results dir (tests give each run its own results dir). */
export function onlyRunDir(resultsDir: string): string {
  const names = readdirSync(resultsDir).filter((n) => n !== "latest");
  if (names.length !== 1) throw new Error(`expected one test folder in ${resultsDir}, found ${names.join(", ")}`);
  const stamps = readdirSync(join(resultsDir, names[0]));
  if (stamps.length !== 1) throw new Error(`expected one run in ${resultsDir}/${names[0]}`);
  return join(resultsDir, names[0], stamps[0]);
}

export function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/**
 * Polls `check` until it returns true; a check that throws counts as "not yet". Tests wait for
 * the condition itself (INFO fields, bytes received, an event) with a generous deadline, never
 * for a fixed time: on a loaded machine everything is late, and only the deadline must hold.
 * Fails naming what it waited for and the last error the check threw.
 */
export async function waitFor(what: string, timeoutMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      if (await check()) return;
      last = "";
    } catch (err) {
      last = ` (last error: ${(err as Error).message})`;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
