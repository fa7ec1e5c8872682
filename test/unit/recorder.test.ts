import assert from "node:assert/strict";
import { readFileSync, writeFileSync, appendFileSync } from "node:fs";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { parseHistory, HistoryParseError } from "../../history/jsonl.js";
import { pairOps, outcomeOf } from "../../history/op.js";
import { ProcessSlot, Recorder } from "../../harness/recorder.js";
import { tempDir } from "../helpers.js";

const tmp = () => tempDir("redline-rec-");

describe("recorder", () => {
  it("writes each op as a line as it happens, with monotonic times and indexes", () => {
    const file = join(tmp(), "h.jsonl");
    const r = new Recorder(file);
    r.record(0, "invoke", { f: "write", key: "r0", value: 1 });
    // Visible on disk before close: a crash right now would keep it.
    assert.equal(readFileSync(file, "utf8").split("\n").filter(Boolean).length, 1);
    r.record(0, "ok", { f: "write", key: "r0", value: 1, node: "n1" });
    r.record("nemesis", "info", { f: "start", value: { fault: "kill", node: "n1" } });
    r.close();
    const ops = parseHistory(readFileSync(file, "utf8"));
    assert.deepEqual(ops.map((o) => o.index), [0, 1, 2]);
    assert.ok(ops[0].time <= ops[1].time && ops[1].time <= ops[2].time);
    assert.equal(ops[1].node, "n1");
    assert.equal(ops[2].process, "nemesis");
  });

  it("keeps every complete line when the process dies mid-run", () => {
    const file = join(tmp(), "h.jsonl");
    const script = `
      import { Recorder } from ${JSON.stringify(new URL("../../harness/recorder.js", import.meta.url).href)};
      const r = new Recorder(${JSON.stringify(file)});
      for (let i = 0; i < 100; i++) r.record(i % 5, "invoke", { f: "add", key: "s0", value: i });
      process.kill(process.pid, "SIGKILL");`;
    spawnSync(process.execPath, ["--input-type=module", "-e", script]);
    assert.equal(parseHistory(readFileSync(file, "utf8")).length, 100);
  });

  it("drops a torn last line but refuses a bad line in the middle, naming it", () => {
    const file = join(tmp(), "h.jsonl");
    writeFileSync(file, JSON.stringify({ index: 0, time: 1, process: 0, type: "invoke", f: "read" }) + "\n");
    appendFileSync(file, '{"index":1,"time":2,"proc');
    assert.equal(parseHistory(readFileSync(file, "utf8")).length, 1);
    assert.throws(() => parseHistory('{"index":0}\n{"index":1,"time":1,"process":0,"type":"ok","f":"x"}\n', "h.jsonl"), (err: Error) => {
      assert.ok(err instanceof HistoryParseError);
      assert.match(err.message, /^h\.jsonl:1: field 'time'/);
      return true;
    });
    assert.throws(() => parseHistory("oops\n{}\n", "h.jsonl"), /h\.jsonl:1: not a JSON object/);
  });

  it("renumbers a process after info, never reusing another worker's numbers", () => {
    const concurrency = 3;
    const slots = [0, 1, 2].map((i) => new ProcessSlot(i, concurrency));
    const seen = new Set<number>(slots.map((s) => s.current));
    for (let round = 0; round < 5; round++) {
      for (const s of slots) {
        s.retire();
        assert.ok(!seen.has(s.current), `process ${s.current} reused`);
        seen.add(s.current);
      }
    }
    assert.equal(slots[1].current, 1 + 5 * concurrency);
  });

  it("pairs invocations with completions; an unfinished one is info", () => {
    const ops = parseHistory(
      [
        { index: 0, time: 1, process: 0, type: "invoke", f: "add", value: 1 },
        { index: 1, time: 2, process: 1, type: "invoke", f: "add", value: 2 },
        { index: 2, time: 3, process: 0, type: "ok", f: "add", value: 1 },
        { index: 3, time: 4, process: "nemesis", type: "info", f: "start" },
      ]
        .map((o) => JSON.stringify(o))
        .join("\n"),
    );
    const pairs = pairOps(ops);
    assert.equal(pairs.length, 2);
    assert.equal(outcomeOf(pairs[0]), "ok");
    assert.equal(outcomeOf(pairs[1]), "info");
  });
});
