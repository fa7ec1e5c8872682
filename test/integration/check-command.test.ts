// `redline check` on stored histories: Jepsen EDN, redline JSONL and run folders.
import assert from "node:assert/strict";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunResults } from "../../core/run-folder.js";
import { readJson, runCli, tempDir } from "../helpers.js";

// A Knossos-style cas-register history: process 1's cas [3 4] is info, so it may have happened;
// process 2 then reads 4 (fine) and process 3 reads 3 after that read completed (not fine).
const KNOSSOS = `
{:process 0, :type :invoke, :f :write, :value 3, :time 10}
{:process 0, :type :ok, :f :write, :value 3, :time 20}
{:process 1, :type :invoke, :f :cas, :value [3 4], :time 30}
{:process 1, :type :info, :f :cas, :value [3 4], :time 40}
{:process 2, :type :invoke, :f :read, :value nil, :time 50}
{:process 2, :type :ok, :f :read, :value 4, :time 60}
{:process 3, :type :invoke, :f :read, :value nil, :time 70}
{:process 3, :type :ok, :f :read, :value 3, :time 80}
`;

describe("redline check", function () {
  this.timeout(30_000);

  it("judges a Jepsen EDN history with --model and writes a view of the violation", async () => {
    const dir = tempDir();
    const file = join(dir, "history.edn");
    writeFileSync(file, KNOSSOS);
    const res = await runCli(["check", "--model", "cas-register", file]);
    assert.equal(res.code, 1, res.stderr);
    assert.match(res.stdout, /linearizable +INVALID +1 of 1 keys not linearizable/);
    const results = readJson<RunResults>(join(dir, "results.json"));
    const details = results.checkers.linearizable.details as { explanation: string[] };
    assert.match(details.explanation[0], /read -> 3 \(process 3, index 6\) cannot be linearized/);
    const html = readFileSync(join(dir, "linearizability.html"), "utf8");
    assert.match(html, /class="[^"]*unplaceable/);
  });

  it("accepts the same history when the last read is dropped", async () => {
    const dir = tempDir();
    const file = join(dir, "ok.edn");
    writeFileSync(file, KNOSSOS.split("\n").slice(0, 7).join("\n"));
    const res = await runCli(["check", "--model", "cas-register", file]);
    assert.equal(res.code, 0, res.stderr + res.stdout);
  });

  it("reports a malformed EDN file with its line and column, exit 254", async () => {
    const dir = tempDir();
    const file = join(dir, "bad.edn");
    writeFileSync(file, "[{:process 0, :type :invoke, :f :read}\n {:process 0 :type :ok :f :read :value \"x}\n]");
    const res = await runCli(["check", "--model", "register", file]);
    assert.equal(res.code, 254);
    assert.match(res.stderr, /bad\.edn:2:\d+: /);
    assert.doesNotMatch(res.stderr, /at .*\.js:\d+/);
  });

  it("refuses an unknown model, naming the ones there are", async () => {
    const dir = tempDir();
    const file = join(dir, "h.edn");
    writeFileSync(file, KNOSSOS);
    const res = await runCli(["check", "--model", "regster", file]);
    assert.equal(res.code, 254);
    assert.match(res.stderr, /--model: 'regster' is not a model; expected one of register, cas-register, kv/);
  });

  it("gives unknown, not a hang, when the time limit is too short for the search", async () => {
    const dir = tempDir();
    const lines: string[] = [];
    let t = 0;
    for (let p = 0; p < 60; p++) lines.push(`{:process ${p}, :type :invoke, :f :write, :value ${p}, :time ${t++}}`);
    lines.push(`{:process 99, :type :invoke, :f :read, :value nil, :time ${t++}}`, `{:process 99, :type :ok, :f :read, :value -1, :time ${t++}}`);
    for (let p = 0; p < 60; p++) lines.push(`{:process ${p}, :type :ok, :f :write, :value ${p}, :time ${t++}}`);
    const file = join(dir, "hard.edn");
    writeFileSync(file, lines.join("\n"));
    const res = await runCli(["check", "--model", "register", "--time-limit", "0.5", file]);
    assert.equal(res.code, 2, res.stdout + res.stderr);
    assert.match(res.stdout, /undecided/);
  });

  it("re-checks a redline JSONL history with the kv model", async () => {
    const dir = tempDir();
    const ops = [
      { index: 0, time: 1, process: 0, type: "invoke", f: "write", key: "r0", value: 1 },
      { index: 1, time: 2, process: 0, type: "ok", f: "write", key: "r0", value: 1 },
      { index: 2, time: 3, process: 1, type: "invoke", f: "read", key: "r0", value: null },
      { index: 3, time: 4, process: 1, type: "ok", f: "read", key: "r0", value: null },
    ];
    writeFileSync(join(dir, "history.jsonl"), ops.map((o) => JSON.stringify(o)).join("\n") + "\n");
    const res = await runCli(["check", "--model", "kv", join(dir, "history.jsonl")]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    assert.ok(existsSync(join(dir, "linearizability.html")));
  });
});
