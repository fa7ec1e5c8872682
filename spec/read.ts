// Reading a YAML spec: every value with its line and column, offered to the inputs; unknown
// keys, keys at the wrong level and YAML syntax errors become problems at their position.
import { Document, LineCounter, isAlias, isMap, isNode, isScalar, isSeq, parseDocument } from "yaml";
import { FIELD_BY_PATH, FIELDS, SECTIONS, TOP_LEVEL_KEYS, type Field } from "./fields.js";
import { normalizeFlag } from "./flags.js";
import type { Input, Inputs } from "./inputs.js";
import { describe, type Where } from "./problems.js";

/** Reads `text` (named `source` in messages) into `inputs`. */
export function readYaml(text: string, source: string, inputs: Inputs): void {
  new YamlReader(text, source, inputs).read();
}

class YamlReader {
  private readonly lineCounter = new LineCounter();
  private readonly doc: Document.Parsed;

  constructor(
    text: string,
    private readonly source: string,
    private readonly inputs: Inputs,
  ) {
    this.doc = parseDocument(text, { lineCounter: this.lineCounter, prettyErrors: false });
  }

  read(): void {
    if (this.doc.errors.length > 0) {
      // The tree is unreliable after a syntax error: report the errors and nothing else from the file.
      for (const error of this.doc.errors) {
        const { line, col } = this.lineCounter.linePos(error.pos[0]);
        this.inputs.add({ file: this.source, line, col }, "YAML syntax error", error.message);
      }
      return;
    }
    const root = this.deref(this.doc.contents);
    if (root === null || (isScalar(root) && root.value === null)) return; // empty file: all defaults
    if (!isMap(root)) {
      const where = this.where(root, { file: this.source, line: 1, col: 1 });
      this.problem(where, "top level", `${describe(this.plain(root))} is not a mapping; expected a mapping of settings (${TOP_LEVEL_KEYS.join(", ")})`);
      return;
    }
    this.readMap(root, "", { file: this.source, line: 1, col: 1 });
  }

  /** Reads the pairs of the top level (prefix "") or of one section. */
  private readMap(map: { items: Array<{ key: unknown; value: unknown }> }, prefix: string, parentWhere: Where): void {
    for (const pair of map.items) {
      const keyWhere = this.where(pair.key, parentWhere);
      const key = isScalar(pair.key) ? String(pair.key.value) : describe(this.plain(pair.key));
      const path = prefix === "" ? key : `${prefix}.${key}`;
      const field = FIELD_BY_PATH.get(path);
      if (prefix === "" && SECTIONS.has(key)) this.readSection(key, pair.value, keyWhere);
      else if (field) this.inputs.offer(field, this.input(field, pair.value, keyWhere));
      else this.unknownKey(path, prefix, keyWhere);
    }
  }

  private readSection(section: string, node: unknown, keyWhere: Where): void {
    this.inputs.sections.set(section, keyWhere);
    const value = this.deref(node);
    if (value === null || (isScalar(value) && value.value === null)) return; // `section:` alone: empty
    if (!isMap(value)) {
      const keys = SECTIONS.get(section) ?? [];
      this.problem(this.where(node, keyWhere), section, `${describe(this.plain(value))} is not a mapping; expected a mapping with keys ${keys.join(", ")}`);
      return;
    }
    this.readMap(value, section, keyWhere);
  }

  private unknownKey(path: string, prefix: string, where: Where): void {
    const allowed = prefix === "" ? TOP_LEVEL_KEYS : (SECTIONS.get(prefix) ?? []);
    const key = path.slice(prefix === "" ? 0 : prefix.length + 1);
    // A key put at the wrong level is a common slip; name where it belongs.
    // Also catch flag names and camelCase used as keys (`down-after-ms`, `timeLimit`).
    const elsewhere = FIELDS.find((f) => f.path.endsWith(`.${key}`) || f.path === key || f.flag === normalizeFlag(key));
    const hint = elsewhere && elsewhere.path !== path ? ` (did you mean ${elsewhere.path}?)` : "";
    const level = prefix === "" ? "at the top level" : `in ${prefix}`;
    this.problem(where, path, `unknown key${hint}; expected one of ${allowed.join(", ")} ${level}`);
  }

  private input(field: Field, node: unknown, keyWhere: Where): Input {
    const where = this.where(node, keyWhere);
    const value = this.deref(node);
    if (field.type.kind === "list" && isSeq(value)) {
      return { where, raw: null, items: value.items.map((item) => ({ raw: this.plain(this.deref(item)), where: this.where(item, where) })) };
    }
    return { where, raw: this.plain(value) };
  }

  private problem(where: Where, label: string, text: string): void {
    this.inputs.add(where, label, text);
  }

  /** Follows an alias (`*name`) to the node it refers to. */
  private deref(node: unknown): unknown {
    return isAlias(node) ? (node.resolve(this.doc) ?? null) : (node ?? null);
  }

  private plain(node: unknown): unknown {
    return isNode(node) ? node.toJS(this.doc) : node;
  }

  private where(node: unknown, fallback: Where): Where {
    const range = isNode(node) ? node.range : undefined;
    if (!range) return fallback;
    const { line, col } = this.lineCounter.linePos(range[0]);
    return { file: this.source, line, col };
  }
}
