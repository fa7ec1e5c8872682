// The stylesheets and browser scripts that pages inline. They are real files in the source tree
// (*.css, *.browser.js), copied beside the compiled modules by scripts/copy-assets.mjs at build
// time and read once, when a page first needs them.
import { readFileSync } from "node:fs";

const read = new Map<string, string>();

/** The text of an asset, given by a URL resolved against the module that uses it (import.meta.url). */
export function asset(url: URL): string {
  let text = read.get(url.href);
  if (text === undefined) {
    text = readFileSync(url, "utf8");
    read.set(url.href, text);
  }
  return text;
}
