#!/usr/bin/env node
// redline's command line: run, check, ls. Bad arguments and bad specs exit 254 with a
// message naming what is wrong; an unexpected failure exits 255.
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { Command, CommanderError, Option } from "commander";
import type { Checker } from "../checkers/checker.js";
import { CHECKERS, checkerNamed } from "../checkers/index.js";
import { DEFAULT_LIMITS } from "../checkers/linearizable/check.js";
import { linearizableChecker } from "../checkers/linearizable/checker.js";
import { MODEL_NAMES } from "../checkers/models/index.js";
import { main as serverMain } from "../bundled-server/main.js";
import { parseEdnHistory } from "../history/jepsen.js";
import { EventsParseError, parseEvents, type Observation } from "../history/events.js";
import { parseHistory, HistoryParseError } from "../history/jsonl.js";
import type { Op } from "../history/op.js";
import { checkersFor, checkersOf, opCounts, runCheckersWith, storeArtifacts } from "./check.js";
import { EXIT, exitCodeFor, SetupError } from "../core/exit-codes.js";
import { CHAOS_TIME_LIMIT_S, chaosRuns } from "./chaos.js";
import { reapLeftovers } from "./reap.js";
import { run, type Progress } from "./runner.js";
import { FLAGS, loadSpec, SpecError } from "../spec/index.js";
import type { Spec } from "../core/spec.js";
import { FILES, listRuns, readResults, writeJson, type RunResults } from "../core/run-folder.js";
import { formatSummary, verdictWord } from "./summary.js";
import { archiveRun } from "../report/archive.js";

/** The reports (and their charting library) are loaded only by the commands that draw them. */
const reports = () => import("../report/index.js");
/** `redline serve`'s port on 127.0.0.1. */
const DEFAULT_PORT = 8421;

class UsageError extends Error {}

const CHECKER_NAMES = CHECKERS.map((c) => c.name);

const MIB = 1024 * 1024;

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
runCmd.option("--archive", "also write a reproducible <run folder>.tar.gz of the run folder");
runCmd.action(async (specFile: string | undefined, options: Record<string, string | boolean>) => {
  const flags: Record<string, string> = {};
  for (const f of FLAGS) {
    const value = options[camel(f.flag)];
    if (typeof value === "string") flags[f.flag] = value;
  }
  // Nothing said at all: the default chaos run.
  if (specFile === undefined && Object.keys(flags).length === 0) return runChaos({}, options.archive === true);
  const { results, runDir } = await runSpecIn(loadSpec({ file: specFile, flags }));
  if (options.archive) await printArchive(runDir);
  process.exitCode = exitCodeFor(results.valid);
});

async function printArchive(runDir: string, out?: string): Promise<void> {
  const a = await archiveRun(runDir, out);
  process.stdout.write(`archive: ${a.file} (${a.entries} entries, ${a.bytes} bytes)\n`);
}

program
  .command("chaos")
  .description(`the default chaos run: bundled primary, 2 replicas, 3 sentinels; set then register workloads under partitions and kills (${CHAOS_TIME_LIMIT_S} s each)`)
  .option("--time-limit <s>", `seconds of workload per run (default ${CHAOS_TIME_LIMIT_S})`)
  .option("--results-dir <dir>", "where the run folders go (default results)")
  .option("--seed <n>", "RNG seed of both runs (default: random)")
  .option("--archive", "also write a reproducible .tar.gz of each run folder")
  .action((options: { timeLimit?: string; resultsDir?: string; seed?: string; archive?: boolean }) =>
    runChaos({ "--time-limit": options.timeLimit, "--results-dir": options.resultsDir, "--seed": options.seed }, options.archive === true),
  );

/** Both chaos runs, one after the other; the exit code is the worse verdict. */
async function runChaos(overrides: Record<string, string | undefined>, archive = false): Promise<void> {
  const verdicts: Array<{ name: string; valid: RunResults["valid"]; runDir: string }> = [];
  for (const flags of chaosRuns(overrides)) {
    const spec = loadSpec({ flags });
    const { results, runDir, interrupted } = await runSpecIn(spec);
    verdicts.push({ name: spec.name, valid: results.valid, runDir });
    if (archive) await printArchive(runDir);
    if (interrupted) break;
  }
  process.stdout.write("\nchaos: reports\n" + verdicts.map((v) => `  ${v.name.padEnd(16)} ${verdictWord(v.valid).padEnd(8)} ${v.runDir}`).join("\n") + "\n");
  const worst = verdicts.some((v) => v.valid === false) ? false : verdicts.some((v) => v.valid === "unknown") ? "unknown" : true;
  process.exitCode = exitCodeFor(worst);
}

/** One run with progress on stderr, interrupts handled, and the summary on stdout. */
async function runSpecIn(spec: Spec): Promise<{ results: RunResults; runDir: string; interrupted: boolean }> {
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
  process.off("SIGINT", stopOn);
  process.off("SIGTERM", stopOn);
  process.stdout.write(formatSummary(results, runDir) + "\n");
  return { results, runDir, interrupted: controller.signal.aborted };
}

program
  .command("check")
  .description("re-run the checkers on a stored history: a run folder, a history.jsonl, or a Jepsen/Knossos EDN history")
  .argument("<path>", "run folder, history.jsonl or history.edn")
  .option("--checkers <names>", `checkers to run, comma-separated (${CHECKER_NAMES.join(", ")}); default: the run's own`)
  .option("--model <name>", `check linearizability with this model (${MODEL_NAMES.join(", ")})`)
  .option("--time-limit <s>", `linearizability: seconds before giving up with unknown (default: the run's, else ${DEFAULT_LIMITS.timeLimitMs / 1000})`)
  .option("--memory-limit <mb>", `linearizability: MiB of search cache before giving up with unknown (default: the run's, else ${DEFAULT_LIMITS.memoryBytes / MIB})`)
  .option("--out <dir>", "folder for the views (default: the run folder, or the history's folder)")
  .action(async (path: string, options: CheckOptions) => {
    const input = locate(path);
    const spec = input.specFile ? loadSpec({ file: input.specFile }) : undefined;
    const history = readHistory(input.historyFile);
    const observation = readObservation(join(dirname(resolve(input.historyFile)), FILES.events));
    const checkers = chooseCheckers(options, spec);
    const checked = await runCheckersWith(history, checkers, observation);
    const outDir = options.out ?? input.runDir;
    mkdirSync(outDir, { recursive: true });
    const previous = input.specFile ? readResults(input.runDir) : undefined;
    const results: RunResults = {
      ...(previous ?? { name: spec?.name ?? basename(input.historyFile), seed: spec?.seed, startedAt: "", finishedAt: "" }),
      valid: checked.valid,
      opCounts: opCounts(history),
      checkers: storeArtifacts(outDir, checked.checkers),
    };
    writeJson(join(outDir, FILES.results), results);
    await (await reports()).writeReports(outDir, { history, results });
    process.stdout.write(formatSummary(results, outDir) + "\n");
    process.exitCode = exitCodeFor(results.valid);
  });

interface CheckOptions {
  checkers?: string;
  model?: string;
  timeLimit?: string;
  memoryLimit?: string;
  out?: string;
}

/** --model means linearizability with that model, besides any --checkers; otherwise the run's own checkers. */
function chooseCheckers(options: CheckOptions, spec: Spec | undefined): Checker[] {
  const limits = {
    timeLimitMs:
      options.timeLimit !== undefined
        ? positiveNumber("--time-limit", options.timeLimit) * 1000
        : (spec?.linearizability.timeLimitS ?? DEFAULT_LIMITS.timeLimitMs / 1000) * 1000,
    memoryBytes:
      options.memoryLimit !== undefined
        ? positiveNumber("--memory-limit", options.memoryLimit) * MIB
        : (spec?.linearizability.memoryLimitMb ?? DEFAULT_LIMITS.memoryBytes / MIB) * MIB,
  };
  const named = options.checkers ? parseCheckerList(options.checkers) : options.model ? [] : spec ? checkersFor(spec) : ["stats"];
  const checkers = named.map((n) =>
    n === "linearizable" ? linearizableChecker("kv", limits) : spec ? checkersOf(spec, [n])[0] : checkerNamed(n).configure(),
  );
  if (options.model) {
    if (!MODEL_NAMES.includes(options.model)) {
      throw new UsageError(`--model: '${options.model}' is not a model; expected one of ${MODEL_NAMES.join(", ")}`);
    }
    checkers.unshift(linearizableChecker(options.model, limits));
  }
  return checkers;
}

function positiveNumber(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: '${text}' is not a positive number`);
  return n;
}

/** The observer's record beside a history, if there is one. */
function readObservation(file: string): Observation | undefined {
  if (!existsSync(file)) return undefined;
  return { events: parseEvents(readText(file), file) };
}

function readHistory(file: string): Op[] {
  const text = readText(file);
  return file.endsWith(".edn") ? parseEdnHistory(text, file) : parseHistory(text, file);
}

program
  .command("report")
  .description("re-render a run's reports (report.html, junit.xml, summary.md) from its stored history and results.json")
  .argument("<run-folder>", "the run folder")
  .action(async (dir: string) => {
    if (!existsSync(join(dir, FILES.results))) throw new UsageError(`${dir}: not a checked run folder (no ${FILES.results}); \`redline check ${dir}\` checks it and writes the reports`);
    for (const file of await (await reports()).writeReports(resolve(dir))) process.stdout.write(`${file}\n`);
  });

program
  .command("archive")
  .description("write a reproducible .tar.gz of a run folder (the same folder gives the same bytes)")
  .argument("<run-folder>", "the run folder")
  .option("--out <file>", "where to write it (default: <run folder>.tar.gz beside the folder)")
  .action(async (dir: string, options: { out?: string }) => {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${dir}: no such run folder`);
    await printArchive(dir, options.out);
  });

program
  .command("serve")
  .description("a local web UI listing the runs in a results folder, newest first, with their verdicts and reports (127.0.0.1 only)")
  .option("--results-dir <dir>", "results folder", "results")
  .option("--port <n>", `port on 127.0.0.1 (0: any free port)`, String(DEFAULT_PORT))
  .action(async (options: { resultsDir: string; port: string }) => {
    const port = Number(options.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: '${options.port}' is not a port number`);
    const { serve } = await import("../report/serve.js");
    const running = await serve({ resultsDir: options.resultsDir, port });
    process.stdout.write(`redline: serving ${resolve(options.resultsDir)} at ${running.url} (Ctrl-C stops)\n`);
    await new Promise<void>((done) => {
      const stop = () => {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
        void running.close().then(done);
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    });
  });

program
  .command("server")
  .description("run the bundled Redis-compatible server: [config-file] [--option value ...], as redis-server")
  .allowUnknownOption()
  .allowExcessArguments()
  .helpOption(false)
  .action(async (_options: unknown, cmd: Command) => {
    await serverMain(cmd.args);
  });

program
  .command("reap")
  .description("stop the processes left behind by runs whose harness was killed (checked by PID and start time)")
  .option("--results-dir <dir>", "results folder", "results")
  .action((options: { resultsDir: string }) => {
    const reaped = reapLeftovers(options.resultsDir);
    for (const r of reaped) process.stdout.write(`stopped ${r.name} (pid ${r.pid}) of ${r.runDir}\n`);
    process.stdout.write(`${reaped.length} leftover process${reaped.length === 1 ? "" : "es"} stopped\n`);
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

interface Located {
  runDir: string;
  historyFile: string;
  /** The run's test.yaml, when the history belongs to a run folder. */
  specFile?: string;
}

function locate(path: string): Located {
  if (!existsSync(path)) throw new UsageError(`${path}: no such file or folder`);
  const isDir = statSync(path).isDirectory();
  const runDir = resolve(isDir ? path : dirname(path));
  const historyFile = isDir ? join(runDir, FILES.history) : path;
  if (!existsSync(historyFile)) throw new UsageError(`${path}: not a run folder (no ${FILES.history})`);
  const specFile = join(runDir, FILES.spec);
  return { runDir, historyFile, specFile: existsSync(specFile) ? specFile : undefined };
}

function parseCheckerList(text: string): string[] {
  const names = text.split(",").map((s) => s.trim()).filter(Boolean);
  for (const n of names) {
    if (!CHECKER_NAMES.includes(n)) {
      throw new UsageError(`--checkers: '${n}' is not a checker; expected one of ${CHECKER_NAMES.join(", ")}`);
    }
  }
  return names;
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
  if (err instanceof SpecError || err instanceof UsageError || err instanceof HistoryParseError || err instanceof EventsParseError) {
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
