// The reports of a real run: the bundled server's sentinel topology under the split brain
// (the primary keeps its clients while the sentinels fail over), which loses acknowledged
// writes. One run (about 22 s) with --archive, then: report.html with the partition, the
// failover read from the sentinels' logs and the lost writes (also opened in Chromium when
// there is one), junit.xml against the JUnit schema, summary.md, `redline report`
// re-rendering the same bytes, and `redline archive` giving the same bytes as the run's own.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import type { RunResults } from "../../core/run-folder.js";
import { readJson, runCli, tempDir } from "../helpers.js";
import { screenshot } from "../support/screenshot.js";
import { CHROMIUM, needTool } from "../support/tools.js";

const XSD = fileURLToPath(new URL("../../../test/fixtures/junit.xsd", import.meta.url));

describe("reports of a real run", function () {
  this.timeout(120_000);

  it("a sentinel split brain: report.html shows the partition, the failover and the lost writes; junit.xml, summary.md; re-rendered and archived to the same bytes", async function () {
    const results = join(tempDir(), "results");
    const res = await runCli([
      "run",
      ...["--target", "bundled", "--topology", "sentinel", "--workload", "set", "--timeout-ms", "500"],
      ...["--nemesis", "partition", "--partitions", "primary-with-clients", "--nemesis-interval", "2", "--nemesis-duration", "8", "--time-limit", "12"],
      ...["--results-dir", results, "--archive"],
    ]);
    assert.equal(res.code, 1, res.stdout + res.stderr);
    const testDir = join(results, "bundled-sentinel-set-partition");
    const stamp = readdirSync(testDir).find((n) => statSync(join(testDir, n)).isDirectory())!;
    const dir = join(testDir, stamp);
    const verdict = readJson<RunResults>(join(dir, "results.json"));
    const lost = (verdict.checkers.set.details.lost as unknown[]).length;
    assert.ok(lost > 0);
    assert.equal(verdict.checkers.set.valid, false);
    const election = verdict.checkers["election-rules"];
    assert.equal(election.valid, true, `the honest bundled Sentinel follows the election rules: ${election.summary}\n${election.report?.join("\n")}`);
    assert.match(res.stdout, new RegExp(`^  report: ${escapeRe(join(dir, "report.html"))}$`, "m"));
    assert.match(res.stdout, new RegExp(`^archive: ${escapeRe(dir)}\\.tar\\.gz \\(\\d+ entries, \\d+ bytes\\)$`, "m"));

    const html = readFileSync(join(dir, "report.html"), "utf8");
    assert.match(html, /<span id="verdict" class="badge big invalid"/);
    assert.match(html, /<tr data-checker="set" data-verdict="invalid">/);
    assert.match(html, /aria-label="fault: partition primary-with-clients from/);
    assert.match(html, /aria-label="failover: failover n1 → n\d from/, "the failover, from the sentinels' logs");
    assert.match(html, /change of primary: n1 → n\d at/);
    assert.match(html, /<table class="list lost-writes">/);
    assert.match(html, /<a class="node-log" href="nodes\/n1\/redis\.log">/);

    const junit = readFileSync(join(dir, "junit.xml"), "utf8");
    assert.match(junit, /<testcase name="set" classname="redline\.bundled-sentinel-set-partition" time="[\d.]+">\s*<failure message="\d+ of \d+ acknowledged adds lost/);
    assert.match(readFileSync(join(dir, "summary.md"), "utf8"), /^## redline: \*\*INVALID\*\* — bundled-sentinel-set-partition$/m);

    const again = await runCli(["report", dir]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(readFileSync(join(dir, "report.html"), "utf8"), html, "re-rendering from the stored history gives the same page");

    const other = join(tempDir(), "again.tar.gz");
    const archived = await runCli(["archive", dir, "--out", other]);
    assert.equal(archived.code, 0, archived.stderr);
    assert.ok(readFileSync(other).equals(readFileSync(`${dir}.tar.gz`)), "the same run folder gives the same archive bytes");

    // Last, as they skip the test without their tool.
    needTool(this, "xmllint");
    execFileSync("xmllint", ["--noout", "--schema", XSD, join(dir, "junit.xml")], { stdio: "pipe" });
    needTool(this, "chromium");
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(pathToFileURL(join(dir, "report.html")).href);
      assert.equal(await page.locator("#verdict").innerText(), "INVALID");
      // One partition, or two when a slow machine starts the second just before the deadline: the same on every chart.
      const counts: number[] = [];
      for (const chart of ["timeline", "throughput", "latency"]) {
        const bands = page.locator(`figure[data-chart="${chart}"] path[aria-label^="fault: partition"]`);
        counts.push(await bands.count());
        assert.ok(await bands.first().isVisible(), chart);
      }
      assert.ok(counts[0] >= 1 && counts.every((c) => c === counts[0]), `bands per chart: ${counts.join(", ")}`);
      // The set checker's list (the loss-window checker lists the same writes with its own columns).
      assert.equal(await page.locator("table.lost-writes").first().locator("tbody tr").count(), Math.min(lost, 300));
      await screenshot(page, "real-run-report.png");
    } finally {
      await browser.close();
    }
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
