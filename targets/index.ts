// The targets by name, and the faults a spec asks of one that it cannot do.
import type { Spec, TargetName } from "../core/spec.js";
import { CAPABILITY_TITLES, FAULT_NEEDS, type Capability, type Target } from "../core/target.js";
import { bundledTarget } from "./bundled.js";
import type { TargetDescriptor } from "./descriptor.js";
import { redisTarget } from "./redis.js";
import type { Supervisor } from "./supervisor.js";

const TARGETS: Record<TargetName, TargetDescriptor> = {
  redis: redisTarget,
  bundled: bundledTarget,
};

/** Refuses early, before any folder or process exists, when the target cannot run here. */
export function preflight(spec: Spec): void {
  TARGETS[spec.target].preflight(spec);
}

export function createTarget(spec: Spec, runDir: string, supervisor: Supervisor): Target {
  return TARGETS[spec.target].create(spec, runDir, supervisor);
}

/** The spec's target's capabilities for it. */
export function capabilitiesOf(spec: Spec): readonly Capability[] {
  return TARGETS[spec.target].capabilities(spec);
}

/** A fault of spec.nemesis.faults the target cannot do: its position in the list and why. */
export interface UnsupportedFault {
  index: number;
  text: string;
}

/** Each fault of spec.nemesis.faults the target cannot do, naming the capability it lacks. `capabilities`: the table to ask (tests). */
export function unsupportedFaults(spec: Spec, capabilities: (spec: Spec) => readonly Capability[] = capabilitiesOf): UnsupportedFault[] {
  const has = capabilities(spec);
  return spec.nemesis.faults.flatMap((fault, index) => {
    if (fault === "none" || has.includes(FAULT_NEEDS[fault])) return [];
    const needs = CAPABILITY_TITLES[FAULT_NEEDS[fault]];
    return [{ index, text: `'${fault}' needs ${needs}, which target '${spec.target}' does not have` }];
  });
}
