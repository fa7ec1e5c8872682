// Values of a history as people write them, for the views and reports: numbers and strings
// bare, arrays as `[a b]`, null as `nil`, objects as JSON; bounded in depth and length.

export interface FormatLimits {
  /** Arrays nested deeper than this show as `…`. */
  maxDepth: number;
  /** Array items shown before `…(n more)`. */
  maxItems: number;
}

export function formatValue(v: unknown, limits: FormatLimits, depth = 0): string {
  if (v === undefined) return "";
  if (v === null) return "nil";
  switch (typeof v) {
    case "string":
      return v === "" ? '""' : v;
    case "number":
    case "boolean":
    case "bigint":
      return String(v);
    case "object":
      break;
    default:
      return String(v);
  }
  if (depth > limits.maxDepth) return "…";
  if (Array.isArray(v)) {
    const items = v.slice(0, limits.maxItems).map((x) => (x === undefined ? "nil" : formatValue(x, limits, depth + 1)));
    if (v.length > limits.maxItems) items.push(`…(${v.length - limits.maxItems} more)`);
    return `[${items.join(" ")}]`;
  }
  return safeJson(v);
}

/** JSON that never throws (cycles, bigints). */
export function safeJson(v: unknown, indent?: number): string {
  try {
    const s = JSON.stringify(v, (_k, x: unknown) => (typeof x === "bigint" ? x.toString() : x), indent);
    return s === undefined ? String(v) : s;
  } catch {
    return String(v);
  }
}
