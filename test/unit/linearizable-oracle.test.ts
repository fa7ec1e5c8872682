// The linearizability checker judged by an oracle that shares none of its code
// (test/support/brute-force-linearizability.ts): random simulated histories of every model,
// the verdict of each entry point (the checker of a run, the single-thread check, the worker
// threads) against the brute force's, key by key for kv, and every counterexample replayed.
// The fast-check seed is random and printed; REDLINE_FC_SEED=<seed> replays a run.
import assert from "node:assert/strict";
import fc from "fast-check";
import type { History } from "../../history/op.js";
import { checkLinearizability, DEFAULT_LIMITS } from "../../checkers/linearizable/check.js";
import { linearizableChecker } from "../../checkers/linearizable/checker.js";
import { checkLinearizabilityParallel } from "../../checkers/linearizable/parallel.js";
import type { LinearizabilityResult } from "../../checkers/linearizable/types.js";
import { MODEL_NAMES } from "../../checkers/models/index.js";
import { isLinearizable, opsOfKey, prepareHistory, replayCounterexample, SPECS, type OracleOp } from "../support/brute-force-linearizability.js";
import { historyPlan, simulate } from "../support/simulated-histories.js";

const SEED = fastCheckSeed();
/** Histories per model; each is checked by the brute force and two entry points of the checker. */
const RUNS = 300;
/** Fewer for kv: the run checker sends a history of several keys to worker threads, tens of ms each. */
const KV_RUNS = 120;
/** Histories checked on worker threads, two per check whatever the machine. */
const WORKER_RUNS = 40;

function fastCheckSeed(): number {
  const given = process.env.REDLINE_FC_SEED;
  if (given === undefined || given === "") return Math.floor(Math.random() * 0x7fffffff);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`REDLINE_FC_SEED: '${given}' is not an integer`);
  return seed;
}

/** The brute force's answer: the whole history, and each part as the checker splits it (kv: by key). */
interface Expected {
  ops: OracleOp[];
  valid: boolean;
  parts: Map<string, boolean>;
}

function bruteForce(history: History, model: string): Expected {
  const ops = prepareHistory(history, model);
  const valid = isLinearizable(SPECS[model], ops);
  if (model !== "kv") return { ops, valid, parts: new Map([["all", valid]]) };
  const keys = [...new Set(ops.map((op) => op.key!))];
  const parts = new Map(keys.map((key) => [key, isLinearizable(SPECS["cas-register"], opsOfKey(ops, key))]));
  // Locality (Herlihy & Wing): a kv history is linearizable when each key is. A check of the oracle itself.
  assert.equal(valid, [...parts.values()].every(Boolean), "brute force: kv as a whole and key by key disagree");
  return { ops, valid, parts };
}

/** A counterexample as the checker names it: history indexes of the prefix and of the op that cannot follow. */
interface Named {
  key: string;
  prefix: number[];
  states: string[];
  blocked: number[];
}

/** The counterexample holds by the brute force's semantics: the prefix is legal, the blocked op cannot follow, the states are those. */
function assertCounterexample(model: string, expected: Expected, named: Named, via: string): void {
  const [spec, ops] = model === "kv" ? [SPECS["cas-register"], opsOfKey(expected.ops, named.key)] : [SPECS[model], expected.ops];
  assert.ok(named.blocked.length > 0, `${via}: ${named.key}: a counterexample names no blocked op`);
  for (const blocked of named.blocked) {
    const replay = replayCounterexample(spec, ops, named.prefix, blocked);
    assert.ok(replay.ok, `${via}: ${named.key}: counterexample [${named.prefix}] then ${blocked} does not hold: ${replay.ok ? "" : replay.why}`);
    assert.deepEqual([...named.states].sort(), replay.states, `${via}: ${named.key}: the states after the prefix`);
  }
}

/** One entry point's result against the brute force, part by part. */
function assertResultAgrees(result: LinearizabilityResult, expected: Expected, model: string, via: string): void {
  assert.notEqual(result.verdict, "unknown", `${via}: unknown on a small history (${result.partitions.map((p) => p.reason).join(", ")})`);
  assert.equal(result.verdict, expected.valid ? "ok" : "illegal", `${via}: checker ${result.verdict}, brute force ${expected.valid ? "linearizable" : "not linearizable"}`);
  const labels = new Set(result.partitions.map((p) => p.label));
  for (const p of result.partitions) {
    const valid = expected.parts.get(p.label);
    assert.notEqual(valid, undefined, `${via}: the checker has a part '${p.label}' of no op that may have happened`);
    assert.equal(p.verdict, valid ? "ok" : "illegal", `${via}: part '${p.label}': checker ${p.verdict}, brute force ${valid ? "linearizable" : "not linearizable"}`);
    if (p.verdict !== "illegal") continue;
    assert.ok((p.counterexamples ?? []).length > 0, `${via}: part '${p.label}' is illegal without a counterexample`);
    for (const c of p.counterexamples!) {
      const index = (id: number) => p.ops[id].index;
      assertCounterexample(model, expected, { key: p.label, prefix: c.linearization.map(index), states: c.states, blocked: c.unplaceable.map(index) }, via);
    }
  }
  // A key the checker has no part for holds only ops that constrain nothing (reads of unknown outcome).
  for (const [label, valid] of expected.parts) if (!labels.has(label)) assert.ok(valid, `${via}: no part for '${label}', which the brute force finds not linearizable`);
}

interface Problem {
  key: string;
  counterexamples: Array<{ linearization: Array<{ index: number }>; states: string[]; unplaceable: Array<{ index: number }> }>;
}

/** The run checker's verdict, and the counterexamples a person reads in its details. */
async function assertCheckerAgrees(history: History, expected: Expected, model: string): Promise<void> {
  const via = "linearizableChecker";
  const verdict = await linearizableChecker(model).check(history);
  assert.equal(verdict.valid, expected.valid, `${via}: valid ${verdict.valid}, brute force ${expected.valid ? "linearizable" : "not linearizable"}`);
  const problems = verdict.details.problems as Problem[];
  assert.deepEqual(
    problems.map((p) => p.key).sort(),
    [...expected.parts].filter(([, valid]) => !valid).map(([key]) => key).sort(),
    `${via}: the keys named not linearizable`,
  );
  for (const p of problems) {
    for (const c of p.counterexamples) {
      const named = { key: p.key, prefix: c.linearization.map((op) => op.index), states: c.states, blocked: c.unplaceable.map((op) => op.index) };
      assertCounterexample(model, expected, named, via);
    }
  }
}

/** The property must meet both answers often, or agreeing proves little. */
function assertBothVerdictsCommon(tally: { valid: number; invalid: number }, runs: number): void {
  assert.ok(tally.valid >= runs / 5 && tally.invalid >= runs / 5, `too one-sided: ${tally.valid} linearizable, ${tally.invalid} not, of ${runs}`);
}

describe("linearizability checker against a brute-force oracle", () => {
  before(() => console.log(`      fast-check seed ${SEED} (replay: REDLINE_FC_SEED=${SEED})`));

  it("the oracle knows every model the checker knows", () => {
    assert.deepEqual(Object.keys(SPECS).sort(), [...MODEL_NAMES].sort());
  });

  const plans = historyPlan({ calls: { min: 0, max: 12 }, maxProcesses: 4, keys: { min: 1, max: 3 } });
  for (const model of MODEL_NAMES) {
    it(`${model}: single thread and run checker give the brute force's verdicts`, async () => {
      const runs = model === "kv" ? KV_RUNS : RUNS;
      const tally = { valid: 0, invalid: 0 };
      await fc.assert(
        fc.asyncProperty(plans.map((plan) => simulate(model, plan)), async (history) => {
          const expected = bruteForce(history, model);
          tally[expected.valid ? "valid" : "invalid"]++;
          assertResultAgrees(checkLinearizability(history, model), expected, model, "checkLinearizability");
          await assertCheckerAgrees(history, expected, model);
        }),
        { seed: SEED, numRuns: runs },
      );
      assertBothVerdictsCommon(tally, runs);
    });
  }

  it("kv on worker threads, several keys: the brute force's verdicts, key by key", async () => {
    const manyKeys = historyPlan({ calls: { min: 6, max: 12 }, maxProcesses: 4, keys: { min: 2, max: 5 } });
    const tally = { valid: 0, invalid: 0 };
    let onWorkers = 0;
    await fc.assert(
      fc.asyncProperty(manyKeys.map((plan) => simulate("kv", plan)), async (history) => {
        const expected = bruteForce(history, "kv");
        tally[expected.valid ? "valid" : "invalid"]++;
        // Two threads whatever the machine: with two parts or more, the parts go to worker threads.
        const result = await checkLinearizabilityParallel(history, "kv", DEFAULT_LIMITS, 2);
        if (result.partitions.length >= 2) onWorkers++;
        assertResultAgrees(result, expected, "kv", "checkLinearizabilityParallel");
      }),
      { seed: SEED, numRuns: WORKER_RUNS },
    );
    assert.ok(onWorkers >= WORKER_RUNS * 0.7, `only ${onWorkers} of ${WORKER_RUNS} histories went to worker threads`);
    assertBothVerdictsCommon(tally, WORKER_RUNS);
  });
});
