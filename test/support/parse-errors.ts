// Assertions on the parse errors of history readers: a HistoryParseError whose message names "source:line:col: ".
import assert from "node:assert/strict";
import { HistoryParseError } from "../../history/jsonl.js";

/** Asserts that `fn` throws a HistoryParseError whose message starts with `source:line:col: `. */
export function throwsAt(fn: () => unknown, line: number, col: number, pattern?: RegExp, source = "h.edn"): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof HistoryParseError, `expected a HistoryParseError, got ${String(e)}`);
    assert.ok(e.message.startsWith(`${source}:${line}:${col}: `), `wrong position in: ${e.message}`);
    if (pattern) assert.match(e.message, pattern);
    return true;
  });
}
