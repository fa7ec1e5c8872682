// The forwarding itself, run on the switch thread: a listener per node, and per accepted
// connection one to the node, from the caller's own address. A rule applies to the bytes one
// side sends: a connection from A to B carries A->B bytes under rule(A, B) and B->A bytes
// under rule(B, A). Rules change on open connections too.
import { createConnection, createServer, type Server, type Socket } from "node:net";
import type { Rng } from "../harness/rng.js";
import { CLIENTS, type Link } from "./links.js";
import { SwitchRules, type Rule, type SwitchPort } from "./switch-rules.js";

/** Bytes queued in one direction before the sender is paused (as a full TCP window would). */
const QUEUE_HIGH_WATER = 1 << 20;

export class Forwarder {
  private readonly servers: Server[] = [];
  private readonly rules = new SwitchRules();
  private readonly connections = new Set<Connection>();

  constructor(private readonly rng: Rng) {}

  /** Starts forwarding for a node. */
  async add(port: SwitchPort): Promise<void> {
    this.rules.addNode(port);
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => this.accept(socket, port));
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
    for (const c of this.connections) c.update();
  }

  private accept(socket: Socket, port: SwitchPort): void {
    const from = this.rules.identify(socket.remoteAddress);
    socket.on("error", () => undefined);
    if (this.rules.rule(from, port.id).kind === "reset" || this.rules.rule(port.id, from).kind === "reset") {
      socket.resetAndDestroy(); // as a closed port answers: connection refused / reset
      return;
    }
    // Keep the caller's address as the source, so the node sees who is really connecting.
    const localAddress = from === CLIENTS ? undefined : socket.remoteAddress;
    const upstream = createConnection({ host: port.host, port: port.privatePort, localAddress, allowHalfOpen: true, noDelay: true });
    upstream.on("error", () => undefined);
    const connection = new Connection(
      socket,
      upstream,
      () => this.rules.rule(from, port.id),
      () => this.rules.rule(port.id, from),
      this.rng,
    );
    this.connections.add(connection);
    connection.closed.then(() => this.connections.delete(connection));
  }
}
/** One forwarded connection: two directions, each under its own link's rule. */
class Connection {
  private readonly up: Direction;
  private readonly down: Direction;
  readonly closed: Promise<void>;

  constructor(client: Socket, server: Socket, upRule: () => Rule, downRule: () => Rule, rng: Rng) {
    this.up = new Direction(client, server, upRule, rng);
    this.down = new Direction(server, client, downRule, rng);
    this.closed = Promise.all([closedPromise(client), closedPromise(server)]).then(() => undefined);
    // A socket that fails (the node was killed, the client went away) takes the other with it.
    for (const [a, b] of [
      [client, server],
      [server, client],
    ]) {
      a.once("error", () => b.destroy());
    }
  }

  update(): void {
    if (this.up.rule().kind === "reset" || this.down.rule().kind === "reset") {
      this.destroy(true);
      return;
    }
    this.up.pump();
    this.down.pump();
  }

  destroy(reset = false): void {
    for (const d of [this.up, this.down]) d.destroy(reset);
  }
}

interface Chunk {
  data: Buffer | null; // null: the sender closed its side
  releaseAt: number;
}

/** Bytes from `src` to `dst`, in order, held while dropped and late while delayed. */
class Direction {
  private readonly queue: Chunk[] = [];
  private queuedBytes = 0;
  private lastRelease = 0;
  private timer: NodeJS.Timeout | undefined;
  private waitingForDrain = false;

  constructor(
    private readonly src: Socket,
    private readonly dst: Socket,
    readonly rule: () => Rule,
    private readonly rng: Rng,
  ) {
    src.on("data", (data: Buffer) => this.push(data));
    src.on("end", () => this.push(null));
  }

  private push(data: Buffer | null): void {
    const rule = this.rule();
    if (rule.kind === "pass" && data !== null && this.queue.length === 0 && !this.waitingForDrain) {
      this.send(data); // the common case: nothing held back, nothing to wait for
      return;
    }
    let releaseAt = 0;
    if (rule.kind === "delay") {
      const jitter = (this.rng.next() * 2 - 1) * rule.jitterMs;
      // Never earlier than the chunk before: TCP delivers in order.
      releaseAt = Math.max(this.lastRelease, Date.now() + Math.max(0, rule.ms + jitter));
      this.lastRelease = releaseAt;
    }
    this.queue.push({ data, releaseAt });
    if (data) this.queuedBytes += data.length;
    if (this.queuedBytes > QUEUE_HIGH_WATER) this.src.pause();
    this.pump();
  }

  /** Delivers what the rule allows now; called on new data, on drain, on timers and on rule changes. */
  pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const rule = this.rule();
    if (rule.kind === "drop" || rule.kind === "reset") {
      this.src.pause();
      return;
    }
    while (this.queue.length > 0 && !this.waitingForDrain) {
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
    if (this.queuedBytes <= QUEUE_HIGH_WATER && !this.waitingForDrain && this.src.isPaused()) this.src.resume();
  }

  /** Writes to the destination, pausing the flow until it drains when its buffer is full. */
  private send(data: Buffer): void {
    if (this.dst.destroyed || this.dst.write(data)) return;
    this.waitingForDrain = true;
    this.dst.once("drain", () => {
      this.waitingForDrain = false;
      this.pump();
    });
  }

  destroy(reset: boolean): void {
    if (this.timer) clearTimeout(this.timer);
    for (const s of [this.src, this.dst]) {
      if (s.destroyed) continue;
      // RST needs an open handle; a socket still connecting is simply dropped.
      if (reset && !s.connecting) s.resetAndDestroy();
      else s.destroy();
    }
  }
}

function closedPromise(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));
}
