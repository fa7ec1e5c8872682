// Writes a run's reports into its folder: report.html, junit.xml, summary.md. Called by the
// runner after checking, by `redline check` and by `redline report` (which re-renders a run
// from its stored history and results).
import { writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { History } from "../history/op.js";
import type { RunResults } from "../core/run-folder.js";
import { derive, renderReportHtml } from "./html.js";
import { renderJunit } from "./junit.js";
import { renderMarkdown } from "./markdown.js";
import { loadRun, REPORT_FILES, type RunData } from "./run-data.js";

export { REPORT_FILES } from "./run-data.js";

export interface Reports {
  html: string;
  junit: string;
  markdown: string;
}

/** Renders the three reports of a run held in memory. */
export async function renderReports(data: RunData): Promise<Reports> {
  const derived = derive(data);
  const label = data.dir ? `${basename(dirname(data.dir))}/${basename(data.dir)}` : undefined;
  return {
    html: await renderReportHtml(data, derived),
    junit: renderJunit(data.results, derived, { spec: data.spec }),
    markdown: renderMarkdown(data.results, derived, { runDir: label }),
  };
}

/** Reads a run folder (or takes the history and results the caller holds) and writes its reports beside them. */
export async function writeReports(runDir: string, given: { history?: History; results?: RunResults } = {}): Promise<string[]> {
  const data = loadRun(runDir, given);
  // The page links to its siblings, written just below.
  for (const f of [REPORT_FILES.junit, REPORT_FILES.markdown]) if (!data.files.includes(f)) data.files.push(f);
  data.files.sort();
  const r = await renderReports(data);
  const written: [string, string][] = [
    [REPORT_FILES.html, r.html],
    [REPORT_FILES.junit, r.junit],
    [REPORT_FILES.markdown, r.markdown],
  ];
  for (const [file, content] of written) writeFileSync(join(runDir, file), content);
  return written.map(([f]) => join(runDir, f));
}
