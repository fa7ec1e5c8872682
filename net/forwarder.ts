// The JS engine's forwarding, run on the switch thread: a listener per node, and per accepted
// connection one to the node, from the caller's own address. A rule applies to the bytes one
// side sends: a connection from A to B carries A->B bytes under rule(A, B) and B->A bytes
// under rule(B, A). Rules change on open connections too.
import { createConnection, createServer, Socket, type OnReadOpts, type Server } from "node:net";
import type { Rng } from "../core/rng.js";
import { CLIENTS, PASS, type Component, type Link, type Rule } from "../core/network.js";
import { SwitchRules, type SwitchPort } from "./switch-rules.js";

/** Bytes queued in one direction before the sender is paused (as a full TCP window would). */
const QUEUE_HIGH_WATER = 1 << 20;
/** What one read takes at most, as Node reads by default. */
const READ_BUFFER_BYTES = 64 * 1024;
const FLUSH_MARK = Buffer.alloc(0);

export class Forwarder {
  private readonly servers: Server[] = [];
  private readonly rules = new SwitchRules();
  private readonly connections = new Set<Connection>();

  constructor(private readonly rng: Rng) {}

  /** Starts forwarding for a node. */
  async add(port: SwitchPort): Promise<void> {
    this.rules.addNode(port);
    const server = createServer({ allowHalfOpen: true, noDelay: true, pauseOnConnect: true }, (socket) => this.accept(socket, port));
    server.on("error", () => undefined); // a listener error surfaces as failed connections
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port.publicPort, port.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.servers.push(server);
  }

  /** Sets the rule of each link and applies it to open connections at once. */
  set(links: readonly Link[], rule: Rule): void {
    this.rules.set(links, rule);
    this.apply();
  }

  heal(): void {
    this.rules.heal();
    this.apply();
  }

  private apply(): void {
    for (const c of this.connections) this.applyTo(c);
  }

  private applyTo(c: Connection): void {
    c.update(this.rules.rule(c.from, c.to), this.rules.rule(c.to, c.from));
  }

  private accept(accepted: Socket, port: SwitchPort): void {
    const from = this.rules.identify(accepted.remoteAddress);
    accepted.on("error", () => undefined);
    if (this.rules.rule(from, port.id).kind === "reset" || this.rules.rule(port.id, from).kind === "reset") {
      accepted.resetAndDestroy(); // as a closed port answers: connection refused / reset
      return;
    }
    // Keep the caller's address as the source, so the node sees who is really connecting.
    const localAddress = from === CLIENTS ? undefined : accepted.remoteAddress;
    const connection = new Connection(accepted, from, port.id, { host: port.host, port: port.privatePort, localAddress }, this.rng);
    this.applyTo(connection);
    this.connections.add(connection);
    connection.closed.then(() => this.connections.delete(connection));
  }
}

/** One forwarded connection: two directions, each under its own link's rule. */
class Connection {
  private readonly up: Direction;
  private readonly down: Direction;
  readonly closed: Promise<void>;

  constructor(
    accepted: Socket,
    readonly from: Component,
    readonly to: Component,
    node: { host: string; port: number; localAddress: string | undefined },
    rng: Rng,
  ) {
    const client = withReadBuffer(accepted, readBuffer((data) => this.up.read(data)));
    const server = createConnection({ ...node, allowHalfOpen: true, noDelay: true, onread: readBuffer((data) => this.down.read(data)) });
    this.up = new Direction(client, server, rng);
    this.down = new Direction(server, client, rng);
    this.closed = Promise.all([closedPromise(client), closedPromise(server)]).then(() => undefined);
    // A socket that fails (the node was killed, the client went away) takes the other with it.
    for (const [a, b] of [
      [client, server],
      [server, client],
    ]) {
      a.on("error", () => b.destroy());
    }
  }

  /** Takes the rules of its two links, which apply from now on. */
  update(upRule: Rule, downRule: Rule): void {
    this.up.rule = upRule;
    this.down.rule = downRule;
    if (upRule.kind === "reset" || downRule.kind === "reset") {
      this.up.reset();
      this.down.reset();
      return;
    }
    this.up.pump();
    this.down.pump();
  }
}

/** Each socket reads into a buffer of its own, reused, rather than into a new one per read. */
function readBuffer(deliver: (data: Uint8Array) => void): OnReadOpts {
  return {
    buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES),
    callback: (bytes, buffer) => {
      deliver(buffer.subarray(0, bytes));
      return true; // a direction stops reading with pause() when it must
    },
  };
}

/**
 * The accepted connection as a socket that reads into `onread.buffer`. net.Server has no
 * onread option, so the handle (not reading yet: pauseOnConnect) moves to a new Socket.
 */
function withReadBuffer(accepted: Socket, onread: OnReadOpts): Socket {
  const internal = accepted as unknown as { _handle: unknown };
  const handle = internal._handle;
  internal._handle = null;
  accepted.destroy(); // without its handle this only releases the server's count of it
  const options = { handle, allowHalfOpen: true, onread };
  return new Socket(options);
}

interface Chunk {
  data: Uint8Array | null; // null: the sender closed its side
  releaseAt: number;
}

/** Bytes from `src` to `dst`, in order, held while dropped and late while delayed. */
class Direction {
  /** The rule of this direction's link, set by the connection whenever rules change. */
  rule: Rule = PASS;
  private readonly queue: Chunk[] = [];
  private queuedBytes = 0;
  private lastRelease = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The destination has not flushed a write yet, so it still holds the bytes given to it. */
  private writing = false;
  private readonly flushed = (): void => {
    this.writing = false;
    this.pump();
  };

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly rng: Rng,
  ) {
    src.on("end", () => this.push(null));
  }

  /** Bytes read from `src`, still in its read buffer: the next read overwrites them. */
  read(data: Uint8Array): void {
    if (this.rule.kind === "pass" && this.queue.length === 0 && !this.writing) {
      // The common case: nothing held back, nothing to wait for. The kernel almost always takes
      // the bytes at once; if not, the socket keeps pointing into the buffer, so stop reading.
      this.send(data);
      if (this.writing) this.src.pause();
      return;
    }
    this.push(Buffer.from(data));
  }

  private push(data: Uint8Array | null): void {
    let releaseAt = 0;
    if (this.rule.kind === "delay") {
      const jitter = (this.rng.next() * 2 - 1) * this.rule.jitterMs;
      // Never earlier than the chunk before: TCP delivers in order.
      releaseAt = Math.max(this.lastRelease, Date.now() + Math.max(0, this.rule.ms + jitter));
      this.lastRelease = releaseAt;
    }
    this.queue.push({ data, releaseAt });
    if (data) this.queuedBytes += data.length;
    if (this.queuedBytes > QUEUE_HIGH_WATER) this.src.pause();
    this.pump();
  }

  /** Delivers what the rule allows now; called on new data, on flushes, on timers and on rule changes. */
  pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const rule = this.rule;
    if (rule.kind === "drop" || rule.kind === "reset") {
      this.src.pause();
      return;
    }
    while (this.queue.length > 0 && !this.writing) {
      const head = this.queue[0];
      const wait = rule.kind === "delay" ? head.releaseAt - Date.now() : 0;
      if (wait > 0) {
        this.timer = setTimeout(() => this.pump(), wait);
        return;
      }
      this.queue.shift();
      if (head.data === null) {
        this.dst.end();
        continue;
      }
      this.queuedBytes -= head.data.length;
      this.send(head.data);
    }
    if (this.queuedBytes <= QUEUE_HIGH_WATER && !this.writing && this.src.isPaused()) this.src.resume();
  }

  /** Writes to the destination; until it has flushed, nothing more is sent (and a full destination pauses the flow). */
  private send(data: Uint8Array): void {
    if (this.dst.destroyed) return;
    this.dst.write(data); // without a callback: Node then spends no tick per write
    if (this.dst.writableLength === 0) return;
    // The kernel did not take it all (or the socket is still connecting): an empty write queued
    // behind it calls back once everything before it is flushed.
    this.writing = true;
    this.dst.write(FLUSH_MARK, this.flushed);
  }

  reset(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of [this.src, this.dst]) {
      if (s.destroyed) continue;
      // RST needs an open handle; a socket still connecting is simply dropped.
      if (s.connecting) s.destroy();
      else s.resetAndDestroy();
    }
  }
}

function closedPromise(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));
}
