import assert from "node:assert/strict";
import type { Op } from "../../history/op.js";
import { HistoryParseError } from "../../history/jsonl.js";
import {
  readEdn,
  readEdnForms,
  parseEdnHistory,
  opsToEdn,
  opToEdn,
  ednToJs,
  printEdn,
  ednPosition,
  Keyword,
  EdnSymbol,
  EdnChar,
  EdnList,
  EdnVector,
  EdnMap,
  EdnSet,
  EDN_MAX_DEPTH,
} from "../../history/edn.js";

/** Asserts that `fn` throws a HistoryParseError whose message starts with `source:line:col: `. */
function throwsAt(fn: () => unknown, line: number, col: number, pattern?: RegExp, source = "h.edn"): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HistoryParseError, `expected a HistoryParseError, got ${String(e)}`);
    assert.ok(e.message.startsWith(`${source}:${line}:${col}: `), `wrong position in: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}

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

describe("edn reader", () => {
  it("reads scalars: nil, booleans, integers, big integers, floats, strings, characters, keywords, symbols", () => {
    const v = readEdn(
      String.raw`nil true false 0 -7 +5 42N 9007199254740991 9007199254740993 -123456789012345678901234567890N
       1.5 -2.5e3 1e2 3. 0.1M 1/4 ##Inf ##-Inf ##NaN "s" \a \newline \space \tab \u00e9 \( :kw :ns/kw sym a.b/c-d`,
      "h.edn",
    );
    assert.deepEqual(v.slice(0, 7), [null, true, false, 0, -7, 5, 42]);
    assert.equal(v[7], Number.MAX_SAFE_INTEGER);
    assert.equal(v[8], 9007199254740993n);
    assert.equal(v[9], -123456789012345678901234567890n);
    assert.deepEqual(v.slice(10, 20), [1.5, -2500, 100, 3, 0.1, 0.25, Infinity, -Infinity, NaN, "s"]);
    assert.deepEqual(
      v.slice(20, 26).map((c) => (c as EdnChar).char),
      ["a", "\n", " ", "\t", "é", "("],
    );
    assert.ok(v[26] instanceof Keyword && v[26].name === "kw" && v[26].namespace === undefined);
    assert.ok(v[27] instanceof Keyword && v[27].name === "ns/kw" && v[27].namespace === "ns");
    assert.ok(v[28] instanceof EdnSymbol && v[28].name === "sym");
    assert.ok(v[29] instanceof EdnSymbol && v[29].name === "a.b/c-d");
    assert.equal(v.length, 30);
    assert.ok(Object.is(readEdn("-0", "h.edn")[0], 0));
  });

  it("reads strings with escapes", () => {
    const [s] = readEdn(String.raw`"q\"b\\s\nn\tt\rr\u00e9\u263A end"`, "h.edn");
    assert.equal(s, 'q"b\\s\nn\tt\rré☺ end');
    // Raw newlines inside a string are part of it.
    assert.deepEqual(readEdn('"a\nb" "" "\\u0000"', "h.edn"), ["a\nb", "", "\u0000"]);
  });

  it("reads collections: lists, vectors, maps, sets, nested; commas are whitespace", () => {
    const [list, vec, map, set] = readEdn('(1 2) [1, [2, [3]]] {:a 1, "b" [2], 3 nil} #{:x :y}', "h.edn");
    assert.ok(list instanceof EdnList && vec instanceof EdnVector && map instanceof EdnMap && set instanceof EdnSet);
    assert.deepEqual(list.items, [1, 2]);
    assert.deepEqual(ednToJs(vec), [1, [2, [3]]]);
    assert.equal(map.size, 3);
    assert.equal(map.get("a"), 1);
    assert.equal(map.get("b"), undefined); // "b" is a string key, not a keyword
    assert.deepEqual(ednToJs(map), { a: 1, b: [2], "3": null });
    assert.deepEqual(ednToJs(set), ["x", "y"]);
    assert.deepEqual(readEdn("[] () {} #{}", "h.edn").map(ednToJs), [[], [], {}, []]);
    const proto = ednToJs(readEdn('{"__proto__" {:polluted true}}', "h.edn")[0]) as Record<string, unknown>;
    assert.deepEqual(Object.keys(proto), ["__proto__"]);
    assert.equal(Object.getPrototypeOf(proto), Object.prototype);
  });

  it("skips comments and #_ discards (also nested and stacked)", () => {
    const text = `; a header comment
      [1 #_2 3 ; trailing comment
       #_ #_ 4 5 6 #_[7 [8]] #_{:a 1}] ;; end
      #_ {:dropped true}`;
    const forms = readEdn(text, "h.edn");
    assert.equal(forms.length, 1);
    assert.deepEqual(ednToJs(forms[0]), [1, 3, 6]);
    assert.deepEqual(readEdn("{:a #_ :b 1}", "h.edn").map(ednToJs), [{ a: 1 }]);
    assert.deepEqual(readEdn("; only a comment", "h.edn"), []);
    assert.deepEqual(readEdn("", "h.edn"), []);
  });

  it("keeps the value of tagged literals and the tag of tagged maps", () => {
    const [inst, uuid, obj, rec, nested] = readEdn(
      `#inst "2024-01-02T03:04:05.000-00:00" #uuid "f81d4fae-7dec-11d0-a765-00a0c91e6bf6"
       #object[java.lang.Object 0x1 "x"] #jepsen.history.Op{:index 0, :f :read} #a #b {:z 1}`,
      "h.edn",
    );
    assert.equal(inst, "2024-01-02T03:04:05.000-00:00");
    assert.equal(uuid, "f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
    assert.ok(obj instanceof EdnVector && obj.length === 3);
    assert.ok(rec instanceof EdnMap);
    assert.equal(rec.tag, "jepsen.history.Op");
    assert.ok(rec.get("f") instanceof Keyword);
    assert.ok(nested instanceof EdnMap && nested.tag === "a");
  });

  it("expands #:ns{} namespaced maps", () => {
    const [m] = readEdn('#:user{:name "x", :_/plain 1, :other/k 2, "s" 3}', "h.edn");
    assert.deepEqual(ednToJs(m), { "user/name": "x", plain: 1, "other/k": 2, s: 3 });
  });

  it("records where every form starts", () => {
    const text = '{:a 1}\n  [:x\n   #tag {:b 2}]';
    const { forms, starts } = readEdnForms(text, "h.edn");
    assert.deepEqual(starts.map((s) => ednPosition(text, s)), [{ line: 1, col: 1 }, { line: 2, col: 3 }]);
    const vec = forms[1] as EdnVector;
    assert.deepEqual(ednPosition(text, vec.starts[1]), { line: 3, col: 4 }); // the '#' of the tag
    assert.deepEqual(ednPosition(text, (vec.items[1] as EdnMap).start), { line: 3, col: 9 });
  });

  it("prints EDN values back", () => {
    const text = '[nil true 1 -2.5 "a\\"b\\n" \\x \\newline :k sym (1 2) #{:s} {:a [1], "b" {}} #t{:x 1}]';
    const [v] = readEdn(text, "h.edn");
    const printed = printEdn(v);
    assert.equal(printed, '[nil true 1 -2.5 "a\\"b\\n" \\x \\newline :k sym (1 2) #{:s} {:a [1], "b" {}} #t{:x 1}]');
    assert.deepEqual(ednToJs(readEdn(printed, "h.edn")[0]), ednToJs(v));
  });

  it("turns big integers into exact decimal strings in JS values", () => {
    assert.deepEqual(ednToJs(readEdn("[12345678901234567890 1N]", "h.edn")[0]), ["12345678901234567890", 1]);
  });

  describe("errors name source:line:col", () => {
    it("unterminated collection points where it was opened", () => {
      throwsAt(() => readEdn("{:a 1}\n[{:b 2}\n{:c 3}", "h.edn"), 2, 1, /unterminated vector.*\[/);
      throwsAt(() => readEdn("[1\n  (2 3", "h.edn"), 2, 3, /unterminated list/);
      throwsAt(() => readEdn("  {:a", "h.edn"), 1, 3, /unterminated map/);
      throwsAt(() => readEdn("x #{1", "h.edn"), 1, 3, /unterminated set/);
    });

    it("unterminated string points where it was opened", () => {
      throwsAt(() => readEdn('[1]\n{:a "abc\n\ndef}', "h.edn"), 2, 5, /unterminated string/);
      throwsAt(() => readEdn('"abc\\', "h.edn"), 1, 1, /unterminated string/);
    });

    it("unmatched and mismatched closing brackets", () => {
      throwsAt(() => readEdn("[1 2\n 3]\n    }", "h.edn"), 3, 5, /unmatched \}/);
      throwsAt(() => readEdn(")", "h.edn"), 1, 1, /unmatched \)/);
      throwsAt(() => readEdn("[1 2)", "h.edn"), 1, 5, /expected \] to close the \[ at 1:1, got \)/);
      throwsAt(() => readEdn("#{1 2]", "h.edn"), 1, 6, /expected \} to close the #\{ at 1:1/);
    });

    it("odd number of forms in a map", () => {
      throwsAt(() => readEdn("{:a}", "h.edn"), 1, 1, /odd number of forms \(1\)/);
      throwsAt(() => readEdn("[1]\n  {:a 1 :b}", "h.edn"), 2, 3, /odd number/);
      throwsAt(() => readEdn("{:a #_ 1}", "h.edn"), 1, 1, /odd number/);
    });

    it("bad numbers", () => {
      throwsAt(() => readEdn("[1 2 0x1G]", "h.edn"), 1, 6, /bad number 0x1G/);
      throwsAt(() => readEdn("1.2.3", "h.edn"), 1, 1, /bad number 1\.2\.3/);
      assert.deepEqual(readEdn("0x1F -0xff 0x20000000000001", "h.edn"), [31, -255, 0x20000000000001n]);
      throwsAt(() => readEdn("\n 12abc", "h.edn"), 2, 2, /bad number 12abc/);
      throwsAt(() => readEdn("012", "h.edn"), 1, 1, /bad number/);
      throwsAt(() => readEdn("1.5N", "h.edn"), 1, 1, /bad number/);
      throwsAt(() => readEdn("1/0", "h.edn"), 1, 1, /bad number/);
      assert.ok(readEdn("- -a +", "h.edn").every((v) => v instanceof EdnSymbol));
    });

    it("bad escapes and characters", () => {
      throwsAt(() => readEdn('"a\\qb"', "h.edn"), 1, 3, /bad escape \\q/);
      throwsAt(() => readEdn('  "\\u12G4"', "h.edn"), 1, 4, /bad escape \\u/);
      throwsAt(() => readEdn("[\\foo]", "h.edn"), 1, 2, /bad character literal \\foo/);
    });

    it("unexpected end of input", () => {
      throwsAt(() => readEdn("#_", "h.edn"), 1, 3, /unexpected end of input.*#_ at 1:1/);
      throwsAt(() => readEdn("[1]\n#inst", "h.edn"), 2, 6, /unexpected end of input.*#inst/);
      throwsAt(() => readEdn("#", "h.edn"), 1, 2, /unexpected end of input/);
      throwsAt(() => readEdn("\\", "h.edn"), 1, 2, /unexpected end of input/);
      throwsAt(() => readEdn("[#_]", "h.edn"), 1, 4, /expected a form after #_ at 1:2, got \]/);
    });

    it("other malformed input", () => {
      throwsAt(() => readEdn(":", "h.edn"), 1, 1, /keyword/);
      throwsAt(() => readEdn("'a", "h.edn"), 1, 1, /reader macro/);
      throwsAt(() => readEdn("##Foo", "h.edn"), 1, 1, /symbolic value/);
      throwsAt(() => readEdn("# x", "h.edn"), 1, 1, /after #/);
      throwsAt(() => readEdn("a\u0001", "h.edn"), 1, 2, /control character/);
      throwsAt(() => readEdn("#:ns [1]", "h.edn"), 1, 1, /must be followed by a map/);
    });

    it("deep nesting is refused with an error, not a stack overflow", () => {
      for (const [open, close] of [["[", "]"], ["(", ")"], ["{:a ", "}"], ["#{", "}"]]) {
        const text = open.repeat(50_000) + close.repeat(50_000);
        throwsAt(() => readEdn(text, "h.edn"), 1, EDN_MAX_DEPTH * open.length + 1, /nested deeper than 1000/);
        throwsAt(() => parseEdnHistory(text, "h.edn"), 1, EDN_MAX_DEPTH * open.length + 1, /nested deeper/);
      }
      // Just under the limit is fine, and converts without overflowing the stack.
      const ok = "[".repeat(EDN_MAX_DEPTH) + "]".repeat(EDN_MAX_DEPTH);
      const [v] = readEdn(ok, "h.edn");
      assert.ok(Array.isArray(ednToJs(v)));
      assert.equal(printEdn(v), ok);
      // Long chains of prefixes are not nesting.
      assert.deepEqual(readEdn("#_ ".repeat(50_000) + "1 ".repeat(50_001), "h.edn"), [1]);
      assert.deepEqual(readEdn("#t ".repeat(50_000) + "1", "h.edn"), [1]);
    });

    it("random garbage either reads or throws HistoryParseError, never anything else", function () {
      this.timeout(30_000);
      let seed = 12345;
      const rand = (n: number) => {
        seed = (seed * 1103515245 + 12345) & 0x7fffffff;
        return seed % n;
      };
      const alphabet = ['[', ']', '(', ')', '{', '}', '#', '_', '"', '\\', ':', ';', ' ', '\n', ',', 'a', '1', '-', '.', 'e', 'N', 'M', '/', 'u', '0', '{', 'nil', '#{', '#_', '##', '\\u', 'x'];
      for (let t = 0; t < 5000; t++) {
        let s = "";
        const len = rand(40);
        for (let k = 0; k < len; k++) s += alphabet[rand(alphabet.length)];
        for (const fn of [() => readEdn(s, "f.edn"), () => parseEdnHistory(s, "f.edn")]) {
          try {
            fn();
          } catch (e) {
            assert.ok(e instanceof HistoryParseError, `input ${JSON.stringify(s)} threw ${String(e)}`);
            assert.match(e.message, /^f\.edn:\d+:\d+: /);
          }
        }
      }
    });
  });
});

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
