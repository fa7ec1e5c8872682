import type { Spec } from "../spec.js";
import type { Supervisor } from "../supervisor.js";
import { RedisTarget, redisPreflight } from "./redis.js";
import type { Target } from "./target.js";

/** Refuses early, before any folder or process exists, when the target cannot run here. */
export function preflight(spec: Spec): void {
  switch (spec.target) {
    case "redis":
      return redisPreflight();
  }
}

export function createTarget(spec: Spec, runDir: string, supervisor: Supervisor): Target {
  switch (spec.target) {
    case "redis":
      return new RedisTarget(spec, runDir, supervisor);
  }
}
