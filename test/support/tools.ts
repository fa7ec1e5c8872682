// The outside programs some tests need. A test whose tool is missing is skipped (pending), never
// passed: scripts/test.mjs fails a CI run on a skipped test that is not on test/allowed-skips.json.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

/** Debian's chromium, which playwright-core drives; REDLINE_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.REDLINE_CHROMIUM ?? "/usr/bin/chromium";

const TOOLS = {
  xmllint: { found: () => spawnSync("xmllint", ["--version"]).status === 0, install: "Debian's libxml2-utils" },
  chromium: { found: () => existsSync(CHROMIUM), install: `Debian's chromium (or REDLINE_CHROMIUM; looked at ${CHROMIUM})` },
  tmux: { found: () => spawnSync("tmux", ["-V"]).status === 0, install: "Debian's tmux" },
} as const;

export type Tool = keyof typeof TOOLS;

/** Skips the running test (or hook's tests) when `tool` is missing, saying what to install. */
export function needTool(ctx: Mocha.Context, tool: Tool): void {
  if (TOOLS[tool].found()) return;
  console.log(`      (skipped: no ${tool}; install ${TOOLS[tool].install})`);
  ctx.skip();
}
