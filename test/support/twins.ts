// A `redline run` from the command line with its results and history read back, and a bug
// switch's run beside its honest twin: the same arguments, seed included, but the bug, run one
// after the other so that neither judges its timing under the other's load.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RunResults } from "../../core/run-folder.js";
import { parseHistory } from "../../history/jsonl.js";
import type { Op } from "../../history/op.js";
import { onlyRunDir, readJson, runCli, tempDir } from "../helpers.js";

export interface CliRun {
  code: number | null;
  stdout: string;
  /** stdout and stderr, for assertion messages. */
  output: string;
  results: RunResults;
  history: Op[];
}

/** `redline run ARGS` into a fresh results dir. */
export async function redlineRun(args: string[]): Promise<CliRun> {
  const resultsDir = join(tempDir(), "results");
  const res = await runCli(["run", ...args, "--results-dir", resultsDir]);
  const output = `${res.stdout}\n${res.stderr}`;
  let dir: string;
  try {
    dir = onlyRunDir(resultsDir);
  } catch {
    throw new Error(`no run folder (exit ${res.code}):\n${output}`);
  }
  return {
    code: res.code,
    stdout: res.stdout,
    output,
    results: readJson<RunResults>(join(dir, "results.json")),
    history: parseHistory(readFileSync(join(dir, "history.jsonl"), "utf8")),
  };
}

/** The run with `--bug BUG`, then the same run without it. */
export async function twins(bug: string, args: string[]): Promise<{ buggy: CliRun; honest: CliRun }> {
  const buggy = await redlineRun([...args, "--bug", bug]);
  const honest = await redlineRun(args);
  return { buggy, honest };
}

/** The nemesis's `start` ops of one fault: the proof that the fault happened. */
export function faultStarts(run: CliRun, fault: string): Op[] {
  return run.history.filter((op) => op.process === "nemesis" && op.f === "start" && (op.value as { fault?: string } | undefined)?.fault === fault);
}
