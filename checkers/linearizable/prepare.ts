// From a history to what the search needs: one LinOp per invocation that may have
// taken effect, split into independent parts by the model.
import { pairOps, type History } from "../../history/op.js";
import type { Model } from "../models/model.js";
import type { FaultInterval, LinOp } from "./types.js";

export interface Part {
  label: string;
  ops: LinOp[];
}

/**
 * `fail` ops certainly did not happen and are dropped; `info` ops (and invocations that never
 * completed) may take effect at any time after their call, so their return is at infinity;
 * an unknown op that cannot change the state (an unanswered read) constrains nothing and is dropped.
 */
export function toLinOps(history: History, model: Model<unknown>): LinOp[] {
  const ops: LinOp[] = [];
  for (const { invoke, complete } of pairOps(history)) {
    if (complete?.type === "fail") continue;
    const ok = complete?.type === "ok";
    const op: LinOp = {
      id: ops.length,
      index: invoke.index,
      process: invoke.process,
      f: invoke.f,
      key: invoke.key,
      input: invoke.value,
      output: ok ? complete.value : undefined,
      ok,
      call: invoke.time,
      ret: ok ? complete.time : Infinity,
    };
    if (!ok && model.readOnly?.(op)) continue;
    ops.push(op);
  }
  return ops;
}

/**
 * The model's partition (or one part), with ids renumbered 0..n-1 within each part. The ops
 * are this module's own (made by toLinOps), so they are renumbered in place: a million-op
 * history is not copied again.
 */
export function partition(ops: LinOp[], model: Model<unknown>): Part[] {
  const parts = model.partition ? model.partition(ops) : [{ label: "all", ops }];
  for (const part of parts) part.ops.forEach((op, id) => (op.id = id));
  return parts;
}

/** Nemesis start/stop pairs as intervals, for shading. */
export function faultIntervals(history: History): FaultInterval[] {
  const open: Array<{ start: number; label: string }> = [];
  const intervals: FaultInterval[] = [];
  for (const op of history) {
    if (op.process !== "nemesis") continue;
    const v = (op.value ?? {}) as Record<string, unknown>;
    const label = [v.fault, v.node ?? v.via].filter((x) => x !== undefined).join(" ") || op.f;
    if (op.f === "start") open.push({ start: op.time, label });
    else if (op.f === "stop") {
      const i = open.findIndex((o) => o.label === label);
      const started = i >= 0 ? open.splice(i, 1)[0] : undefined;
      if (started) intervals.push({ ...started, end: op.time });
    }
  }
  for (const o of open) intervals.push({ ...o, end: Infinity });
  return intervals.sort((a, b) => a.start - b.start);
}
