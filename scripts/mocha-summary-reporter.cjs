// Mocha reporter for scripts/test.mjs: the usual spec output, and at the end a JSON summary (the
// counts, and the full title of every failed and pending test) written to REDLINE_TEST_SUMMARY.
// CommonJS because mocha loads reporters with require.
"use strict";
const { writeFileSync } = require("node:fs");
const Mocha = require("mocha");

const { Spec } = Mocha.reporters;
const { EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING, EVENT_RUN_END } = Mocha.Runner.constants;

class SummaryReporter extends Spec {
  constructor(runner, options) {
    super(runner, options);
    const summary = { passed: 0, failed: [], pending: [] };
    const title = (test) => ({ title: test.fullTitle(), file: test.file ?? "" });
    runner.on(EVENT_TEST_PASS, () => summary.passed++);
    runner.on(EVENT_TEST_FAIL, (test) => summary.failed.push(title(test)));
    runner.on(EVENT_TEST_PENDING, (test) => summary.pending.push(title(test)));
    runner.once(EVENT_RUN_END, () => {
      const file = process.env.REDLINE_TEST_SUMMARY;
      if (file) writeFileSync(file, JSON.stringify(summary, null, 2) + "\n");
    });
  }
}

module.exports = SummaryReporter;
