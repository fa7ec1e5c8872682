// The append-only file: every change as the command that makes it, in RESP, with a SELECT
// whenever the database changes. Written before the reply goes out, so a SIGKILL keeps
// every acknowledged write in the OS's page cache; `appendfsync always` also survives a
// machine crash, `everysec` syncs once a second.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { encodeCommand } from "./resp/encode.js";
import { RequestParser } from "./resp/parser.js";

export class Aof {
  private readonly fd: number;
  private db = -1;
  private dirty = false;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    readonly file: string,
    private readonly fsync: "always" | "everysec" | "no",
  ) {
    this.fd = openSync(file, "a");
    if (fsync === "everysec") {
      this.timer = setInterval(() => this.sync(), 1000);
      this.timer.unref();
    }
  }

  append(db: number, argv: Buffer[]): void {
    if (db !== this.db) {
      writeSync(this.fd, encodeCommand(["SELECT", String(db)]));
      this.db = db;
    }
    writeSync(this.fd, encodeCommand(argv));
    this.dirty = true;
    if (this.fsync === "always") this.sync();
  }

  sync(): void {
    if (!this.dirty) return;
    fsyncSync(this.fd);
    this.dirty = false;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.sync();
    closeSync(this.fd);
  }
}

/** The commands stored in an AOF, in order. A torn last command (a crash mid-write) is dropped. */
export function readAof(file: string): Buffer[][] {
  if (!existsSync(file)) return [];
  const parser = new RequestParser({ maxQueryBuffer: Number.MAX_SAFE_INTEGER });
  return parser.feed(readFileSync(file));
}
