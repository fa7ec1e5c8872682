// A RESP client for tests that need the exact bytes of each reply: it sends commands as
// multibulk requests and returns each reply's raw bytes, framed by a small RESP reader.
import { createConnection, type Socket } from "node:net";

export class RawClient {
  private buffer = Buffer.alloc(0);
  private waiting: Array<(reply: Buffer) => void> = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (d) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      this.deliver();
    });
    socket.on("close", () => {
      this.closed = true;
      this.deliver();
      this.settleClosed();
    });
    socket.on("error", () => undefined);
  }

  static connect(port: number, host = "127.0.0.1"): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = createConnection({ host, port }, () => resolve(new RawClient(s)));
      s.once("error", reject);
    });
  }

  /** Sends one command and resolves with its reply's bytes (or "<closed>" if the server hung up). */
  call(...args: Array<string | Buffer>): Promise<string> {
    return this.send(encodeRequest(args));
  }

  /** Sends raw bytes (inline commands, garbage) and resolves with the next reply. */
  send(bytes: Buffer | string, timeoutMs = 3000): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(this.closed ? "<closed>" : "<timeout>"), timeoutMs);
      this.waiting.push((reply) => {
        clearTimeout(timer);
        resolve(reply.toString("latin1"));
      });
      if (bytes.length > 0 && !this.closed) this.socket.write(bytes);
      this.deliver(); // a reply may be waiting already (a pipelined or pushed one)
      if (this.closed) this.settleClosed();
    });
  }

  /** The next reply without sending anything (pub/sub messages). */
  next(timeoutMs = 3000): Promise<string> {
    return this.send(Buffer.alloc(0), timeoutMs);
  }

  close(): void {
    this.socket.destroy();
  }

  private deliver(): void {
    while (this.waiting.length > 0) {
      const end = replyEnd(this.buffer, 0);
      if (end < 0) return;
      const reply = this.buffer.subarray(0, end);
      this.buffer = this.buffer.subarray(end);
      this.waiting.shift()!(reply);
    }
  }

  private settleClosed(): void {
    for (const w of this.waiting.splice(0)) w(Buffer.from("<closed>"));
  }
}

export function encodeRequest(args: Array<string | Buffer>): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = typeof a === "string" ? Buffer.from(a) : a;
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** Where the complete RESP2/RESP3 reply starting at `at` ends, or -1 if it is not all there yet. */
function replyEnd(buf: Buffer, at: number): number {
  const lineEnd = buf.indexOf("\r\n", at);
  if (lineEnd < 0) return -1;
  const type = String.fromCharCode(buf[at]);
  const header = buf.toString("latin1", at + 1, lineEnd);
  const afterLine = lineEnd + 2;
  switch (type) {
    case "+":
    case "-":
    case ":":
    case "_":
    case "#":
    case ",":
    case "(":
      return afterLine;
    case "$":
    case "=":
    case "!": {
      const n = Number(header);
      if (n < 0) return afterLine;
      return buf.length >= afterLine + n + 2 ? afterLine + n + 2 : -1;
    }
    case "*":
    case "~":
    case ">":
    case "%": {
      const n = Number(header);
      if (n < 0) return afterLine;
      let pos = afterLine;
      for (let i = 0; i < (type === "%" ? 2 * n : n); i++) {
        const len = replyEnd(buf, pos);
        if (len < 0) return -1;
        pos = len;
      }
      return pos;
    }
    default:
      return afterLine;
  }
}
