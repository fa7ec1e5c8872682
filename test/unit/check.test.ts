// The harness's checker set for a spec: the linearizability budget comes from the spec.
import assert from "node:assert/strict";
import type { Op } from "../../history/op.js";
import { checkersOf, runCheckersWith } from "../../harness/check.js";
import { parseSpec } from "../../spec/index.js";

/** Many concurrent writes and a read of a value nobody wrote: a long search before "illegal". */
function hardHistory(): Op[] {
  const ops: Op[] = [];
  const push = (process: number, type: Op["type"], f: string, value: unknown) =>
    ops.push({ index: ops.length, time: ops.length, process, type, f, key: "r0", value });
  for (let p = 0; p < 40; p++) push(p, "invoke", "write", p);
  push(99, "invoke", "read", null);
  push(99, "ok", "read", -1);
  for (let p = 0; p < 40; p++) push(p, "ok", "write", p);
  return ops;
}

describe("checkers of a spec", () => {
  it("the workload's own checkers, with the spec's linearizability budget", async () => {
    const spec = parseSpec("workload: {type: register}\nlinearizability: {time-limit: 0.2, memory-limit-mb: 64}\n", "spec.yaml");
    const checkers = checkersOf(spec);
    assert.deepEqual(
      checkers.map((c) => c.name),
      ["linearizable", "stats"],
    );
    // Within the default budget this search ends "illegal"; within 0.2 s it cannot decide.
    const outcome = await runCheckersWith(hardHistory(), checkers);
    assert.equal(outcome.checkers.linearizable.valid, "unknown", outcome.checkers.linearizable.summary);
  });
});
