import type { WorkloadSpec } from "../core/spec.js";
import { CasRegisterWorkload } from "./cas-register.js";
import { CounterWorkload } from "./counter.js";
import { RegisterWorkload } from "./register.js";
import { SetWorkload } from "./set.js";
import { StaleReadWorkload } from "./stale-read.js";
import { withWait } from "./wait.js";
import type { Workload } from "./workload.js";

export function createWorkload(spec: WorkloadSpec): Workload {
  const workload = baseWorkload(spec);
  return spec.waitReplicas > 0 ? withWait(workload, spec.waitReplicas, spec.waitTimeoutMs) : workload;
}

function baseWorkload(spec: WorkloadSpec): Workload {
  switch (spec.type) {
    case "register":
      return new RegisterWorkload(spec.keys);
    case "cas-register":
      return new CasRegisterWorkload(spec.keys);
    case "counter":
      return new CounterWorkload(spec.keys);
    case "set":
      return new SetWorkload(spec.keys);
    case "stale-read":
      return new StaleReadWorkload(spec.keys);
  }
}
