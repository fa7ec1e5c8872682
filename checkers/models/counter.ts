// A counter: `add` / `incr` by a delta (1 when none is given), `read` of the current value.
// Reads of a never-incremented counter see 0.
import { valueKey, type Model } from "./model.js";

export const counterModel: Model<number> = {
  name: "counter",
  init: () => 0,
  step(state, op) {
    if (op.f === "add" || op.f === "incr") {
      const delta = op.input === undefined || op.input === null ? 1 : Number(op.input);
      return Number.isFinite(delta) ? [state + delta] : [];
    }
    if (op.f === "read") return !op.ok || Number(op.output ?? 0) === state ? [state] : [];
    return [];
  },
  key: (s) => String(s),
  readOnly: (op) => op.f === "read",
  describeState: valueKey,
};
