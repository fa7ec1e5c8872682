// Many independent registers, one per key: a cas-register per key, checked key by key.
// Keys come from the op's `key`, or from Jepsen's independent [key value] tuples.
import type { LinOp } from "../linearizable/types.js";
import { casRegisterModel } from "./register.js";
import type { Model } from "./model.js";

export const kvModel: Model<unknown> = {
  ...casRegisterModel,
  name: "kv",
  partition(ops) {
    const byKey = new Map<string, LinOp[]>();
    for (const op of ops) {
      const split = op.key === undefined ? splitKey(op) : undefined;
      const key = split?.key ?? op.key!;
      let part = byKey.get(key);
      if (!part) byKey.set(key, (part = []));
      part.push(split ? { ...op, ...split } : op);
    }
    return [...byKey.entries()].map(([label, part]) => ({ label, ops: part }));
  },
};

function splitKey(op: LinOp): { key: string; input: unknown; output: unknown } {
  // Jepsen's jepsen.independent: the value is [key value]; the output of an unknown op is absent.
  if (Array.isArray(op.input) && op.input.length === 2) {
    const output = Array.isArray(op.output) && op.output.length === 2 ? op.output[1] : undefined;
    return { key: String(op.input[0]), input: op.input[1], output };
  }
  return { key: "", input: op.input, output: op.output };
}
