// The schedule: pick a fault (by the seeded RNG, or the next in the listed order), wait its
// interval, start it, hold it for its duration, end it; repeat until the time limit. In
// `together` mode every listed fault runs in each round, each starting its own interval after
// the round begins, so faults overlap (a lag on one replica while a failover picks a new
// primary, say). Every start and end is a nemesis op in the history, so reports can shade
// fault periods.
import type { NemesisMode } from "../core/spec.js";
import { sleep } from "../core/sleep.js";
import type { ActiveFault, FaultContext, Nemesis } from "./nemesis.js";

export interface ScheduledFault {
  nemesis: Nemesis;
  intervalMs: number;
  durationMs: number;
}

export interface ScheduleOptions {
  mode: NemesisMode;
  /** Date.now() value at which the workload ends. */
  deadline: number;
  signal: AbortSignal;
  /** Records a nemesis op (`start` or `stop`) with its description. */
  record(f: "start" | "stop", value: Record<string, unknown>): void;
  /** Told which faults are active (undefined when none), for the progress line. */
  onChange?(faults: string | undefined): void;
}

export async function runSchedule(faults: readonly ScheduledFault[], ctx: FaultContext, opts: ScheduleOptions): Promise<void> {
  if (faults.length === 0) return;
  const active = new Map<ScheduledFault, string>();
  const run = (f: ScheduledFault) => runFault(f, ctx, opts, active);
  for (let round = 0; !opts.signal.aborted && opts.deadline - Date.now() > 0; round++) {
    if (opts.mode === "together") await Promise.all(faults.map(run));
    else await run(opts.mode === "sequence" ? faults[round % faults.length] : ctx.rng.pick(faults));
  }
}

/** One fault's turn: its interval, then the fault for its duration (cut short by the time limit). */
async function runFault(scheduled: ScheduledFault, ctx: FaultContext, opts: ScheduleOptions, active: Map<ScheduledFault, string>): Promise<void> {
  const { nemesis, intervalMs, durationMs } = scheduled;
  const remaining = () => opts.deadline - Date.now();
  const changed = () => opts.onChange?.(active.size > 0 ? [...active.values()].join(", ") : undefined);
  await sleep(Math.min(intervalMs, remaining()), opts.signal);
  if (opts.signal.aborted || remaining() <= 0) return;
  let fault: ActiveFault | undefined;
  try {
    fault = await nemesis.start(ctx);
  } catch (err) {
    opts.record("start", { fault: nemesis.name, error: (err as Error).message });
    return;
  }
  if (!fault) return; // no node in a role the spec allows is up right now
  opts.record("start", { fault: nemesis.name, ...fault.description });
  active.set(scheduled, `${nemesis.name} ${Object.values(fault.description).join(" ")}`);
  changed();
  // The fault is ended here even when the run is being aborted: the heal relies on it.
  await sleep(Math.min(durationMs, remaining()), opts.signal);
  try {
    opts.record("stop", { fault: nemesis.name, ...(await fault.stop()) });
  } catch (err) {
    opts.record("stop", { fault: nemesis.name, error: (err as Error).message });
  }
  active.delete(scheduled);
  changed();
}
