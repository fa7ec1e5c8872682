// A Sentinel's connection to an instance (Redis's instanceLink: a command connection, and for
// masters and replicas a second one subscribed to the hello channel). Commands are sent at
// once and answered in order; the link counts what is pending, as Sentinel stops sending
// periodic commands to an instance that does not answer.
import { createConnection, type Socket } from "node:net";
import { encodeCommand } from "../resp/encode.js";
import { ReplyParser, type ReplyValue } from "../resp/reply-parser.js";

export type ReplyHandler = (reply: ReplyValue) => void;

export class Link {
  private socket: Socket | undefined;
  private parser = new ReplyParser();
  private readonly callbacks: ReplyHandler[] = [];
  connected = false;
  /** When the connection was last attempted, to retry at most once per period. */
  lastAttempt = 0;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly sourceAddress: string | undefined,
    /** Called once the connection is up: AUTH, CLIENT SETNAME, SUBSCRIBE... */
    private readonly onConnect: (link: Link) => void,
    /** Called when it closes, whatever the reason. */
    private readonly onClose: () => void,
    /** Messages that answer no command (pub/sub). */
    private readonly onPush: ReplyHandler = () => undefined,
  ) {}

  get pending(): number {
    return this.callbacks.length;
  }

  get localAddress(): string | undefined {
    return this.socket?.localAddress?.replace(/^::ffff:/, "");
  }

  connect(now: number): void {
    if (this.socket) return;
    this.lastAttempt = now;
    this.parser = new ReplyParser();
    const socket = createConnection({ host: this.host, port: this.port, localAddress: this.sourceAddress || undefined, noDelay: true });
    this.socket = socket;
    socket.on("connect", () => {
      this.connected = true;
      this.onConnect(this);
    });
    socket.on("data", (chunk: Buffer) => {
      try {
        for (const reply of this.parser.feed(chunk)) {
          const callback = this.callbacks.shift();
          if (callback) callback(reply);
          else this.onPush(reply);
        }
      } catch {
        this.close(); // garbage from the instance: drop the link, reconnect later
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => this.closed(socket));
  }

  /** Sends a command; the handler gets its reply (never called if the link closes first). */
  send(argv: string[], handler: ReplyHandler = () => undefined): boolean {
    if (!this.socket || !this.connected) return false;
    this.callbacks.push(handler);
    this.socket.write(encodeCommand(argv));
    return true;
  }

  /** For a subscribed connection: messages are pushes, replies to SUBSCRIBE too. */
  sendNoReply(argv: string[]): void {
    if (this.socket && this.connected) this.socket.write(encodeCommand(argv));
  }

  close(): void {
    this.socket?.destroy();
  }

  private closed(socket: Socket): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    this.connected = false;
    this.callbacks.length = 0;
    this.onClose();
  }
}
