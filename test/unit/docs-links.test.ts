// Every relative link in README.md and docs/*.md resolves (the file, and the heading when an
// #anchor is given, with GitHub's anchor rules), and every docs/ citation in a source comment
// names a file that exists, with its § section numbers and "quoted" headings present there.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, extname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: this file runs as dist/test/unit/docs-links.test.js. */
const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Folders that hold no source of the project's own. */
const SKIPPED_DIRS = new Set(["node_modules", "dist", "results"]);
const SOURCE_EXTENSIONS = new Set([".ts", ".c", ".mjs"]);

function walk(dir: string, keep: (path: string) => boolean): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".") || SKIPPED_DIRS.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walk(path, keep));
    else if (entry.isFile() && keep(path)) found.push(path);
  }
  return found;
}

/** Lines outside fenced code blocks, with their 1-based numbers. */
function proseLines(markdown: string): Array<{ line: number; text: string }> {
  const lines: Array<{ line: number; text: string }> = [];
  let fence: string | undefined;
  markdown.split("\n").forEach((text, i) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(text)?.[1];
    if (marker && (fence === undefined || marker.startsWith(fence))) {
      fence = fence === undefined ? marker : undefined;
      return;
    }
    if (fence === undefined) lines.push({ line: i + 1, text });
  });
  return lines;
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "").replace(/ /g, "-");
}

/** The headings of a Markdown file, as written (ATX headings outside code blocks). */
function headings(markdown: string): string[] {
  return proseLines(markdown).flatMap(({ text }) => {
    const m = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(text);
    return m ? [m[1]] : [];
  });
}

/** The anchors a Markdown file offers: each heading's slug, repeats numbered -1, -2... as GitHub does. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const heading of headings(markdown)) {
    const base = slug(heading);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    result.add(n === 0 ? base : `${base}-${n}`);
  }
  return result;
}

/** Section numbers that are headings: "## 1. Replication" gives 1, "### 1.11 min-replicas..." 1.11. */
function sectionNumbers(markdown: string): Set<string> {
  return new Set(headings(markdown).flatMap((h) => /^(\d+(?:\.\d+)*)\.?\s/.exec(h)?.[1] ?? []));
}

const markdownCache = new Map<string, string>();
function readMarkdown(path: string): string {
  let text = markdownCache.get(path);
  if (text === undefined) {
    text = readFileSync(path, "utf8");
    markdownCache.set(path, text);
  }
  return text;
}

/** Inline links [text](target) and reference definitions [label]: target, outside code. */
function linkTargets(text: string): string[] {
  const prose = text.replace(/`[^`]*`/g, "");
  const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const reference = /^\s*\[[^\]]+\]:\s*<?([^\s>]+)>?/.exec(prose)?.[1];
  return reference ? [...inline, reference] : inline;
}

/** Problems with the relative links of one Markdown file. */
function brokenLinks(root: string, file: string): string[] {
  const problems: string[] = [];
  const where = (line: number) => `${relative(root, file)}:${line}`;
  for (const { line, text } of proseLines(readMarkdown(file))) {
    for (const target of linkTargets(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
      const [rawPath, anchor] = target.split("#", 2) as [string, string | undefined];
      const path = rawPath === "" ? file : resolve(dirname(file), decodeURIComponent(rawPath));
      if (!existsSync(path)) {
        problems.push(`${where(line)}: link ${target}: no such file`);
        continue;
      }
      if (anchor === undefined || anchor === "") continue;
      if (statSync(path).isDirectory() || extname(path) !== ".md") {
        problems.push(`${where(line)}: link ${target}: an #anchor into a file that is not Markdown`);
      } else if (!anchors(readMarkdown(path)).has(anchor.toLowerCase())) {
        problems.push(`${where(line)}: link ${target}: no heading with anchor #${anchor} in ${relative(root, path)}`);
      }
    }
  }
  return problems;
}

/** The comment text of a source line ("" when it has none): // and block-comment lines. */
function commentOf(line: string): string {
  const trimmed = line.trimStart();
  if (trimmed.startsWith("//") || trimmed.startsWith("/*") || trimmed.startsWith("*")) return trimmed;
  const at = line.indexOf(" // ");
  return at >= 0 ? line.slice(at + 4) : "";
}

/** Problems with the docs/ citations in one source file's comments. */
function brokenCitations(root: string, file: string): string[] {
  const problems: string[] = [];
  const docNames = existsSync(join(root, "docs")) ? readdirSync(join(root, "docs")).filter((n) => n.endsWith(".md")) : [];
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      const comment = commentOf(line);
      if (comment === "") return;
      const where = `${relative(root, file)}:${i + 1}`;
      // A section or heading cited by the file's name alone cannot be checked: ask for its folder.
      for (const name of docNames) {
        const bare = new RegExp(`(?<![\\w/.-])${name.replace(/[.]/g, "\\.")}(?=\\s*(?:§|,\\s*"))`);
        if (bare.test(comment)) problems.push(`${where}: cites ${name} without its folder: write docs/${name}`);
      }
      const citations = [...comment.matchAll(/(?<![\w/.-])docs\/([\w.-]+(?:\/[\w.-]+)*)/g)];
      citations.forEach((m, k) => {
        const cited = m[1].replace(/[.]+$/, "");
        const path = join(root, "docs", cited);
        if (!existsSync(path)) {
          problems.push(`${where}: cites docs/${cited}, which does not exist`);
          return;
        }
        if (!cited.endsWith(".md")) return;
        const markdown = readMarkdown(path);
        const after = comment.slice(m.index + m[0].length, citations[k + 1]?.index ?? comment.length);
        const sections = sectionNumbers(markdown);
        for (const [, number] of after.matchAll(/§(\d+(?:\.\d+)*)/g)) {
          if (!sections.has(number)) problems.push(`${where}: cites docs/${cited} §${number}, which is not a section heading there`);
        }
        const quoted = /^,?\s*\(?,?\s*"([^"]+)"/.exec(after)?.[1];
        if (quoted !== undefined && !anchors(markdown).has(slug(quoted))) {
          problems.push(`${where}: cites docs/${cited}, "${quoted}", which is not a heading there`);
        }
      });
    });
  return problems;
}

/** Every problem in a tree: links in README.md and docs/**.md, citations in source comments. */
function problemsIn(root: string): string[] {
  const markdown = [join(root, "README.md"), ...(existsSync(join(root, "docs")) ? walk(join(root, "docs"), (p) => p.endsWith(".md")) : [])];
  const sources = walk(root, (p) => SOURCE_EXTENSIONS.has(extname(p)));
  return [
    ...markdown.filter((p) => existsSync(p)).flatMap((p) => brokenLinks(root, p)),
    ...sources.flatMap((p) => brokenCitations(root, p)),
  ];
}

describe("links in the docs and docs/ citations in the code", () => {
  it("all resolve in this tree", () => {
    assert.ok(existsSync(join(ROOT, "README.md")) && existsSync(join(ROOT, "docs")), `no README.md and docs/ at ${ROOT}`);
    const problems = problemsIn(ROOT);
    assert.deepEqual(problems, [], `${problems.length} broken:\n${problems.join("\n")}`);
  });

  describe("the rules, on a small tree", () => {
    let root: string;
    before(() => {
      root = mkdtempSync(join(tmpdir(), "redline-docs-links-"));
      mkdirSync(join(root, "docs"));
      mkdirSync(join(root, "src"));
      writeFileSync(
        join(root, "docs", "ref.md"),
        "# Reference\n\n## 1. Replication\n\n### 1.11 min-replicas-to-write / min-replicas-max-lag, the exact rule\n\n## Outcome mapping\n\n## Outcome mapping\n\n```\n## not a heading\n```\n",
      );
      markdownCache.clear();
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    function linksOf(readme: string): string[] {
      writeFileSync(join(root, "README.md"), readme);
      markdownCache.delete(join(root, "README.md"));
      return brokenLinks(root, join(root, "README.md"));
    }
    function citationsOf(source: string): string[] {
      writeFileSync(join(root, "src", "a.ts"), source);
      return brokenCitations(root, join(root, "src", "a.ts"));
    }

    it("accepts links to files and headings, with GitHub's anchors", () => {
      const readme = [
        "[ref](docs/ref.md) [r](docs/ref.md#1-replication) [x](docs/ref.md#111-min-replicas-to-write--min-replicas-max-lag-the-exact-rule)",
        "[twice](docs/ref.md#outcome-mapping-1) [web](https://example.com/x.md) [self](#top) [dir](docs/)",
        "# Top",
        "`[code](nowhere.md)`",
        "```",
        "[fenced](nowhere.md)",
        "```",
      ].join("\n");
      assert.deepEqual(linksOf(readme), []);
    });

    it("names a missing file, a missing heading and a heading inside code", () => {
      const problems = linksOf("[a](docs/gone.md)\n[b](docs/ref.md#replicaton)\n[c](docs/ref.md#not-a-heading)\n");
      assert.deepEqual(problems, [
        "README.md:1: link docs/gone.md: no such file",
        "README.md:2: link docs/ref.md#replicaton: no heading with anchor #replicaton in docs/ref.md",
        "README.md:3: link docs/ref.md#not-a-heading: no heading with anchor #not-a-heading in docs/ref.md",
      ]);
    });

    it("checks docs/ citations in comments: the file, § numbers and quoted headings", () => {
      const source = [
        "// Replication (docs/ref.md §1, §1.11); outcomes (docs/ref.md, \"Outcome mapping\").",
        " * see docs/ref.md §1.12 and docs/ref.md §2",
        "const x = 1; \u002f/ docs/missing.md", // written so that this line of the test is no citation itself
        "/* docs/ref.md, \"No such heading\" */",
        "// the rule is in ref.md §1; ref.md is short",
        "const url = \"https://redis.io/docs/manual\"; // not a citation: https://redis.io/docs/x",
        "const path = \"docs/not-a-comment.md\";",
      ].join("\n");
      assert.deepEqual(citationsOf(source), [
        "src/a.ts:2: cites docs/ref.md §1.12, which is not a section heading there",
        "src/a.ts:2: cites docs/ref.md §2, which is not a section heading there",
        "src/a.ts:3: cites docs/missing.md, which does not exist",
        "src/a.ts:4: cites docs/ref.md, \"No such heading\", which is not a heading there",
        "src/a.ts:5: cites ref.md without its folder: write docs/ref.md",
      ]);
    });
  });
});
