// Loss-window checker: the acknowledged writes absent from the final state, put on one time
// axis with the faults (history) and the failovers (observer record), and judged against
// what the target's configuration promises (docs/redis-ha-reference.md §1.11, §5.2, §7 rule 2):
//
// - which writes were lost: set: acknowledged adds missing from the final read; counter:
//   acknowledged increments missing from the final value (a count; which ones is inferred: the
//   old primary's writes after the split first, then the tail just before it); register: an
//   acknowledged write that a later read (the final read included) proves absent, because it
//   returned a value written before that write began;
// - for each: the primary that acknowledged it, and the failover that lost it: a write is
//   followed through the failovers (it passes to a promoted replica whose INFO offsets say it
//   had it) to the first one that promoted a replica without it; the fault that split that
//   failover's old primary from the promoted replica (a partition, a kill or pause of it, a
//   SENTINEL FAILOVER), and the write's times relative to the partition's start and end,
//   +switch-master and +convert-to-slave;
// - the loss window per failover: first to last lost acknowledgement, and how long after the
//   split the old primary kept acknowledging writes that were lost;
// - the bound: with min-replicas-to-write N > 0 and min-replicas-max-lag L > 0, a primary
//   partitioned from its replicas (fewer than N left on its side) stops acknowledging within
//   L + 2 s of the partition's start; without them, or for other faults, no bound is promised.
//   The bound covers what it takes while the partition lasts; after the heal, ACKs held back by
//   the cut can make it count good replicas again until their connections close.
//
// Verdict: invalid when a lost write taken during the partition was invoked more than L + 2 s
// after it began (the server had not even received it inside the bound), or while the
// primary's own INFO counted fewer good replicas than N before and after it; when the test
// expects no loss at all and any is lost; or when nothing in the record can have lost a write
// (its last holder was neither failed over nor restarted). Unknown when losses cannot be
// attributed (no observer record) or the final state was not read; otherwise valid, with the
// measured loss reported. Pure.
import type { Observation } from "../history/events.js";
import { outcomeOf, pairOps, type History, type Pair } from "../history/op.js";
import { combineValidity, type Validity, type Verdict } from "../core/verdict.js";
import { fitsOwnWorkloads, type Checker, type CheckerDescriptor } from "./checker.js";
import type { LossShape } from "../core/workload-traits.js";
import { checkCounter, type CounterDetails } from "./counter.js";
import { Faults, type FaultPeriod } from "./faults.js";
import { secs, Timeline, type MasterChange } from "./observed.js";
import { checkSet, type SetDetails } from "./set.js";

export interface LossWindowOptions {
  /** How the workload's lost writes show in the history; inferred from its ops when absent. */
  workload?: LossShape;
  minReplicasToWrite?: number;
  /** min-replicas-max-lag, seconds. */
  minReplicasMaxLagS?: number;
  /** The test expects no acknowledged write to be lost (writes confirmed with WAIT, for example). */
  expectNoLoss?: boolean;
  /** With appendonly, a killed and restarted node keeps what it acknowledged. */
  persistence?: "none" | "appendonly";
}

export type LossCategory =
  /** Acknowledged before the split: the asynchronous replication tail (no bound is promised on it). */
  | "tail"
  /** Acknowledged by the old primary after the split began. */
  | "split-brain"
  /** Lost with a restart of a node without persistence. */
  | "restart"
  /** No failover or restart explains it. */
  | "unexplained"
  /** The record cannot say (no observer record, or it was not listening). */
  | "unattributed";

export interface LostWrite {
  key: string;
  /** The value written (set, register); absent for counter increments. */
  value?: unknown;
  node: string | null;
  invokeTime: number;
  ackTime: number;
  process: number;
  category: LossCategory;
  /** Index into `episodes`. */
  episode: number | null;
  /** ns from the event to the acknowledgement (negative: acknowledged before it). */
  relative: { partitionStart?: number; partitionEnd?: number; switchMaster?: number; convertToSlave?: number };
  /** Split brain under a partition: taken while the partition lasted, or after its heal (before the demotion). */
  phase?: "partition" | "after-heal";
  /** Invoked more than L + 2 s after the partition that isolated its primary began, while it lasted. */
  beyondBound?: boolean;
  /**
   * Taken while the primary's INFO, both just before the write and just after its
   * acknowledgement, said it had fewer good replicas than min-replicas-to-write (inside the
   * partition, where no replica could make it good in between).
   */
  tooFewReplicas?: { before: number; after: number; required: number };
  /** Counter increments: which ones were lost is inferred from the count. */
  inferred?: boolean;
  /** Register: the read that proves it absent. */
  evidence?: { readValue: unknown; readInvoke: number; readNode: string | null };
}

export type Bound = { seconds: number } | { none: string };

export interface LossEpisode {
  /** The primary whose demotion (or restart) lost the writes. */
  node: string | null;
  /** The primaries that acknowledged them (the same node, or earlier primaries it had them from). */
  ackedBy: string[];
  cause: string;
  failover: { from: string; to: string; epoch: number | null; switchTime: number; convertTime: number | null } | null;
  /** When the old primary was split from the replica that was promoted. */
  splitStart: number | null;
  partition: { start: number; end: number | null; shape: string | null } | null;
  lost: number;
  byCategory: Partial<Record<LossCategory, number>>;
  firstAck: number;
  lastAck: number;
  /** lastAck - firstAck, ns. */
  window: number;
  /** Latest lost acknowledgement / invocation after the split began, ns (null without a split). */
  ackedAfterSplit: number | null;
  invokedAfterSplit: number | null;
  bound: Bound;
  within: Validity;
}

export interface LossDetails {
  [field: string]: unknown;
  workload: LossShape | null;
  acknowledged: number;
  lostCount: number;
  lost: LostWrite[];
  episodes: LossEpisode[];
  /** What the configuration promises. */
  bound: Bound;
  expectNoLoss: boolean;
  /** Keys whose final state was not read. */
  unreadKeys: string[];
  notes: string[];
}

/** A write as the attribution needs it. */
interface Ack {
  key: string;
  value?: unknown;
  node: string | null;
  invokeTime: number;
  ackTime: number;
  process: number;
}

export function checkLossWindow(history: History, observation: Observation | undefined, options: LossWindowOptions = {}): Verdict {
  const workload = options.workload ?? inferWorkload(history);
  const n = options.minReplicasToWrite ?? 0;
  const lag = options.minReplicasMaxLagS ?? 0;
  const bound: Bound =
    n > 0 && lag > 0
      ? { seconds: lag + 2 }
      : { none: n === 0 ? "min-replicas-to-write is 0, so the configuration promises no bound" : "min-replicas-max-lag is 0, so min-replicas is off and no bound is promised" };
  const details: LossDetails = {
    workload: workload ?? null,
    acknowledged: 0,
    lostCount: 0,
    lost: [],
    episodes: [],
    bound,
    expectNoLoss: options.expectNoLoss ?? false,
    unreadKeys: [],
    notes: [],
  };
  if (!workload) {
    return { valid: "unknown", summary: "cannot tell the workload from the history (set, counter or register)", details };
  }
  const tl = observation && observation.events.length > 0 ? new Timeline(observation.events) : undefined;
  if (!tl) details.notes.push("no observer record (events.jsonl): losses cannot be tied to failovers");
  const ctx: Ctx = { tl, faults: Faults.of(history), n, bound, persistence: options.persistence, episodes: new Map(), details };

  if (workload === "set") lostFromSet(history, ctx);
  else if (workload === "register") lostFromRegister(history, ctx);
  else lostFromCounter(history, ctx);

  details.lost.sort((a, b) => a.ackTime - b.ackTime);
  details.lostCount = details.lost.length;
  finishEpisodes(ctx);
  const valid = verdictOf(details);
  return { valid, summary: summarise(details), details, report: reportLines(details) };
}

/** Fits a workload whose lost writes can be named, on a topology with replicas to fail over to. */
export const descriptor: CheckerDescriptor = {
  name: "loss-window",
  doc: "every lost acknowledged write fits what the configuration promises (min-replicas-to-write, min-replicas-max-lag), or none is lost with expect.loss: none",
  unfit: (workload, topology) =>
    workload.lossShape === undefined
      ? fitsOwnWorkloads("loss-window")(workload, topology)
      : topology === "standalone"
        ? `needs replicas (topology.type is ${topology})`
        : undefined,
  configure: (run) =>
    lossWindowChecker(
      run
        ? {
            workload: run.workload.lossShape,
            minReplicasToWrite: run.spec.replication.minReplicasToWrite,
            minReplicasMaxLagS: run.spec.replication.minReplicasMaxLag,
            expectNoLoss: run.spec.expect.loss === "none",
            persistence: run.spec.persistence,
          }
        : {},
    ),
};

export function lossWindowChecker(options: LossWindowOptions = {}): Checker {
  return { name: "loss-window", check: (history, observation) => checkLossWindow(history, observation, options) };
}

// ---------------------------------------------------------------------------
// Which writes were lost

function lostFromSet(history: History, ctx: Ctx): void {
  const set = checkSet(history).details as SetDetails;
  ctx.details.acknowledged = set.counts.acknowledged;
  ctx.details.unreadKeys = set.keysWithoutFinalRead;
  for (const l of set.lost) {
    record(ctx, { key: l.key, value: l.value, node: l.node, invokeTime: l.invokeTime, ackTime: l.ackTime, process: l.process });
  }
}

/**
 * A register write W is proven lost when a read R invoked after W was acknowledged returns nil
 * or a value whose (acknowledged) write completed before W began: R saw a state without W.
 * A later read that returns W's own value withdraws the proof (W was there after all).
 */
function lostFromRegister(history: History, ctx: Ctx): void {
  const byKey = new Map<string, { writes: Pair[]; reads: Pair[] }>();
  for (const p of pairOps(history)) {
    const f = p.invoke.f;
    if (f !== "write" && f !== "read") continue;
    const key = p.invoke.key ?? "";
    const slot = byKey.get(key) ?? { writes: [], reads: [] };
    byKey.set(key, slot);
    if (f === "write") slot.writes.push(p);
    else if (outcomeOf(p) === "ok") slot.reads.push(p);
  }
  for (const [key, { writes, reads }] of [...byKey].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const ok = writes.filter((w) => outcomeOf(w) === "ok");
    ctx.details.acknowledged += ok.length;
    if (writes.length > 0 && reads.length === 0) ctx.details.unreadKeys.push(key);
    const writeOf = new Map<string, Pair>();
    for (const w of writes) writeOf.set(String(w.invoke.value), w);
    for (const w of ok) {
      const ack = w.complete!;
      const value = String(w.invoke.value);
      const later = reads.filter((r) => r.invoke.time > ack.time);
      // The last read that still saw W (or something written after W began) unproves earlier evidence.
      let proof: Pair | undefined;
      for (const r of later) {
        const v = r.complete!.value;
        if (v !== null && v !== undefined && String(v) === value) {
          proof = undefined;
          continue;
        }
        // Only an acknowledged write's completion time says when it had surely happened.
        const source = v === null || v === undefined ? undefined : writeOf.get(String(v));
        const before = v === null || v === undefined || (source !== undefined && outcomeOf(source) === "ok" && source.complete!.time < w.invoke.time);
        if (before) proof ??= r;
      }
      if (!proof) continue;
      record(ctx, { key, value: w.invoke.value, node: ack.node ?? null, invokeTime: w.invoke.time, ackTime: ack.time, process: w.invoke.process as number }, {
        evidence: { readValue: proof.complete!.value ?? null, readInvoke: proof.invoke.time, readNode: proof.complete!.node ?? null },
      });
    }
  }
}

/**
 * A counter says how many acknowledged increments are missing, not which. Those the old
 * primary acknowledged after the split are lost for sure; the rest come from the tail just
 * before the split (the newest first, as asynchronous replication loses a suffix).
 */
function lostFromCounter(history: History, ctx: Ctx): void {
  const counter = checkCounter(history).details as CounterDetails;
  ctx.details.unreadKeys = counter.keysWithoutRead;
  const acks = new Map<string, Ack[]>();
  for (const p of pairOps(history)) {
    if (p.invoke.f !== "add" || outcomeOf(p) !== "ok") continue;
    const key = p.invoke.key ?? "";
    const list = acks.get(key) ?? [];
    acks.set(key, list);
    list.push({ key, node: p.complete!.node ?? null, invokeTime: p.invoke.time, ackTime: p.complete!.time, process: p.invoke.process as number });
  }
  for (const [key, report] of Object.entries(counter.keys)) {
    const list = (acks.get(key) ?? []).sort((a, b) => a.ackTime - b.ackTime);
    ctx.details.acknowledged += list.length;
    const missing = report.final?.lost ?? 0;
    if (missing === 0) continue;
    if (!ctx.tl) {
      for (const a of list.slice(-missing)) record(ctx, a, { inferred: true });
      continue;
    }
    const classified = list.map((a) => ({ a, c: classify(ctx, a) }));
    const sure = classified.filter((x) => x.c.category === "split-brain");
    if (sure.length > missing) {
      ctx.details.notes.push(
        `${key}: ${missing} increments missing, but the old primaries acknowledged ${sure.length} after their splits: some of those survived, so which were lost is not known`,
      );
      for (const x of sure.slice(-missing)) record(ctx, x.a, { inferred: true, category: "unattributed" });
      continue;
    }
    for (const x of sure) record(ctx, x.a, { inferred: true });
    let rest = missing - sure.length;
    // The tail: the newest writes before each split, latest failover first.
    const tails = classified.filter((x) => x.c.category === "tail").reverse();
    for (const x of tails) {
      if (rest === 0) break;
      record(ctx, x.a, { inferred: true });
      rest--;
    }
    if (rest > 0) {
      // More missing than the failovers can have lost: the rest has nothing to explain it.
      ctx.details.notes.push(`${key}: ${rest} missing increments beyond what the failovers can have lost`);
      const others = classified.filter((x) => x.c.category !== "tail" && x.c.category !== "split-brain").reverse();
      for (const x of others.slice(0, rest)) {
        const category = x.c.category === "unattributed" || x.c.category === "restart" ? x.c.category : "unexplained";
        record(ctx, x.a, { inferred: true, category });
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Attribution

interface Ctx {
  tl?: Timeline;
  faults: Faults;
  n: number;
  bound: Bound;
  persistence?: "none" | "appendonly";
  /** Episode key -> index into details.episodes. */
  episodes: Map<string, number>;
  details: LossDetails;
}

interface Classified {
  category: LossCategory;
  /** The primary whose demotion (or restart) lost the write; the one that acknowledged it, or a later holder. */
  holder: string | null;
  change?: MasterChange;
  cause: string;
  splitStart: number | null;
  partition?: FaultPeriod;
  bound: Bound;
  beyond?: boolean;
  phase?: "partition" | "after-heal";
  tooFew?: { before: number; after: number; required: number };
  episodeKey: string;
}

function record(ctx: Ctx, w: Ack, extra: { inferred?: boolean; category?: LossCategory; evidence?: LostWrite["evidence"] } = {}): void {
  const c = classify(ctx, w);
  if (extra.category) c.category = extra.category;
  const relative: LostWrite["relative"] = {};
  if (c.partition) {
    relative.partitionStart = w.ackTime - c.partition.start;
    if (c.partition.end !== undefined) relative.partitionEnd = w.ackTime - c.partition.end;
  }
  if (c.change) {
    relative.switchMaster = w.ackTime - c.change.time;
    const convert = ctx.tl?.convertedAfter(c.change.from, c.change.time);
    if (convert) relative.convertToSlave = w.ackTime - convert.time;
  }
  const episode = episodeOf(ctx, w, c);
  ctx.details.lost.push({
    key: w.key,
    ...(w.value !== undefined ? { value: w.value } : {}),
    node: w.node,
    invokeTime: w.invokeTime,
    ackTime: w.ackTime,
    process: w.process,
    category: c.category,
    episode,
    relative,
    ...(c.phase ? { phase: c.phase } : {}),
    ...(c.beyond !== undefined ? { beyondBound: c.beyond } : {}),
    ...(c.tooFew ? { tooFewReplicas: c.tooFew } : {}),
    ...(extra.inferred ? { inferred: true } : {}),
    ...(extra.evidence ? { evidence: extra.evidence } : {}),
  });
}

/**
 * Follows a write from the primary that acknowledged it through the failovers: a failover
 * whose promoted replica had it (by the INFO offsets) passes it on to the new primary, and
 * the write is lost at the first failover that promoted a replica without it, at a restart of
 * its holder without persistence, or for no reason the record shows.
 */
function classify(ctx: Ctx, w: Ack): Classified {
  const { tl, faults } = ctx;
  const m = w.node;
  if (!tl || !m) return { category: "unattributed", holder: m, cause: tl ? "unknown node" : "no observer record", splitStart: null, bound: ctx.bound, episodeKey: `?${m}` };
  let holder = m;
  /** Since when the holder has had the write. */
  let held = w.ackTime;
  // The reign of m that w belongs to started at its last promotion before w.
  let reignStart = Math.max(-Infinity, ...tl.changes.filter((c) => c.to === m && c.time < w.ackTime).map((c) => c.time));
  for (let hop = 0; hop <= tl.changes.length; hop++) {
    // The failover that ended the holder's reign.
    const change = tl.changes.find((c) => c.from === holder && c.time > reignStart);
    const restart = (before: number) =>
      ctx.persistence === "appendonly" ? undefined : faults.periods.find((p) => p.fault === "kill" && p.node === holder && p.start > held && p.start < before);
    const restarted = (k: FaultPeriod): Classified => ({
      category: "restart",
      holder,
      change,
      cause: `kill of ${holder} at ${secs(k.start)} s without persistence${hop > 0 ? `, after ${holder} had the write from ${m}` : ""}`,
      splitStart: k.start,
      bound: { none: "a restart without persistence keeps nothing" },
      episodeKey: `restart:${holder}:${k.start}`,
    });
    if (!change) {
      const killed = restart(Infinity);
      if (killed) return restarted(killed);
      const unheard = tl.sentinelIds().filter((s) => !tl.covered(s, "events", held, tl.stop ?? held));
      if (unheard.length > 0) {
        return { category: "unattributed", holder, cause: `no failover of ${holder} seen, but the events of ${unheard.join(", ")} were not heard throughout`, splitStart: null, bound: ctx.bound, episodeKey: `?${holder}` };
      }
      const why = hop === 0 ? `no failover or restart of ${m} after it acknowledged the write` : `${holder} had it (from ${m}), and was neither failed over nor restarted`;
      return { category: "unexplained", holder, cause: why, splitStart: null, bound: ctx.bound, episodeKey: `none:${holder}` };
    }
    const a = change.attempt;
    // Restarted empty before the failover began: its replicas resynchronised from nothing.
    const wiped = restart(a?.tryTime ?? change.time);
    if (wiped && wiped.end !== undefined && wiped.end < (a?.tryTime ?? change.time)) return restarted(wiped);
    const split = splitOf(ctx, tl, holder, change);
    const promotion = a?.promotionSentTime ?? a?.promotedTime ?? change.time;
    // Split brain only if invoked after the split began: the server cannot have taken it
    // before. One answered after the split but invoked before may have been replicated in
    // time: it counts as the tail. Later hops: the holder had it since its promotion.
    const category: LossCategory = hop === 0 && w.invokeTime >= split.splitStart ? "split-brain" : "tail";
    if (category === "tail" && promotedHadIt(tl, holder, change.to, held, promotion)) {
      holder = change.to;
      held = promotion;
      reignStart = change.time;
      continue;
    }
    const base = { category, holder, change, ...split, episodeKey: `${holder}:${change.time}` };
    if (hop > 0) base.cause += `; ${holder} had it from ${m}`;
    if (category !== "split-brain" || !split.partition) return base;
    // The bound is on what the primary takes while it is cut off. After the heal, replies held
    // by the switch (ACKs the replicas sent before they moved) can make it count good replicas
    // again until their connections close: docs/redis-ha-reference.md §7's "post-heal writes while it still has
    // N good replicas", which no bound covers.
    const partition = split.partition;
    const phase = partition.end !== undefined && w.invokeTime >= partition.end ? "after-heal" : "partition";
    if (phase === "partition" && "seconds" in split.bound) {
      return {
        ...base,
        phase,
        beyond: w.invokeTime - split.splitStart > split.bound.seconds * 1e9,
        tooFew: tooFewReplicas(tl, m, w, ctx.n, partition.end ?? Infinity),
      };
    }
    return { ...base, phase };
  }
  return { category: "unattributed", holder, cause: "the failovers form a loop the record cannot follow", splitStart: null, bound: ctx.bound, episodeKey: `?${holder}` };
}

/** What split the old primary from the replica a failover promoted, and what bound applies. */
function splitOf(ctx: Ctx, tl: Timeline, m: string, change: MasterChange): { cause: string; splitStart: number; partition?: FaultPeriod; bound: Bound } {
  const { faults } = ctx;
  const a = change.attempt;
  const ref = a?.tryTime ?? change.time;
  const partition = faults.partitionBetween(ref, m, change.to);
  if (partition) {
    const cause = `partition ${partition.shape ?? ""}`.trim() + (partition.sides ? ` (${partition.sides.map((s) => s.join(" ")).join(" | ")})` : "");
    let bound = ctx.bound;
    if ("seconds" in ctx.bound) {
      const kept = tl.dataIds().filter((d) => d !== m && faults.linkedAt(partition.start, m, d)).length;
      if (kept >= ctx.n) bound = { none: `${m} kept ${kept} replica${kept === 1 ? "" : "s"} on its side, enough for min-replicas-to-write ${ctx.n}` };
    }
    return { cause, splitStart: partition.start, partition, bound };
  }
  const nodeFault = faults.activeAt(ref).find((p) => (p.fault === "kill" || p.fault === "pause") && p.node === m);
  if (nodeFault) {
    return { cause: `${nodeFault.fault} of ${m}`, splitStart: nodeFault.start, bound: { none: `min-replicas bounds a partitioned primary; for a ${nodeFault.fault} no bound is promised` } };
  }
  const forced = faults.periods.find((p) => p.fault === "failover" && a && p.via === a.leader && Math.abs(p.start - a.tryTime) <= 2e9);
  // The promoted replica stops taking the old primary's stream when it runs SLAVEOF NO ONE,
  // somewhere between the leader sending it and seeing it done: the latter is sure.
  return {
    cause: forced ? `SENTINEL FAILOVER at ${forced.via}` : "a failover without a recorded fault",
    splitStart: a?.promotedTime ?? a?.promotionSentTime ?? change.time,
    bound: { none: `min-replicas bounds a partitioned primary; after ${forced ? "a forced failover" : "this failover"} the old primary stops when its replicas leave it, with no bound promised` },
  };
}

/**
 * min_slaves_good_slaves of the primary (Redis's cached count, the one a write is admitted by)
 * below N in its samples both before the write began and after it was acknowledged, both
 * inside the partition: no replica could raise the count in between, so the write was taken
 * against the rule.
 */
function tooFewReplicas(tl: Timeline, m: string, w: Ack, n: number, partitionEnd: number): Classified["tooFew"] {
  const before = tl.lastInfoBefore(m, w.invokeTime);
  const after = tl.firstInfoAfter(m, w.ackTime);
  if (!before || !after || after.time >= partitionEnd) return undefined;
  const good = (f: Record<string, string>) => (f.role === "master" && f.min_slaves_good_slaves !== undefined ? Number(f.min_slaves_good_slaves) : undefined);
  const b = good(before.fields);
  const a = good(after.fields);
  if (b === undefined || a === undefined || b >= n || a >= n) return undefined;
  return { before: b, after: a, required: n };
}

/**
 * Whether the promoted replica had the write: an INFO sample of it, still replicating from the
 * old primary with the same replication id, at an offset at least the old primary's
 * master_repl_offset sampled after the write was acknowledged.
 */
function promotedHadIt(tl: Timeline, m: string, p: string, ackTime: number, promotion: number): boolean {
  const ms = tl.firstInfoAfter(m, ackTime);
  if (!ms || ms.fields.role !== "master" || ms.time > promotion) return false;
  const offset = Number(ms.fields.master_repl_offset);
  const mAddr = tl.addrOf(m);
  return tl
    .infoBetween(p, ms.sent, promotion)
    .some(
      (s) =>
        s.time < promotion &&
        s.fields.role === "slave" &&
        `${s.fields.master_host}:${s.fields.master_port}` === mAddr &&
        s.fields.master_replid === ms.fields.master_replid &&
        Number(s.fields.slave_repl_offset) >= offset,
    );
}

function episodeOf(ctx: Ctx, w: Ack, c: Classified): number {
  let i = ctx.episodes.get(c.episodeKey);
  if (i === undefined) {
    i = ctx.details.episodes.length;
    ctx.episodes.set(c.episodeKey, i);
    const convert = c.change ? ctx.tl?.convertedAfter(c.change.from, c.change.time) : undefined;
    ctx.details.episodes.push({
      node: c.holder,
      ackedBy: [],
      cause: c.cause,
      failover: c.change
        ? { from: c.change.from, to: c.change.to, epoch: c.change.attempt?.epoch ?? null, switchTime: c.change.time, convertTime: convert?.time ?? null }
        : null,
      splitStart: c.splitStart,
      partition: c.partition ? { start: c.partition.start, end: c.partition.end ?? null, shape: c.partition.shape ?? null } : null,
      lost: 0,
      byCategory: {},
      firstAck: w.ackTime,
      lastAck: w.ackTime,
      window: 0,
      ackedAfterSplit: null,
      invokedAfterSplit: null,
      bound: c.bound,
      within: true,
    });
  }
  return i;
}

function finishEpisodes(ctx: Ctx): void {
  for (const [i, e] of ctx.details.episodes.entries()) {
    const lost = ctx.details.lost.filter((l) => l.episode === i);
    e.lost = lost.length;
    e.ackedBy = [...new Set(lost.map((l) => l.node ?? "?"))].sort();
    e.byCategory = {};
    for (const l of lost) e.byCategory[l.category] = (e.byCategory[l.category] ?? 0) + 1;
    e.firstAck = Math.min(...lost.map((l) => l.ackTime));
    e.lastAck = Math.max(...lost.map((l) => l.ackTime));
    e.window = e.lastAck - e.firstAck;
    // How long the cut-off primary kept taking writes: after-heal ones are counted apart.
    const after = lost.filter((l) => l.category === "split-brain" && l.phase !== "after-heal");
    if (e.splitStart !== null && after.length > 0) {
      e.ackedAfterSplit = Math.max(...after.map((l) => l.ackTime)) - e.splitStart;
      e.invokedAfterSplit = Math.max(...after.map((l) => l.invokeTime)) - e.splitStart;
    }
    const kinds = new Set(lost.map((l) => l.category));
    e.within = lost.some(broken) || kinds.has("unexplained") ? false : kinds.has("unattributed") && "seconds" in ctx.bound ? "unknown" : true;
  }
}

// ---------------------------------------------------------------------------
// Verdict and text

/** A lost write the configuration promised could not be taken. */
function broken(l: LostWrite): boolean {
  return l.beyondBound === true || l.tooFewReplicas !== undefined;
}

function verdictOf(d: LossDetails): Validity {
  const parts: Validity[] = [];
  if (d.expectNoLoss && d.lostCount > 0) parts.push(false);
  if (d.lost.some((l) => broken(l) || l.category === "unexplained")) parts.push(false);
  if (d.lost.some((l) => l.category === "unattributed")) parts.push("unknown");
  if (d.unreadKeys.length > 0) parts.push("unknown");
  return combineValidity(parts);
}

function boundText(b: Bound): string {
  return "seconds" in b ? `L + 2 = ${b.seconds} s` : `no bound: ${b.none}`;
}

function summarise(d: LossDetails): string {
  if (d.lostCount === 0) {
    const read = d.unreadKeys.length ? `; final state not read for ${d.unreadKeys.join(", ")}` : "";
    return `no acknowledged write lost (${d.acknowledged} acknowledged)${read}`;
  }
  const nodes = [...new Set(d.lost.map((l) => l.node ?? "?"))].join(", ");
  const parts = [`${d.lostCount} of ${d.acknowledged} acknowledged writes lost (by ${nodes})`];
  const timed = d.episodes.filter((e) => e.ackedAfterSplit !== null);
  if (timed.length > 0) {
    const worst = timed.reduce((a, b) => ((b.ackedAfterSplit ?? 0) > (a.ackedAfterSplit ?? 0) ? b : a));
    parts.push(`window ${secs(Math.max(...d.episodes.map((e) => e.window)))} s, acknowledged up to ${secs(worst.ackedAfterSplit!)} s after the split`);
  } else {
    parts.push(`window ${secs(Math.max(...d.episodes.map((e) => e.window)))} s`);
  }
  const beyond = d.lost.filter((l) => l.beyondBound).length;
  const tooFew = d.lost.filter((l) => l.tooFewReplicas && !l.beyondBound).length;
  const unexplained = d.lost.filter((l) => l.category === "unexplained").length;
  if (d.expectNoLoss) parts.push("the test expects no loss");
  if (beyond) parts.push(`${beyond} past the bound (${boundText(d.bound)})`);
  if (tooFew) parts.push(`${tooFew} taken with fewer good replicas than min-replicas-to-write`);
  if (!beyond && !tooFew) {
    if ("seconds" in d.bound) {
      const boundless = d.episodes.filter((e) => "none" in e.bound && e.lost > 0);
      const reasons = [...new Set(boundless.map((e) => (e.bound as { none: string }).none))];
      parts.push(boundless.length ? `bound ${d.bound.seconds} s; ${reasons.join("; ")}` : `within the bound (${boundText(d.bound)})`);
    } else parts.push(boundText(d.bound));
  }
  const afterHeal = d.lost.filter((l) => l.phase === "after-heal").length;
  if (afterHeal) parts.push(`${afterHeal} taken after the partition healed, before the old primary was demoted (no bound covers those)`);
  if (unexplained) parts.push(`${unexplained} lost with no failover or restart to explain it`);
  const unattributed = d.lost.filter((l) => l.category === "unattributed").length;
  if (unattributed) parts.push(`${unattributed} not attributable`);
  if (d.unreadKeys.length) parts.push(`final state not read for ${d.unreadKeys.join(", ")}`);
  return parts.join("; ");
}

function reportLines(d: LossDetails): string[] {
  const lines: string[] = [];
  const lost = d.lost;
  for (const [i, e] of d.episodes.entries()) {
    const events: string[] = [];
    if (e.partition) events.push(`partition at ${secs(e.partition.start)} s${e.partition.end !== null ? `, healed ${secs(e.partition.end)} s` : ""}`);
    else if (e.splitStart !== null) events.push(`split at ${secs(e.splitStart)} s`);
    if (e.failover) {
      events.push(`+switch-master ${e.failover.from} -> ${e.failover.to} at ${secs(e.failover.switchTime)} s`);
      if (e.failover.convertTime !== null) events.push(`+convert-to-slave ${secs(e.failover.convertTime)} s`);
    }
    const afterHeal = lost.filter((l) => l.episode === i && l.phase === "after-heal").length;
    const cats = Object.entries(e.byCategory).map(([k, v]) => `${v} ${k}`).join(", ") + (afterHeal ? `, ${afterHeal} of them after the heal` : "");
    const after = e.ackedAfterSplit !== null ? `, the last ${secs(e.ackedAfterSplit)} s after the split (invoked ${secs(e.invokedAfterSplit!)} s after)` : "";
    const by = e.ackedBy.length === 1 && e.ackedBy[0] === e.node ? "" : `, acknowledged by ${e.ackedBy.join(", ")}`;
    const verdict = e.within === false ? "PAST WHAT IS PROMISED" : e.within === "unknown" ? "unknown" : "none" in e.bound ? "nothing promised to break" : "within";
    lines.push(
      `lost by ${e.node ?? "?"} (${e.cause}; ${events.join("; ")}): ${e.lost} (${cats}${by}), acknowledged ${secs(e.firstAck)}..${secs(e.lastAck)} s, window ${secs(e.window)} s${after}; ${boundText(e.bound)}: ${verdict}`,
    );
  }
  for (const n of d.notes) lines.push(`note: ${n}`);
  return lines;
}

/** set: reads return arrays; register: writes; counter: adds with reads of numbers. */
function inferWorkload(history: History): LossShape | undefined {
  let adds = false;
  for (const op of history) {
    if (op.process === "nemesis") continue;
    if (op.f === "write") return "register";
    if (op.f === "read" && op.type === "ok" && Array.isArray(op.value)) return "set";
    if (op.f === "add") adds = true;
  }
  return adds ? "counter" : undefined;
}
