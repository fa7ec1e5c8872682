// Replayable fast-check runs: one base seed per test process, printed in the test titles, read
// from REDLINE_FC_SEED when set (and REDLINE_FC_PATH, to go straight to a shrunk counterexample),
// and a failure message that says how to replay it.
import fc from "fast-check";

/** The base seed: REDLINE_FC_SEED, or a fresh one (printed by the tests that use it). */
export const BASE_SEED: number = seedFromEnv() ?? (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;

function seedFromEnv(): number | undefined {
  const text = process.env.REDLINE_FC_SEED;
  if (text === undefined || text === "") return undefined;
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new Error(`REDLINE_FC_SEED must be an integer, got ${JSON.stringify(text)}`);
  return seed;
}

/** The seed of the `index`-th property of a file: the base seed moved by index, so one variable replays them all. */
export function propertySeed(index: number): number {
  return (BASE_SEED + index) | 0;
}

/**
 * Runs an async property with the given seed; on failure throws fast-check's report (the
 * counterexample, seed and path) followed by the command line that replays it.
 */
export async function checkReplayable<Ts extends [unknown, ...unknown[]]>(
  property: fc.IAsyncPropertyWithHooks<Ts>,
  params: { seed: number; title: string; numRuns: number; timeLimitMs: number; caseTimeoutMs: number; file: string },
): Promise<void> {
  const path = process.env.REDLINE_FC_PATH || undefined;
  const details = await fc.check(property, {
    seed: params.seed,
    path,
    numRuns: params.numRuns,
    // The whole run, shrinking included, is bounded; an interrupted run that found a failure still reports it.
    interruptAfterTimeLimit: params.timeLimitMs,
    markInterruptAsFailure: false,
    timeout: params.caseTimeoutMs,
  });
  if (!details.failed) return;
  const replay =
    `Replay: REDLINE_FC_SEED=${BASE_SEED}` +
    (details.counterexamplePath ? ` REDLINE_FC_PATH=${details.counterexamplePath}` : "") +
    ` npx mocha --no-config --timeout 120000 --exit ${params.file} --grep ${JSON.stringify(params.title)}`;
  const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  throw new Error(`${fc.defaultReportMessage(details) ?? "property failed"}\n${cause}\n${replay}`);
}
