// What redline knows of a target by its name, before anything starts: what it can do for a
// spec, whether it can run here, and how to make it. A new target is a file exporting one
// descriptor, and a line in targets/index.ts.
import type { Spec, TargetName } from "../core/spec.js";
import type { Capability, Target } from "../core/target.js";
import type { Supervisor } from "./supervisor.js";

export interface TargetDescriptor {
  readonly name: TargetName;
  /** Its capabilities for this spec; the made target declares the same. */
  capabilities(spec: Spec): readonly Capability[];
  /** Throws a SetupError when the target cannot run here, before any folder or process exists. */
  preflight(spec: Spec): void;
  /** The target, not started yet; `supervisor` owns any process it starts. */
  create(spec: Spec, runDir: string, supervisor: Supervisor): Target;
}
