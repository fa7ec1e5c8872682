#!/usr/bin/env node
// redline's command line: run, check, ls. Bad arguments and bad specs exit 254 with a
// message naming what is wrong; an unexpected failure exits 255.
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import { parseHistory, HistoryParseError } from "../history/jsonl.js";
import { checkersFor, opCounts, runCheckers } from "./check.js";
import { EXIT, exitCodeFor, SetupError } from "./exit-codes.js";
import { run, type Progress } from "./runner.js";
import { FLAGS, loadSpec, SpecError } from "./spec-parse.js";
import { CHECKERS, type CheckerName } from "./spec.js";
import { FILES, listRuns, readResults, writeJson, type RunResults } from "./store.js";
import { formatSummary, verdictWord } from "./summary.js";

class UsageError extends Error {}

const program = new Command()
  .name("redline")
  .description("Chaos and compliance test harness for Redis-compatible servers")
  .showHelpAfterError()
  .exitOverride();

const runCmd = program
  .command("run")
  .description("run a test from a YAML spec and/or flags (flags override the spec)")
  .argument("[spec]", "YAML spec file");
for (const f of FLAGS) runCmd.addOption(new Option(`${f.flag} <value>`, f.description + (f.list ? " (comma-separated)" : "")));
runCmd.action(async (specFile: string | undefined, options: Record<string, string>) => {
  const flags: Record<string, string> = {};
  for (const f of FLAGS) {
    const value = options[camel(f.flag)];
    if (value !== undefined) flags[f.flag] = value;
  }
  const spec = loadSpec({ file: specFile, flags });
  const controller = new AbortController();
  const stopOn = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      // Second signal: stop now. The supervisor's exit hook kills every process of the run.
      process.exit(EXIT.unknown);
    }
    clearProgress();
    process.stderr.write(`redline: ${sig}: stopping the run and every process it started (again to stop at once)\n`);
    controller.abort(sig);
  };
  process.on("SIGINT", stopOn);
  process.on("SIGTERM", stopOn);
  const { runDir, results } = await run(spec, {
    signal: controller.signal,
    log: (line) => {
      clearProgress();
      process.stderr.write(`redline: ${line}\n`);
    },
    onProgress: showProgress,
  });
  clearProgress();
  process.stdout.write(formatSummary(results, runDir) + "\n");
  process.exitCode = exitCodeFor(results.valid);
});

program
  .command("check")
  .description("re-run the checkers on a stored history (a run folder or a history.jsonl)")
  .argument("<path>", "run folder or history.jsonl")
  .option("--checkers <names>", `checkers to run, comma-separated (${CHECKERS.join(", ")}); default: the run's own`)
  .action((path: string, options: { checkers?: string }) => {
    const { runDir, historyFile } = locate(path);
    const specFile = join(runDir, FILES.spec);
    const spec = existsSync(specFile) ? loadSpec({ file: specFile }) : undefined;
    const names = options.checkers ? parseCheckerList(options.checkers) : spec ? checkersFor(spec) : (["stats"] as CheckerName[]);
    const history = parseHistory(readText(historyFile), historyFile);
    const checked = runCheckers(history, names);
    const previous = readResults(runDir);
    const results: RunResults = {
      ...(previous ?? { name: spec?.name ?? basename(runDir), seed: spec?.seed ?? 0, startedAt: "", finishedAt: "" }),
      valid: checked.valid,
      opCounts: opCounts(history),
      checkers: checked.checkers,
    };
    if (existsSync(specFile)) writeJson(join(runDir, FILES.results), results);
    process.stdout.write(formatSummary(results, runDir) + "\n");
    process.exitCode = exitCodeFor(results.valid);
  });

program
  .command("ls")
  .description("list past runs with their verdicts, newest first")
  .option("--results-dir <dir>", "results folder", "results")
  .action((options: { resultsDir: string }) => {
    const runs = listRuns(options.resultsDir);
    if (runs.length === 0) {
      process.stdout.write(`no runs in ${options.resultsDir}\n`);
      return;
    }
    for (const r of runs) {
      const verdict = r.results ? verdictWord(r.results.valid) : "incomplete";
      const ops = r.results ? String(r.results.opCounts.invoke ?? 0) : "-";
      process.stdout.write(`${r.stamp}  ${verdict.padEnd(10)} ${ops.padStart(7)} ops  ${r.name}  ${r.dir}\n`);
    }
  });

function locate(path: string): { runDir: string; historyFile: string } {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  if (statSync(path).isDirectory()) {
    const historyFile = join(path, FILES.history);
    if (!existsSync(historyFile)) throw new UsageError(`${path}: not a run folder (no ${FILES.history})`);
    return { runDir: resolve(path), historyFile };
  }
  return { runDir: resolve(dirname(path)), historyFile: path };
}

function parseCheckerList(text: string): CheckerName[] {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!(CHECKERS as readonly string[]).includes(n)) {
      throw new UsageError(`--checkers: '${n}' is not a checker; expected one of ${CHECKERS.join(", ")}`);
    }
  }
  return names as CheckerName[];
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`${file}: cannot read: ${(err as Error).message}`);
  }
}

function camel(flag: string): string {
  return flag.replace(/^--/, "").replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

let progressShown = false;
function showProgress(p: Progress): void {
  if (!process.stderr.isTTY) return;
  const fault = p.fault ? `  fault: ${p.fault}` : "";
  process.stderr.write(`\r\x1b[K[${p.phase}] ${p.elapsedS.toFixed(0)} s  ${p.ops} ops${fault}`);
  progressShown = true;
}

function clearProgress(): void {
  if (progressShown) process.stderr.write("\r\x1b[K");
  progressShown = false;
}

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (err) {
    process.exitCode = report(err);
  }
}

/** Prints an error the way its kind deserves and returns the exit code. */
function report(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander has printed its own message (or the help / version).
    return err.exitCode === 0 ? 0 : EXIT.badSpec;
  }
  if (err instanceof SpecError || err instanceof UsageError || err instanceof HistoryParseError) {
    process.stderr.write(`redline: ${err.message}\n`);
    return EXIT.badSpec;
  }
  if (err instanceof SetupError) {
    process.stderr.write(`redline: ${err.message}\n`);
    return EXIT.crash;
  }
  process.stderr.write(`redline: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return EXIT.crash;
}

await main();
