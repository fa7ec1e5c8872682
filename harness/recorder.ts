// Writes the history as it happens: one JSON line per op, appended with a synchronous
// write so that a crash or a kill of the harness keeps every line written so far.
import { closeSync, openSync, writeSync } from "node:fs";
import { opToLine } from "../history/jsonl.js";
import type { Op, OpType, Process } from "../history/op.js";

export type OpFields = Omit<Op, "index" | "time" | "process" | "type">;

export class Recorder {
  private readonly fd: number;
  private readonly start = process.hrtime.bigint();
  private readonly ops: Op[] = [];
  private closed = false;

  constructor(readonly file: string) {
    this.fd = openSync(file, "a");
  }

  /** Nanoseconds since the run started, on the monotonic clock. */
  now(): number {
    return Number(process.hrtime.bigint() - this.start);
  }

  record(process: Process, type: OpType, fields: OpFields): Op {
    const op: Op = { index: this.ops.length, time: this.now(), process, type, ...fields };
    this.ops.push(op);
    if (!this.closed) writeSync(this.fd, opToLine(op));
    return op;
  }

  history(): readonly Op[] {
    return this.ops;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/**
 * A worker's process identity. After an `info` completion the process may still have
 * an op in flight, so the worker continues as a new process (number + concurrency),
 * as Jepsen does; process numbers therefore never repeat across workers.
 */
export class ProcessSlot {
  constructor(
    public current: number,
    private readonly stride: number,
  ) {}

  retire(): void {
    this.current += this.stride;
  }
}
