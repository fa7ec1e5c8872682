// Copies the pages' assets that tsc does not compile (stylesheets and browser scripts: *.css and
// *.browser.js under report/) into dist/ beside the compiled modules, which read them and inline
// them into the pages they render.
import { copyFileSync, mkdirSync, readdirSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");
const ASSET = /\.(css|browser\.js)$/;

for (const entry of readdirSync(join(root, "report"), { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !ASSET.test(entry.name)) continue;
  const from = join(entry.parentPath, entry.name);
  const to = join(dist, relative(root, from));
  mkdirSync(dirname(to), { recursive: true });
  copyFileSync(from, to);
}
