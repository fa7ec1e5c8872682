// The Jepsen adapter: Jepsen / Knossos EDN histories to redline ops and back.
import assert from "node:assert/strict";
import type { Op } from "../../history/op.js";
import { readEdn } from "../../history/edn.js";
import { parseEdnHistory, opsToEdn, opToEdn } from "../../history/jepsen.js";
import { throwsAt } from "../support/parse-errors.js";

const KNOSSOS = `{:process 0, :type :invoke, :f :write, :value 3}
{:process 1, :type :invoke, :f :cas, :value [3 4]}
{:process 0, :type :ok, :f :write, :value 3}
{:process 1, :type :info, :f :cas, :value [3 4]}
{:process 2, :type :invoke, :f :read, :value nil}
{:process 2, :type :ok, :f :read, :value 4}
`;

const KNOSSOS_OPS: Op[] = [
  { index: 0, time: 0, process: 0, type: "invoke", f: "write", value: 3 },
  { index: 1, time: 1, process: 1, type: "invoke", f: "cas", value: [3, 4] },
  { index: 2, time: 2, process: 0, type: "ok", f: "write", value: 3 },
  { index: 3, time: 3, process: 1, type: "info", f: "cas", value: [3, 4] },
  { index: 4, time: 4, process: 2, type: "invoke", f: "read", value: null },
  { index: 5, time: 5, process: 2, type: "ok", f: "read", value: 4 },
];

describe("edn histories", () => {
  it("reads a Knossos cas-register history, one map per line", () => {
    assert.deepEqual(parseEdnHistory(KNOSSOS, "h.edn"), KNOSSOS_OPS);
  });

  it("reads the same history wrapped in a vector, with commas and :time fields", () => {
    const text = `[{:process 0, :type :invoke, :f :write, :value 3, :time 100},
 {:process 1, :type :invoke, :f :cas, :value [3 4], :time 150},
 {:process 0, :type :ok, :f :write, :value 3, :time 210},
 {:process 1, :type :info, :f :cas, :value [3 4], :time 300},
 {:process 2, :type :invoke, :f :read, :value nil, :time 400},
 {:process 2, :type :ok, :f :read, :value 4, :time 480}]`;
    const times = [100, 150, 210, 300, 400, 480];
    assert.deepEqual(
      parseEdnHistory(text, "h.edn"),
      KNOSSOS_OPS.map((op, i) => ({ ...op, time: times[i] })),
    );
    // A top-level list works too.
    assert.deepEqual(parseEdnHistory(`(${KNOSSOS})`, "h.edn"), KNOSSOS_OPS);
  });

  it("reads Jepsen #jepsen.history.Op records", () => {
    const text = `#jepsen.history.Op{:index 7, :time 3291485317, :type :invoke, :process 4, :f :txn, :value [[:append 9 1] [:r 8 nil]]}
#jepsen.history.Op{:index 8, :time 3291893004, :type :ok, :process 4, :f :txn, :value [[:append 9 1] [:r 8 [1 2]]], :node "n2"}
#jepsen.history.Op{:index 9, :time 3300000000, :type :fail, :process 5, :f :txn, :value [[:r 1 nil]], :error [:timeout "took too long"]}`;
    assert.deepEqual(parseEdnHistory(text, "h.edn"), [
      { index: 7, time: 3291485317, process: 4, type: "invoke", f: "txn", value: [["append", 9, 1], ["r", 8, null]] },
      { index: 8, time: 3291893004, process: 4, type: "ok", f: "txn", value: [["append", 9, 1], ["r", 8, [1, 2]]], node: "n2" },
      { index: 9, time: 3300000000, process: 5, type: "fail", f: "txn", value: [["r", 1, null]], error: '[:timeout "took too long"]' },
    ]);
  });

  it("reads :nemesis ops with map values; keeps independent [k v] tuples as arrays", () => {
    const text = `[{:type :info, :f :start-partition, :process :nemesis, :value {:n1 #{:n2 :n3}, "n4" [:n5], :kind :majority}}
{:type :info, :f :kill, :process :nemesis, :value nil, :error :not-running}
{:type :invoke, :f :read, :process 3, :value [:k7 nil], :extra "ignored"}]`;
    const ops = parseEdnHistory(text, "h.edn");
    assert.equal(ops[0].process, "nemesis");
    assert.equal(ops[0].f, "start-partition");
    assert.deepEqual(ops[0].value, { n1: ["n2", "n3"], n4: ["n5"], kind: "majority" });
    assert.deepEqual(ops[1], { index: 1, time: 1, process: "nemesis", type: "info", f: "kill", value: null, error: "not-running" });
    assert.deepEqual(ops[2], { index: 2, time: 2, process: 3, type: "invoke", f: "read", value: ["k7", null] });
  });

  it("handles comments and #_ discards in a history", () => {
    const text = `; cas register, 2 ops
{:process 0, :type :invoke, :f :write, :value 3} ; first
#_{:process 9, :type :invoke, :f :write, :value 99}
{:process 0, :type :ok, :f :write, #_ :value #_ 1 :value 3}`;
    assert.deepEqual(parseEdnHistory(text, "h.edn"), KNOSSOS_OPS.filter((o) => o.process === 0 && o.f === "write").map((o, i) => ({ ...o, index: i, time: i })));
  });

  it("keeps escaped strings intact", () => {
    const [op] = parseEdnHistory(String.raw`{:process 0, :type :ok, :f "my f", :value "tab\there \"quoted\" back\\slash\nline \u00e9", :node "n\u0031"}`, "h.edn");
    assert.equal(op.f, "my f");
    assert.equal(op.value, 'tab\there "quoted" back\\slash\nline é');
    assert.equal(op.node, "n1");
  });

  it("reports bad op maps with their line and column", () => {
    throwsAt(() => parseEdnHistory("{:process 0, :type :invoke, :f :read}\n{:process 0, :f :read}", "h.edn"), 2, 1, /no :type/);
    throwsAt(() => parseEdnHistory("[{:type :ok, :f :read}]", "h.edn"), 1, 2, /no :process/);
    throwsAt(() => parseEdnHistory("\n  {:type :ok, :process 1}", "h.edn"), 2, 3, /no :f/);
    throwsAt(() => parseEdnHistory("{:type :ok, :f :read,\n :process :client}", "h.edn"), 2, 11, /:process must be an integer or :nemesis, got keyword :client/);
    throwsAt(() => parseEdnHistory("{:type :done, :f :read, :process 1}", "h.edn"), 1, 8, /:type must be one of/);
    throwsAt(() => parseEdnHistory("{:type :ok, :f 12, :process 1}", "h.edn"), 1, 16, /:f must be/);
    throwsAt(() => parseEdnHistory("{:type :ok, :f :r, :process 1, :time \"x\"}", "h.edn"), 1, 38, /:time must be a finite number/);
    throwsAt(() => parseEdnHistory("[{:type :ok, :f :r, :process 1} 42]", "h.edn"), 1, 33, /expected an op map/);
    // A vector followed by more forms is not a wrapped history: the vector itself is the bad op.
    throwsAt(() => parseEdnHistory("[1 2]\n{:type :ok, :f :r, :process 1}", "h.edn"), 1, 1, /expected an op map \{\.\.\.\}, got a vector/);
    throwsAt(() => parseEdnHistory("{:type :ok, :f :r, :process 1}\n[{:type :ok}]", "h.edn"), 2, 1, /got a vector/);
    // Syntax errors anywhere win over conversion errors.
    throwsAt(() => parseEdnHistory("[42\n{:a}]", "h.edn"), 2, 1, /odd number/);
    throwsAt(() => parseEdnHistory("{:type :ok, :f :r, :process 1}\n  #jepsen.history.Op{:f :r}", "h.edn"), 2, 3, /no :type/);
    throwsAt(() => parseEdnHistory("{:type :ok}", "some/dir/x.edn"), 1, 1, /no :process/, "some/dir/x.edn");
  });

  it("round-trips redline ops through opsToEdn and parseEdnHistory", () => {
    const ops: Op[] = [
      { index: 0, time: 0, process: 0, type: "invoke", f: "write", key: "r0", value: 1 },
      { index: 1, time: 1_500_000, process: 0, type: "ok", f: "write", key: "r0", value: 1, node: "n1" },
      { index: 2, time: 2_000_000, process: 1, type: "invoke", f: "read", key: "r0" },
      { index: 3, time: 2_100_000, process: 1, type: "fail", f: "read", key: "r0", error: 'ERR "bad"\nthing\\' },
      { index: 4, time: 3e9, process: "nemesis", type: "info", f: "start", value: { fault: "partition", nodes: ["n1", "n2"], "weird key": true, "2": null } },
      { index: 5, time: 4e9, process: 2, type: "invoke", f: "my op/with space", value: [null, -1.25, 1e21, 1.5e-7, -0, Number.MAX_SAFE_INTEGER, 2 ** 60, "", "é☺\u0001\ud800", [[]], false] },
      { index: 6, time: 5e9, process: 2, type: "info", f: "cas", key: "k with \"quotes\"", value: [NaN, Infinity, -Infinity] },
      { index: 7, time: 6e9, process: 12, type: "ok", f: "append", value: { nested: { deeper: [{ a: 1 }] } } },
    ];
    const text = opsToEdn(ops);
    const lines = text.split("\n");
    assert.equal(lines[0], "[");
    assert.equal(lines[1], '{:index 0, :time 0, :type :invoke, :process 0, :f :write, :key "r0", :value 1}');
    assert.equal(lines[5], '{:index 4, :time 3000000000, :type :info, :process :nemesis, :f :start, :value {"2" nil, :fault "partition", :nodes ["n1" "n2"], "weird key" true}}');
    assert.equal(lines[ops.length + 1], "]");
    assert.deepEqual(parseEdnHistory(text, "h.edn"), ops);
    // Each line alone is a valid op too (Jepsen's one-op-per-line history.edn).
    assert.deepEqual(parseEdnHistory(ops.map(opToEdn).join("\n"), "h.edn"), ops);
    assert.equal(opsToEdn([]), "[\n]\n");
    assert.deepEqual(parseEdnHistory(opsToEdn([]), "h.edn"), []);
  });

  it("refuses values it cannot write", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => opsToEdn([{ index: 0, time: 0, process: 0, type: "ok", f: "x", value: cyclic }]), RangeError);
    assert.throws(() => opsToEdn([{ index: 0, time: 0, process: 0, type: "ok", f: "x", value: () => 1 }]), TypeError);
  });

  it("reads a 200,000-op history in linear time", function () {
    this.timeout(60_000);
    const n = 200_000;
    const ops: Op[] = [];
    for (let i = 0; i < n; i++) {
      const p = i % 10;
      ops.push({ index: i, time: i * 1000, process: p, type: i % 2 === 0 ? "invoke" : "ok", f: "cas", key: `k${p}`, value: [i, i + 1] });
    }
    const text = opsToEdn(ops);
    const parsed = parseEdnHistory(text, "big.edn");
    assert.equal(parsed.length, n);
    assert.deepEqual(parsed[n - 1], ops[n - 1]);
    // The one-per-line form without a wrapping vector, and one huge string.
    const flat = ops.map(opToEdn).join("\n");
    assert.equal(parseEdnHistory(flat, "big.edn").length, n);
    const big = "x".repeat(5_000_000);
    assert.equal(readEdn(`"${big}\\n${big}"`, "big.edn")[0], `${big}\n${big}`);
  });
});
