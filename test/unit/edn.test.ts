// The EDN codec: reading (values, positions, every error with its line and column) and printing.
import assert from "node:assert/strict";
import { HistoryParseError } from "../../history/jsonl.js";
import { readEdn, readEdnForms, ednToJs, printEdn, ednPosition, Keyword, EdnSymbol, EdnChar, EdnList, EdnVector, EdnMap, EdnSet, EDN_MAX_DEPTH } from "../../history/edn.js";
import { parseEdnHistory } from "../../history/jepsen.js";
import { throwsAt } from "../support/parse-errors.js";

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
