// Opens the linearizability page in a real (headless) Chromium and checks what a person would see.
// Needs /usr/bin/chromium (Debian's package); machines without it skip these tests.
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";
import { renderLinearizabilityHtml } from "../../report/linearizability/page.js";
import type { FaultInterval, LinOp, LinearizabilityResult, PartitionResult } from "../../checkers/linearizable/types.js";
import { tempDir } from "../helpers.js";
import { screenshot } from "../support/screenshot.js";

/** Debian's chromium; REDLINE_CHROMIUM points elsewhere. */
const CHROMIUM = process.env.REDLINE_CHROMIUM ?? "/usr/bin/chromium";

const MS = 1e6;
/** History times are ns from some arbitrary clock; start away from zero to check the axis is relative. */
const T0 = 7_000 * MS;

function linOp(id: number, process: number | string, f: string, input: unknown, output: unknown, callMs: number, retMs: number, ok = true, key?: string): LinOp {
  const op: LinOp = {
    id,
    index: 100 + id * 2,
    process,
    f,
    input,
    output: ok ? output : undefined,
    ok,
    call: T0 + callMs * MS,
    ret: Number.isFinite(retMs) ? T0 + retMs * MS : Infinity,
  };
  if (key !== undefined) op.key = key;
  return op;
}

const EVIL = `<script>alert("pwned")</script> & 'q' "><img src=x onerror=alert(2)>`;

/** The stale read: write 1, then write 2, then (after write 2 completed) a read that sees 1. */
const stale: PartitionResult = {
  label: "x",
  verdict: "illegal",
  ops: [
    linOp(0, 0, "write", 1, 1, 0, 10, true, "x"),
    linOp(1, 1, "write", 2, 2, 20, 30, true, "x"),
    linOp(2, 2, "read", null, 1, 40, 52, true, "x"),
    linOp(3, 0, "read", null, 2, 33, 38, true, "x"),
  ],
  counterexamples: [{ linearization: [0, 1, 3], states: ["2"], unplaceable: [2] }],
  elapsedMs: 3,
};

const fine: PartitionResult = {
  label: "y",
  verdict: "ok",
  ops: [
    linOp(0, 0, "write", 7, 7, 12, 18, true, "y"),
    linOp(1, 1, "read", null, 7, 22, 28, true, "y"),
    linOp(2, 3, "write", 9, undefined, 25, Infinity, false, "y"),
    linOp(3, 2, "cas", [7, 8], [7, 8], 41, 47, true, "y"),
  ],
  elapsedMs: 1,
};

const evil: PartitionResult = {
  label: EVIL,
  verdict: "ok",
  ops: [linOp(0, 4, "write", EVIL, EVIL, 2, 6, true, EVIL), linOp(1, 4, "read", null, EVIL, 8, 14, true, EVIL)],
  elapsedMs: 0,
};

const faults: FaultInterval[] = [{ start: T0 + 15 * MS, end: T0 + 36 * MS, label: "partition n1 | n2 n3" }];

const result: LinearizabilityResult = {
  model: "register",
  verdict: "illegal",
  // Deliberately not illegal-first: the page orders them.
  partitions: [fine, stale, evil],
  elapsedMs: 4,
};

describe("linearizability view (in Chromium)", function () {
  this.timeout(60000);
  let browser: Browser | undefined;
  let page: Page;
  let dir: string;
  const dialogs: string[] = [];
  const consoleErrors: string[] = [];

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      console.log(`    (skipping: no Chromium at ${CHROMIUM}; install Debian's "chromium" package to run these tests)`);
      this.skip();
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    dir = tempDir("redline-linview-");
    page = await open(renderLinearizabilityHtml(result, { faults, title: "register: stale read" }), "view.html");
  });

  after(async function () {
    await browser?.close();
  });

  async function open(html: string, name: string): Promise<Page> {
    const file = join(dir, name);
    writeFileSync(file, html);
    const p = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
    p.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    p.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    p.on("pageerror", (e) => consoleErrors.push(String(e)));
    await p.goto(pathToFileURL(file).href);
    return p;
  }

  it("says the verdict is illegal", async function () {
    const verdict = page.locator("#verdict");
    assert.match(await verdict.innerText(), /illegal/i);
    assert.equal(await verdict.getAttribute("data-verdict"), "illegal");
  });

  it("shows the illegal partition first, expanded", async function () {
    const parts = await page.$$eval("details.partition", (els) => els.map((e) => [(e as HTMLElement).dataset.partition, (e as HTMLElement).dataset.verdict, (e as HTMLDetailsElement).open]));
    assert.deepEqual(parts[0], ["x", "illegal", true]);
    assert.equal(parts.length, 3);
    for (const [, verdict, open] of parts.slice(1)) {
      assert.equal(verdict, "ok");
      assert.equal(open, false);
    }
    const x = page.locator('details.partition[data-partition="x"]');
    assert.ok(await x.isVisible());
    assert.ok(await x.locator("svg.timeline").isVisible());
  });

  it("draws one .op per op, labelled", async function () {
    const total = result.partitions.reduce((n, p) => n + p.ops.length, 0);
    assert.equal(await page.locator(".op").count(), total);
    for (const p of result.partitions) {
      const ids = await page.$$eval(`details.partition[data-partition="${cssString(p.label)}"] .op`, (els) => els.map((e) => Number(e.getAttribute("data-op-id"))).sort((a, b) => a - b));
      assert.deepEqual(ids, p.ops.map((o) => o.id).sort((a, b) => a - b), p.label);
    }
    const x = page.locator('details.partition[data-partition="x"]');
    assert.equal(await x.locator('.op[data-op-id="0"] .op-label').textContent(), "write 1");
    assert.equal(await x.locator('.op[data-op-id="2"] .op-label').textContent(), "read -> 1");
    const tip = await x.locator('.op[data-op-id="2"] > title').textContent();
    assert.match(tip ?? "", /process p2/);
    assert.match(tip ?? "", /history index: 104/);
    // The unknown-outcome op runs to the right edge, dashed.
    const y = page.locator('details.partition[data-partition="y"]');
    assert.equal(await y.locator('.op[data-op-id="2"]').getAttribute("class"), "op info open");
  });

  it("marks the longest linearization, in order, within each op's interval", async function () {
    const x = page.locator('details.partition[data-partition="x"]');
    const lin = stale.counterexamples![0].linearization;
    assert.equal(await x.locator(".linearization-point").count(), lin.length);
    const points = await x.locator(".linearization-point").evaluateAll((els) =>
      els.map((e) => {
        const id = e.getAttribute("data-op-id");
        const c = e.querySelector("circle")!;
        const bar = e.closest("svg")!.querySelector(`.op[data-op-id="${id}"] rect`)!;
        const bx = Number(bar.getAttribute("x"));
        return { id: Number(id), order: Number(e.getAttribute("data-order")), cx: Number(c.getAttribute("cx")), x1: bx, x2: bx + Number(bar.getAttribute("width")), label: e.textContent };
      }),
    );
    assert.deepEqual(points.map((p) => p.id), lin);
    assert.deepEqual(points.map((p) => p.order), [1, 2, 3]);
    for (let i = 0; i < points.length; i++) {
      assert.ok(points[i].cx >= points[i].x1 && points[i].cx <= points[i].x2, `point ${i + 1} on its bar`);
      if (i) assert.ok(points[i].cx > points[i - 1].cx, `point ${i + 1} after point ${i}`);
    }
    assert.ok(await x.locator(".linearization-path").isVisible());
    assert.match(await x.locator(".model-state").innerText(), /2/);
  });

  it("marks the op that cannot be linearized next", async function () {
    const x = page.locator('details.partition[data-partition="x"]');
    const u = x.locator('.unplaceable[data-op-id="2"]');
    assert.equal(await u.count(), 1);
    assert.ok(await u.isVisible());
    assert.equal(await x.locator("svg .unplaceable").count(), 1);
    const caption = x.locator(".unplaceable-caption");
    assert.ok(await caption.isVisible());
    assert.match(await caption.innerText(), /cannot be linearized after the prefix above/);
    assert.match(await caption.innerText(), /read -> 1/);
  });

  it("shades the nemesis fault across the lanes", async function () {
    const x = page.locator('details.partition[data-partition="x"]');
    const band = x.locator(".fault-band");
    assert.equal(await band.count(), 1);
    assert.ok(await band.isVisible());
    assert.equal(await band.getAttribute("data-label"), faults[0].label);
    assert.match((await band.textContent()) ?? "", /partition n1 \| n2 n3/);
  });

  it("shows history text as text: no script injection", async function () {
    assert.deepEqual(dialogs, []);
    assert.equal(await page.evaluate(() => document.scripts.length), 1);
    assert.equal(await page.locator("img").count(), 0);
    const found = await page.$$eval("details.partition", (els, label) => {
      const el = els.find((e) => (e as HTMLElement).dataset.partition === label);
      return el ? el.querySelector(".part-label")!.textContent : null;
    }, EVIL);
    assert.equal(found, EVIL);
    const evilPart = page.locator("details.partition").nth(2);
    await evilPart.locator("summary").click();
    const label = await evilPart.locator('.op[data-op-id="1"] > title').textContent();
    assert.ok(label?.includes(EVIL), label ?? "");
    assert.deepEqual(dialogs, []);
    assert.deepEqual(consoleErrors, []);
    await evilPart.locator("summary").click();
  });

  it("expands an ok partition when its header is clicked", async function () {
    const y = page.locator('details.partition[data-partition="y"]');
    assert.equal(await y.evaluate((e) => (e as HTMLDetailsElement).open), false);
    assert.equal(await y.locator(".op").first().isVisible(), false);
    await y.locator("summary").click();
    assert.equal(await y.evaluate((e) => (e as HTMLDetailsElement).open), true);
    assert.ok(await y.locator(".op").first().isVisible());
    assert.equal(await y.locator(".op").count(), fine.ops.length);
  });

  it("saves a screenshot of the whole page", async function () {
    await screenshot(page, "linearizability-view.png");
  });

  it("switches between counterexamples with the selector", async function () {
    const two: LinearizabilityResult = {
      model: "register",
      verdict: "illegal",
      partitions: [
        {
          ...stale,
          counterexamples: [
            { linearization: [0, 1, 3], states: ["2"], unplaceable: [2] },
            { linearization: [1, 0], states: ["1"], unplaceable: [3] },
          ],
        },
      ],
      elapsedMs: 1,
    };
    const p = await open(renderLinearizabilityHtml(two), "two.html");
    try {
      const visiblePoints = () => p.locator(".linearization-point circle:visible").count();
      const visibleUnplaceable = () => p.locator("svg .unplaceable:visible").getAttribute("data-op-id");
      assert.equal(await visiblePoints(), 3);
      assert.equal(await visibleUnplaceable(), "2");
      await p.locator("select.cex-select").selectOption("1");
      assert.equal(await visiblePoints(), 2);
      assert.equal(await visibleUnplaceable(), "3");
      assert.match(await p.locator(".cex-detail:visible .model-state").innerText(), /1/);
    } finally {
      await p.close();
    }
  });
});

describe("linearizability view (page size)", function () {
  it("keeps a 100,000-op result to a few MB and says what it left out", function () {
    const n = 100_000;
    const ops: LinOp[] = [];
    for (let i = 0; i < n; i++) ops.push(linOp(i, i % 10, i % 3 ? "read" : "write", i % 3 ? null : i, i, i * 0.1, i * 0.1 + 0.35, true, "k"));
    const many: LinearizabilityResult = {
      model: "register",
      verdict: "illegal",
      partitions: [
        { label: "k", verdict: "illegal", ops, counterexamples: [{ linearization: ops.slice(0, 60_000).map((o) => o.id), states: ["59999"], unplaceable: [60_000] }], elapsedMs: 1 },
        ...Array.from({ length: 2000 }, (_, i): PartitionResult => ({
          label: `small-${i}`,
          verdict: "ok",
          ops: Array.from({ length: 20 }, (_, j) => linOp(j, j % 4, "write", j, j, j, j + 0.5, true)),
          elapsedMs: 0,
        })),
      ],
      elapsedMs: 1,
    };
    const html = renderLinearizabilityHtml(many, { faults: [{ start: T0, end: Infinity, label: "kill n1" }] });
    const mb = Buffer.byteLength(html) / 1e6;
    assert.ok(mb < 5, `${mb.toFixed(2)} MB`);
    assert.match(html, /ops are not drawn/);
    assert.match(html, /more partitions/);
    assert.match(html, /data-op-id="60000"/);
  });
});

/** A string for a CSS attribute selector in double quotes. */
function cssString(s: string): string {
  return s.replace(/["\\]/g, "\\$&");
}
