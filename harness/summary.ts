// The short text a person reads at the end of a run or of `redline check`.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { RunResults } from "../core/run-folder.js";
import type { Validity } from "../core/verdict.js";

export function verdictWord(valid: Validity | undefined): string {
  return valid === true ? "valid" : valid === false ? "INVALID" : "unknown";
}

export function formatSummary(results: RunResults, runDir: string): string {
  const lines: string[] = [];
  const c = results.opCounts;
  const seed = results.seed === undefined ? "" : ` (seed ${results.seed})`;
  lines.push(`${results.name}${seed}: ${verdictWord(results.valid)}`);
  if (results.interrupted) lines.push(`  interrupted: ${results.interrupted}`);
  if (results.error) lines.push(`  error: ${results.error}`);
  lines.push(`  ops: ${c.invoke ?? 0} invoked, ${c.ok ?? 0} ok, ${c.fail ?? 0} fail, ${c.info ?? 0} info; ${c.nemesis ?? 0} nemesis ops`);
  for (const [name, v] of Object.entries(results.checkers)) {
    lines.push(`  ${name.padEnd(14)} ${verdictWord(v.valid).padEnd(8)} ${v.summary}`);
    for (const r of v.report ?? []) lines.push(...r.split("\n").map((l) => `    ${l}`));
  }
  const lost = lostWrites(results);
  if (lost.length > 0) {
    lines.push(`  lost writes (first ${Math.min(lost.length, 10)} of ${lost.length}):`);
    for (const l of lost.slice(0, 10)) {
      lines.push(`    ${l.key} ${l.value} acknowledged at ${(l.ackTime / 1e9).toFixed(3)} s by ${l.node ?? "?"}`);
    }
  }
  lines.push(`  run folder: ${runDir}`);
  const report = join(runDir, "report.html");
  if (existsSync(report)) lines.push(`  report: ${report}`);
  return lines.join("\n");
}

interface LostWrite {
  key: string;
  value: unknown;
  ackTime: number;
  node: string | null;
}

function lostWrites(results: RunResults): LostWrite[] {
  const lost = results.checkers.set?.details?.lost;
  return Array.isArray(lost) ? (lost as LostWrite[]) : [];
}
