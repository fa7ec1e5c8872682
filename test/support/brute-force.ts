// The obvious linearizability check, for comparison: try every order of the ops that
// respects real time, each op with an unknown outcome either placed or left out.
// Exponential, so only for small histories.
import type { Model } from "../../checkers/models/model.js";
import type { LinOp } from "../../checkers/linearizable/types.js";

export function bruteForceLinearizable(model: Model<unknown>, ops: readonly LinOp[]): boolean {
  const memo = new Set<string>();
  const go = (remaining: LinOp[], state: unknown): boolean => {
    if (remaining.every((op) => !op.ok)) return true; // unknown ops left over never happened
    const memoKey = `${remaining.map((o) => o.id).join(",")}|${model.key(state)}`;
    if (memo.has(memoKey)) return false;
    memo.add(memoKey);
    const earliestReturn = Math.min(...remaining.map((o) => o.ret));
    for (const op of remaining) {
      // op may come next only if no remaining op finished before op was called.
      if (op.call > earliestReturn) continue;
      const rest = remaining.filter((o) => o !== op);
      for (const next of model.step(state, op)) if (go(rest, next)) return true;
      if (!op.ok && go(rest, state)) return true;
    }
    return false;
  };
  return go([...ops], model.init());
}
