// junit.xml: the run as one JUnit test suite, each checker a test case, in the shape CI
// systems read (Jenkins, GitLab, GitHub reporters: Ant's junit format, see
// test/fixtures/junit.xsd). An invalid checker is a <failure> with its one-line reason as the
// message and the evidence as the body; an unknown one is an <error> (the run could not
// vouch for the target, which CI must not take as a pass); a run that hit an error or was
// interrupted adds a test case "run" with an <error>.
import type { RunResults } from "../core/run-folder.js";
import { isRecord, safeJson, secs, truncate, xmlEsc, xmlText } from "./format.js";
import type { Derived } from "./html.js";

/** Lines of evidence in a failure's body at most. */
const BODY_LINES = 50;

export function renderJunit(results: RunResults, derived?: Derived, opts: { spec?: Record<string, unknown> } = {}): string {
  const name = String(results.name ?? "run");
  const suiteSeconds = elapsedSeconds(results);
  const cases: string[] = [];
  let failures = 0;
  let errors = 0;
  for (const [checker, v] of Object.entries(results.checkers ?? {})) {
    const seconds = isRecord(v.details) && typeof v.details.elapsedMs === "number" ? v.details.elapsedMs / 1000 : 0;
    const open = `    <testcase name="${xmlEsc(checker)}" classname="redline.${xmlEsc(name)}" time="${seconds.toFixed(3)}"`;
    const summary = String(v.summary ?? "");
    if (v.valid === true) {
      cases.push(`${open}>\n      <system-out>${xmlText(summary)}</system-out>\n    </testcase>`);
    } else if (v.valid === false) {
      failures++;
      cases.push(`${open}>\n      <failure message="${xmlEsc(truncate(summary, 1000))}" type="invalid">${xmlText(evidence(checker, v.details, derived).join("\n"))}</failure>\n    </testcase>`);
    } else {
      errors++;
      cases.push(`${open}>\n      <error message="${xmlEsc(truncate(`unknown: ${summary}`, 1000))}" type="unknown">${xmlText(summary)}</error>\n    </testcase>`);
    }
  }
  if (results.error || results.interrupted) {
    errors++;
    const why = results.error ? `the run hit an error: ${results.error}` : `the run was interrupted: ${results.interrupted}`;
    cases.push(`    <testcase name="run" classname="redline.${xmlEsc(name)}" time="${suiteSeconds.toFixed(3)}">\n      <error message="${xmlEsc(truncate(why, 1000))}" type="${results.error ? "error" : "interrupted"}">${xmlText(why)}</error>\n    </testcase>`);
  }
  const tests = cases.length;
  const props: [string, string][] = [];
  if (results.seed !== undefined) props.push(["seed", String(results.seed)]);
  props.push(["verdict", results.valid === true ? "valid" : results.valid === false ? "invalid" : "unknown"]);
  const spec = opts.spec;
  if (spec) {
    for (const [k, path] of [
      ["target", ["target"]],
      ["topology", ["topology", "type"]],
      ["workload", ["workload", "type"]],
      ["nemesis", ["nemesis", "faults"]],
      ["time-limit", ["time-limit"]],
    ] as const) {
      const value = at(spec, path);
      if (value !== undefined) props.push([k, Array.isArray(value) ? value.join(",") : String(value)]);
    }
  }
  if (derived) {
    props.push(["faults", String(derived.faults.length)]);
    props.push(["failovers", String(derived.failovers.switches.length)]);
    props.push(["lost-writes", String(derived.lost.length)]);
  }
  const timestamp = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.exec(results.startedAt ?? "")?.[0];
  const suiteAttrs = [
    `name="${xmlEsc(name)}"`,
    `tests="${tests}"`,
    `failures="${failures}"`,
    `errors="${errors}"`,
    `skipped="0"`,
    `time="${suiteSeconds.toFixed(3)}"`,
    ...(timestamp ? [`timestamp="${timestamp}"`] : []),
  ].join(" ");
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="redline" tests="${tests}" failures="${failures}" errors="${errors}" time="${suiteSeconds.toFixed(3)}">
  <testsuite ${suiteAttrs}>
    <properties>
${props.map(([k, v]) => `      <property name="${xmlEsc(k)}" value="${xmlEsc(v)}"/>`).join("\n")}
    </properties>
${cases.join("\n")}
  </testsuite>
</testsuites>
`;
}

/** The body of a failure: the lost writes when there are any, else the details, short. */
function evidence(checker: string, details: unknown, derived?: Derived): string[] {
  const d = isRecord(details) ? details : {};
  const lines: string[] = [];
  if (Array.isArray(d.explanation)) lines.push(...d.explanation.map(String));
  if (Array.isArray(d.lost) && d.lost.length > 0) {
    lines.push(`${d.lost.length} lost writes${d.lost.length > BODY_LINES ? ` (first ${BODY_LINES})` : ""}:`);
    for (const l of d.lost.slice(0, BODY_LINES)) {
      if (!isRecord(l)) continue;
      lines.push(`  ${String(l.key ?? "")} ${safeJson(l.value)} acknowledged at ${typeof l.ackTime === "number" ? secs(l.ackTime) : "?"} by ${String(l.node ?? "?")}`);
    }
  }
  if (lines.length === 0) lines.push(truncate(safeJson(d, 2), 8000));
  if (derived && derived.faults.length > 0 && checker !== "stats") {
    lines.push(`faults: ${derived.faults.map((b) => `${b.label} ${secs(b.start, 2)}–${secs(b.end, 2)}`).slice(0, 20).join("; ")}`);
  }
  return lines;
}

function elapsedSeconds(r: RunResults): number {
  const s = (Date.parse(r.finishedAt ?? "") - Date.parse(r.startedAt ?? "")) / 1000;
  return Number.isFinite(s) && s >= 0 ? s : 0;
}

function at(o: Record<string, unknown>, path: readonly string[]): unknown {
  let cur: unknown = o;
  for (const p of path) cur = isRecord(cur) ? cur[p] : undefined;
  return cur;
}
