// One partition of the linearizability page: a collapsible section with what its ops were, its
// timeline when there is room for it, and each counterexample as text (the linearization found,
// the model state after it, the ops that could not come next).
import type { Counterexample, LinOp, PartitionResult } from "../../checkers/linearizable/types.js";
import { esc, truncate } from "../format.js";
import { describeSafely, type PageContext } from "./context.js";
import { fmtNs, isFiniteNumber, processName, verdictOf } from "./format.js";
import { ILLEGAL_OP_CAP, MAX_COUNTEREXAMPLES, MAX_ILLEGAL_TIMELINES, MAX_LISTED_LINEARIZATION, PAGE_OP_BUDGET, SMALL_PARTITION_OPS, STATE_CHARS } from "./limits.js";
import { planAll, planIllegal, type Plan } from "./plan.js";
import { cexAttrs, renderTimeline } from "./timeline.js";

/** "12 ops (write: 6 ok; read: 5 ok, 1 unknown) from 3 processes". */
function opSummary(ops: LinOp[]): string {
  const byF = new Map<string, { ok: number; info: number }>();
  const procs = new Set<string>();
  for (const op of ops) {
    let c = byF.get(op.f);
    if (!c) byF.set(op.f, (c = { ok: 0, info: 0 }));
    if (op.ok) c.ok++;
    else c.info++;
    procs.add(`${typeof op.process}:${op.process}`);
  }
  const fs = [...byF.entries()]
    .slice(0, 20)
    .map(([f, c]) => `${esc(f)}: ${c.ok} ok${c.info ? `, ${c.info} unknown` : ""}`)
    .join("; ");
  return `${ops.length} op${ops.length === 1 ? "" : "s"} (${fs || "none"}) from ${procs.size} process${procs.size === 1 ? "" : "es"}`;
}

/** A counterexample as text: the end of the linearization found, the state after it, the ops that could not come next. */
function renderCounterexampleText(ctx: PageContext, part: PartitionResult, c: Counterexample, ci: number, shown: Set<number> | undefined): string {
  const byId = new Map(part.ops.map((o) => [o.id, o]));
  const line = (id: number) => {
    const o = byId.get(id);
    if (!o) return `<span class="missing">op ${id} (not in this partition)</span>`;
    const times = `${fmtNs(o.call - ctx.origin)} – ${isFiniteNumber(o.ret) ? fmtNs(o.ret - ctx.origin) : "?"}`;
    return `<code>${esc(processName(o.process))}</code> <span class="desc">${esc(describeSafely(ctx, o))}</span> <span class="times">[${esc(times)}]</span>${
      shown && !shown.has(id) ? ' <span class="muted">(not drawn)</span>' : ""
    }`;
  };
  const k = c.linearization.length;
  const from = Math.max(0, k - MAX_LISTED_LINEARIZATION);
  const items = c.linearization
    .slice(from)
    .map((id, i) => `<li value="${from + i + 1}" data-op-id="${id}">${line(id)}</li>`)
    .join("");
  const states = c.states.length
    ? c.states.map((s) => `<code class="state">${esc(truncate(String(s), STATE_CHARS))}</code>`).join(" ")
    : '<span class="muted">(not given)</span>';
  const unplaceable = c.unplaceable.length
    ? c.unplaceable.map((id) => `<li class="unplaceable-item" data-op-id="${id}">${line(id)}</li>`).join("")
    : '<li class="muted">(none given)</li>';
  return (
    `<div class="cex-detail" ${cexAttrs(ci)}>` +
    `<div class="prefix"><h4>Longest linearization found: ${k} op${k === 1 ? "" : "s"}</h4>` +
    (from > 0 ? `<p class="note">Listing the last ${k - from}; the first ${from} are left out.</p>` : "") +
    (k ? `<ol class="linearization">${items}</ol>` : '<p class="muted">(empty: not even the first op fits)</p>') +
    `<p class="model-state">Model state${c.states.length > 1 ? "s" : ""} after this prefix: ${states}</p></div>` +
    `<div class="unplaceable-caption"><h4>✗ cannot be linearized after the prefix above</h4><ul>${unplaceable}</ul></div>` +
    `</div>`
  );
}

/**
 * What of the partition gets a timeline, within the page's limits: an illegal one a window
 * around its counterexamples, a small ok or unknown one all its ops; otherwise why none.
 */
function choosePlan(ctx: PageContext, part: PartitionResult, cexs: Counterexample[]): { plan?: Plan; skipped?: string } {
  const ops = part.ops;
  if (ops.length === 0) return { skipped: "No ops." };
  if (verdictOf(part.verdict) === "illegal") {
    if (ctx.illegalTimelines >= MAX_ILLEGAL_TIMELINES) return { skipped: `Timeline not drawn: only the first ${MAX_ILLEGAL_TIMELINES} illegal partitions get one.` };
    if (ctx.budget < 20) return { skipped: `Timeline not drawn: the page already draws ${PAGE_OP_BUDGET} ops.` };
    ctx.illegalTimelines++;
    return { plan: planIllegal(part, cexs, Math.min(ILLEGAL_OP_CAP, ctx.budget), ctx.origin) };
  }
  if (ops.length > SMALL_PARTITION_OPS) return { skipped: `Timeline not drawn: ${ops.length} ops (ok and unknown partitions are drawn up to ${SMALL_PARTITION_OPS}).` };
  if (ops.length > ctx.budget) return { skipped: `Timeline not drawn: the page already draws ${PAGE_OP_BUDGET - ctx.budget} ops (limit ${PAGE_OP_BUDGET}).` };
  return { plan: planAll(ops) };
}

/** The partition's section (`#p-<idx>`), open when it is illegal. */
export function renderSection(ctx: PageContext, part: PartitionResult, idx: number): string {
  const verdict = verdictOf(part.verdict);
  const ops = Array.isArray(part.ops) ? part.ops : [];
  const allCex = verdict === "illegal" ? (part.counterexamples ?? []) : [];
  const cexs = allCex.slice(0, MAX_COUNTEREXAMPLES);
  const body: string[] = [];

  if (part.reason) body.push(`<p class="reason">Why unknown: ${esc(part.reason)}</p>`);
  body.push(`<p class="summary-line">${opSummary(ops)}; checked in ${esc(String(Math.round(part.elapsedMs ?? 0)))} ms.</p>`);

  if (cexs.length > 1) {
    const options = cexs
      .map((c, i) => `<option value="${i}">Counterexample ${i + 1}: ${c.linearization.length} linearized, ${c.unplaceable.length} unplaceable</option>`)
      .join("");
    body.push(`<label class="cex-picker">Show <select class="cex-select">${options}</select></label>`);
  }
  if (allCex.length > cexs.length) body.push(`<p class="note">${allCex.length - cexs.length} more counterexamples are not shown.</p>`);
  if (verdict === "illegal" && cexs.length === 0) body.push(`<p class="note">The checker gave no counterexample for this partition.</p>`);

  const { plan, skipped } = choosePlan(ctx, { ...part, ops }, cexs);
  if (plan) {
    ctx.budget -= plan.ops.length;
    body.push(`<div class="timeline-wrap">${renderTimeline(ctx, { ...part, ops }, plan, cexs, idx)}</div>`);
    if (plan.note) body.push(`<p class="note left-out">${esc(plan.note)}</p>`);
  } else if (skipped) {
    body.push(`<p class="note left-out">${esc(skipped)}</p>`);
  }

  const shown = plan ? new Set(plan.ops.map((o) => o.id)) : undefined;
  cexs.forEach((c, ci) => body.push(renderCounterexampleText(ctx, { ...part, ops }, c, ci, shown)));

  const open = verdict === "illegal" ? " open" : "";
  return (
    `<details class="partition verdict-${verdict}" id="p-${idx}" data-partition="${esc(String(part.label))}" data-verdict="${verdict}"${open}>` +
    `<summary><span class="badge ${verdict}">${verdict}</span> <span class="part-label">${esc(String(part.label))}</span>` +
    ` <span class="muted">· ${ops.length} op${ops.length === 1 ? "" : "s"}${cexs.length ? ` · ${allCex.length} counterexample${allCex.length === 1 ? "" : "s"}` : ""}</span></summary>` +
    `<div class="partition-body">${body.join("")}</div></details>`
  );
}
