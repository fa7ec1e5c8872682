// A nemesis starts a fault and returns a handle that ends it. The schedule decides when;
// the target's heal undoes whatever is left at the end.
import type { Rng } from "../core/rng.js";
import type { NemesisTarget } from "../core/spec.js";
import type { Target } from "../targets/target.js";

export interface FaultContext {
  target: Target;
  rng: Rng;
  /** Roles the spec allows this run's faults to hit. */
  roles: readonly NemesisTarget[];
}

export interface ActiveFault {
  /** What was done, recorded in the history's nemesis op (node, role, reply...). */
  description: Record<string, unknown>;
  /** Ends the fault (restart, resume, ...). */
  stop(): Promise<Record<string, unknown>>;
}

export interface Nemesis {
  readonly name: string;
  /** Starts the fault, or returns undefined when no node fits right now. */
  start(ctx: FaultContext): Promise<ActiveFault | undefined>;
}

/** Picks a running node for one of the allowed roles, chosen by the seeded RNG. */
export async function pickNode(ctx: FaultContext): Promise<{ id: string; role: NemesisTarget } | undefined> {
  const role = ctx.rng.pick(ctx.roles);
  const ids = await ctx.target.nodesWithRole(role);
  if (ids.length === 0) return undefined;
  return { id: ctx.rng.pick(ids), role };
}
