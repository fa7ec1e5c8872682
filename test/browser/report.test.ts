// Opens a run's report.html and `redline serve` in a real (headless) Chromium and checks what
// a person would see: the verdict table, the fault and failover bands on the timeline and the
// plots, the lost-write list, the node logs; then the results browser, its filter, and a link
// from it to a report. The run folders are made by hand (test/support/run-fixture.ts): a
// sentinel split brain with a failover and lost writes, a calm run, and one whose history is
// full of markup. Needs /usr/bin/chromium (Debian's package); machines without it skip.
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { writeReports } from "../../report/index.js";
import { startCli, tempDir } from "../helpers.js";
import { EVIL, makeRunFixture, type Fixture } from "../support/run-fixture.js";
import { screenshot } from "../support/screenshot.js";

const CHROMIUM = process.env.REDLINE_CHROMIUM ?? "/usr/bin/chromium";

async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

function skipWithoutChromium(ctx: Mocha.Context): void {
  if (!existsSync(CHROMIUM)) {
    console.log(`    (skipping: no Chromium at ${CHROMIUM}; install Debian's "chromium" package to run these tests)`);
    ctx.skip();
  }
}

describe("run report (in Chromium)", function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let page: Page;
  let split: Fixture;
  const dialogs: string[] = [];
  const problems: string[] = [];
  const requests: string[] = [];

  before(async function () {
    skipWithoutChromium(this);
    const root = join(tempDir(), "results");
    split = await makeRunFixture(join(root, "bundled-sentinel-set-partition", "20261124T074745921Z"), { ops: 600 });
    await writeReports(split.dir);
    browser = await launch();
    page = await open(join(split.dir, "report.html"));
  });
  after(async () => browser?.close());

  async function open(file: string): Promise<Page> {
    const p = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    p.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    p.on("console", (m) => {
      if (m.type() === "error") problems.push(m.text());
    });
    p.on("pageerror", (e) => problems.push(String(e)));
    p.on("request", (r) => {
      if (!r.url().startsWith("file:")) requests.push(r.url());
    });
    await p.goto(pathToFileURL(file).href);
    return p;
  }

  it("shows the verdict first, then each checker with its verdict and why", async () => {
    assert.equal(await page.locator("#verdict").innerText(), "INVALID");
    const rows = await page.$$eval("#verdicts tbody tr", (trs) => trs.map((tr) => [tr.getAttribute("data-checker"), tr.getAttribute("data-verdict"), (tr.querySelector(".why") as HTMLElement).innerText]));
    assert.deepEqual(
      rows.map((r) => r.slice(0, 2)),
      [
        ["set", "invalid"],
        ["stats", "valid"],
      ],
    );
    assert.match(rows[0][2] ?? "", new RegExp(`^${split.lost} of \\d+ acknowledged adds lost`));
    // The verdict table is at the top of the page, visible without scrolling.
    const box = (await page.locator("#verdicts").boundingBox())!;
    assert.ok(box.y + box.height < 900, JSON.stringify(box));
  });

  it("says what happened: the fault, the failover and the cost", async () => {
    const story = await page.locator("#story").innerText();
    assert.match(story, /1 fault: partition primary-with-clients from 2\.80 s to 5\.20 s/);
    assert.match(story, /1 change of primary: n1 → n3 at 3\.52 s/);
    assert.match(story, new RegExp(`Cost: ${split.lost} acknowledged writes lost`));
    const kinds = await page.$$eval("#fault-table tbody tr", (trs) => trs.map((tr) => tr.getAttribute("data-kind")));
    assert.deepEqual(kinds, ["fault", "failover", "stale-primary"]);
  });

  for (const chart of ["timeline", "throughput", "latency", "lost-writes"]) {
    it(`shades the fault and the failover on the ${chart} chart, where they happened`, async () => {
      const figure = page.locator(`figure[data-chart="${chart}"]`);
      await figure.scrollIntoViewIfNeeded();
      assert.ok(await figure.locator("svg").isVisible());
      const fault = figure.locator('path[aria-label^="fault: partition primary-with-clients"]');
      const failover = figure.locator('path[aria-label^="failover: failover n1 → n3"]');
      const stale = figure.locator('path[aria-label^="stale-primary: old primary n1"]');
      assert.equal(await fault.count(), 1);
      assert.equal(await failover.count(), 1);
      assert.equal(await stale.count(), 1);
      const f = (await fault.boundingBox())!;
      const o = (await failover.boundingBox())!;
      const s = (await stale.boundingBox())!;
      // The failover started inside the partition, and the old primary was converted after the partition ended.
      assert.ok(f.x < o.x && o.x + o.width < f.x + f.width, `${JSON.stringify(f)} ${JSON.stringify(o)}`);
      assert.ok(s.x + s.width > f.x + f.width, `${JSON.stringify(s)}`);
      // The partition lasted 2.4 s of a 10.2 s history: about that share of the plot's width.
      const plot = (await figure.locator("path.background").first().boundingBox())!;
      const share = f.width / plot.width;
      assert.ok(share > 0.2 && share < 0.27, String(share));
    });
  }

  it("draws the ops on the timeline and the throughput and latency plots", async () => {
    const timeline = page.locator('figure[data-chart="timeline"]');
    // One bar per op (599 adds and the final read), on one lane per process.
    assert.equal(await timeline.locator(`g.mark-rule.role-mark[aria-hidden="true"] line`).count(), 600);
    const lanes = await timeline.locator("g.role-axis-label text").evaluateAll((ts) => ts.map((t) => t.textContent));
    for (const p of ["p0", "p1", "p2", "p3", "p4"]) assert.ok(lanes.includes(p), lanes.join(" "));
    const throughput = page.locator('figure[data-chart="throughput"]');
    assert.ok((await throughput.locator("g.mark-line path").count()) >= 1);
    assert.ok((await throughput.locator("g.mark-line path").first().getAttribute("d"))!.length > 100);
    const latency = page.locator('figure[data-chart="latency"]');
    assert.ok((await latency.locator("g.mark-symbol path").count()) >= 500);
    assert.match(await latency.locator("figcaption").innerText(), /every completed op/);
  });

  it("lists the lost writes with when they were acknowledged and which fault was on", async () => {
    const rows = page.locator("table.lost-writes tbody tr");
    assert.equal(await rows.count(), Math.min(split.lost, 300));
    const first = await rows.first().locator("td").allInnerTexts();
    assert.equal(first[1], "s0");
    assert.match(first[3], /^\d+\.\d{3} s$/);
    assert.equal(first[5], "n1");
    assert.equal(first[7], "partition primary-with-clients");
    assert.match(await page.locator(".lost-lead").innerText(), new RegExp(`${split.lost} acknowledged writes lost`));
  });

  it("links to the node logs", async () => {
    const link = page.locator('a.node-log[href="nodes/s1/sentinel.log"]');
    await link.scrollIntoViewIfNeeded();
    assert.ok(await link.isVisible());
    const log = await open(join(split.dir, "report.html"));
    await log.locator('a.node-log[href="nodes/s1/sentinel.log"]').click();
    await log.waitForURL(/sentinel\.log$/);
    assert.match(await log.locator("body").innerText(), /\+switch-master mymaster/);
    await log.close();
  });

  it("fetches nothing, runs no script and shows markup from the history as text", async () => {
    const evil = await makeRunFixture(join(tempDir(), "evil", "20261124T074745921Z"), { ops: 200, evil: true, failoverRecord: "events" });
    await writeReports(evil.dir);
    const p = await open(join(evil.dir, "report.html"));
    assert.equal(await p.locator("header.top h1").innerText(), `split ${EVIL}`);
    assert.equal(await p.evaluate(() => document.scripts.length), 0);
    assert.equal(await p.locator("img").count(), 0);
    assert.match(await p.locator("#story").innerText(), /from events\.jsonl/);
    await p.close();
    assert.deepEqual(dialogs, []);
    assert.deepEqual(problems, []);
    assert.deepEqual(requests, []);
  });

  it("saves a screenshot of the whole report", async () => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "report.png");
  });
});

describe("redline serve (in Chromium)", function () {
  this.timeout(60_000);
  let browser: Browser | undefined;
  let child: ChildProcess | undefined;
  let url: string;

  before(async function () {
    skipWithoutChromium(this);
    const root = join(tempDir(), "results");
    const split = await makeRunFixture(join(root, "sentinel-split-brain", "20261124T074745921Z"), { ops: 300 });
    await writeReports(split.dir);
    const calm = await makeRunFixture(join(root, "sentinel-calm", "20261125T080000000Z"), { ops: 300, calm: true });
    await writeReports(calm.dir);
    const started = startCli(["serve", "--port", "0", "--results-dir", root]);
    child = started.child;
    url = await new Promise<string>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`redline serve did not start: ${out}`)), 20_000);
      child!.stdout!.on("data", (d: Buffer) => {
        out += d;
        const m = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child!.on("exit", (code) => reject(new Error(`redline serve exited ${code}: ${out}`)));
    });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    if (child && child.exitCode === null) child.kill("SIGTERM");
  });

  it("lists the runs newest first, filters them by verdict and follows a link to a report", async () => {
    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(url);
    const rows = () => page.$$eval("#runs tr.run", (trs) => trs.map((tr) => [tr.getAttribute("data-name"), tr.getAttribute("data-verdict")]));
    assert.deepEqual(await rows(), [
      ["sentinel-calm", "valid"],
      ["sentinel-split-brain", "invalid"],
    ]);
    await screenshot(page, "serve-index.png");

    await page.locator('select[name="verdict"]').selectOption("invalid");
    await page.locator('#filter button[type="submit"]').click();
    await page.waitForURL(/verdict=invalid/);
    assert.deepEqual(await rows(), [["sentinel-split-brain", "invalid"]]);

    await page.locator('input[name="q"]').fill("calm");
    await page.locator('select[name="verdict"]').selectOption("all");
    await page.locator('#filter button[type="submit"]').click();
    await page.waitForURL(/q=calm/);
    assert.deepEqual(await rows(), [["sentinel-calm", "valid"]]);

    await page.goto(url);
    await page.locator('tr.run[data-name="sentinel-split-brain"] a.report-link').click();
    await page.waitForURL(/\/runs\/sentinel-split-brain\/20261124T074745921Z\/report\.html$/);
    assert.equal(await page.locator("#verdict").innerText(), "INVALID");
    assert.ok(await page.locator('figure[data-chart="timeline"] svg').isVisible());
    assert.equal(await page.locator('figure[data-chart="timeline"] path[aria-label^="fault: partition"]').count(), 1);
    // The report's own links work through the server too.
    await page.locator('a.node-log[href="nodes/s1/sentinel.log"]').click();
    await page.waitForURL(/sentinel\.log$/);
    assert.match(await page.locator("body").innerText(), /\+switch-master/);
    await page.goBack();
    await screenshot(page, "serve-report.png");
    await page.close();
  });
});
