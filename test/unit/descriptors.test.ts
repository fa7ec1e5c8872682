// The workload and checker lists: every name the spec accepts comes from them, each workload's
// own checkers exist, and the default checker set of each workload on each topology.
import assert from "node:assert/strict";
import { CHECKERS, checkerNamed, checkersFitting } from "../../checkers/index.js";
import { Rng } from "../../core/rng.js";
import { TOPOLOGIES } from "../../core/spec.js";
import { LOSS_SHAPES } from "../../core/workload-traits.js";
import { FLAGS, parseSpec, SpecError } from "../../spec/index.js";
import { WORKLOADS, createWorkload, workloadNamed } from "../../workloads/index.js";

describe("workload and checker descriptors", () => {
  it("have unique names, and each workload's own checkers are listed checkers", () => {
    assert.equal(new Set(WORKLOADS.map((w) => w.name)).size, WORKLOADS.length);
    assert.equal(new Set(CHECKERS.map((c) => c.name)).size, CHECKERS.length);
    for (const w of WORKLOADS) {
      for (const name of w.checkers) assert.equal(checkerNamed(name).name, name, `${w.name}'s checker ${name}`);
      assert.ok(w.lossShape === undefined || LOSS_SHAPES.includes(w.lossShape));
      assert.ok(w.doc.length > 0 && w.defaultKeys >= 1);
    }
    for (const c of CHECKERS) assert.ok(c.doc.length > 0, c.name);
  });

  it("give the spec its names: --workload and --checkers accept exactly the listed ones", () => {
    const help = (flag: string) => FLAGS.find((f) => f.flag === flag)!.description;
    assert.ok(help("--workload").startsWith(`${WORKLOADS.map((w) => w.name).join(", ")} `));
    assert.ok(help("--checkers").includes(CHECKERS.map((c) => c.name).join(", ")));
    for (const w of WORKLOADS) {
      const topology = w.readsReplicas ? "replication" : "standalone";
      assert.equal(parseSpec("", "spec.yaml", { workload: w.name, topology }).workload.keys, w.defaultKeys);
    }
    assert.throws(() => parseSpec("", "spec.yaml", { workload: "queue" }), SpecError);
  });

  it("create each workload from its spec, on the spec's keys", () => {
    for (const w of WORKLOADS) {
      const spec = parseSpec("", "spec.yaml", { workload: w.name, topology: "replication", keys: "3" }).workload;
      const workload = createWorkload(spec);
      const rng = new Rng(1);
      const keys = new Set(Array.from({ length: 200 }, () => workload.next(rng).key));
      assert.equal(keys.size, 3, w.name);
    }
  });

  it("fit the checkers to every workload on every topology: its own, stats, loss-window with replicas, election-rules with sentinels", () => {
    const fitting = Object.fromEntries(
      WORKLOADS.map((w) => [w.name, TOPOLOGIES.map((t) => checkersFitting(w, t).map((c) => c.name).join(" "))]),
    );
    assert.deepEqual(fitting, {
      register: ["linearizable stats", "linearizable stats loss-window", "linearizable stats loss-window election-rules"],
      "cas-register": ["linearizable stats", "linearizable stats", "linearizable stats election-rules"],
      counter: ["counter stats", "counter stats loss-window", "counter stats loss-window election-rules"],
      set: ["set stats", "set stats loss-window", "set stats loss-window election-rules"],
      "stale-read": ["stale-read stats", "stale-read stats", "stale-read stats election-rules"],
    });
  });

  it("say why a checker does not fit, in the spec's words", () => {
    const why = (checker: string, workload: string, topology: (typeof TOPOLOGIES)[number]) => checkerNamed(checker).unfit(workloadNamed(workload), topology);
    assert.equal(why("set", "counter", "sentinel"), "cannot judge the counter workload (workload.type)");
    assert.equal(why("loss-window", "cas-register", "sentinel"), "cannot judge the cas-register workload (workload.type)");
    assert.equal(why("loss-window", "set", "standalone"), "needs replicas (topology.type is standalone)");
    assert.equal(why("election-rules", "set", "replication"), "needs topology sentinel (topology.type is replication)");
    assert.equal(why("stats", "stale-read", "standalone"), undefined);
    try {
      parseSpec("", "spec.yaml", { "expect-loss": "none" });
      assert.fail("expected a SpecError");
    } catch (err) {
      assert.ok(err instanceof SpecError);
      assert.deepEqual(err.problems, [
        "--expect-loss: 'none' is judged by the loss-window checker, which needs workload set, counter, register with replicas (workload.type is register, topology.type standalone); expected bounded",
      ]);
    }
  });

  it("configure each checker from a run's spec, or with its defaults for a bare history", () => {
    const spec = parseSpec("", "spec.yaml", { topology: "sentinel", workload: "set" });
    for (const c of CHECKERS) {
      assert.equal(c.configure().name, c.name);
      assert.equal(c.configure({ spec, workload: workloadNamed("set") }).name, c.name);
    }
  });
});
