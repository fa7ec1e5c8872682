// The argument parsers of bundled-server/commands/args.ts, against what Redis 7.0 accepts
// (every expectation here was checked on a real redis-server 7.0.15).
import assert from "node:assert/strict";
import {
  LLONG_MAX,
  LLONG_MIN,
  isOpt,
  isReply,
  parseScanCursor,
  parseTimeoutMs,
  string2d,
  string2ld,
  string2ll,
  strtodPrefix,
} from "../../bundled-server/commands/args.js";

const b = (s: string) => Buffer.from(s, "latin1");

describe("commands: args", () => {
  it("string2ll accepts exactly Redis's integers", () => {
    const ok: Array<[string, bigint]> = [
      ["0", 0n],
      ["1", 1n],
      ["-1", -1n],
      ["9223372036854775807", LLONG_MAX],
      ["-9223372036854775808", LLONG_MIN],
      ["123456", 123456n],
    ];
    for (const [s, v] of ok) assert.equal(string2ll(b(s)), v, s);
    for (const s of ["", "-", "-0", "+1", "01", "00", " 1", "1 ", "1.5", "1e3", "9223372036854775808", "-9223372036854775809", "99999999999999999999", "0x10", "1\x00"]) {
      assert.equal(string2ll(b(s)), null, JSON.stringify(s));
    }
  });

  it("isOpt compares like strcasecmp on C strings", () => {
    assert.ok(isOpt(b("NX"), "nx"));
    assert.ok(isOpt(b("nX"), "nx"));
    assert.ok(isOpt(b("nx\x00garbage"), "nx"));
    assert.ok(!isOpt(b("nxx"), "nx"));
    assert.ok(!isOpt(b("n"), "nx"));
    assert.ok(!isOpt(b("\xcex"), "nx"));
  });

  it("string2d: strtod on the whole argument, no space, no overflow, no NaN", () => {
    const ok: Array<[string, number]> = [
      ["1", 1],
      ["-1.5", -1.5],
      ["+2", 2],
      [".5", 0.5],
      ["1.", 1],
      ["1e3", 1000],
      ["-.5e1", -5],
      ["inf", Infinity],
      ["-inf", -Infinity],
      ["+inf", Infinity],
      ["Inf", Infinity],
      ["infinity", Infinity],
      ["0x10", 16],
      ["0x1.8p1", 3],
      ["0x.8p-8", 0.5 / 256],
      ["1e-320", 1e-320],
      ["0e-400", 0],
    ];
    for (const [s, v] of ok) assert.equal(string2d(b(s)), v, s);
    assert.ok(Object.is(string2d(b("-0")), -0));
    for (const s of ["", " 1", "1 ", "x", "nan", "NaN", "1e400", "-1e400", "1e-400", "1.5\x00", "0x", "1e", "1e+", "infx", "infinit", "."]) {
      assert.equal(string2d(b(s)), null, JSON.stringify(s));
    }
  });

  it("strtodPrefix reads the longest prefix, as glibc does", () => {
    assert.deepEqual(strtodPrefix("  1.5xyz"), { value: 1.5, end: 5, erange: false });
    assert.deepEqual(strtodPrefix(""), { value: 0, end: 0, erange: false });
    assert.deepEqual(strtodPrefix("   "), { value: 0, end: 0, erange: false });
    assert.deepEqual(strtodPrefix("1e5000"), { value: Infinity, end: 6, erange: true });
    assert.deepEqual(strtodPrefix("0x"), { value: 0, end: 1, erange: false });
    assert.deepEqual(strtodPrefix("1e+"), { value: 1, end: 1, erange: false });
    assert.equal(strtodPrefix("infinity").end, 8);
    assert.equal(strtodPrefix("infinit").end, 3);
    assert.ok(Number.isNaN(strtodPrefix("nan(123)").value));
    assert.equal(strtodPrefix("nan(123)").end, 8);
  });

  it("string2ld: 80-bit long doubles, range up to ~1.19e4932", () => {
    assert.ok(string2ld(b("1e4000")));
    assert.ok(string2ld(b("1e-4950"))); // subnormal
    for (const s of ["1e5000", "-1e5000", "1e-4952", "nan", "", " 1", "1\x00x", "abc"]) assert.equal(string2ld(b(s)), null, s);
  });

  it("parseTimeoutMs: ceil(seconds * 1000) in long double, as BLPOP computes it", () => {
    const ms = (s: string) => {
      const r = parseTimeoutMs(b(s));
      return isReply(r) ? (r.t === "error" ? r.s : "?") : r;
    };
    assert.equal(ms("0"), 0n);
    assert.equal(ms("1"), 1000n);
    assert.equal(ms("1."), 1000n);
    assert.equal(ms("0.5"), 500n);
    assert.equal(ms("0x10"), 16000n);
    assert.equal(ms("0.001"), 1n); // 0.99999999999999999995 -> 1
    assert.equal(ms("0.0009"), 1n);
    assert.equal(ms("1e-400"), 1n);
    assert.equal(ms("-0"), 0n);
    assert.equal(ms("-0.0001"), 0n); // ceil(-0.1) = 0: blocks forever, as in Redis
    assert.equal(ms("-0.001"), 0n); // ceil(-0.99999999999999999995) = 0
    assert.equal(ms("9223372036854775"), 9223372036854775000n);
    const negative = "ERR timeout is negative";
    for (const s of ["-0.002", "-1", "9223372036854776", "1e20", "9.3e15", "1e4000", "inf", "-inf", "infinity"]) assert.equal(ms(s), negative, s);
    const notFloat = "ERR timeout is not a float or out of range";
    for (const s of ["abc", " 1", "", "nan", "1\x00x", "1e5000", "1e-5000", "1e", "1e+"]) assert.equal(ms(s), notFloat, s);
  });

  it("parseScanCursor: strtoul, as SCAN reads its cursor", () => {
    assert.equal(parseScanCursor(b("0")), 0n);
    assert.equal(parseScanCursor(b("")), 0n);
    assert.equal(parseScanCursor(b("+5")), 5n);
    assert.equal(parseScanCursor(b("-1")), (1n << 64n) - 1n);
    assert.equal(parseScanCursor(b("-0")), 0n);
    assert.equal(parseScanCursor(b("18446744073709551615")), (1n << 64n) - 1n);
    assert.equal(parseScanCursor(b("0\x00x")), 0n);
    for (const s of ["abc", " 0", "18446744073709551616", "-18446744073709551616", "-", "+", "1x"]) assert.equal(parseScanCursor(b(s)), null, s);
  });
});
