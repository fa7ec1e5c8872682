// Writes docs/spec.md, the spec reference, from the built field table (dist/spec/reference.js).
// Run through `npm run docs:spec`, which builds first.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { REFERENCE_FILE, specReference } from "../dist/spec/reference.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const file = join(root, REFERENCE_FILE);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, specReference());
console.log(`wrote ${REFERENCE_FILE}`);
