// Full-page screenshots of the browser tests: each in a fresh temp dir (removed when the test
// process ends, kept with REDLINE_KEEP_TEST_DIRS), its path printed for a person to look at.
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { tempDir } from "../helpers.js";

/** Saves a full-page PNG of `page` as `name` and checks that it shows the whole page: its width and full height. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(tempDir("redline-screenshot-"), name);
  const png = await page.screenshot({ path: file, fullPage: true });
  const pageSize = await page.evaluate(() => ({ width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight }));
  // PNG: an 8-byte signature, then the IHDR chunk (length, "IHDR", width, height).
  assert.equal(png.subarray(12, 16).toString("latin1"), "IHDR", `${file} is not a PNG`);
  assert.deepEqual({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) }, pageSize, `${file} does not show the whole page`);
  console.log(`    screenshot: ${file}`);
  return file;
}
