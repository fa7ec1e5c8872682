// Escaping and formatting shared by the report writers. Histories and specs can hold any
// string at all, so everything taken from them goes through one of these before it reaches
// HTML, XML or Markdown.
import { formatValue, safeJson } from "../history/format.js";

/** Text for HTML element content and (double- or single-quoted) attribute values. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === '"' ? "&quot;" : "&#39;"));
}

/**
 * Characters that XML 1.0 cannot carry at all, even as references: C0 controls other than tab,
 * newline and carriage return, lone surrogates, U+FFFE and U+FFFF.
 */
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text for XML content and attributes: invalid characters become U+FFFD, markup is escaped. */
export function xmlEsc(s: string): string {
  return s.replace(XML_INVALID, "\uFFFD").replace(/[&<>"'\r\n\t]/g, (c) => {
    switch (c) {
      case "&":
        return "&amp;";
      case "<":
        return "&lt;";
      case ">":
        return "&gt;";
      case '"':
        return "&quot;";
      case "'":
        return "&apos;";
      // Kept as references so that attribute values keep them (parsers normalise raw ones to spaces).
      case "\r":
        return "&#13;";
      case "\n":
        return "&#10;";
      default:
        return "&#9;";
    }
  });
}

/** Text for XML element content (newlines stay newlines). */
export function xmlText(s: string): string {
  return s.replace(XML_INVALID, "\uFFFD").replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/** Text for a Markdown table cell or line: no HTML, no table breaks, one line. */
export function mdEsc(s: string): string {
  return s
    .replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"))
    .replace(/([\\`*_[\]|#])/g, "\\$1")
    .replace(/\r?\n|\r/g, " ");
}

export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** A value as people write it (history/format.ts), cut to `max` characters. */
export function fmtValue(v: unknown, max = 120): string {
  return truncate(formatValue(v, { maxDepth: 3, maxItems: 20 }), max);
}

export { safeJson };

/** Nanoseconds on the history's clock as seconds, e.g. `3.272 s`. */
export function secs(ns: number, digits = 3): string {
  return Number.isFinite(ns) ? `${(ns / 1e9).toFixed(digits)} s` : "end";
}

/** A duration in ns, short: `850 ms`, `8.0 s`, `2 min 5 s`. */
export function duration(ns: number): string {
  if (!Number.isFinite(ns)) return "until the end";
  const ms = ns / 1e6;
  if (ms < 1) return `${(ns / 1e3).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en")} ${n === 1 ? one : many}`;
}

export function count(n: number): string {
  return n.toLocaleString("en");
}

/** The verdict as a word, as the CLI prints it. */
export function verdictWord(valid: unknown): "valid" | "INVALID" | "unknown" {
  return valid === true ? "valid" : valid === false ? "INVALID" : "unknown";
}

/** The verdict as a CSS / data-attribute token. */
export function verdictClass(valid: unknown): "valid" | "invalid" | "unknown" {
  return valid === true ? "valid" : valid === false ? "invalid" : "unknown";
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
