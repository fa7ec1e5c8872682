// The replica side: one connection to this node's master (syncWithMaster in Redis). The
// handshake is PING, AUTH (with masterauth), REPLCONF listening-port / ip-address / capa,
// then PSYNC with the cached master's id and offset, or `? -1`; then the RDB (full sync)
// or the backlog (partial), then the stream, applied command by command. The link
// acknowledges its offset every second and on GETACK, and reconnects at once when lost.
import { createConnection, type Socket } from "node:net";
import type { Bugs } from "../bugs.js";
import { internalClient, type ClientState } from "../client-state.js";
import type { Config } from "../config.js";
import type { Keyspace } from "../keyspace.js";
import { encodeCommand } from "../resp/encode.js";
import { StreamError, StreamReader, type StreamCommand } from "./stream.js";

/** What the link needs from the server it feeds. */
export interface MasterLinkHost {
  readonly config: Config;
  readonly keyspace: Keyspace;
  readonly bugs: Bugs;
  /** The port this node listens on (REPLCONF listening-port when no announce port is set). */
  readonly port: number;
  /** Runs a write the master sent, as the master's client (never refused, never answered). */
  applyFromMaster(db: number, argv: Buffer[]): void;
  /** Replaces every database with an RDB payload; throws when the payload is bad. */
  loadRdb(payload: Buffer): void;
  log(line: string): void;
}

/** A replication id and the offset of the last byte of its stream that a dataset contains. */
export interface ReplicationHistory {
  replid: string;
  offset: number;
}

/** What the link reads and moves of this node's replication state (replication.ts). */
export interface LinkedReplication {
  readonly replid: string;
  /** master_repl_offset. */
  readonly offset: number;
  /** Where the next PSYNC continues from, while the link is down. */
  cachedMaster: ReplicationHistory | undefined;
  /** When the link to the master was last lost. */
  linkDownSince: number;
  /** After a full sync: the master's history, from its offset. */
  adoptHistory(replid: string, offset: number): void;
  /** +CONTINUE with another id: the master's history continues this node's under a new name. */
  renameHistory(replid: string): void;
  /** A partial resync continues this node's stream, which needs a backlog. */
  ensureBacklog(): void;
  /** Bytes of the master's stream, passed on to this node's own replicas. */
  feed(data: Buffer): void;
}

/** ROLE's and INFO's names for the states. */
export type LinkState = "connect" | "connecting" | "handshake" | "sync" | "connected";

class LinkClosed extends Error {}

/** How long to wait before trying again after a failed attempt (Redis's cron retries once a second). */
const RETRY_MS = 1000;

export class MasterLink {
  state: LinkState = "connect";
  private socket: Socket | undefined;
  private reader: StreamReader;
  private lastIo = Date.now();
  private attemptStarted = 0;
  private closed = false;
  private retry: NodeJS.Timeout | undefined;
  /** What the current handshake step waits for. */
  private waiting: { resolve: () => void; reject: (err: Error) => void } | undefined;
  /** The database the stream's writes go to (SELECT in the stream). */
  private db = 0;
  /** A MULTI from the master: nothing is applied, and the offset does not move, until its EXEC. */
  private transaction: StreamCommand[] | undefined;

  constructor(
    private readonly host: MasterLinkHost,
    readonly masterHost: string,
    readonly masterPort: number,
    private readonly replication: LinkedReplication,
  ) {
    this.reader = new StreamReader(host.config.int("proto-max-bulk-len"));
  }

  start(): void {
    void this.attempt();
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.drop(new LinkClosed("link closed"));
  }

  /** The link as CLIENT LIST and CLIENT KILL TYPE master see it, while it is up. */
  client(): ClientState | undefined {
    if (this.state !== "connected") return undefined;
    return internalClient(`${this.masterHost}:${this.masterPort}`, "master", () => this.fail(new Error("Connection with master killed (CLIENT KILL)")));
  }

  /** REPLCONF ACK <offset>: what this replica has applied. */
  sendAck(): void {
    if (this.state === "connected") this.socket?.write(encodeCommand(["REPLCONF", "ACK", String(this.replication.offset)]));
  }

  /** Once a second: the ACK, the master timeout, and a new attempt when the link is down. */
  tick(now: number): void {
    const timeoutMs = this.host.config.int("repl-timeout") * 1000;
    if (this.state === "connected") {
      this.sendAck();
      if (now - this.lastIo > timeoutMs) this.fail(new Error("MASTER timeout: no data nor PING received"));
    } else if (this.state !== "connect" && now - this.attemptStarted > timeoutMs) {
      this.fail(new Error("Timeout connecting to the MASTER"));
    }
  }

  info(now: number): Array<[string, string | number]> {
    const connected = this.state === "connected";
    const offset = connected ? this.replication.offset : (this.replication.cachedMaster?.offset ?? 1);
    const fields: Array<[string, string | number]> = [
      ["master_host", this.masterHost],
      ["master_port", this.masterPort],
      ["master_link_status", connected ? "up" : "down"],
      ["master_last_io_seconds_ago", connected ? Math.floor((now - this.lastIo) / 1000) : -1],
      ["master_sync_in_progress", this.state === "sync" ? 1 : 0],
      ["slave_read_repl_offset", offset],
      ["slave_repl_offset", offset],
    ];
    if (this.state === "sync") {
      fields.push(
        ["master_sync_total_bytes", -1],
        ["master_sync_read_bytes", this.reader.buffered],
        ["master_sync_left_bytes", -1],
        ["master_sync_perc", "0.00"],
        ["master_sync_last_io_seconds_ago", Math.floor((now - this.lastIo) / 1000)],
      );
    }
    if (!connected) {
      const since = this.replication.linkDownSince;
      fields.push(["master_link_down_since_seconds", since ? Math.floor((now - since) / 1000) : -1]);
    }
    return fields;
  }

  /** One attempt: connect, handshake, sync, then follow the stream until the link fails. */
  private async attempt(): Promise<void> {
    if (this.closed || this.state !== "connect") return;
    this.state = "connecting";
    this.attemptStarted = Date.now();
    this.reader = new StreamReader(this.host.config.int("proto-max-bulk-len"));
    try {
      await this.connect();
      this.state = "handshake";
      const ping = await this.ask(["PING"]);
      if (!ping.startsWith("+") && !/^-(NOAUTH|NOPERM|ERR operation not permitted)/.test(ping)) {
        throw new Error(`Error reply to PING from master: '${ping}'`);
      }
      const password = this.host.config.get("masterauth") ?? "";
      if (password) {
        const user = this.host.config.get("masteruser") ?? "";
        const reply = await this.ask(user ? ["AUTH", user, password] : ["AUTH", password]);
        if (reply.startsWith("-")) throw new Error(`Unable to AUTH to MASTER: ${reply}`);
      }
      // Errors to the REPLCONFs are not critical, as in Redis.
      const announcedPort = this.host.config.int("replica-announce-port") || this.host.port;
      await this.ask(["REPLCONF", "listening-port", String(announcedPort)]);
      const announcedIp = this.host.config.get("replica-announce-ip") ?? "";
      if (announcedIp) await this.ask(["REPLCONF", "ip-address", announcedIp]);
      await this.ask(["REPLCONF", "capa", "eof", "capa", "psync2"]);
      await this.psync();
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private connect(): Promise<void> {
    const source = this.host.config.get("bind-source-addr") || undefined;
    return new Promise((resolve, reject) => {
      const socket = createConnection({ host: this.masterHost, port: this.masterPort, localAddress: source, noDelay: true });
      this.socket = socket;
      socket.once("connect", () => {
        socket.off("error", reject);
        socket.on("error", (err) => this.fail(err));
        resolve();
      });
      socket.once("error", reject);
      socket.on("data", (chunk: Buffer) => this.onData(chunk));
      socket.on("close", () => this.fail(new Error("Connection with master lost")));
    });
  }

  /** Sends a command and waits for its one-line reply (blank keep-alive lines skipped). */
  private async ask(argv: string[]): Promise<string> {
    this.socket!.write(encodeCommand(argv));
    for (;;) {
      const line = this.reader.readLine();
      if (line === undefined) await this.more();
      else if (line !== "") return line;
    }
  }

  /** Resolves when more bytes have arrived; rejects when the link fails meanwhile. */
  private more(): Promise<void> {
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  private async psync(): Promise<void> {
    const cached = this.replication.cachedMaster;
    const reply = await this.ask(cached ? ["PSYNC", cached.replid, String(cached.offset + 1)] : ["PSYNC", "?", "-1"]);
    const full = /^\+FULLRESYNC ([0-9a-fA-F]{40}) (\d+)$/.exec(reply);
    const partial = /^\+CONTINUE(?: ([0-9a-fA-F]{40}))?$/.exec(reply);
    if (full) {
      this.state = "sync";
      await this.fullSync(full[1].toLowerCase(), Number(full[2]));
    } else if (partial) {
      if (partial[1]) this.replication.renameHistory(partial[1].toLowerCase());
      this.replication.ensureBacklog();
      this.host.log(`* Successful partial resynchronization with master.`);
    } else if (/^-(NOMASTERLINK|LOADING)/.test(reply)) {
      throw new Error(`Master is currently unable to PSYNC but should be in the future: ${reply}`);
    } else {
      // A master that does not know PSYNC: the old SYNC, which answers with the payload alone.
      this.socket!.write(encodeCommand(["SYNC"]));
      this.state = "sync";
      await this.fullSync("?", -1);
    }
    this.online();
  }

  private async fullSync(replid: string, offset: number): Promise<void> {
    let payload: Buffer | undefined;
    while ((payload = this.reader.readPayload()) === undefined) await this.more();
    this.host.log(`* MASTER <-> REPLICA sync: Flushing old data, loading ${payload.length} bytes`);
    this.host.loadRdb(payload);
    // SYNC (no PSYNC) gives no id: the history is this node's own, from offset 0.
    this.replication.adoptHistory(replid === "?" ? this.replication.replid : replid, Math.max(0, offset));
    this.replication.cachedMaster = undefined;
  }

  private online(): void {
    this.state = "connected";
    this.lastIo = Date.now();
    this.db = 0;
    this.transaction = undefined;
    this.host.log(`* MASTER <-> REPLICA sync: Finished with success`);
    this.sendAck();
    this.follow();
  }

  private onData(chunk: Buffer): void {
    this.lastIo = Date.now();
    this.reader.push(chunk);
    if (this.state === "connected") this.follow();
    else if (this.waiting) {
      const waiting = this.waiting;
      this.waiting = undefined;
      waiting.resolve();
    }
  }

  /** Applies every complete command that has arrived. */
  private follow(): void {
    try {
      let command: StreamCommand | undefined;
      while (this.state === "connected" && (command = this.reader.readCommand()) !== undefined) this.apply(command);
    } catch (err) {
      this.fail(err instanceof StreamError ? new Error(`Protocol error from master: ${err.message}`) : (err as Error));
    }
  }

  private apply(command: StreamCommand): void {
    const name = command.argv[0]?.toString("latin1").toLowerCase() ?? "";
    if (this.transaction) {
      this.transaction.push(command);
      if (name !== "exec") return;
      const commands = this.transaction;
      this.transaction = undefined;
      for (const c of commands) this.execute(c);
      return;
    }
    if (name === "multi") {
      this.transaction = [command];
      return;
    }
    this.execute(command);
  }

  /** One command: applied, then its bytes count in the offset and go on to this node's replicas. */
  private execute(command: StreamCommand): void {
    const argv = command.argv;
    const name = argv[0]?.toString("latin1").toLowerCase() ?? "";
    if (name === "select") this.db = Number(argv[1]?.toString("latin1") ?? 0) || 0;
    else if (name === "replconf" && argv[1]?.toString("latin1").toLowerCase() === "getack") this.sendAck(); // the offset before the GETACK, as Redis
    else if (name !== "ping" && name !== "multi" && name !== "exec") {
      const db = this.db;
      this.host.bugs.applyFromStream(() => this.host.applyFromMaster(db, argv));
    }
    this.replication.feed(command.raw);
  }

  /** The link is lost: remember where to continue, and try again. */
  private fail(err: Error): void {
    if (this.state === "connect") return;
    const wasConnected = this.state === "connected";
    this.drop(err);
    if (wasConnected) {
      this.replication.cachedMaster = { replid: this.replication.replid, offset: this.replication.offset };
      this.replication.linkDownSince = Date.now();
    }
    if (!(err instanceof LinkClosed)) this.host.log(`# ${err.message}`);
    if (this.closed) return;
    // At once after a lost link (replicationHandleMasterDisconnection), then once a second.
    this.retry = setTimeout(() => void this.attempt(), wasConnected ? 0 : RETRY_MS);
  }

  private drop(err: Error): void {
    this.state = "connect";
    this.transaction = undefined;
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(err);
  }
}
