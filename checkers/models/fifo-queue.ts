// A FIFO queue: `enqueue` a value, `dequeue` the oldest (null from an empty queue).
import { valueKey, type Model } from "./model.js";

export const fifoQueueModel: Model<readonly string[]> = {
  name: "fifo-queue",
  init: () => [],
  step(state, op) {
    if (op.f === "enqueue") return [[...state, valueKey(op.input)]];
    if (op.f === "dequeue") {
      if (!op.ok) return state.length > 0 ? [state.slice(1)] : [state];
      const out = op.output ?? null;
      if (out === null) return state.length === 0 ? [state] : [];
      return state.length > 0 && state[0] === valueKey(out) ? [state.slice(1)] : [];
    }
    return [];
  },
  key: (s) => s.join(","),
  describeState: (s) => `[${s.join(" ")}]`,
};
