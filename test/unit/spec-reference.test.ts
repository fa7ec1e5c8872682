// The spec reference in docs/ is generated from the field table and must match it, and every
// ```yaml block of README.md and docs/ is a spec that parses, so no example in the docs can rot.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseSpec } from "../../spec/index.js";
import { REFERENCE_FILE, REGENERATE, specReference } from "../../spec/reference.js";

/** The repository root (tests run from dist/test/unit). */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** README.md and every markdown file under docs/. */
function docFiles(): string[] {
  const files = ["README.md"];
  const walk = (dir: string): void => {
    if (!existsSync(join(ROOT, dir))) return;
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".md")) files.push(path);
    }
  };
  walk("docs");
  return files;
}

/** The ```yaml blocks of a markdown text, each with the line its first line of YAML is on. */
function yamlBlocks(text: string): Array<{ yaml: string; line: number }> {
  const blocks: Array<{ yaml: string; line: number }> = [];
  for (const match of text.matchAll(/^```yaml\n([\s\S]*?)^```/gm)) {
    blocks.push({ yaml: match[1], line: text.slice(0, match.index).split("\n").length + 1 });
  }
  return blocks;
}

describe("the spec reference", () => {
  it(`${REFERENCE_FILE} is what the field table generates`, () => {
    const file = join(ROOT, REFERENCE_FILE);
    const committed = existsSync(file) ? readFileSync(file, "utf8") : "";
    assert.ok(committed === specReference(), `${REFERENCE_FILE} is out of date with the field table: run \`${REGENERATE}\` and commit it`);
  });

  it("has a full example that parses", () => {
    const [example] = yamlBlocks(specReference());
    const spec = parseSpec(example.yaml, REFERENCE_FILE);
    assert.equal(spec.topology.type, "sentinel");
    assert.deepEqual(spec.nemesis.faults, ["partition", "kill"]);
  });

  it("every ```yaml block in README.md and docs/ is a valid spec", () => {
    let blocks = 0;
    for (const file of docFiles()) {
      for (const { yaml, line } of yamlBlocks(readFileSync(join(ROOT, file), "utf8"))) {
        blocks++;
        try {
          parseSpec(yaml, file);
        } catch (err) {
          // Problems name the block's own lines; say where the block starts.
          assert.fail(`${file}, the yaml block from line ${line}:\n${err instanceof Error ? err.message : String(err)}`);
        }
      }
    }
    assert.ok(blocks >= 1, "no yaml block found");
  });
});
