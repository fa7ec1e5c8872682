// Random histories for the linearizability property tests: an execution of a model simulated
// with random concurrency (how many processes, how their calls overlap, the instant each call
// takes effect), the outcomes a flaky network gives (ok, info that did or did not take effect,
// a crashed client, fail), nemesis ops among them, and in some histories a server's bug: a
// read that replies a wrong value, an acknowledged write that is lost, a failed write that
// happened anyway. So both linearizable and non-linearizable histories are common.
import fc from "fast-check";
import type { History, Op, OpType } from "../../history/op.js";
import { SPECS, type Call } from "./brute-force-linearizability.js";

/**
 * How one call ends. `lost`: acknowledged but without effect; `phantom`: reported failed but
 * took effect (both are server bugs). A call that cannot take effect (a cas whose expected
 * value is absent) fails whatever its fate says, unless its client crashed or timed out first.
 */
type Fate = "ok" | "info-applied" | "info-lost" | "crash-applied" | "crash-lost" | "fail" | "lost" | "phantom";

interface CallPlan {
  process: number;
  kind: number;
  arg: number;
  key: number;
  start: number;
  length: number;
  /** Where in its interval the call takes effect, in tenths. */
  at: number;
  fate: Fate;
}

export interface HistoryPlan {
  processes: number;
  keys: number;
  /** kv only: Jepsen's independent [key value] tuples instead of the op's key field. */
  tuples: boolean;
  calls: CallPlan[];
  /** A read whose reply is replaced by a wrong one: which read, and how wrong. */
  wrongRead: { which: number; shift: number } | null;
  /** A fault's start and stop, recorded among the client ops as the nemesis records them. */
  fault: { start: number; length: number } | null;
}

const fate: fc.Arbitrary<Fate> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<Fate>("ok") },
  { weight: 2, arbitrary: fc.constant<Fate>("info-applied") },
  { weight: 2, arbitrary: fc.constant<Fate>("info-lost") },
  { weight: 1, arbitrary: fc.constant<Fate>("crash-applied") },
  { weight: 1, arbitrary: fc.constant<Fate>("crash-lost") },
  { weight: 1, arbitrary: fc.constant<Fate>("fail") },
  { weight: 1, arbitrary: fc.constant<Fate>("lost") },
  { weight: 1, arbitrary: fc.constant<Fate>("phantom") },
);

/** Plans of `calls.min`..`calls.max` calls over 1..`maxProcesses` processes and `keys` keys (kv). */
export function historyPlan(opts: { calls: { min: number; max: number }; maxProcesses: number; keys: { min: number; max: number } }): fc.Arbitrary<HistoryPlan> {
  return fc.record({
    processes: fc.integer({ min: 1, max: opts.maxProcesses }),
    keys: fc.integer(opts.keys),
    tuples: fc.boolean(),
    calls: fc.array(
      fc.record({
        process: fc.nat(opts.maxProcesses - 1),
        kind: fc.nat(2),
        arg: fc.nat(7),
        key: fc.nat(opts.keys.max - 1),
        start: fc.nat(30),
        length: fc.integer({ min: 1, max: 12 }),
        at: fc.integer({ min: 1, max: 9 }),
        fate,
      }),
      { minLength: opts.calls.min, maxLength: opts.calls.max, size: "max" },
    ),
    wrongRead: fc.option(fc.record({ which: fc.nat(11), shift: fc.integer({ min: 1, max: 4 }) }), { freq: 2 }),
    fault: fc.option(fc.record({ start: fc.nat(40), length: fc.nat(20) })),
  });
}

/** The client call a plan makes, per model; small value domains, so that reads and cas often meet a write. */
function callOf(model: string, plan: CallPlan, keys: number): Call {
  const value = plan.arg % 4;
  switch (model) {
    case "register":
      return plan.kind === 0 ? { f: "read", input: null } : { f: "write", input: value };
    case "cas-register":
    case "kv": {
      const key = model === "kv" ? `k${plan.key % keys}` : undefined;
      if (plan.kind === 0) return { f: "read", key, input: null };
      if (plan.kind === 1) return { f: "write", key, input: value };
      return { f: "cas", key, input: [plan.arg >> 1, (plan.arg + 1) % 4] };
    }
    case "counter":
      if (plan.kind === 0) return { f: "read", input: null };
      return plan.kind === 1 ? { f: "add", input: 1 + (plan.arg % 3) } : { f: "incr", input: undefined };
    case "set":
      return plan.kind === 0 ? { f: "read", input: null } : { f: "add", input: plan.arg };
    case "fifo-queue":
      return plan.kind === 0 ? { f: "dequeue", input: null } : { f: "enqueue", input: value };
  }
  throw new Error(`no calls for model '${model}'`);
}

/** A reply other than `reply`, of the same kind. */
function wrongReply(model: string, reply: unknown, shift: number): unknown {
  if (model === "counter") return (reply as number) + (shift <= 2 ? shift : 2 - shift);
  if (model === "set") {
    const members = reply as number[];
    const member = shift * 2 - 1;
    return members.includes(member) ? members.filter((m) => m !== member) : [...members, member];
  }
  const domain = [null, 0, 1, 2, 3];
  return domain[(domain.indexOf(reply as number | null) + shift) % domain.length];
}

interface Scheduled {
  plan: CallPlan;
  call: Call;
  process: number;
  start: number;
  end: number;
  point: number;
  type?: OpType;
  reply?: unknown;
}

/** The history a plan gives: each call takes effect at its point, in point order, on a correct server but for the planned bugs. */
export function simulate(model: string, plan: HistoryPlan): History {
  const spec = SPECS[model];
  // A process runs one call at a time; a crashed client's process is retired and its successor
  // takes a new number, as in Jepsen.
  const free = new Array<number>(plan.processes).fill(0);
  const incarnation = new Array<number>(plan.processes).fill(0);
  const scheduled: Scheduled[] = plan.calls.map((p) => {
    const slot = p.process % plan.processes;
    const start = Math.max(p.start, free[slot]);
    const end = start + p.length;
    free[slot] = end + 1;
    const process = slot + plan.processes * incarnation[slot];
    if (p.fate.startsWith("crash")) incarnation[slot]++;
    return { plan: p, call: callOf(model, p, plan.keys), process, start, end, point: start + (p.length * p.at) / 10 };
  });

  let state = spec.init;
  for (const s of [...scheduled].sort((a, b) => a.point - b.point)) {
    const effect = spec.run(state, s.call);
    const fate = s.plan.fate;
    const takesEffect = effect !== undefined && !["info-lost", "crash-lost", "fail", "lost"].includes(fate);
    if (takesEffect) state = effect.next;
    if (fate.startsWith("crash")) continue;
    s.type = fate.startsWith("info") ? "info" : effect === undefined || fate === "fail" || fate === "phantom" ? "fail" : "ok";
    s.reply = effect?.reply;
  }

  const reads = scheduled.filter((s) => s.type === "ok" && s.reply !== undefined);
  if (plan.wrongRead && reads.length > 0) {
    const read = reads[plan.wrongRead.which % reads.length];
    read.reply = wrongReply(model, read.reply, plan.wrongRead.shift);
  }

  const events: Array<Omit<Op, "index">> = [];
  for (const s of scheduled) {
    const { f, key, input } = s.call;
    const wrap = (v: unknown) => (model === "kv" && plan.tuples ? [key, v] : v);
    const base = model === "kv" && !plan.tuples ? { process: s.process, f, key } : { process: s.process, f };
    events.push({ ...base, time: s.start, type: "invoke", value: wrap(input) });
    if (s.type === undefined) continue;
    // Writes reply with their own value, as the workloads record them; sets are read in no particular order.
    const value = s.type !== "ok" ? input : s.reply === undefined ? input : model === "set" ? rotate(s.reply as unknown[], s.plan.arg) : s.reply;
    events.push({ ...base, time: s.end, type: s.type, value: wrap(value) });
  }
  if (plan.fault) {
    const { start, length } = plan.fault;
    events.push({ process: "nemesis", type: "info", f: "start", value: { fault: "kill", node: "n1" }, time: start });
    events.push({ process: "nemesis", type: "info", f: "stop", value: { fault: "kill", node: "n1" }, time: start + length });
  }
  // Stable: events at the same instant stay in plan order.
  return events.sort((a, b) => a.time - b.time).map((e, index) => ({ ...e, index }) as Op);
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = items.length === 0 ? 0 : by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}
