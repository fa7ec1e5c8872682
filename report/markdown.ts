// summary.md: the run in a few lines of GitHub-flavoured Markdown, for a pull-request
// comment: the verdict, each checker's one line, the faults and failovers, the cost, and the
// first lost writes. Everything from the history is escaped (no HTML, no table breaks).
import type { RunResults } from "../core/run-folder.js";
import { count, duration, mdEsc, plural, secs, truncate, verdictWord } from "./format.js";
import { lostByBand, type Derived } from "./html.js";

const LOST_ROWS = 20;

export function renderMarkdown(results: RunResults, derived: Derived, opts: { runDir?: string } = {}): string {
  const out: string[] = [];
  const c = results.opCounts ?? {};
  out.push(`## redline: **${verdictWord(results.valid)}** — ${mdEsc(String(results.name ?? "run"))}`);
  const took = Date.parse(results.finishedAt ?? "") - Date.parse(results.startedAt ?? "");
  out.push(
    [
      results.seed !== undefined ? `seed ${results.seed}` : "",
      `${count(c.invoke ?? 0)} ops (${count(c.ok ?? 0)} ok, ${count(c.fail ?? 0)} fail, ${count(c.info ?? 0)} info)`,
      `${count(c.nemesis ?? 0)} nemesis ops`,
      Number.isFinite(took) && took >= 0 ? `took ${duration(took * 1e6)}` : "",
    ]
      .filter(Boolean)
      .join(" · "),
  );
  out.push("");
  out.push("| checker | verdict | why |", "|---|---|---|");
  for (const [name, v] of Object.entries(results.checkers ?? {})) out.push(`| ${mdEsc(name)} | **${verdictWord(v.valid)}** | ${mdEsc(truncate(String(v.summary ?? ""), 400))} |`);
  if (results.error) out.push(`| run | **error** | ${mdEsc(truncate(results.error, 400))} |`);
  if (results.interrupted) out.push(`| run | **interrupted** | ${mdEsc(results.interrupted)} |`);
  out.push("");

  const story: string[] = [];
  if (derived.faults.length > 0) {
    const shown = derived.faults.slice(0, 8).map((b) => `${mdEsc(b.label)} ${secs(b.start, 2)} → ${secs(b.end, 2)}`);
    story.push(`${plural(derived.faults.length, "fault")}: ${shown.join("; ")}${derived.faults.length > 8 ? `; and ${derived.faults.length - 8} more` : ""}`);
  } else story.push("no nemesis fault");
  const fo = derived.failovers;
  if (fo.source) {
    story.push(
      fo.switches.length === 0
        ? `no change of primary (${mdEsc(fo.source)})`
        : `${plural(fo.switches.length, "change")} of primary: ${fo.switches
            .slice(0, 8)
            .map((s) => `${mdEsc(s.from)} → ${mdEsc(s.to)} at ${secs(s.time, 2)}`)
            .join("; ")} (${mdEsc(fo.source)})`,
    );
  }
  if (derived.lost.length > 0) {
    const groups = lostByBand(derived).map((g) => `${count(g.n)} ${g.band ? `during ${mdEsc(g.band)}` : "outside any fault or failover"}`);
    story.push(
      `**${plural(derived.lost.length, "acknowledged write")} lost**, acknowledged ${secs(derived.lost[0].ackTime)} – ${secs(derived.lost[derived.lost.length - 1].ackTime)}: ${groups.join(", ")}`,
    );
  }
  out.push("**What happened**", "", ...story.map((s) => `- ${s}`), "");

  if (derived.lost.length > 0) {
    const n = Math.min(LOST_ROWS, derived.lost.length);
    out.push(`<details><summary>Lost writes (first ${n} of ${count(derived.lost.length)})</summary>`, "");
    out.push("| key | value | acknowledged at | by |", "|---|---|---|---|");
    for (const l of derived.lost.slice(0, n)) out.push(`| ${mdEsc(String(l.key ?? ""))} | ${mdEsc(truncate(JSON.stringify(l.value) ?? "", 80))} | ${secs(l.ackTime)} | ${mdEsc(String(l.node ?? "?"))} |`);
    out.push("", "</details>", "");
  }
  out.push(`Full report: \`report.html\`${opts.runDir ? ` in \`${opts.runDir.replace(/`/g, "'")}\`` : " in the run folder"}; JUnit: \`junit.xml\`.`);
  return out.join("\n") + "\n";
}
