// Exit codes follow Jepsen's convention (docs/design.md, "Results").
import type { Validity } from "./verdict.js";

export const EXIT = {
  valid: 0,
  invalid: 1,
  unknown: 2,
  badSpec: 254,
  crash: 255,
} as const;

export function exitCodeFor(valid: Validity): number {
  if (valid === true) return EXIT.valid;
  if (valid === false) return EXIT.invalid;
  return EXIT.unknown;
}

/** A failure the user can act on (missing binary, topology never ready): printed without a stack. */
export class SetupError extends Error {}
