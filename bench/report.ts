// npm run bench:report — the reports of a large run: a 100,000-op set history (10 workers at
// 1,000 ops/s, a split-brain partition with a failover every 20 s, thousands of lost writes)
// in a run folder made by hand, rendered from disk as `redline report` does (history parsed,
// results read, report.html, junit.xml and summary.md written). Prints seconds and sizes.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeReports } from "../report/index.js";
import { makeRunFixture } from "../test/support/run-fixture.js";

const OPS = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "redline-bench-report-"));
try {
  const fixture = await makeRunFixture(join(dir, "bench-report", "20261124T074745921Z"), { ops: OPS, concurrency: 10, rate: 1000, infoRate: 0.002, failRate: 0.01 });
  const history = statSync(join(fixture.dir, "history.jsonl")).size;
  const runs: number[] = [];
  let files: string[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    files = await writeReports(fixture.dir);
    runs.push((performance.now() - t0) / 1000);
  }
  const mb = (f: string) => {
    const n = statSync(f).size;
    return n >= 1e5 ? `${(n / 1e6).toFixed(2)} MB` : `${(n / 1e3).toFixed(1)} kB`;
  };
  console.log(`report of a ${OPS.toLocaleString("en")}-op history (${fixture.history.length.toLocaleString("en")} lines, ${(history / 1e6).toFixed(1)} MB; ${fixture.partitions.length} partitions with failovers; ${fixture.lost.toLocaleString("en")} lost writes), node ${process.version}`);
  console.log(`| report | seconds (best of 3; all: ${runs.map((s) => s.toFixed(2)).join(", ")}) | size |`);
  console.log("|---|---|---|");
  console.log(`| report.html + junit.xml + summary.md, from the run folder | ${Math.min(...runs).toFixed(2)} s | ${files.map((f) => `${f.split("/").pop()} ${mb(f)}`).join(", ")} |`);
  console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
