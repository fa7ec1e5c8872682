// RESP2 replies, as a client reads them: what the Sentinel's links to masters, replicas and
// other sentinels receive. Incremental (bytes arrive in any pieces) and bounded: a peer that
// sends garbage gets its link closed, never a crash or unbounded memory.

export type ReplyValue = string | number | null | ReplyError | ReplyValue[];

/** An error reply (`-ERR ...`), as a value: it answers one command, it does not fail the link. */
export class ReplyError {
  constructor(readonly message: string) {}
}

export class ReplyProtocolError extends Error {}

const MAX_LINE = 64 * 1024;
const MAX_BULK = 512 * 1024 * 1024;
const MAX_ITEMS = 1024 * 1024;

export class ReplyParser {
  private buffer: Buffer = Buffer.alloc(0);
  private pos = 0;

  /** Adds bytes; returns every reply now complete, in order. */
  feed(chunk: Buffer): ReplyValue[] {
    this.buffer = this.pos < this.buffer.length ? Buffer.concat([this.buffer.subarray(this.pos), chunk]) : chunk;
    this.pos = 0;
    const replies: ReplyValue[] = [];
    for (;;) {
      const start = this.pos;
      const value = this.value();
      if (value === INCOMPLETE) {
        this.pos = start;
        if (this.buffer.length - this.pos > MAX_LINE && this.buffer.indexOf(10, this.pos) < 0) throw new ReplyProtocolError("reply line too long");
        return replies;
      }
      replies.push(value);
    }
  }

  private value(): ReplyValue | typeof INCOMPLETE {
    const line = this.line();
    if (line === INCOMPLETE) return INCOMPLETE;
    const type = line[0];
    const rest = line.slice(1);
    switch (type) {
      case "+":
        return rest;
      case "-":
        return new ReplyError(rest);
      case ":":
        return Number(rest);
      case "$": {
        const len = this.length(rest, MAX_BULK);
        if (len < 0) return null;
        if (this.buffer.length < this.pos + len + 2) return INCOMPLETE;
        const text = this.buffer.toString("latin1", this.pos, this.pos + len);
        this.pos += len + 2;
        return text;
      }
      case "*": {
        const count = this.length(rest, MAX_ITEMS);
        if (count < 0) return null;
        const items: ReplyValue[] = [];
        for (let i = 0; i < count; i++) {
          const item = this.value();
          if (item === INCOMPLETE) return INCOMPLETE;
          items.push(item);
        }
        return items;
      }
      default:
        throw new ReplyProtocolError(`unexpected reply type '${type ?? ""}'`);
    }
  }

  private length(text: string, max: number): number {
    if (text === "-1") return -1;
    if (!/^\d+$/.test(text) || Number(text) > max) throw new ReplyProtocolError(`bad length '${text.slice(0, 32)}'`);
    return Number(text);
  }

  private line(): string | typeof INCOMPLETE {
    const end = this.buffer.indexOf(10, this.pos);
    if (end < 0) return INCOMPLETE;
    const text = this.buffer.toString("latin1", this.pos, end > this.pos && this.buffer[end - 1] === 13 ? end - 1 : end);
    this.pos = end + 1;
    return text;
  }
}

const INCOMPLETE = Symbol("incomplete");
