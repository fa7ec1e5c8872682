// Problems with a spec: where each one is (file:line:col, or the flag), how it is printed,
// and the one error that carries all of them, so a user fixes a spec in one go (exit 254).

/** Bad input. `problems` holds one line per problem, each naming where it is and what is allowed. */
export class SpecError extends Error {
  constructor(public problems: string[]) {
    super(problems.join("\n"));
    this.name = "SpecError";
  }
}

/** Where a value came from. */
export type Where = { file: string; line: number; col: number } | { flag: string };

/** One problem: where, which setting (its YAML path, `path[i]` for a list entry), and what is wrong and allowed. */
export interface Problem {
  where: Where;
  label: string;
  text: string;
}

export function formatProblem({ where, label, text }: Problem): string {
  // A flag maps to exactly one field, so the flag name alone says where.
  return "flag" in where ? `${where.flag}: ${text}` : `${where.file}:${where.line}:${where.col}: ${label}: ${text}`;
}

/** File problems in file order (easiest to fix top to bottom), then flag problems as given. */
export function byPosition(a: Problem, b: Problem): number {
  const key = (w: Where) => ("flag" in w ? [1, 0, 0] : [0, w.line, w.col]);
  const [ka, kb] = [key(a.where), key(b.where)];
  return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
}

/** A value as it appears in a message. */
export function describe(raw: unknown): string {
  if (raw === null || raw === undefined) return "an empty value";
  if (typeof raw === "string") return `'${raw}'`;
  if (Array.isArray(raw)) return "a list";
  if (typeof raw === "object") return "a mapping";
  return String(raw);
}

