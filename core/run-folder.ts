// The results store: results/<name>/<timestamp>/ per run, results/latest -> newest run.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import type { Validity } from "./verdict.js";

export const FILES = {
  spec: "test.yaml",
  history: "history.jsonl",
  historyEdn: "history.edn",
  events: "events.jsonl",
  results: "results.json",
  processes: "processes.json",
} as const;

/** What results.json holds. */
export interface RunResults {
  name: string;
  /** Absent when a history was checked without its run's spec. */
  seed?: number;
  valid: Validity;
  startedAt: string;
  finishedAt: string;
  /** Set when the run did not complete normally (setup failure, interruption, crash). */
  error?: string;
  interrupted?: string;
  opCounts: Record<string, number>;
  checkers: Record<string, { valid: Validity; summary: string; details: Record<string, unknown>; report?: string[] }>;
}

/** Creates the run folder; returns its absolute path (nodes run in their own folders, so relative paths would break). */
export function createRunDir(resultsDir: string, name: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.(\d+)Z$/, "$1Z");
  let dir = resolve(resultsDir, name, stamp);
  // Two runs of the same test in the same millisecond: keep both.
  for (let i = 1; existsSync(dir); i++) dir = resolve(resultsDir, name, `${stamp}-${i}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Points results/latest at a run folder (a relative symlink, so the tree can be moved). */
export function markLatest(resultsDir: string, runDir: string): void {
  const link = join(resultsDir, "latest");
  rmSync(link, { force: true });
  symlinkSync(relative(resultsDir, runDir), link);
}

export function writeJson(file: string, data: unknown): void {
  writeFileSync(file, JSON.stringify(data, null, 2) + "\n");
}

export interface RunEntry {
  dir: string;
  name: string;
  stamp: string;
  results?: RunResults;
}

/** Every run folder under the results dir, newest first; runs without results.json are listed too. */
export function listRuns(resultsDir: string): RunEntry[] {
  const root = resolve(resultsDir);
  const runs: RunEntry[] = [];
  for (const name of safeReaddir(root)) {
    const testDir = join(root, name);
    if (name === "latest" || !isDir(testDir)) continue;
    for (const stamp of safeReaddir(testDir)) {
      const dir = join(testDir, stamp);
      if (!isDir(dir)) continue;
      runs.push({ dir, name, stamp, results: readResults(dir) });
    }
  }
  return runs.sort((a, b) => (a.stamp < b.stamp ? 1 : a.stamp > b.stamp ? -1 : 0));
}

export function readResults(runDir: string): RunResults | undefined {
  try {
    return JSON.parse(readFileSync(join(runDir, FILES.results), "utf8")) as RunResults;
  } catch {
    return undefined;
  }
}

/** A folder's entries; none when it cannot be read. */
export function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
