// A nemesis starts a fault and returns a handle that ends it. The schedule decides when;
// the target's heal undoes whatever is left at the end. Each nemesis asks the target for the
// capability it needs (core/target.ts); the spec's checks have refused a fault the target
// cannot do before the run, so a missing one here is an error recorded with the fault.
import type { Rng } from "../core/rng.js";
import type { NemesisTarget } from "../core/spec.js";
import { CAPABILITY_TITLES, hasProcessControl, type Capability, type Target } from "../core/target.js";

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

/** The target as the capability `has` proves it to be, or an error naming what it lacks. */
export function capable<C>(target: Target, capability: Capability, has: (t: Target) => t is Target & C): Target & C {
  if (!has(target)) throw new Error(`the target has no ${CAPABILITY_TITLES[capability]}`);
  return target;
}

/** Picks a running node for one of the allowed roles, chosen by the seeded RNG, from every shard. */
export async function pickNode(ctx: FaultContext): Promise<{ id: string; role: NemesisTarget } | undefined> {
  const role = ctx.rng.pick(ctx.roles);
  const { target } = ctx;
  const running = hasProcessControl(target) ? (id: string) => target.isRunning(id) : () => true;
  const ids = (await nodesInRole(target, role)).filter(running);
  if (ids.length === 0) return undefined;
  return { id: ctx.rng.pick(ids), role };
}

/** The nodes in a role, in the target's order; none for a data role while the roles cannot be told. */
async function nodesInRole(target: Target, role: NemesisTarget): Promise<string[]> {
  if (role === "sentinel") return target.nodes.filter((n) => n.kind === "sentinel").map((n) => n.id);
  const roles = await target.roles();
  if (!roles) return [];
  return role === "primary" ? roles.shards.map((s) => s.primary) : roles.shards.flatMap((s) => s.replicas);
}
