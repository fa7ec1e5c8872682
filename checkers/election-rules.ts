// Election-rules checker: every Sentinel failover in the observer's record, checked against
// the rules of the reference (docs/redis-ha-reference.md §2.5 to §2.9, §7 rules 5-13):
//
//   odown-first          a failover starts only after the leader saw the master ODOWN with
//                        its quorum (#quorum n/q, n >= q); forced ones (SENTINEL FAILOVER) are exempt
//   enough-votes         the leader got votes >= max(quorum, majority of the sentinels it knows)
//   one-leader-per-epoch no two sentinels elected in one epoch
//   one-vote-per-epoch   no sentinel votes for two candidates in one epoch
//   epochs-grow          +new-epoch only grows per sentinel, each failover's epoch is above the
//                        last one's, config epochs never go back
//   reachable-majority   no failover while the leader could not reach quorum / a majority of
//                        sentinels (partitions and killed / paused sentinels, from the history)
//   best-replica         the promoted replica is the best eligible one by the leader's own view
//                        (priority, then replication offset, then run id; priority 0, SDOWN,
//                        disconnected, stale pings / INFO and long master-link-down excluded)
//   old-primary-rejoins  the old primary is seen as a replica once Sentinel had the time to demote
//                        it: a stretch without faults long enough for +convert-to-slave
//
// Each failover is a row with its verdict. A rule that the record cannot decide (the observer
// was not listening, the leader's view was not sampled near the selection) is `unknown` with
// the reason, never valid by default. Pure: history (for the faults) and events in, verdict out.
import type { Observation, SentinelStateRecord } from "../history/events.js";
import type { History } from "../history/op.js";
import { combineValidity, type Validity, type Verdict } from "../core/verdict.js";
import type { Checker, CheckerDescriptor } from "./checker.js";
import { Faults } from "./faults.js";
import { parseInstance, parseQuorum, secs, Timeline, type Attempt, type MasterChange } from "./observed.js";

export interface ElectionRulesOptions {
  /** The configured quorum; the leader's snapshot (SENTINEL MASTER quorum) is used when present. */
  quorum?: number;
  /** The number of sentinels; the leader's snapshot (num-other-sentinels + 1) is used when present. */
  sentinels?: number;
  downAfterMs?: number;
  /** Sentinel's ping-period and info-period (SENTINEL DEBUG); Redis's defaults. */
  pingPeriodMs?: number;
  infoPeriodMs?: number;
}

export type Rule =
  | "odown-first"
  | "enough-votes"
  | "one-leader-per-epoch"
  | "one-vote-per-epoch"
  | "epochs-grow"
  | "reachable-majority"
  | "best-replica"
  | "old-primary-rejoins";

export interface RuleCheck {
  rule: Rule;
  valid: Validity;
  note: string;
}

export interface CandidateRow {
  node: string;
  eligible: Validity;
  /** Why it was excluded (or might have been). */
  reasons: string[];
  priority: number | null;
  offset: number | null;
  runId: string | null;
  /** Where the values come from: the leader's snapshot, or the replica's INFO when there is none. */
  source: "leader" | "info";
}

export interface FailoverRow {
  epoch: number | null;
  leader: string | null;
  forced: boolean;
  oldPrimary: string;
  /** The replica promoted; null when the failover was aborted before a promotion. */
  promoted: string | null;
  best: string | null;
  aborted?: string;
  times: Partial<Record<"odown" | "try" | "elected" | "selected" | "promoted" | "switch" | "rejoined", number>>;
  votes: { for: string[]; required: number | null; sentinels: number | null; quorum: number | null };
  candidates: CandidateRow[];
  checks: RuleCheck[];
  valid: Validity;
}

export interface ElectionDetails {
  [field: string]: unknown;
  failovers: FailoverRow[];
  /** Rules about the whole record (epochs, double votes), besides those of each failover. */
  global: RuleCheck[];
  /** Attempts that did not become a failover (not elected), for reference. */
  attempts: { leader: string; epoch: number | null; try: number; abort: string | null }[];
}

const DEFAULTS = { pingPeriodMs: 1000, infoPeriodMs: 10_000, downAfterMs: 30_000 };
/** Sentinel's hello period (not changeable in Redis 7.0). */
const PUBLISH_PERIOD_MS = 2000;
/** Time for a sentinel's cut links to time out and reconnect after a heal. */
const REJOIN_SLACK_MS = 5000;
/** Clock slack between a sentinel's "ms ago" and our receipt times. */
const SLACK_NS = 20e6;
/** How far from the selection a leader's snapshot still tells its view: before (the observer's heartbeat, 1 s, plus sampling delays), after. */
const BEFORE_WINDOW_NS = 2e9;
const AFTER_WINDOW_NS = 1e9;
/** Past this many combinations of readings the selection is not enumerated (unknown). */
const MAX_COMBINATIONS = 4096;

export function checkElectionRules(history: History, observation: Observation | undefined, options: ElectionRulesOptions = {}): Verdict {
  if (!observation || observation.events.length === 0) {
    return {
      valid: "unknown",
      summary: "no observer record (events.jsonl): the failovers cannot be checked",
      details: { failovers: [], global: [], attempts: [] } satisfies ElectionDetails,
    };
  }
  const tl = new Timeline(observation.events);
  const faults = Faults.of(history);
  const opts = { ...DEFAULTS, ...options };
  const global = globalChecks(tl);
  const rows: FailoverRow[] = [];

  const elected = tl.attempts.filter((a) => a.electedTime !== undefined);
  for (const a of elected) rows.push(attemptRow(tl, faults, a, opts));
  // Master changes no observed election explains: the record missed the leader's events.
  for (const c of tl.changes) {
    if (c.attempt && elected.includes(c.attempt)) continue;
    rows.push(unexplainedChangeRow(tl, faults, c, opts));
  }
  rows.sort((a, b) => (a.times.elected ?? a.times.switch ?? 0) - (b.times.elected ?? b.times.switch ?? 0));
  epochOrder(rows);
  for (const g of global) {
    // A broken global rule also marks the failovers of the epochs it names.
    if (g.valid !== false) continue;
    for (const r of rows) if (r.epoch !== null && new RegExp(`\\bepoch ${r.epoch}\\b`).test(g.note)) addCheck(r, g);
  }
  for (const r of rows) r.valid = combineValidity(r.checks.map((c) => c.valid));

  const details: ElectionDetails = {
    failovers: rows,
    global,
    attempts: tl.attempts
      .filter((a) => a.electedTime === undefined)
      .map((a) => ({ leader: a.leader, epoch: a.epoch ?? null, try: a.tryTime, abort: a.abort?.reason ?? null })),
  };
  const valid = combineValidity([...rows.map((r) => r.valid), ...global.map((g) => g.valid)]);
  return { valid, summary: summarise(rows, global), details, report: rows.map(rowLine) };
}

/** Reads Sentinel's events in the observer's record, so it fits any workload with sentinels. */
export const descriptor: CheckerDescriptor = {
  name: "election-rules",
  doc: "every Sentinel failover in the observer's record followed Sentinel's rules",
  unfit: (_, topology) => (topology === "sentinel" ? undefined : `needs topology sentinel (topology.type is ${topology})`),
  configure: (run) =>
    electionRulesChecker(run ? { quorum: run.spec.sentinel.quorum, sentinels: run.spec.topology.sentinels, downAfterMs: run.spec.sentinel.downAfterMs } : {}),
};

export function electionRulesChecker(options: ElectionRulesOptions = {}): Checker {
  return { name: "election-rules", check: (history, observation) => checkElectionRules(history, observation, options) };
}

// ---------------------------------------------------------------------------
// One failover

interface Opts {
  quorum?: number;
  sentinels?: number;
  downAfterMs: number;
  pingPeriodMs: number;
  infoPeriodMs: number;
}

function attemptRow(tl: Timeline, faults: Faults, a: Attempt, opts: Opts): FailoverRow {
  const change = tl.changes.find((c) => c.attempt === a);
  const forcedBy = faults.periods.find(
    (p) => p.fault === "failover" && p.via === a.leader && p.start >= a.tryTime - 500e6 && p.start - a.tryTime <= 2e9,
  );
  const promotedInst = a.promoted ?? a.selected;
  const row: FailoverRow = {
    epoch: a.epoch ?? null,
    leader: a.leader,
    forced: forcedBy !== undefined,
    oldPrimary: a.master.node ?? a.master.addr,
    promoted: a.abort ? null : (promotedInst ? (promotedInst.node ?? promotedInst.addr) : null),
    best: null,
    ...(a.abort ? { aborted: a.abort.reason } : {}),
    times: { try: a.tryTime, elected: a.electedTime },
    votes: { for: [], required: null, sentinels: null, quorum: null },
    candidates: [],
    checks: [],
    valid: true,
  };
  if (a.selectedTime !== undefined) row.times.selected = a.selectedTime;
  if (a.promotedTime !== undefined) row.times.promoted = a.promotedTime;
  if (change) row.times.switch = change.time;

  const leaderState = tl.statesAround(a.leader, a.tryTime).before ?? tl.statesAround(a.leader, a.tryTime).after;
  const sentinels = num(leaderState?.master["num-other-sentinels"], (n) => n + 1) ?? opts.sentinels ?? (tl.sentinelIds().length || null);
  const quorum = num(leaderState?.master.quorum) ?? opts.quorum ?? null;
  const required = sentinels !== null && quorum !== null ? Math.max(Math.floor(sentinels / 2) + 1, quorum) : null;
  row.votes = { for: [], required, sentinels, quorum };

  if (row.forced) {
    const note = `forced by SENTINEL FAILOVER at ${forcedBy!.via} (${secs(forcedBy!.start)} s): no ODOWN, vote or majority needed`;
    addCheck(row, { rule: "odown-first", valid: true, note });
  } else {
    addCheck(row, odownCheck(tl, a, quorum, row));
    addCheck(row, votesCheck(tl, faults, a, required, row));
    addCheck(row, reachableCheck(tl, faults, a, required));
  }
  addCheck(row, oneLeaderCheck(tl, a));
  if (a.abort?.reason === "no-good-slave") {
    addCheck(row, noGoodSlaveCheck(tl, a, opts, row));
  } else if (!a.abort) {
    addCheck(row, selectionCheck(tl, a, opts, row, change));
    addCheck(row, rejoinCheck(tl, faults, row, change, opts));
  }
  return row;
}

function unexplainedChangeRow(tl: Timeline, faults: Faults, c: MasterChange, opts: Opts): FailoverRow {
  const row: FailoverRow = {
    epoch: null,
    leader: null,
    forced: false,
    oldPrimary: c.from,
    promoted: c.to,
    best: null,
    times: { switch: c.time },
    votes: { for: [], required: null, sentinels: null, quorum: null },
    candidates: [],
    checks: [],
    valid: "unknown",
  };
  const gaps = tl.sentinelIds().filter((s) => !tl.covered(s, "events", c.time - 30e9, c.time));
  addCheck(row, {
    rule: "odown-first",
    valid: "unknown",
    note: `+switch-master ${c.from} -> ${c.to} at ${secs(c.time)} s without an observed election` + (gaps.length ? ` (events of ${gaps.join(", ")} not observed throughout)` : ""),
  });
  addCheck(row, rejoinCheck(tl, faults, row, c, opts));
  return row;
}

function odownCheck(tl: Timeline, a: Attempt, quorum: number | null, row: FailoverRow): RuleCheck {
  const events = tl.sentinelEvents.get(a.leader) ?? [];
  let last: { event: string; time: number; message: string } | undefined;
  for (const e of events) {
    if (e.time > a.tryTime) break;
    if ((e.event === "+odown" || e.event === "-odown") && parseInstance(e.message)?.addr === a.master.addr) last = e;
  }
  if (last?.event === "+odown") {
    row.times.odown = last.time;
    const q = parseQuorum(last.message);
    if (!q) return { rule: "odown-first", valid: "unknown", note: `+odown without #quorum at ${secs(last.time)} s: ${last.message}` };
    const need = Math.max(q.quorum, quorum ?? 0);
    if (q.count < need) {
      return { rule: "odown-first", valid: false, note: `ODOWN with ${q.count} of ${need} sentinels agreeing (#quorum ${q.count}/${q.quorum}) before the failover` };
    }
    return { rule: "odown-first", valid: true, note: `ODOWN #quorum ${q.count}/${q.quorum} at ${secs(last.time)} s, before +try-failover at ${secs(a.tryTime)} s` };
  }
  // The record starts with a healthy topology: only the leader's events since then matter.
  const from = tl.firstUp(a.leader, "events") ?? tl.start ?? 0;
  if (!tl.covered(a.leader, "events", from, a.tryTime)) {
    return { rule: "odown-first", valid: "unknown", note: `no +odown seen from ${a.leader}, whose events were not observed throughout before ${secs(a.tryTime)} s` };
  }
  return {
    rule: "odown-first",
    valid: false,
    note: last ? `${a.leader} left ODOWN (-odown at ${secs(last.time)} s) and still started a failover at ${secs(a.tryTime)} s` : `${a.leader} started a failover at ${secs(a.tryTime)} s without seeing the master ODOWN`,
  };
}

function votesCheck(tl: Timeline, faults: Faults, a: Attempt, required: number | null, row: FailoverRow): RuleCheck {
  const runId = leaderRunId(tl, a.leader);
  if (a.epoch === undefined) return { rule: "enough-votes", valid: "unknown", note: `the epoch of ${a.leader}'s failover was not observed` };
  if (!runId) return { rule: "enough-votes", valid: "unknown", note: `${a.leader}'s run id is not in the record` };
  const end = a.electedTime!;
  const voters = [...new Set(tl.votes.filter((v) => v.epoch === a.epoch && v.candidate === runId && v.time <= end + 1e9).map((v) => v.voter))].sort();
  row.votes.for = voters;
  if (required === null) return { rule: "enough-votes", valid: "unknown", note: `${voters.length} votes; the quorum or the number of sentinels is unknown` };
  if (voters.length >= required) {
    return { rule: "enough-votes", valid: true, note: `${voters.length} votes (${voters.join(", ")}), ${required} needed` };
  }
  // Fewer votes seen than needed: proof only if every sentinel's events were heard (or it was down).
  const unheard = tl.sentinelIds().filter((s) => tl.gaps(s, "events", a.tryTime, end).some(([g0, g1]) => !downThroughout(faults, s, g0, g1)));
  if (unheard.length > 0) {
    return { rule: "enough-votes", valid: "unknown", note: `${voters.length} votes seen, ${required} needed, but the events of ${unheard.join(", ")} were not heard throughout the election` };
  }
  return { rule: "enough-votes", valid: false, note: `elected with ${voters.length} votes (${voters.join(", ") || "none"}), ${required} needed (max of quorum and majority)` };
}

function reachableCheck(tl: Timeline, faults: Faults, a: Attempt, required: number | null): RuleCheck {
  if (required === null) return { rule: "reachable-majority", valid: "unknown", note: "the quorum or the number of sentinels is unknown" };
  const sentinels = tl.sentinelIds();
  let best = 0;
  let bestAt = a.tryTime;
  for (const t of faults.changePoints(a.tryTime, a.electedTime!)) {
    const reach = sentinels.filter((s) => !faults.downAt(t, s) && faults.linkedAt(t, a.leader, s)).length;
    if (reach > best) {
      best = reach;
      bestAt = t;
    }
  }
  if (best < required) {
    return { rule: "reachable-majority", valid: false, note: `at most ${best} sentinels (itself included) could reach ${a.leader} during its election, ${required} needed` };
  }
  return { rule: "reachable-majority", valid: true, note: `${best} of ${sentinels.length} sentinels reachable at ${secs(bestAt)} s, ${required} needed` };
}

function oneLeaderCheck(tl: Timeline, a: Attempt): RuleCheck {
  if (a.epoch === undefined) return { rule: "one-leader-per-epoch", valid: "unknown", note: "the epoch was not observed" };
  const others = tl.attempts.filter((o) => o !== a && o.epoch === a.epoch && o.electedTime !== undefined && o.master.addr === a.master.addr);
  if (others.length > 0) {
    return { rule: "one-leader-per-epoch", valid: false, note: `epoch ${a.epoch} has ${others.length + 1} leaders: ${[a.leader, ...others.map((o) => o.leader)].join(", ")}` };
  }
  return { rule: "one-leader-per-epoch", valid: true, note: `${a.leader} is the only leader of epoch ${a.epoch}` };
}

/**
 * Sentinel demotes a returning old master on an INFO reply (every info-period) once it has seen
 * it report role:master for 4 publish periods (8 s) with the new master sane (docs/redis-ha-reference.md §2.9):
 * after a heal, up to 8 s + 2 info-periods. Faults in between (a partition, a kill, another
 * failover's ODOWN) reset that clock, so the rule asks for a rejoin only after a quiet stretch
 * that long, with some slack for reconnecting links.
 */
function rejoinGraceNs(opts: Opts): number {
  return (4 * PUBLISH_PERIOD_MS + 2 * opts.infoPeriodMs + REJOIN_SLACK_MS) * 1e6;
}

function rejoinCheck(tl: Timeline, faults: Faults, row: FailoverRow, change: MasterChange | undefined, opts: Opts): RuleCheck {
  const rule = "old-primary-rejoins" as const;
  if (!change) return { rule, valid: "unknown", note: "no +switch-master for this failover in the record" };
  const old = change.from;
  const next = tl.changes.find((c) => c.time > change.time && c.to === old);
  const until = next?.time ?? tl.stop ?? Infinity;
  const seen = tl.seenAsReplica(old, change.time, next?.time ?? Infinity);
  if (seen) {
    row.times.rejoined = seen.time;
    return { rule, valid: true, note: `${old} seen as a replica at ${secs(seen.time)} s (${seen.how})` };
  }
  const samples = tl.infoBetween(old, change.time, next?.time ?? Infinity);
  if (samples.length === 0) return { rule, valid: "unknown", note: `no INFO of ${old} after the failover` };
  const last = samples.at(-1)!;
  const grace = rejoinGraceNs(opts);
  const quiet = faults.quietFrom(change.time, until, grace);
  if (quiet !== undefined) {
    return {
      rule,
      valid: false,
      note: `${old} never came back as a replica: still role:${last.fields.role} at its last sample (${secs(last.time)} s), though no fault was active from ${secs(quiet)} s for ${grace / 1e9} s`,
    };
  }
  const why = `never ${grace / 1e9} s without a fault, the time Sentinel may take to demote it`;
  if (next) return { rule, valid: true, note: `${old} was promoted again at ${secs(next.time)} s before Sentinel could demote it (${why})` };
  return { rule, valid: "unknown", note: `${old} still role:${last.fields.role} at its last sample (${secs(last.time)} s), but the record had ${why}` };
}

// ---------------------------------------------------------------------------
// Replica selection, judged on the leader's own view of the replicas

/** One possible state of a replica in the leader's view at the moment of selection. */
interface Reading {
  node: string;
  eligible: boolean | "unknown";
  reasons: string[];
  priority: number;
  offset: number;
  runId: string | null;
}

interface ViewResult {
  /** Per replica, its possible readings (one when the record is unambiguous). */
  readings: Map<string, Reading[]>;
  source: "leader" | "info";
  note?: string;
}

function selectionCheck(tl: Timeline, a: Attempt, opts: Opts, row: FailoverRow, change: MasterChange | undefined): RuleCheck {
  const selected = a.selected ?? a.promoted;
  if (!selected) return { rule: "best-replica", valid: "unknown", note: "no +selected-slave or +promoted-slave in the record" };
  const chosen = selected.node ?? selected.addr;
  if (a.promoted && a.selected && a.promoted.addr !== a.selected.addr) {
    return { rule: "best-replica", valid: false, note: `selected ${a.selected.node ?? a.selected.addr} but promoted ${a.promoted.node ?? a.promoted.addr}` };
  }
  if (change && change.toAddr !== selected.addr) {
    return { rule: "best-replica", valid: false, note: `selected ${chosen} but +switch-master named ${change.to}` };
  }
  const t = a.selectedTime ?? a.promotedTime ?? a.electedTime!;
  const view = leaderView(tl, a, t, opts, selected.addr) ?? infoView(tl, a, t);
  if (!view) return { rule: "best-replica", valid: "unknown", note: `neither the leader's view nor INFO of the replicas was sampled near the selection (${secs(t)} s)` };
  row.candidates = candidateRows(view);
  if (view.source === "info") return infoJudgement(view, chosen, row);
  const judged = judge(view, chosen);
  row.best = judged.best;
  return { rule: "best-replica", valid: judged.valid, note: judged.note + (view.note ? ` (${view.note})` : "") };
}

function noGoodSlaveCheck(tl: Timeline, a: Attempt, opts: Opts, row: FailoverRow): RuleCheck {
  const t = a.abort!.time;
  const view = leaderView(tl, a, t, opts);
  if (!view) return { rule: "best-replica", valid: "unknown", note: "aborted for no good replica; the leader's view was not sampled then" };
  row.candidates = candidateRows(view);
  const surely = [...view.readings].filter(([, rs]) => rs.every((r) => r.eligible === true)).map(([n]) => n);
  if (surely.length > 0) return { rule: "best-replica", valid: false, note: `aborted for no good replica while ${surely.join(", ")} was eligible` };
  return { rule: "best-replica", valid: true, note: "aborted: no replica was eligible" };
}

/** The leader's view of the replicas at time t, from its snapshots just before and after. */
function leaderView(tl: Timeline, a: Attempt, t: number, opts: Opts, chosenAddr?: string): ViewResult | undefined {
  const { before, after } = tl.statesAround(a.leader, t);
  // Snapshots near t, taken while the leader still monitored the old master (after
  // +switch-master its replica list holds the old master itself). The observer writes a snapshot
  // only when something besides an age changed, or a second after the last: the one before
  // still holds the state up to 2 s later (its ages are aged, not trusted).
  const monitoring = (s: SentinelStateRecord) => s.sent < (a.promotedTime ?? Infinity) && `${s.master.ip}:${s.master.port}` === a.master.addr;
  const b = before && t - before.time <= BEFORE_WINDOW_NS && monitoring(before) ? before : undefined;
  const af = after && after.time - t <= AFTER_WINDOW_NS && monitoring(after) ? after : undefined;
  if (!b && !af) return undefined;
  const master = (b ?? af)!.master;
  const sdown = /s_down/.test(master.flags ?? "");
  const downAfter = num(master["down-after-milliseconds"]) ?? opts.downAfterMs;
  const sdownAgeMs = sdown ? (num(master["s-down-time"]) ?? 0) + (t - (b ?? af)!.time) / 1e6 : 0;
  const limits = {
    pingMs: 5 * opts.pingPeriodMs,
    infoMs: sdown ? 5 * opts.pingPeriodMs : 3 * opts.infoPeriodMs,
    linkDownMs: sdownAgeMs + 10 * downAfter,
  };
  const addrs = new Set([...(b?.replicas ?? []), ...(af?.replicas ?? [])].map((r) => `${r.ip}:${r.port}`));
  const readings = new Map<string, Reading[]>();
  const notes: string[] = [];
  for (const addr of addrs) {
    const rb = b?.replicas.find((r) => `${r.ip}:${r.port}` === addr);
    const ra = af?.replicas.find((r) => `${r.ip}:${r.port}` === addr);
    const node = tl.label(addr);
    const refreshAfter = ra ? refreshTime(af!, ra) : undefined;
    // INFO-derived fields (priority, offset, run id, link down) change only when the leader
    // refreshes the replica's INFO: take the snapshot that must hold the value at t, or both.
    const infos: { fields: Record<string, string>; snap: SentinelStateRecord }[] = [];
    if (ra && refreshAfter! <= t - SLACK_NS) infos.push({ fields: ra, snap: af! });
    else if (rb && (refreshAfter === undefined || refreshAfter >= t + SLACK_NS)) infos.push({ fields: rb, snap: b! });
    else {
      if (rb) infos.push({ fields: rb, snap: b! });
      if (ra) infos.push({ fields: ra, snap: af! });
      if (rb && ra) notes.push(`the leader refreshed ${node}'s INFO at the moment of selection`);
    }
    // Flags (SDOWN, disconnected) change on pings and links: both stand when they differ. Not
    // for the selected replica: its promotion (SLAVEOF NO ONE, CLIENT KILL) cuts the leader's
    // link to it at once, so a later snapshot shows the failover's doing, not the state it chose
    // on; with no snapshot before, its link in the one after decides nothing.
    const chosen = addr === chosenAddr;
    const flags = [...new Set([rb?.flags, chosen && rb ? undefined : ra?.flags].filter((x): x is string => x !== undefined))];
    const linkKnown = !(chosen && !rb);
    const list: Reading[] = [];
    for (const info of infos) {
      for (const fl of flags) {
        const around = { before: rb && b ? { fields: rb, snap: b } : undefined, after: ra && af ? { fields: ra, snap: af } : undefined };
        list.push(reading(node, { ...info.fields, flags: fl }, info.snap, t, limits, around, linkKnown));
      }
    }
    readings.set(node, dedupe(list));
  }
  return { readings, source: "leader", note: notes.length ? notes.join("; ") : undefined };
}

/** When the leader last refreshed this replica's INFO, as of a snapshot. */
function refreshTime(snap: SentinelStateRecord, r: Record<string, string>): number {
  return snap.time - (num(r["info-refresh"]) ?? 0) * 1e6;
}

function reading(
  node: string,
  f: Record<string, string>,
  snap: SentinelStateRecord,
  t: number,
  limits: { pingMs: number; infoMs: number; linkDownMs: number },
  { before, after }: { before?: { fields: Record<string, string>; snap: SentinelStateRecord }; after?: { fields: Record<string, string>; snap: SentinelStateRecord } },
  linkKnown: boolean,
): Reading {
  const reasons: string[] = [];
  let eligible: boolean | "unknown" = true;
  const exclude = (why: string, sure = true) => {
    reasons.push(why);
    if (sure) eligible = false;
    else if (eligible === true) eligible = "unknown";
  };
  const flags = (f.flags ?? "").split(",");
  if (flags.includes("s_down") || flags.includes("o_down")) exclude("SDOWN");
  if (flags.includes("disconnected")) exclude(linkKnown ? "link disconnected" : "link disconnected after the selection", linkKnown);
  const priority = num(f["slave-priority"]) ?? 100;
  if (priority === 0) exclude("priority 0");
  // Age of the last acceptable ping reply at t: exact from the snapshot after (if no reply came
  // in between), else at most its age in the snapshot before plus the time since.
  const pingAge = ageAt(t, "last-ok-ping-reply", before, after);
  if (pingAge.min > limits.pingMs) exclude(`last ok ping reply ${(pingAge.min / 1000).toFixed(1)} s ago`);
  else if (pingAge.max > limits.pingMs) exclude(`last ok ping reply up to ${(pingAge.max / 1000).toFixed(1)} s ago`, false);
  const infoAge = (t - refreshTime(snap, f)) / 1e6;
  if (infoAge > limits.infoMs + SLACK_NS / 1e6) exclude(`INFO ${(infoAge / 1000).toFixed(1)} s old`);
  const linkDown = num(f["master-link-down-time"]) ?? 0;
  if (linkDown > limits.linkDownMs) exclude(`master link down ${(linkDown / 1000).toFixed(1)} s`);
  const runId = f.runid ? f.runid : null;
  return { node, eligible, reasons, priority, offset: num(f["slave-repl-offset"]) ?? 0, runId };
}

/** The range an "ms ago" field can have had at time t, from the snapshots around it. */
function ageAt(
  t: number,
  field: string,
  before: { fields: Record<string, string>; snap: SentinelStateRecord } | undefined,
  after: { fields: Record<string, string>; snap: SentinelStateRecord } | undefined,
): { min: number; max: number } {
  if (after) {
    const a = (num(after.fields[field]) ?? 0) - (after.snap.time - t) / 1e6;
    if (a >= 0) return { min: a, max: a };
  }
  if (before) {
    const b = (num(before.fields[field]) ?? 0) + (t - before.snap.time) / 1e6;
    return { min: 0, max: b };
  }
  return { min: 0, max: Infinity };
}

function dedupe(list: Reading[]): Reading[] {
  const seen = new Set<string>();
  return list.filter((r) => {
    const k = JSON.stringify(r);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Sentinel's order: priority ascending, offset descending, run id ascending (case-insensitive, none last). */
export function compareReplicas(x: Reading, y: Reading): number {
  if (x.priority !== y.priority) return x.priority - y.priority;
  if (x.offset !== y.offset) return y.offset - x.offset;
  if (x.runId === null || y.runId === null) return x.runId === y.runId ? 0 : x.runId === null ? 1 : -1;
  const a = x.runId.toLowerCase();
  const b = y.runId.toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Whether the chosen replica was the best eligible one in every combination of the possible
 * readings (valid), in none (invalid), or in some only (unknown).
 */
function judge(view: ViewResult, chosen: string): { valid: Validity; note: string; best: string | null } {
  if (!view.readings.has(chosen)) return { valid: false, note: `promoted ${chosen}, which the leader did not list among the replicas`, best: null };
  const nodes = [...view.readings.keys()];
  // An "unknown" eligibility is both readings: eligible and not.
  const states = nodes.map((n) =>
    view.readings.get(n)!.flatMap((r) => (r.eligible === "unknown" ? [{ ...r, eligible: true }, { ...r, eligible: false }] : [r])),
  );
  const total = states.reduce((p, s) => p * s.length, 1);
  if (total > MAX_COMBINATIONS) return { valid: "unknown", note: `too many possible readings of the leader's view (${total})`, best: null };
  let chosenBest = 0;
  let firstCounter: { best: Reading | undefined; chosen: Reading } | undefined;
  let bestNode: string | null = null;
  for (let i = 0; i < total; i++) {
    let k = i;
    const combo = states.map((s) => {
      const r = s[k % s.length];
      k = Math.floor(k / s.length);
      return r;
    });
    const eligible = combo.filter((r) => r.eligible === true).sort(compareReplicas);
    const best = eligible[0];
    if (i === 0) bestNode = best?.node ?? null;
    const mine = combo[nodes.indexOf(chosen)];
    if (best && mine.eligible === true && compareReplicas(mine, best) === 0) chosenBest++;
    else firstCounter ??= { best, chosen: mine };
  }
  const describe = (r: Reading) => `priority ${r.priority}, offset ${r.offset}, run id ${r.runId?.slice(0, 8) ?? "none"}`;
  if (chosenBest === total) {
    return { valid: true, note: `${chosen} was the best: ${whyBest(states.map((s) => s[0]), chosen)}`, best: chosen };
  }
  const { best, chosen: mine } = firstCounter!;
  const why = mine.eligible !== true
    ? `${chosen} was not eligible (${mine.reasons.join(", ")})`
    : `${best!.node} was better (${describe(best!)}) than ${chosen} (${describe(mine)})`;
  if (chosenBest === 0) return { valid: false, note: `promoted ${chosen} but ${why}`, best: best?.node ?? null };
  return { valid: "unknown", note: `${chosen} was the best in ${chosenBest} of ${total} possible readings of the leader's view; in others ${why}`, best: bestNode };
}

/** Why the chosen replica ranks first: each other replica, excluded or ranked below by the first rule that tells them apart. */
function whyBest(readings: Reading[], chosen: string): string {
  const mine = readings.find((r) => r.node === chosen)!;
  const others = readings.filter((r) => r.node !== chosen);
  if (others.length === 0) return "the only replica";
  return others
    .map((r) => {
      if (r.eligible !== true) return `${r.node} excluded (${r.reasons.join(", ")})`;
      if (r.priority !== mine.priority) return `${r.node} has priority ${r.priority} > ${mine.priority}`;
      if (r.offset !== mine.offset) return `${r.node} has offset ${r.offset} < ${mine.offset}`;
      return `${r.node} ties on priority ${r.priority} and offset ${r.offset}, run id ${r.runId?.slice(0, 8) ?? "none"} > ${mine.runId?.slice(0, 8) ?? "none"}`;
    })
    .join("; ");
}

/** Without the leader's view: the replicas' own INFO, which says priority for sure but not what the leader had cached. */
function infoView(tl: Timeline, a: Attempt, t: number): ViewResult | undefined {
  const readings = new Map<string, Reading[]>();
  const master = tl.nodes.get(a.master.node ?? "");
  for (const id of tl.dataIds()) {
    const s = tl.lastInfoBefore(id, t);
    if (!s || s.fields.role !== "slave" || t - s.time > 2e9) continue;
    if (master && Number(s.fields.master_port) !== master.port) continue;
    const priority = num(s.fields.slave_priority) ?? 100;
    const linkDown = num(s.fields.master_link_down_since_seconds);
    const reasons = priority === 0 ? ["priority 0"] : [];
    readings.set(id, [{ node: id, eligible: priority === 0 ? false : "unknown", reasons, priority, offset: num(s.fields.slave_repl_offset) ?? 0, runId: s.fields.run_id ?? null }]);
    if (linkDown !== undefined) reasons.push(`master link down ${linkDown} s`);
  }
  return readings.size ? { readings, source: "info" } : undefined;
}

function infoJudgement(view: ViewResult, chosen: string, row: FailoverRow): RuleCheck {
  const mine = view.readings.get(chosen)?.[0];
  if (!mine) return { rule: "best-replica", valid: "unknown", note: `the leader's view was not sampled and ${chosen} had no INFO sample as a replica` };
  if (mine.priority === 0) return { rule: "best-replica", valid: false, note: `promoted ${chosen}, whose replica-priority is 0` };
  const lower = [...view.readings.values()].map((r) => r[0]).filter((r) => r.node !== chosen && r.priority !== 0 && r.priority <= mine.priority);
  if (lower.length === 0) {
    row.best = chosen;
    return { rule: "best-replica", valid: true, note: `${chosen} had the lowest replica-priority (${mine.priority}) of the replicas (from their INFO; the leader's view was not sampled)` };
  }
  return {
    rule: "best-replica",
    valid: "unknown",
    note: `the leader's view was not sampled; ${lower.map((r) => `${r.node} (priority ${r.priority})`).join(", ")} may have ranked above ${chosen} (priority ${mine.priority}) by what the leader had cached`,
  };
}

function candidateRows(view: ViewResult): CandidateRow[] {
  return [...view.readings].map(([node, rs]) => {
    const r = rs[0];
    const eligible: Validity = rs.every((x) => x.eligible === true) ? true : rs.every((x) => x.eligible === false) ? false : "unknown";
    return { node, eligible, reasons: [...new Set(rs.flatMap((x) => x.reasons))], priority: r.priority, offset: r.offset, runId: r.runId, source: view.source };
  });
}

// ---------------------------------------------------------------------------
// Rules about the whole record

function globalChecks(tl: Timeline): RuleCheck[] {
  const checks: RuleCheck[] = [];
  // One vote per sentinel per epoch.
  const byVoter = new Map<string, Set<string>>();
  for (const v of tl.votes) {
    const k = `${v.voter}\u0000${v.epoch}`;
    const set = byVoter.get(k) ?? new Set<string>();
    set.add(v.candidate);
    byVoter.set(k, set);
  }
  const doubles = [...byVoter].filter(([, c]) => c.size > 1);
  checks.push(
    doubles.length === 0
      ? { rule: "one-vote-per-epoch", valid: true, note: `${tl.votes.length} votes, none twice in an epoch` }
      : {
          rule: "one-vote-per-epoch",
          valid: false,
          note: doubles
            .map(([k, c]) => {
              const [voter, epoch] = k.split("\u0000");
              return `${voter} voted for ${c.size} candidates in epoch ${epoch} (${[...c].map((r) => tl.runIds.get(r) ?? r.slice(0, 8)).join(", ")})`;
            })
            .join("; "),
        },
  );
  // Epochs only grow: +new-epoch per sentinel, votes per sentinel, config epochs per sentinel.
  const problems: string[] = [];
  for (const [s, list] of tl.newEpochs) {
    for (let i = 1; i < list.length; i++) {
      if (list[i].epoch <= list[i - 1].epoch) problems.push(`${s} announced epoch ${list[i].epoch} after epoch ${list[i - 1].epoch} (${secs(list[i].time)} s)`);
    }
  }
  const lastVote = new Map<string, number>();
  for (const v of tl.votes) {
    const prev = lastVote.get(v.voter);
    if (prev !== undefined && v.epoch < prev) problems.push(`${v.voter} voted in epoch ${v.epoch} after epoch ${prev} (${secs(v.time)} s)`);
    lastVote.set(v.voter, Math.max(prev ?? v.epoch, v.epoch));
  }
  for (const [s, list] of tl.states) {
    let prev: number | undefined;
    for (const st of list) {
      const e = num(st.master["config-epoch"]);
      if (e === undefined) continue;
      if (prev !== undefined && e < prev) problems.push(`${s}'s config epoch went from ${prev} to ${e} (${secs(st.time)} s)`);
      prev = Math.max(prev ?? e, e);
    }
  }
  checks.push(
    problems.length === 0
      ? { rule: "epochs-grow", valid: true, note: "epochs and config epochs only grew" }
      : { rule: "epochs-grow", valid: false, note: problems.join("; ") },
  );
  return checks;
}

/** Each failover's epoch is above every earlier one's. */
function epochOrder(rows: FailoverRow[]): void {
  let max: number | undefined;
  for (const r of rows) {
    if (r.epoch === null) continue;
    if (max !== undefined && r.epoch <= max && !(r.epoch === max && rows.some((o) => o !== r && o.epoch === r.epoch))) {
      addCheck(r, { rule: "epochs-grow", valid: false, note: `epoch ${r.epoch} after a failover of epoch ${max}` });
    }
    max = Math.max(max ?? r.epoch, r.epoch);
  }
}

function addCheck(row: FailoverRow, check: RuleCheck): void {
  row.checks.push(check);
}

function leaderRunId(tl: Timeline, sentinel: string): string | undefined {
  for (const [runId, id] of tl.runIds) if (id === sentinel) return runId;
  return undefined;
}

function downThroughout(faults: Faults, node: string, from: number, to: number): boolean {
  return faults.changePoints(from, to).every((t) => faults.downAt(t, node) || faults.downAt(Math.max(from, t - 1), node));
}

function num(v: string | undefined, f: (n: number) => number = (n) => n): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? f(n) : undefined;
}

// ---------------------------------------------------------------------------
// Text

function summarise(rows: FailoverRow[], global: RuleCheck[]): string {
  const brokenGlobal = global.filter((g) => g.valid === false);
  if (rows.length === 0) return brokenGlobal.length ? brokenGlobal.map((g) => g.note).join("; ") : "no failover in the record";
  const bad = rows.filter((r) => r.valid === false);
  const unknown = rows.filter((r) => r.valid === "unknown");
  const parts = [`${rows.length} failover${rows.length === 1 ? "" : "s"}: ${rows.length - bad.length - unknown.length} followed the rules`];
  if (bad.length) parts.push(`${bad.length} broke them (${bad.map((r) => firstBroken(r)).join("; ")})`);
  if (unknown.length) parts.push(`${unknown.length} undecided`);
  for (const g of brokenGlobal) if (!parts.some((p) => p.includes(g.note))) parts.push(g.note);
  return parts.join(", ");
}

function firstBroken(r: FailoverRow): string {
  const c = r.checks.find((x) => x.valid === false);
  return `epoch ${r.epoch ?? "?"}: ${c?.rule}: ${c?.note}`;
}

function rowLine(r: FailoverRow): string {
  const verdict = r.valid === true ? "valid" : r.valid === false ? "INVALID" : "unknown";
  const head = `failover epoch ${r.epoch ?? "?"} by ${r.leader ?? "?"}${r.forced ? " (forced)" : ""}: ${r.oldPrimary} -> ${r.promoted ?? (r.aborted ? `aborted (${r.aborted})` : "?")}`;
  const at = r.times.switch ?? r.times.elected;
  const checks = r.checks.map((c) => `${c.valid === true ? "ok" : c.valid === false ? "BROKEN" : "?"} ${c.rule}: ${c.note}`);
  return [`${head}${at !== undefined ? ` at ${secs(at)} s` : ""}: ${verdict}`, ...checks.map((c) => `    ${c}`)].join("\n");
}
