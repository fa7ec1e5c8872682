// The faults of a run, read from the history's nemesis ops: when each started and ended,
// what it hit (a node, the directed links of a partition), so that checkers can ask "who
// could talk to whom at time t" and "was this node running at time t". Pure.
import type { History, Op } from "../history/op.js";

export interface FaultPeriod {
  fault: string;
  start: number;
  /** Undefined when the history ends with the fault still on (the final heal ended it). */
  end?: number;
  /** kill / pause: the node hit. */
  node?: string;
  /** partition: every directed link cut, as "a->b". */
  cut?: ReadonlySet<string>;
  /** partition: the sides, when the shape has them. */
  sides?: string[][];
  shape?: string;
  /** failover: the sentinel asked, and its reply. */
  via?: string;
  reply?: string;
}

/** Start / stop nemesis ops paired into periods; faults may overlap (the `together` mode), a stop ends the open period of its fault. */
export function faultPeriods(history: History): FaultPeriod[] {
  const periods: FaultPeriod[] = [];
  const open = new Map<string, FaultPeriod>();
  for (const op of history) {
    if (op.process !== "nemesis") continue;
    const v = (op.value ?? {}) as Record<string, unknown>;
    if (op.f === "start") {
      if (typeof v.error === "string") continue; // the fault did not start
      const period = periodOf(op, v);
      open.set(period.fault, period);
      periods.push(period);
    } else if (op.f === "stop") {
      const fault = String(v.fault ?? op.f);
      const period = open.get(fault);
      if (period) period.end = op.time;
      open.delete(fault);
    }
  }
  return periods;
}

function periodOf(op: Op, v: Record<string, unknown>): FaultPeriod {
  const p: FaultPeriod = { fault: String(v.fault ?? op.f), start: op.time };
  if (typeof v.node === "string") p.node = v.node;
  if (Array.isArray(v.cut)) p.cut = new Set(v.cut.map(String));
  if (Array.isArray(v.sides)) p.sides = v.sides.map((s) => (Array.isArray(s) ? s.map(String) : []));
  if (typeof v.shape === "string") p.shape = v.shape;
  if (typeof v.via === "string") p.via = v.via;
  if (typeof v.reply === "string") p.reply = v.reply;
  return p;
}

export class Faults {
  constructor(readonly periods: readonly FaultPeriod[]) {}

  static of(history: History): Faults {
    return new Faults(faultPeriods(history));
  }

  /** Periods active at time t (start <= t < end). */
  activeAt(t: number): FaultPeriod[] {
    return this.periods.filter((p) => p.start <= t && (p.end === undefined || t < p.end));
  }

  /** Whether bytes from a to b are dropped at time t. */
  cutAt(t: number, a: string, b: string): boolean {
    return this.activeAt(t).some((p) => p.cut?.has(`${a}->${b}`));
  }

  /** Whether a and b can exchange messages both ways at time t. */
  linkedAt(t: number, a: string, b: string): boolean {
    return a === b || (!this.cutAt(t, a, b) && !this.cutAt(t, b, a));
  }

  /** Whether a node is killed or paused at time t. */
  downAt(t: number, node: string): boolean {
    return this.activeAt(t).some((p) => (p.fault === "kill" || p.fault === "pause") && p.node === node);
  }

  /** Times at which the fault state changes inside (from, to), plus both ends. */
  changePoints(from: number, to: number): number[] {
    const points = new Set([from, to]);
    for (const p of this.periods) {
      if (p.start > from && p.start < to) points.add(p.start);
      if (p.end !== undefined && p.end > from && p.end < to) points.add(p.end);
    }
    return [...points].sort((a, b) => a - b);
  }

  /** The start of the first stretch of at least `length` inside [from, to] with no fault active, if any. */
  quietFrom(from: number, to: number, length: number): number | undefined {
    const points = this.changePoints(from, to);
    let quietSince: number | undefined;
    for (const t of points) {
      if (quietSince !== undefined && t - quietSince >= length) return quietSince;
      const quiet = this.activeAt(t).length === 0;
      if (quiet && quietSince === undefined) quietSince = t;
      if (!quiet) quietSince = undefined;
    }
    return quietSince !== undefined && to - quietSince >= length ? quietSince : undefined;
  }

  /** A partition active at t that separates a from b. */
  partitionBetween(t: number, a: string, b: string): FaultPeriod | undefined {
    return this.activeAt(t).find((p) => p.fault === "partition" && (p.cut?.has(`${a}->${b}`) || p.cut?.has(`${b}->${a}`)));
  }
}
