// Reading CLI flags: each flag names one field; its string is converted to the field's type,
// then checked like a YAML value.
import { FIELD_BY_FLAG, FIELDS, type FieldType } from "./fields.js";
import type { Inputs } from "./inputs.js";
import type { Where } from "./problems.js";

/** Raw flag values as the CLI got them (keys: "--replicas", "replicas" or commander's "replicas"/"downAfterMs"). */
export type FlagValues = Readonly<Record<string, string | undefined>>;

/** CLI flags, for the CLI to register (each takes one raw string value). */
export const FLAGS: ReadonlyArray<{ readonly flag: string; readonly path: string; readonly description: string; readonly list?: boolean }> =
  FIELDS.map((f) => ({
    flag: f.flag,
    path: f.path,
    description: f.description,
    ...(f.type.kind === "list" ? { list: true } : {}),
  }));

/** "--down-after-ms", "down-after-ms" and commander's "downAfterMs" all name the same flag. */
export function normalizeFlag(key: string): string {
  return `--${key.replace(/^-+/, "").replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** A flag string as the type wants it; a string that is not a number stays a string, so the check names it. */
function fromFlag(type: FieldType, text: string): unknown {
  if (type.kind !== "int" && type.kind !== "number") return text;
  const trimmed = text.trim();
  const n = Number(trimmed);
  return trimmed !== "" && Number.isFinite(n) ? n : text;
}

export function readFlags(flags: FlagValues, inputs: Inputs): void {
  for (const [key, text] of Object.entries(flags)) {
    if (text === undefined) continue;
    const flag = normalizeFlag(key);
    const field = FIELD_BY_FLAG.get(flag);
    if (!field) {
      inputs.add({ flag }, flag, `unknown flag; expected one of ${FIELDS.map((f) => f.flag).join(", ")}`);
      continue;
    }
    const where: Where = { flag };
    const { type } = field;
    if (type.kind === "list") {
      const parts = text.split(",").map((s) => s.trim()).filter((s) => s !== "");
      inputs.offer(field, { where, raw: text, items: parts.map((part) => ({ raw: fromFlag(type.item, part), where })) });
    } else {
      inputs.offer(field, { where, raw: fromFlag(type, text) });
    }
  }
}
