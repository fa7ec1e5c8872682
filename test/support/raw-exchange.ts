// One raw exchange with a server, for protocol fuzzing: a fresh connection, the bytes written,
// the write side shut (so a server waiting for the rest of a request sees the end of input and
// closes), then every byte the server sent until it closed the connection.
import { createConnection } from "node:net";

export interface Exchange {
  /** Every byte received, in order. */
  received: Buffer;
  /** How the connection ended: closed by the server (FIN or reset), or still open at the deadline. */
  ending: "closed" | "reset" | "open at deadline";
}

export function exchange(port: number, bytes: Buffer, deadlineMs: number): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let reset = false;
    const socket = createConnection({ host: "127.0.0.1", port, allowHalfOpen: true }, () => {
      socket.write(bytes);
      socket.end(); // our FIN: the server still answers what it has, then closes
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received: Buffer.concat(chunks), ending: "open at deadline" });
    }, deadlineMs);
    socket.on("data", (d) => chunks.push(d));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ECONNRESET" || err.code === "EPIPE") reset = true;
      else {
        clearTimeout(timer);
        reject(err);
      }
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve({ received: Buffer.concat(chunks), ending: reset ? "reset" : "closed" });
    });
  });
}
