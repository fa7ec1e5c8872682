// The faults of a run as checkers read them from the history's nemesis ops.
import assert from "node:assert/strict";
import { Faults, faultPeriods } from "../../checkers/faults.js";
import type { Op } from "../../history/op.js";

const nemesisOp = (index: number, time: number, f: "start" | "stop", value: Record<string, unknown>): Op =>
  ({ index, time, process: "nemesis", type: "info", f, value }) as Op;

describe("fault periods", () => {
  it("pairs overlapping faults by name (the together mode): a lag that outlasts a kill", () => {
    const history = [
      nemesisOp(0, 100, "start", { fault: "lag", links: ["s1->s2"] }),
      nemesisOp(1, 200, "start", { fault: "kill", node: "n1" }),
      nemesisOp(2, 300, "stop", { fault: "kill", node: "n1" }),
      nemesisOp(3, 400, "stop", { fault: "lag" }),
    ];
    const periods = faultPeriods(history);
    assert.deepEqual(
      periods.map((p) => [p.fault, p.start, p.end]),
      [
        ["lag", 100, 400],
        ["kill", 200, 300],
      ],
    );
    const faults = new Faults(periods);
    assert.equal(faults.downAt(250, "n1"), true);
    assert.equal(faults.downAt(350, "n1"), false);
    assert.deepEqual(
      faults.activeAt(350).map((p) => p.fault),
      ["lag"],
    );
  });

  it("a cut partition's links, a fault that failed to start, and one still on at the end", () => {
    const history = [
      nemesisOp(0, 100, "start", { fault: "partition", cut: ["n1->s1", "s1->n1"], shape: "sentinel-from-primary" }),
      nemesisOp(1, 200, "stop", { fault: "partition" }),
      nemesisOp(2, 300, "start", { fault: "kill", error: "no such node" }),
      nemesisOp(3, 400, "start", { fault: "pause", node: "n2" }),
    ];
    const faults = Faults.of(history);
    assert.equal(faults.linkedAt(150, "n1", "s1"), false);
    assert.equal(faults.linkedAt(150, "n1", "s2"), true);
    assert.equal(faults.linkedAt(250, "n1", "s1"), true);
    assert.deepEqual(
      faults.periods.map((p) => [p.fault, p.end]),
      [
        ["partition", 200],
        ["pause", undefined],
      ],
    );
    assert.equal(faults.downAt(10_000, "n2"), true);
  });
});
