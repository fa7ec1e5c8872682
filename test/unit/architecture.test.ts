// The layer rules of the tree (.dependency-cruiser.cjs, docs/architecture.md): dependency-cruiser reads
// the TypeScript sources, type-only imports included, and every rule broken or import cycle fails here.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise, type ICruiseOptions, type ICruiseResult, type IForbiddenRuleType } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { tempDir } from "../helpers.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SOURCES = ["core", "history", "spec", "workloads", "checkers", "net", "nemesis", "targets", "report", "harness", "bundled-server", "bench", "test", "scripts"];

/** The project's own rule set, read as dependency-cruiser's CLI reads it. */
const CONFIG = createRequire(import.meta.url)(join(ROOT, ".dependency-cruiser.cjs")) as { forbidden: IForbiddenRuleType[]; options: ICruiseOptions };

/** Cruises `folders` under `baseDir` with the project's rules; returns the violations as "rule: from -> to" lines. */
async function violations(baseDir: string, folders: string[]): Promise<string[]> {
  const tsConfigFile = join(baseDir, "tsconfig.json");
  const { output } = await cruise(
    folders,
    {
      ...CONFIG.options,
      baseDir,
      tsConfig: { fileName: tsConfigFile },
      ruleSet: { forbidden: CONFIG.forbidden },
      validate: true,
    },
    {},
    { tsConfig: extractTSConfig(tsConfigFile) },
  );
  const result = output as ICruiseResult;
  return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.cycle?.map((c) => c.name).join(" -> ") ?? v.to}`);
}

describe("architecture", function () {
  this.timeout(120_000);

  it("every import in the tree keeps to its layer, and there is no import cycle", async () => {
    const found = await violations(ROOT, SOURCES.filter((s) => s !== "scripts"));
    assert.deepEqual(found, [], `layer rules broken (see .dependency-cruiser.cjs and docs/architecture.md):\n${found.join("\n")}`);
  });

  it("the rules catch a layer broken and a cycle (a small tree made to break them)", async () => {
    const dir = tempDir("redline-layers-");
    const file = (path: string, text: string) => {
      mkdirSync(join(dir, path, ".."), { recursive: true });
      writeFileSync(join(dir, path), text);
    };
    file("tsconfig.json", JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true } }));
    file("core/vocabulary.ts", 'import type { Run } from "../harness/run.js";\nexport type Name = Run;\n');
    file("harness/run.ts", "export type Run = string;\n");
    file("checkers/judge.ts", 'import { run } from "../report/page.js";\nexport const judge = run;\n');
    file("report/page.ts", "export const run = 1;\n");
    file("bundled-server/a.ts", 'import type { B } from "./b.js";\nexport type A = B | 1;\n');
    file("bundled-server/b.ts", 'import type { A } from "./a.js";\nexport type B = A | 2;\n');
    const found = await violations(dir, ["core", "harness", "checkers", "report", "bundled-server"]);
    assert.deepEqual(
      found.map((v) => v.split(":")[0]).sort(),
      ["layer-checkers", "layer-core", "no-circular"],
      found.join("\n"),
    );
    assert.ok(found.some((v) => v.startsWith("layer-core: core/vocabulary.ts -> harness/run.ts")), found.join("\n"));
  });
});
