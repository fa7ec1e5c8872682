// A grow-only set: `add` of an element, `read` of all elements (in any order).
import { valueKey, type Model } from "./model.js";

/** The state is the sorted list of element keys. */
export const setModel: Model<readonly string[]> = {
  name: "set",
  init: () => [],
  step(state, op) {
    if (op.f === "add") {
      const k = valueKey(op.input);
      return [state.includes(k) ? state : [...state, k].sort()];
    }
    if (op.f === "read") {
      if (!op.ok) return [state];
      if (!Array.isArray(op.output)) return [];
      const seen = [...new Set(op.output.map(valueKey))].sort();
      return seen.length === state.length && seen.every((k, i) => k === state[i]) ? [state] : [];
    }
    return [];
  },
  key: (s) => s.join(","),
  readOnly: (op) => op.f === "read",
  describeState: (s) => `#{${s.join(" ")}}`,
};
