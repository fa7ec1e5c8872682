// One line of a history, in Jepsen's schema (docs/design.md, "History").
// `invoke` is followed by exactly one completion of the same process:
// `ok` (it happened), `fail` (it certainly did not), `info` (unknown).

export type OpType = "invoke" | "ok" | "fail" | "info";

/** A client process number, or "nemesis" for fault operations. */
export type Process = number | "nemesis";

export interface Op {
  index: number;
  /** Monotonic nanoseconds since the run started. */
  time: number;
  process: Process;
  type: OpType;
  f: string;
  key?: string;
  value?: unknown;
  /** Which node served a completed client op, when known. */
  node?: string;
  /** Error text of a `fail` or `info` completion. */
  error?: string;
}

export type History = readonly Op[];

export function isClientOp(op: Op): op is Op & { process: number } {
  return op.process !== "nemesis";
}

/** An invocation paired with its completion (undefined while it is still open at the end). */
export interface Pair {
  invoke: Op;
  complete?: Op;
}

/**
 * Pairs each client invocation with the completion of the same process.
 * A process has at most one open invocation, so a per-process slot is enough.
 */
export function pairOps(history: History): Pair[] {
  const open = new Map<Process, Pair>();
  const pairs: Pair[] = [];
  for (const op of history) {
    if (!isClientOp(op)) continue;
    if (op.type === "invoke") {
      const pair: Pair = { invoke: op };
      open.set(op.process, pair);
      pairs.push(pair);
    } else {
      const pair = open.get(op.process);
      if (pair) {
        pair.complete = op;
        open.delete(op.process);
      }
    }
  }
  return pairs;
}

/** The outcome of a pair: an invocation never completed counts as `info`. */
export function outcomeOf(pair: Pair): "ok" | "fail" | "info" {
  const t = pair.complete?.type;
  return t === "ok" || t === "fail" ? t : "info";
}
