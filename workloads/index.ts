// Every workload, one line each: the names the spec accepts (workload.type) come from this list,
// in this order.
import type { WorkloadSpec } from "../core/spec.js";
import { descriptor as casRegister } from "./cas-register.js";
import { descriptor as counter } from "./counter.js";
import { descriptor as register } from "./register.js";
import { descriptor as set } from "./set.js";
import { descriptor as staleRead } from "./stale-read.js";
import { withWait } from "./wait.js";
import type { Workload, WorkloadDescriptor } from "./workload.js";

export const WORKLOADS: readonly WorkloadDescriptor[] = [register, casRegister, counter, set, staleRead];

/** The workload a validated spec names (spec/ accepts only these names). */
export function workloadNamed(name: string): WorkloadDescriptor {
  const found = WORKLOADS.find((w) => w.name === name);
  if (!found) throw new Error(`no workload named ${name}`);
  return found;
}

/** A fresh workload for a run, with WAIT after every write when the spec asks for it. */
export function createWorkload(spec: WorkloadSpec): Workload {
  const workload = workloadNamed(spec.type).create(spec);
  return spec.waitReplicas > 0 ? withWait(workload, spec.waitReplicas, spec.waitTimeoutMs) : workload;
}
