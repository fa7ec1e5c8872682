import type { Spec } from "../core/spec.js";
import type { Supervisor } from "./supervisor.js";
import { bundledPrograms } from "./bundled.js";
import { ProcessTarget, type Programs } from "./process-target.js";
import { redisPrograms } from "./redis.js";
import type { Target } from "./target.js";

function programsFor(spec: Spec): Programs {
  switch (spec.target) {
    case "redis":
      return redisPrograms();
    case "bundled":
      return bundledPrograms();
  }
}

/** Refuses early, before any folder or process exists, when the target cannot run here. */
export function preflight(spec: Spec): void {
  programsFor(spec);
}

export function createTarget(spec: Spec, runDir: string, supervisor: Supervisor): Target {
  return new ProcessTarget(spec, runDir, supervisor, programsFor(spec));
}
