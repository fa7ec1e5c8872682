// A read/write register, and the compare-and-set register of Knossos (cas [from to]).
// Reads of a never-written register see null (Redis GET of a missing key).
import type { LinOp } from "../linearizable/types.js";
import { sameValue, valueKey, type Model } from "./model.js";

function readWrite(state: unknown, op: LinOp): unknown[] | undefined {
  switch (op.f) {
    case "write":
      return [op.input ?? null];
    case "read":
      return !op.ok || sameValue(op.output, state) ? [state] : [];
  }
  return undefined;
}

export const registerModel: Model<unknown> = {
  name: "register",
  init: () => null,
  step(state, op) {
    return readWrite(state, op) ?? [];
  },
  key: valueKey,
  readOnly: (op) => op.f === "read",
  describeState: valueKey,
};

export const casRegisterModel: Model<unknown> = {
  name: "cas-register",
  init: () => null,
  step(state, op) {
    const rw = readWrite(state, op);
    if (rw) return rw;
    if (op.f === "cas" && Array.isArray(op.input) && op.input.length === 2) {
      return sameValue(op.input[0], state) ? [op.input[1]] : [];
    }
    return [];
  },
  key: valueKey,
  readOnly: (op) => op.f === "read",
  describeState: valueKey,
};
