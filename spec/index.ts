// The spec's public entry: parse and validate a spec from YAML and/or CLI flags, load one from a
// file, write one back as YAML, and the flags the CLI registers.
//
// Flow: read the YAML nodes (with line/column) and the flag strings into one map of given
// values, each checked against the field table (type, range, enum); then fill in defaults (some
// depend on other fields, e.g. replicas on the topology); then run the cross-field checks
// (impossible setups). Every problem is collected, and all of them are thrown together as one
// SpecError, so a user fixes a spec in one go, before anything starts.
import { readFileSync } from "node:fs";
import type { Spec } from "../core/spec.js";
import { CROSS_CHECKS, CrossCheck } from "./cross-checks.js";
import { readFlags, type FlagValues } from "./flags.js";
import { Inputs } from "./inputs.js";
import { byPosition, formatProblem, SpecError } from "./problems.js";
import { readYaml } from "./read.js";
import { resolveSpec } from "./resolve.js";

export { FLAGS, type FlagValues } from "./flags.js";
export { SpecError } from "./problems.js";
export { specToYaml } from "./to-yaml.js";

/**
 * Parses and validates a spec. `source` names the text in messages (the file path).
 * Flags override the text's values. Throws SpecError listing every problem.
 */
export function parseSpec(text: string, source: string, flags: FlagValues = {}): Spec {
  const inputs = new Inputs();
  readYaml(text, source, inputs);
  readFlags(flags, inputs);
  const spec = resolveSpec(inputs.given);
  const check = new CrossCheck(spec, inputs, source);
  for (const rule of CROSS_CHECKS) rule.run(check);
  if (inputs.problems.length > 0) throw new SpecError([...inputs.problems].sort(byPosition).map(formatProblem));
  return spec;
}

/** Reads `file` (if given) and parses it with the flags on top; with no file, flags and defaults only. */
export function loadSpec(opts: { file?: string; flags?: FlagValues }): Spec {
  if (opts.file === undefined) return parseSpec("", "(no spec file)", opts.flags);
  let text: string;
  try {
    text = readFileSync(opts.file, "utf8");
  } catch (err) {
    throw new SpecError([`${opts.file}: cannot read: ${err instanceof Error ? err.message : String(err)}`]);
  }
  return parseSpec(text, opts.file, opts.flags);
}
