// The reports without a browser: fault and failover periods, bounded plot data, checker
// details (generic and specific), report.html's content and escaping, JUnit against the
// schema CI systems read, summary.md, reproducible archives, and the results browser's
// HTTP surface.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { extract } from "tar";
import type { RunResults } from "../../core/run-folder.js";
import type { Op } from "../../history/op.js";
import { archiveEntries, archiveRun } from "../../report/archive.js";
import { genericDetails, registerDetailRenderer, renderChecker, type DetailContext } from "../../report/details.js";
import { failoverBands, failovers, faultBands, parseSentinelLog } from "../../report/faults.js";
import { derive, renderReportHtml } from "../../report/html.js";
import { renderReports, writeReports } from "../../report/index.js";
import { renderJunit } from "../../report/junit.js";
import { renderMarkdown } from "../../report/markdown.js";
import { loadRun } from "../../report/run-data.js";
import { serve, type RunningServer } from "../../report/serve.js";
import { computeSeries, LATENCY_POINTS, TIMELINE_OPS, WINDOW_OPS } from "../../report/series.js";
import { tempDir } from "../helpers.js";
import { needTool } from "../support/tools.js";
import { EVIL, makeRunFixture } from "../support/run-fixture.js";

const S = 1e9;
const XSD = fileURLToPath(new URL("../../../test/fixtures/junit.xsd", import.meta.url));

function nemesis(time: number, f: "start" | "stop", value: Record<string, unknown>, index = 0): Op {
  return { index, time, process: "nemesis", type: "info", f, value };
}

describe("report: faults and failovers", () => {
  it("pairs nemesis starts and stops into bands, keeps one still on at the end, and lists faults that failed to start", () => {
    const { bands, errors } = faultBands([
      nemesis(1 * S, "start", { fault: "partition", shape: "halves", summary: "halves: n1 | n2 n3" }),
      nemesis(3 * S, "stop", { fault: "partition", shape: "halves" }),
      nemesis(4 * S, "start", { fault: "kill", node: "n2", role: "replica" }),
      nemesis(5 * S, "start", { fault: "pause", error: "no node in role sentinel is up" }),
      nemesis(6 * S, "stop", { fault: "kill", node: "n2" }),
      nemesis(7 * S, "start", { fault: "lag", ms: 200, jitterMs: 50, links: ["n1->n2"] }),
    ]);
    assert.deepEqual(
      bands.map((b) => [b.label, b.start / S, b.end / S]),
      [
        ["partition halves", 1, 3],
        ["kill n2", 4, 6],
        ["lag 200 ms", 7, Infinity],
      ],
    );
    assert.equal(bands[0].detail, "halves: n1 | n2 n3");
    assert.deepEqual(errors, [{ time: 5 * S, fault: "pause", error: "no node in role sentinel is up" }]);
  });

  it("reads failovers from sentinel logs of either format, skipping late learners and the old primary's late ODOWN", () => {
    const origin = Date.parse("2026-11-24T07:00:00.000Z");
    const bundled = [
      "9:M 2026-11-24T07:00:00.500Z +monitor master mymaster 127.0.0.11 30001 quorum 2",
      "9:M 2026-11-24T07:00:05.000Z +odown master mymaster 127.0.0.11 30001 #quorum 2/2",
      "9:M 2026-11-24T07:00:05.100Z * some other line",
      "9:M 2026-11-24T07:00:06.000Z +switch-master mymaster 127.0.0.11 30001 127.0.0.13 30003",
      "9:M 2026-11-24T07:00:09.000Z +convert-to-slave slave 127.0.0.11:30001 127.0.0.11 30001 @ mymaster 127.0.0.13 30003",
    ].join("\n");
    // Redis writes local time; build the line from the same instant in local time.
    const local = (ms: number) => {
      const d = new Date(origin + ms);
      const mon = d.toLocaleString("en", { month: "short" });
      const p = (n: number, w = 2) => String(n).padStart(w, "0");
      return `${d.getDate()} ${mon} ${d.getFullYear()} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
    };
    const redis = [
      `7:X ${local(6_050)} # +switch-master mymaster 127.0.0.11 30001 127.0.0.13 30003`,
      `7:X ${local(6_500)} # +odown master mymaster 127.0.0.11 30001 #quorum 2/2`,
    ].join("\n");
    const events = parseSentinelLog(redis, "s2", origin);
    assert.equal(events.length, 2);
    assert.ok(Math.abs(events[0].time - 6.05 * S) < 1e6, String(events[0].time));
    const nodes = [
      { id: "n1", kind: "data" as const, addresses: ["127.0.0.11:30001"], files: [] },
      { id: "n3", kind: "data" as const, addresses: ["127.0.0.13:30003"], files: [] },
    ];
    const fo = failovers({ sentinelLogs: new Map([["s1", bundled], ["s2", redis]]), nodes, originMs: origin });
    assert.equal(fo.source, "sentinel logs");
    assert.deepEqual(fo.switches, [{ time: 6 * S, from: "n1", to: "n3" }]);
    assert.deepEqual(
      fo.bands.map((b) => [b.kind, b.label, b.start / S, b.end / S]),
      [
        ["failover", "failover n1 → n3", 5, 6],
        ["stale-primary", "old primary n1 not yet a replica", 6, 9],
      ],
    );
  });

  it("prefers the observer's record, and marks an ODOWN without a promotion", () => {
    const { bands, switches } = failoverBands([
      { time: 1 * S, sentinel: "s1", event: "+odown", message: "master mymaster 10.0.0.1 1 #quorum 2/2" },
      { time: 1.1 * S, sentinel: "s1", event: "+try-failover", message: "master mymaster 10.0.0.1 1" },
      { time: 2 * S, sentinel: "s1", event: "-failover-abort-not-elected", message: "master mymaster 10.0.0.1 1" },
      { time: 3 * S, sentinel: "s1", event: "-odown", message: "master mymaster 10.0.0.1 1" },
    ]);
    assert.deepEqual(switches, []);
    assert.equal(bands.length, 1);
    assert.equal(bands[0].label, "failover attempt, no promotion");
    assert.match(bands[0].detail, /failover-abort-not-elected/);
    const fromEvents = failovers({
      events: [
        { kind: "nodes", time: 0, nodes: [{ id: "n1", host: "10.0.0.1", port: 1 }, { id: "n2", host: "10.0.0.2", port: 2 }] },
        { kind: "sentinel-event", time: 2 * S, node: "s1", event: "+switch-master", message: "mymaster 10.0.0.1 1 10.0.0.2 2" },
      ],
      sentinelLogs: new Map([["s1", "9:M 2026-11-24T07:00:01.000Z +switch-master mymaster 10.0.0.1 1 10.0.0.3 3"]]),
      originMs: Date.parse("2026-11-24T07:00:00.000Z"),
    });
    assert.equal(fromEvents.source, "events.jsonl");
    assert.deepEqual(fromEvents.switches, [{ time: 2 * S, from: "n1", to: "n2" }]);
  });
});

describe("report: plot data stays bounded", () => {
  function history(pairs: number, processes: number): Op[] {
    const ops: Op[] = [];
    let index = 0;
    for (let i = 0; i < pairs; i++) {
      const p = i % processes;
      const t = i * 1e6;
      const type = i % 97 === 0 ? "info" : i % 31 === 0 ? "fail" : "ok";
      ops.push({ index: index++, time: t, process: p, type: "invoke", f: "add", key: "k", value: i });
      ops.push({ index: index++, time: t + 3e6, process: p, type, f: "add", key: "k", value: i });
    }
    return ops.sort((a, b) => a.time - b.time);
  }

  it("draws every op of a small history, one lane per process", () => {
    const s = computeSeries(history(500, 5));
    assert.equal(s.timeline.aggregated, false);
    assert.equal(s.timeline.items.length, 500);
    assert.deepEqual(s.timeline.lanes, ["p0", "p1", "p2", "p3", "p4"]);
    assert.equal(s.window, undefined);
    assert.equal(s.latency.length, 500);
    assert.equal(s.totals.ok + s.totals.fail + s.totals.info, 500);
  });

  it("aggregates a large one, folds many processes into workers, and keeps a window of single ops", () => {
    const s = computeSeries(history(TIMELINE_OPS * 8, 200), { concurrency: 10, focus: 10_000 * 1e6 });
    assert.equal(s.timeline.aggregated, true);
    assert.equal(s.timeline.lanes.length, 10);
    assert.match(s.timeline.note, /200 processes folded into 10 worker lanes/);
    assert.ok(s.timeline.items.length <= 10 * 240, String(s.timeline.items.length));
    assert.ok(s.window && s.window.items.length === WINDOW_OPS);
    assert.ok(s.window!.domain[0] <= 10 && s.window!.domain[1] >= 10, String(s.window!.domain));
    assert.equal(s.latency.length, LATENCY_POINTS);
    // Every info and fail is kept when they fit in half the budget.
    assert.equal(s.latency.filter((p) => p.outcome !== "ok").length, s.totals.fail + s.totals.info);
    assert.ok(s.throughput.length <= 3 * 200);
  });
});

describe("report: checker details", () => {
  const ctx = (): DetailContext => ({
    data: { results: { name: "x", valid: true, startedAt: "", finishedAt: "", opCounts: {}, checkers: {} }, history: [], nodes: [], files: [], sentinelLogs: new Map(), notes: [] },
    series: computeSeries([]),
    bands: [],
    switches: [],
    chart: async (name) => `<figure data-chart="${name}"></figure>`,
    fileLink: () => undefined,
  });

  it("renders any checker's details as bounded tables, times in seconds, everything escaped", () => {
    const html = genericDetails({
      count: 3,
      ackTime: 2_500_000_000,
      rows: Array.from({ length: 400 }, (_, i) => ({ key: EVIL, i, nested: { deep: [1, 2] } })),
      tags: ["a", EVIL],
    });
    assert.match(html, /2\.500 s/);
    assert.equal((html.match(/<tr><td>/g) ?? []).length, 300);
    assert.match(html, /300 of 400 shown; all are in results\.json/);
    assert.doesNotMatch(html, /<script|<img/);
  });

  it("shows a new checker's details with no code for it, the observer's checkers with their views, and survives a view that throws", async () => {
    // The loss-window checker's shape (from the observer's checkers): its own view draws the episodes.
    const loss = await renderChecker(
      "loss-window",
      {
        valid: false,
        summary: "2 acknowledged writes lost in 1 episode",
        details: {
          bound: { none: "min-replicas-to-write is 0" },
          episodes: [{ node: "n1", cause: "split-brain", failover: { from: "n1", to: "n2", epoch: 1, switchTime: 5e9, convertTime: null }, partition: { start: 3e9, end: 9e9, shape: "primary-with-clients" }, lost: 2, firstAck: 4e9, lastAck: 6e9, window: 2e9, within: "unknown" }],
          lost: [{ key: "s0", value: 1, node: "n1", invokeTime: 3.9e9, ackTime: 4e9, process: 1, category: "split-brain", episode: 0 }],
        },
      },
      ctx(),
    );
    assert.match(loss, /class="list loss-episodes"/);
    assert.match(loss, /n1 → n2 \(epoch 1\) at 5\.000 s/);
    assert.match(loss, /class="list lost-writes"/);
    const unknownChecker = await renderChecker("future-checker", { valid: "unknown", summary: "s", details: { note: EVIL, items: [{ a: 1 }] } }, ctx());
    assert.match(unknownChecker, /data-verdict="unknown"/);
    assert.match(unknownChecker, /<details class="all-details" open>/);
    assert.doesNotMatch(unknownChecker, /<script/);
    const election = await renderChecker(
      "election-rules",
      {
        valid: false,
        summary: "1 failover broke a rule",
        details: {
          failovers: [
            {
              epoch: 1, leader: "s2", forced: false, oldPrimary: "n1", promoted: "n3", best: "n2",
              times: { odown: 4e9, try: 4.1e9, elected: 4.2e9, promoted: 5e9, switch: 5.1e9 },
              votes: { for: ["s1", "s2"], required: 2, sentinels: 3, quorum: 2 },
              candidates: [{ node: "n2", eligible: true, reasons: [], priority: 100, offset: 900, runId: "abc", source: "leader" }, { node: "n3", eligible: true, reasons: [], priority: 100, offset: 400, runId: "def", source: "leader" }],
              checks: [{ rule: "best-replica", valid: false, note: "n3 promoted but n2 had the larger offset" }, { rule: "enough-votes", valid: true, note: "2 of 2" }],
              valid: false,
            },
          ],
          global: [{ rule: "epochs-grow", valid: true, note: "1" }],
          attempts: [],
        },
      },
      ctx(),
    );
    assert.match(election, /<table class="list failovers">/);
    assert.match(election, /n1 → n3 \(best: n2\)/);
    assert.match(election, /s1, s2 \(2 of 2 needed\)/);
    assert.match(election, /<strong>best-replica<\/strong> n3 promoted but n2 had the larger offset/);
    assert.match(election, /<table class="list candidates">/);
    const stale = await renderChecker(
      "stale-read",
      {
        valid: true,
        summary: "3 of 10 reads stale",
        details: {
          reads: 10, stale: 3, servedBy: { n2: 6, n3: 4 },
          behindMs: { count: 3, p50: 2, p90: 9, p99: 9, max: 9, mean: 4, histogram: [{ upTo: 1, count: 1 }, { upTo: 10, count: 2 }, { upTo: "more", count: 0 }] },
          behindWrites: { count: 3, p50: 1, p90: 2, p99: 2, max: 2, mean: 1.3, histogram: [{ upTo: 1, count: 2 }, { upTo: 10, count: 1 }] },
          stalest: [{ key: "r0", value: 4, node: "n2", invokeTime: 3e9, completeTime: 3.1e9, process: 2, behindWrites: 2, behindMs: 9, latestAcknowledged: 6 }],
          impossible: [], linearizableRequired: false,
        },
      },
      ctx(),
    );
    assert.match(stale, /10 reads, 3 stale\. Behind: p50 2 ms, p90 9, p99 9, max 9/);
    assert.match(stale, /<figure data-chart="stale-behindMs">/);
    assert.match(stale, /<table class="list stalest">/);
    registerDetailRenderer("throws", () => {
      throw new Error("shape changed");
    });
    const broken = await renderChecker("throws", { valid: true, summary: "fine", details: { x: 1 } }, ctx());
    assert.match(broken, /could not be drawn \(shape changed\)/);
    assert.match(broken, /<th>x<\/th><td>1<\/td>/);
  });
});

describe("report: the run's reports", function () {
  this.timeout(60_000);
  let dir: string;
  let html: string;

  before(async () => {
    dir = join(tempDir(), "bundled-sentinel-set-partition", "20261124T074745921Z");
    await makeRunFixture(dir, { ops: 600 });
    await writeReports(dir);
    html = readFileSync(join(dir, "report.html"), "utf8");
  });

  it("report.html: verdicts, what happened, the faults with their cost, the charts and the lost writes", () => {
    assert.match(html, /<span id="verdict" class="badge big invalid" data-verdict="invalid">INVALID<\/span>/);
    assert.match(html, /<tr data-checker="set" data-verdict="invalid">/);
    assert.match(html, /<tr data-checker="stats" data-verdict="valid">/);
    assert.match(html, /1 fault: partition primary-with-clients from/);
    assert.match(html, /1 change of primary: n1 → n3 at/);
    assert.match(html, /Cost: \d+ acknowledged writes lost<\/strong>/);
    for (const chart of ["timeline", "throughput", "latency", "lost-writes"]) assert.match(html, new RegExp(`<figure class="chart" data-chart="${chart}"><div class="legend">.*?<svg`, "s"));
    assert.match(html, /aria-label="fault: partition primary-with-clients from/);
    assert.match(html, /aria-label="failover: failover n1 → n3 from/);
    assert.match(html, /<table class="list lost-writes">/);
    assert.match(html, /<a class="node-log" href="nodes\/s1\/sentinel\.log">/);
    assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("a run that never got going (no ops, an error) still gets a report that says so", async () => {
    const results: RunResults = { name: "broken", valid: "unknown", startedAt: "2026-11-24T07:00:00.000Z", finishedAt: "2026-11-24T07:00:01.000Z", error: "target never became ready", opCounts: { invoke: 0, ok: 0, fail: 0, info: 0, nemesis: 0 }, checkers: {} };
    const r = await renderReports({ results, history: [], nodes: [], files: [], sentinelLogs: new Map(), notes: [] });
    assert.match(r.html, /<tr data-checker="run" data-verdict="unknown"><td>run<\/td><td><span class="badge unknown">error<\/span><\/td><td class="why">target never became ready/);
    assert.match(r.html, /No nemesis fault in the history/);
    assert.match(r.junit, /<testcase name="run"/);
  });

  it("the linearizability checker's section points at its counterexample view", async () => {
    const d = ctxFor(dir);
    const html = await renderChecker(
      "linearizable",
      { valid: false, summary: "1 of 1 keys not linearizable (x)", details: { model: "kv", partitions: 1, ops: 4, elapsedMs: 3, explanation: ["x: read -> 1 (process 2, index 6) cannot be linearized"], view: "linearizability.html" } },
      { ...d, fileLink: (path, text) => (path === "linearizability.html" ? `<a href="${path}">${text}</a>` : undefined) },
    );
    assert.match(html, /Open <a href="linearizability.html">the linearizability view<\/a>/);
    assert.match(html, /<pre class="counterexample">x: read -&gt; 1 \(process 2, index 6\) cannot be linearized<\/pre>/);
  });

  it("re-renders to the same bytes (a report is a function of the run folder)", async () => {
    await writeReports(dir);
    assert.equal(readFileSync(join(dir, "report.html"), "utf8"), html);
  });

  it("escapes whatever the history holds", async () => {
    const evilDir = join(tempDir(), "evil", "20261124T074745921Z");
    await makeRunFixture(evilDir, { ops: 200, evil: true, failoverRecord: "events" });
    const r = await renderReports(loadRun(evilDir));
    assert.doesNotMatch(r.html, /<script|<img/);
    assert.ok(r.html.includes(esc(EVIL)));
    assert.doesNotMatch(r.markdown, /<script|<img/);
    assert.ok(XMLValidator.validate(r.junit) === true);
  });

  it("junit.xml is well-formed, parses back to one test case per checker, and validates against the JUnit schema", function () {
    const xml = readFileSync(join(dir, "junit.xml"), "utf8");
    assert.equal(XMLValidator.validate(xml), true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase", "property"].includes(name) }).parse(xml) as {
      testsuites: { tests: string; failures: string; testsuite: { name: string; tests: string; failures: string; errors: string; testcase: { name: string; classname: string; failure?: { message: string; type: string; "#text": string } }[]; properties: { property: { name: string; value: string }[] } }[] };
    };
    const suite = doc.testsuites.testsuite[0];
    assert.equal(suite.name, "bundled-sentinel-set-partition");
    assert.deepEqual([suite.tests, suite.failures, suite.errors], ["2", "1", "0"]);
    assert.deepEqual(suite.testcase.map((c) => c.name), ["set", "stats"]);
    const failure = suite.testcase[0].failure!;
    assert.equal(failure.type, "invalid");
    assert.match(failure.message, /acknowledged adds lost/);
    assert.match(failure["#text"], /lost writes/);
    assert.equal(suite.testcase[1].failure, undefined);
    assert.ok(suite.properties.property.some((p) => p.name === "lost-writes" && Number(p.value) > 0));
    needTool(this, "xmllint");
    execFileSync("xmllint", ["--noout", "--schema", XSD, join(dir, "junit.xml")], { stdio: "pipe" });
  });

  it("junit.xml: unknown verdicts and run errors are errors; characters XML cannot carry are replaced", function () {
    const results: RunResults = {
      name: "odd\u0001name",
      valid: "unknown",
      startedAt: "2026-11-24T07:00:00.000Z",
      finishedAt: "2026-11-24T07:00:10.500Z",
      error: "setup: \uD800 lone surrogate",
      opCounts: {},
      checkers: { linearizable: { valid: "unknown", summary: "time limit \u0007", details: { elapsedMs: 1500 } } },
    };
    const xml = renderJunit(results);
    assert.equal(XMLValidator.validate(xml), true);
    assert.match(xml, /<testsuite name="odd\uFFFDname" tests="2" failures="0" errors="2"/);
    assert.match(xml, /<testcase name="linearizable" classname="redline.odd\uFFFDname" time="1.500">\s*<error message="unknown: time limit \uFFFD" type="unknown">/);
    assert.match(xml, /<testcase name="run"[^>]*>\s*<error message="the run hit an error: setup: \uFFFD lone surrogate" type="error">/);
    needTool(this, "xmllint");
    const file = join(tempDir(), "junit.xml");
    writeFileSync(file, xml);
    execFileSync("xmllint", ["--noout", "--schema", XSD, file], { stdio: "pipe" });
  });

  it("summary.md: the verdict table, what happened and the first lost writes, with markup escaped", () => {
    const data = loadRun(dir);
    const md = renderMarkdown({ ...data.results, name: "a|b <c>" }, derive(data));
    assert.match(md, /^## redline: \*\*INVALID\*\* — a\\\|b &lt;c&gt;$/m);
    assert.match(md, /^\| set \| \*\*INVALID\*\* \| \d+ of \d+ acknowledged adds lost/m);
    assert.match(md, /^- 1 change of primary: n1 → n3 at/m);
    assert.match(md, /<details><summary>Lost writes \(first 20 of \d+\)<\/summary>/);
    assert.equal(readFileSync(join(dir, "summary.md"), "utf8"), renderMarkdown(data.results, derive(data), { runDir: "bundled-sentinel-set-partition/20261124T074745921Z" }));
  });

  it("a 100,000-op history gives a report under 10 MB", async function () {
    const big = join(tempDir(), "big", "20261124T074745921Z");
    await makeRunFixture(big, { ops: 100_000, concurrency: 10, rate: 1000, infoRate: 0.002 });
    const page = await renderReportHtml(loadRun(big));
    const mb = Buffer.byteLength(page) / 1e6;
    assert.ok(mb < 10, `${mb.toFixed(2)} MB`);
    assert.match(page, /100,000 ops in 240 time buckets per worker/);
    assert.match(page, /A closer look: the 1,200 ops invoked from/);
    assert.match(page, /300 of [\d,]+ shown; all are in results\.json/);
  });
});

function ctxFor(dir: string): DetailContext {
  const data = loadRun(dir);
  return { data, series: computeSeries(data.history), bands: [], switches: [], chart: async () => "", fileLink: () => undefined };
}

describe("report: archives", function () {
  this.timeout(30_000);

  it("archiving a run twice, after touching its files, or from another place gives the same bytes", async () => {
    const dir = join(tempDir(), "t", "20261124T074745921Z");
    await makeRunFixture(dir, { ops: 200 });
    await writeReports(dir);
    const a = await archiveRun(dir, join(tempDir(), "a.tar.gz"));
    const b = await archiveRun(dir, join(tempDir(), "b.tar.gz"));
    assert.ok(readFileSync(a.file).equals(readFileSync(b.file)));
    // Other mtimes and modes, and a copy elsewhere: still the same bytes.
    for (const f of readdirSync(dir)) utimesSync(join(dir, f), new Date(), new Date(2030, 1, 1));
    chmodSync(join(dir, "test.yaml"), 0o600);
    const copy = join(tempDir(), "t", "20261124T074745921Z");
    cpSync(dir, copy, { recursive: true });
    const c = await archiveRun(copy, join(tempDir(), "c.tar.gz"));
    assert.ok(readFileSync(a.file).equals(readFileSync(c.file)));
    // gzip header without a timestamp.
    assert.equal(readFileSync(a.file).readUInt32LE(4), 0);
    // Sorted entries under <name>/<stamp>/, and the same content out as in.
    assert.deepEqual(archiveEntries(dir), [...archiveEntries(dir)].sort());
    const out = tempDir();
    await extract({ file: a.file, cwd: out });
    const restored = join(out, "t", "20261124T074745921Z");
    for (const f of ["history.jsonl", "results.json", "report.html", "nodes/s1/sentinel.log"]) assert.ok(readFileSync(join(restored, f)).equals(readFileSync(join(dir, f))), f);
    assert.ok(existsSync(join(restored, "nodes", "n1", "data")));
  });

  it("refuses to write an archive inside the run folder", async () => {
    const dir = join(tempDir(), "t", "20261124T074745921Z");
    mkdirSync(dir, { recursive: true });
    await assert.rejects(archiveRun(dir, join(dir, "x.tar.gz")), /cannot be written inside the run folder/);
  });
});

describe("report: the results browser over HTTP", function () {
  this.timeout(60_000);
  let root: string;
  let server: RunningServer;

  before(async () => {
    root = join(tempDir(), "results");
    await makeRunFixture(join(root, "split-brain", "20261124T074745921Z"), { ops: 200 });
    await writeReports(join(root, "split-brain", "20261124T074745921Z"));
    await makeRunFixture(join(root, "calm", "20261125T080000000Z"), { ops: 200, calm: true });
    // An older run without report.html: rendered on request.
    server = await serve({ resultsDir: root, port: 0 });
  });
  after(() => server?.close());

  const get = (path: string) => fetch(new URL(path, server.url), { redirect: "manual" });

  it("lists the runs newest first with their verdicts, and filters by verdict and name", async () => {
    const page = await (await get("/")).text();
    const names = [...page.matchAll(/<tr class="run" data-verdict="(\w+)" data-name="([^"]+)">/g)].map((m) => [m[2], m[1]]);
    assert.deepEqual(names, [
      ["calm", "valid"],
      ["split-brain", "invalid"],
    ]);
    const invalid = await (await get("/?verdict=invalid")).text();
    assert.equal([...invalid.matchAll(/<tr class="run"/g)].length, 1);
    assert.match(invalid, /data-name="split-brain"/);
    const byName = await (await get("/?q=CAL")).text();
    assert.match(byName, /data-name="calm"/);
    assert.doesNotMatch(byName, /data-name="split-brain"/);
    const none = await (await get(`/?q=${encodeURIComponent(EVIL)}`)).text();
    assert.match(none, /No run matches/);
    assert.doesNotMatch(none, /<script/);
  });

  it("serves a run's files, and renders the report of a run that has none", async () => {
    const report = await get("/runs/split-brain/20261124T074745921Z/report.html");
    assert.equal(report.status, 200);
    assert.match(report.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    assert.match(await report.text(), /data-verdict="invalid"/);
    const rendered = await get("/runs/calm/20261125T080000000Z/report.html");
    assert.equal(rendered.status, 200);
    assert.match(await rendered.text(), /<span id="verdict" class="badge big valid"/);
    assert.equal(existsSync(join(root, "calm", "20261125T080000000Z", "report.html")), false, "rendering on request writes nothing");
    const log = await get("/runs/split-brain/20261124T074745921Z/nodes/s1/sentinel.log");
    assert.equal(log.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.match(await log.text(), /\+switch-master/);
  });

  it("answers nothing outside the run folders, to other hosts, or to other methods", async () => {
    for (const path of ["/runs/split-brain/20261124T074745921Z/..%2F..%2F..%2Fetc%2Fpasswd", "/runs/split-brain/20261124T074745921Z/%2e%2e/x", "/runs/..%2F/x/y", "/runs/nope/1/report.html", "/etc/passwd", "/runs/split-brain/20261124T074745921Z/.hidden"]) {
      assert.equal((await get(path)).status, 404, path);
    }
    const status = await new Promise<number>((done, fail) => {
      const req = request(server.url, { headers: { host: "evil.example" } }, (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on("error", fail);
      req.end();
    });
    assert.equal(status, 403, "a request for another host (DNS rebinding) is refused");
    assert.equal((await fetch(server.url, { method: "POST", body: "x" })).status, 405);
    assert.ok(server.url.startsWith("http://127.0.0.1:"));
  });
});

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}
