// What a replica reads from its master, in order: reply lines of the handshake, the RDB
// payload (`$<len>\r\n<bytes>`, or diskless `$EOF:<mark>\r\n<bytes><mark>`), then the
// replication stream: commands in RESP whose byte sizes are counted, because offsets are.
// The master is trusted no more than a client: anything malformed is a StreamError and the
// link is dropped, as Redis drops a master that sends a protocol error.

export class StreamError extends Error {}

/** Longest reply line or command header accepted before the bytes are declared garbage. */
const MAX_LINE = 64 * 1024;
const MAX_ARGS = 1024 * 1024;
const EOF_MARK_LENGTH = 40;

export interface StreamCommand {
  argv: Buffer[];
  /** The command's bytes as they came: what a replica passes on to its own replicas, and what offsets count. */
  raw: Buffer;
}

export class StreamReader {
  private chunks: Buffer[] = [];
  private length = 0;
  /** While reading a payload: its size, or its end mark. */
  private payload: { size: number } | { mark: Buffer } | undefined;

  constructor(private readonly maxBulkLength: number) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  get buffered(): number {
    return this.length;
  }

  /** The next reply line without its CRLF ("" for a bare newline, Redis's keep-alive). */
  readLine(): string | undefined {
    const data = this.flatten();
    const end = data.indexOf(10);
    if (end < 0) {
      if (data.length > MAX_LINE) throw new StreamError("reply line too long");
      return undefined;
    }
    this.consume(end + 1);
    return data.subarray(0, end > 0 && data[end - 1] === 13 ? end - 1 : end).toString("latin1");
  }

  /** The RDB payload once it is complete; undefined while more is to come. Reads its header first. */
  readPayload(): Buffer | undefined {
    if (!this.payload) {
      const line = this.readLine();
      if (line === undefined) return undefined;
      if (line === "") return this.readPayload(); // keep-alive while the master prepares the RDB
      if (line.startsWith("$EOF:") && line.length === 5 + EOF_MARK_LENGTH) this.payload = { mark: Buffer.from(line.slice(5), "latin1") };
      else if (/^\$\d+$/.test(line) && Number(line.slice(1)) <= this.maxBulkLength) this.payload = { size: Number(line.slice(1)) };
      else throw new StreamError(`bad RDB payload header '${line.slice(0, 64)}'`);
    }
    if ("size" in this.payload) {
      if (this.length < this.payload.size) return undefined;
      const data = this.flatten();
      const rdb = Buffer.from(data.subarray(0, this.payload.size));
      this.consume(this.payload.size);
      this.payload = undefined;
      return rdb;
    }
    const mark = this.payload.mark;
    if (this.length < EOF_MARK_LENGTH) return undefined;
    if (this.length > this.maxBulkLength) throw new StreamError("RDB payload larger than proto-max-bulk-len");
    // The mark can only end what has arrived so far: look at the last bytes of the last chunks.
    if (!this.tail(EOF_MARK_LENGTH).equals(mark)) return undefined;
    const data = this.flatten();
    const rdb = Buffer.from(data.subarray(0, data.length - EOF_MARK_LENGTH));
    this.consume(data.length);
    this.payload = undefined;
    return rdb;
  }

  /** The next complete command of the stream, with its size; undefined while incomplete. */
  readCommand(): StreamCommand | undefined {
    // Keep-alive newlines sent while the RDB was being prepared are not part of the stream.
    while (this.length > 0 && this.flatten()[0] === 10) this.consume(1);
    if (this.length === 0) return undefined;
    const data = this.flatten();
    if (data[0] !== 42) throw new StreamError(`expected '*', got '${String.fromCharCode(data[0])}'`);
    let pos = 0;
    const header = (prefix: number, max: number): number | undefined => {
      const end = data.indexOf(10, pos);
      if (end < 0) {
        if (data.length - pos > MAX_LINE) throw new StreamError("command header too long");
        return undefined;
      }
      if (data[pos] !== prefix || data[end - 1] !== 13) throw new StreamError(`expected '${String.fromCharCode(prefix)}<n>\\r\\n'`);
      const text = data.toString("latin1", pos + 1, end - 1);
      if (!/^\d+$/.test(text) || Number(text) > max) throw new StreamError(`bad length '${text.slice(0, 32)}'`);
      pos = end + 1;
      return Number(text);
    };
    const count = header(42, MAX_ARGS);
    if (count === undefined) return undefined;
    const argv: Buffer[] = [];
    for (let i = 0; i < count; i++) {
      const len = header(36, this.maxBulkLength);
      if (len === undefined || data.length < pos + len + 2) return undefined;
      if (data[pos + len] !== 13 || data[pos + len + 1] !== 10) throw new StreamError("bulk string not followed by \\r\\n");
      argv.push(Buffer.from(data.subarray(pos, pos + len)));
      pos += len + 2;
    }
    const raw = Buffer.from(data.subarray(0, pos));
    this.consume(pos);
    return { argv, raw };
  }

  private flatten(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(n: number): void {
    const data = this.flatten();
    this.chunks = n < data.length ? [data.subarray(n)] : [];
    this.length -= n;
  }

  private tail(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = n;
    for (let i = this.chunks.length - 1; i >= 0 && need > 0; i--) {
      const c = this.chunks[i];
      parts.unshift(c.subarray(Math.max(0, c.length - need)));
      need -= Math.min(need, c.length);
    }
    return Buffer.concat(parts);
  }
}
