// The given values of a spec, each checked against its field's type as it comes in (from the
// YAML file, then the flags on top), and the problems found so far. YAML and flags share these
// checks, so both give the same messages.
import { expectation, type Field, type FieldType, type Scalar, type Value } from "./fields.js";
import { describe, type Problem, type Where } from "./problems.js";

export interface Input {
  where: Where;
  raw: unknown;
  /** Present when the input is a list (a YAML sequence, or a comma-separated flag). */
  items?: Array<{ raw: unknown; where: Where }>;
}

export interface Given {
  value: Value;
  where: Where;
  /** Where each list entry is, for problems about one entry. */
  itemWheres: Where[];
}

type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

function checkScalar(type: Exclude<FieldType, { kind: "list" }>, raw: unknown): Checked<Scalar> {
  const expected = `; expected ${expectation(type)}`;
  if (raw === null || raw === undefined) return { ok: false, problem: `missing value${expected}` };
  switch (type.kind) {
    case "int":
    case "number": {
      const noun = type.kind === "int" ? "an integer" : "a number";
      if (typeof raw !== "number" || Number.isNaN(raw) || (type.kind === "int" && !Number.isInteger(raw))) {
        return { ok: false, problem: `${describe(raw)} is not ${noun}${expected}` };
      }
      const tooLow = type.kind === "number" && type.minExclusive ? raw <= type.min : raw < type.min;
      if (tooLow || raw > type.max) return { ok: false, problem: `${raw} is out of range${expected}` };
      return { ok: true, value: raw };
    }
    case "string":
      if (typeof raw !== "string") {
        const hint = typeof raw === "number" || typeof raw === "boolean" ? " (quote it in YAML)" : "";
        return { ok: false, problem: `${describe(raw)} is not a string${hint}${expected}` };
      }
      if (!type.pattern.test(raw)) return { ok: false, problem: `${describe(raw)} is not a valid ${type.noun}${expected}` };
      return { ok: true, value: raw };
    case "enum":
      if (typeof raw !== "string" || !type.values.includes(raw)) {
        return { ok: false, problem: `${describe(raw)} is not a valid ${type.noun}${expected}` };
      }
      return { ok: true, value: raw };
  }
}

/** Checks an input; returns the value, or its problems. */
function checkInput(field: Field, input: Input): { ok: true; value: Given } | { ok: false; problems: Problem[] } {
  const { type } = field;
  const fail = (where: Where, label: string, text: string) => ({ ok: false as const, problems: [{ where, label, text }] });
  if (type.kind !== "list") {
    const checked = checkScalar(type, input.raw);
    if (!checked.ok) return fail(input.where, field.path, checked.problem);
    return { ok: true, value: { value: checked.value, where: input.where, itemWheres: [] } };
  }
  if (!input.items) return fail(input.where, field.path, `${describe(input.raw)} is not a list; expected ${expectation(type)}`);
  if (type.nonEmpty && input.items.length === 0) return fail(input.where, field.path, `must not be empty; expected ${expectation(type)}`);

  const problems: Problem[] = [];
  const values: Scalar[] = [];
  input.items.forEach((item, i) => {
    const label = `${field.path}[${i}]`;
    const checked = checkScalar(type.item, item.raw);
    if (!checked.ok) problems.push({ where: item.where, label, text: checked.problem });
    else if (type.unique && values.includes(checked.value)) {
      const noun = type.item.kind === "enum" ? type.item.noun : "value";
      problems.push({ where: item.where, label, text: `duplicate ${describe(checked.value)}; expected each ${noun} at most once` });
    }
    if (checked.ok) values.push(checked.value);
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, value: { value: values, where: input.where, itemWheres: input.items.map((item) => item.where) } };
}

// Collected inputs: the given values (file, then flags on top) and the problems so far.

export class Inputs {
  readonly problems: Problem[] = [];
  readonly given = new Map<string, Given>();
  /** Fields whose input was rejected; cross-field checks skip them so one mistake gives one message. */
  readonly bad = new Set<string>();
  /** YAML sections present (even empty), where their key is; a section can be wrong for a topology. */
  readonly sections = new Map<string, Where>();

  offer(field: Field, input: Input): void {
    const checked = checkInput(field, input);
    if (checked.ok) {
      this.given.set(field.path, checked.value);
      this.bad.delete(field.path);
    } else {
      this.problems.push(...checked.problems);
      this.bad.add(field.path);
    }
  }

  add(where: Where, label: string, text: string): void {
    this.problems.push({ where, label, text });
  }
}

