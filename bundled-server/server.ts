// The bundled server: one process, one keyspace, a listener, the command table, the AOF,
// pub/sub, blocked clients and active expiry. Sessions (session.ts) run the commands, after
// their preconditions (preconditions.ts).
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { Aof, readAof } from "./aof.js";
import { Bugs, restore } from "./bugs.js";
import { internalClient, type ClientState } from "./client-state.js";
import { keysOf, type CommandContext, type CommandSpec, type ServerContext } from "./command.js";
import { COMMAND_TABLE } from "./commands/index.js";
import type { Config } from "./config.js";
import { Keyspace, fromKey, toKey } from "./keyspace.js";
import { error, type Reply } from "./resp/reply.js";
import { PubSub } from "./pubsub.js";
import { decodeRdb } from "./replication/rdb.js";
import type { ReplicationHistory } from "./replication/master-link.js";
import { Replication, type ReplicationHost } from "./replication/replication.js";
import { SENTINEL_COMMANDS } from "./sentinel/commands.js";
import { Sentinel } from "./sentinel/sentinel.js";
import { parseSentinelDirectives } from "./sentinel/settings.js";
import { Session, type SessionHost } from "./session.js";

/** Where a change goes besides the keyspace: the AOF, the replication stream. */
interface ChangeLog {
  append(db: number, argv: Buffer[]): void;
}

export class RedisServer implements ServerContext, ReplicationHost, SessionHost {
  readonly keyspace: Keyspace;
  readonly commands: ReadonlyMap<string, CommandSpec>;
  /** Set when the server runs as a Sentinel (`--sentinel`, or `sentinel` lines in its config). */
  readonly sentinel: Sentinel | undefined;
  readonly pubsub = new PubSub();
  readonly startedAt = Date.now();
  private readonly sessions = new Set<Session>();
  readonly bugs: Bugs;
  readonly replication: Replication;
  /** The clients blocked on each key ("db:key"), in the order they blocked: each is offered the key when it becomes ready. */
  private readonly blocked = new Map<string, Set<(key: string, now: number) => void>>();
  /** Keys with blocked clients signalled ready since the last serveBlocked, first signal first (Redis's ready_keys). */
  private readonly readyKeys = new Set<string>();
  private listener: Server | undefined;
  private aof: Aof | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private nextClientId = 1;
  /** Sessions with replies to write at the end of this event-loop iteration. */
  private readonly unflushed = new Set<Session>();
  /** Writes of the running transaction, propagated together as MULTI ... EXEC. */
  private transactionWrites: Array<[number, Buffer[]]> | undefined;
  readonly stats = { connections: 0, commands: 0, expired: 0, dirty: 0 };
  activeExpireEnabled = true;

  constructor(
    readonly config: Config,
    /** Where the server's log lines go (main.ts: the logfile or stdout); nowhere by default. */
    readonly log: (line: string) => void = () => undefined,
  ) {
    this.bugs = new Bugs(config.get("bug") ?? "");
    this.keyspace = new Keyspace((db, key) => {
      this.stats.expired++;
      this.propagate(db, [Buffer.from("DEL"), fromKey(key)]);
    });
    this.replication = new Replication(this);
    this.commands = config.sentinelMode ? SENTINEL_TABLE : COMMAND_TABLE;
    this.sentinel = config.sentinelMode ? new Sentinel(this, parseSentinelDirectives(config.sentinelDirectives, config.get("bind-source-addr") || undefined)) : undefined;
  }

  /** A Sentinel's state goes back into its config file, replacing the `sentinel` lines there. */
  saveState(lines: string[]): void {
    const file = this.config.file;
    if (!file) return;
    const kept = readFileSync(file, "utf8")
      .split("\n")
      .filter((l) => l.trim() !== "" && !/^\s*sentinel\s/i.test(l));
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, [...kept, ...lines].join("\n") + "\n");
    renameSync(temp, file);
  }

  /** The AOF, and the replication stream while this node is a master (a replica passes its master's stream on as it came). */
  private changeLogs(): ChangeLog[] {
    const logs: ChangeLog[] = [];
    if (this.aof) logs.push(this.aof);
    if (this.replication.isMaster) logs.push(this.replication);
    return logs;
  }

  /** Loads the AOF (when on), starts listening and the background expiry. */
  async start(): Promise<void> {
    // As redis-server: the AOF when it is on, otherwise the RDB file if there is one.
    let history: ReplicationHistory | undefined;
    if (this.config.yes("appendonly")) {
      const file = join(this.config.get("dir") ?? ".", this.config.get("appendfilename") ?? "appendonly.aof");
      this.replay(readAof(file));
      this.aof = new Aof(file, (this.config.get("appendfsync") ?? "everysec") as "always" | "everysec" | "no");
    } else if (existsSync(this.dumpFile())) {
      history = this.load(readFileSync(this.dumpFile()));
    }
    const listener = createServer({ noDelay: true }, (socket) => {
      this.stats.connections++;
      this.sessions.add(new Session(this.nextClientId++, socket, this));
    });
    await new Promise<void>((resolve, reject) => {
      listener.once("error", reject);
      listener.listen(this.config.int("port"), this.config.get("bind"), () => resolve());
    });
    this.listener = listener;
    // Replicas wait for their master's DELs instead of expiring keys themselves, as in Redis.
    this.expiryTimer = setInterval(() => this.activeExpireEnabled && this.replication.isMaster && this.keyspace.activeExpire(Date.now()), 1000 / this.config.int("hz"));
    this.sentinel?.start();
    const master = this.config.get("replicaof");
    if (master && !this.sentinel) {
      const [host, port] = master.split(" ");
      this.replication.replicaOf(host, Number(port), history ?? null);
    }
  }

  /**
   * Has a session's replies written once every socket ready in this event-loop iteration has
   * been read and its commands run, as Redis writes in beforeSleep: one write per connection
   * per iteration, and on loopback a client woken by the first write is still busy reading
   * when the next ones come, instead of sleeping and being woken again for each.
   */
  flushSoon(session: Session): void {
    if (this.unflushed.size === 0) setImmediate(this.flushAll);
    this.unflushed.add(session);
  }

  private readonly flushAll = (): void => {
    for (const session of this.unflushed) session.flush();
    this.unflushed.clear();
  };

  get port(): number {
    const address = this.listener?.address();
    return typeof address === "object" && address ? address.port : 0;
  }

  /**
   * Runs a command from the table. A command that propagates several writes (SPOP with a count)
   * is persisted as one MULTI ... EXEC, as Redis does.
   */
  run(spec: CommandSpec, argv: Buffer[], ctx: CommandContext): ReturnType<CommandSpec["handler"]> {
    this.stats.commands++;
    const offset = this.replication.offset;
    const reply = this.transactionWrites ? this.runWithBugs(spec, argv, ctx) : this.transaction(() => this.runWithBugs(spec, argv, ctx));
    // WAIT waits for the stream up to the client's last write (c->woff in Redis).
    if (this.replication.offset !== offset) ctx.client.woff = this.replication.offset;
    return reply;
  }

  /** Through the bug switches when any is on. */
  private runWithBugs(spec: CommandSpec, argv: Buffer[], ctx: CommandContext): ReturnType<CommandSpec["handler"]> {
    if (!this.bugs.any || spec.flags.includes("blocking")) return spec.handler(ctx, argv);
    const keys = keysOf(spec, argv).map(toKey);
    if (!spec.flags.includes("write")) return this.bugs.read(ctx.db, keys, ctx.now, () => spec.handler(ctx, argv));
    const lose = this.bugs.loseWrite();
    const before = this.bugs.beforeWrite(ctx.db, keys, ctx.now);
    if (!lose) return spec.handler(ctx, argv);
    const reply = spec.handler({ ...ctx, propagate: () => undefined }, argv);
    restore(ctx.db, before);
    return reply;
  }

  /** A change, to the AOF and the replication stream. */
  propagate(db: number, argv: Buffer[]): void {
    this.stats.dirty++;
    if (this.transactionWrites) this.transactionWrites.push([db, argv]);
    else for (const log of this.changeLogs()) log.append(db, argv);
  }

  /**
   * Runs a command, or EXEC's commands. Their writes are propagated as one MULTI ... EXEC when
   * there are several (Redis 7.0 does not wrap a transaction with one write), with the
   * database of the first write before MULTI and that of the last before EXEC, as Redis picks
   * them. Then the clients blocked on keys made ready are served.
   */
  transaction<T>(run: () => T): T {
    this.transactionWrites = [];
    try {
      return run();
    } finally {
      const writes = this.transactionWrites;
      this.transactionWrites = undefined;
      const wrap = writes.length > 1;
      for (const log of writes.length > 0 ? this.changeLogs() : []) {
        if (wrap) log.append(writes[0][0], [Buffer.from("MULTI")]);
        for (const [db, argv] of writes) log.append(db, argv);
        if (wrap) log.append(writes[writes.length - 1][0], [Buffer.from("EXEC")]);
      }
      this.serveBlocked();
    }
  }

  signalKeyReady(db: number, key: string): void {
    const id = `${db}:${key}`;
    if (this.blocked.has(id)) this.readyKeys.add(id);
  }

  /**
   * handleClientsBlockedOnKeys: each ready key, first signalled first, is offered to the
   * clients blocked on it in the order they blocked, before anything else runs (so a pop
   * pipelined after the push finds the list already served).
   */
  private serveBlocked(): void {
    // A Set iterates over what is added during the loop too.
    for (const id of this.readyKeys) {
      this.readyKeys.delete(id);
      const key = id.slice(id.indexOf(":") + 1);
      const now = Date.now();
      for (const offer of [...(this.blocked.get(id) ?? [])]) offer(key, now);
    }
  }

  blockOn(db: number, keys: string[], timeoutMs: number, serve: (key: string, now: number) => Reply | undefined, closed: AbortSignal): Promise<Reply | null> {
    return new Promise((resolve) => {
      const ids = keys.map((k) => `${db}:${k}`);
      let timer: NodeJS.Timeout | undefined;
      const done = (reply: Reply | null) => {
        if (timer) clearTimeout(timer);
        closed.removeEventListener("abort", dropped);
        for (const id of ids) {
          this.blocked.get(id)?.delete(offer);
          if (this.blocked.get(id)?.size === 0) this.blocked.delete(id);
        }
        resolve(reply);
      };
      const offer = (key: string, now: number) => {
        const reply = serve(key, now);
        if (reply !== undefined) done(reply);
      };
      // A client that disconnects is unblocked at once (Redis's freeClient does), never served.
      const dropped = () => done(null);
      if (closed.aborted) return dropped();
      closed.addEventListener("abort", dropped);
      for (const id of ids) {
        if (!this.blocked.has(id)) this.blocked.set(id, new Set());
        this.blocked.get(id)!.add(offer);
      }
      if (timeoutMs > 0) timer = setTimeout(() => done(null), timeoutMs);
    });
  }

  /** How many clients are blocked on keys (for tests: a client that disconnected is not). */
  get blockedOnKeys(): number {
    return new Set([...this.blocked.values()].flatMap((offers) => [...offers])).size;
  }

  publish(channel: string, message: Buffer): number {
    return this.pubsub.publish(channel, message);
  }

  clients(): ClientState[] {
    const master = this.replication.link?.client();
    return master ? [...this.sessions, master] : [...this.sessions];
  }

  forget(session: Session): void {
    this.sessions.delete(session);
    this.pubsub.removeAll(session);
    this.replication.forget(session);
  }

  unblockAll(message: string): void {
    for (const s of this.sessions) if (s.blocked) s.close(error(message));
  }

  applyFromMaster(db: number, argv: Buffer[]): void {
    const spec = this.commands.get(argv[0].toString("latin1").toLowerCase());
    if (spec) void this.run(spec, argv, this.internalContext(db, MASTER_CLIENT));
  }

  /** A full sync's payload: the new dataset, also kept on disk as Redis keeps it (dbfilename), with the history it continues. */
  loadRdb(payload: Buffer): void {
    this.load(payload);
    const temp = `${this.dumpFile()}.${process.pid}.tmp`;
    writeFileSync(temp, payload);
    renameSync(temp, this.dumpFile());
  }

  private dumpFile(): string {
    return join(this.config.get("dir") ?? ".", this.config.get("dbfilename") ?? "dump.rdb");
  }

  /** Replaces the dataset with an RDB's; returns the replication history the RDB records, if any. */
  private load(payload: Buffer): ReplicationHistory | undefined {
    const { entries, aux } = decodeRdb(payload);
    this.keyspace.flushAll();
    for (const e of entries) this.keyspace.dbs[e.db]?.set(e.key, e.value, { expireAt: e.expireAt });
    const replid = aux.get("repl-id");
    const offset = Number(aux.get("repl-offset"));
    return replid && /^[0-9a-f]{40}$/.test(replid) && Number.isInteger(offset) ? { replid, offset } : undefined;
  }

  info(now: number): Array<[string, Array<[string, string | number]>]> {
    const uptime = Math.floor((now - this.startedAt) / 1000);
    const memory = process.memoryUsage();
    const keyspace = this.keyspace.dbs
      .filter((db) => db.size > 0)
      .map((db): [string, string] => [`db${db.index}`, `keys=${db.size},expires=${db.expiringCount},avg_ttl=0`]);
    return [
      [
        "Server",
        [
          ["redis_version", "7.0.15"],
          ["redis_mode", this.sentinel ? "sentinel" : "standalone"],
          ["os", `${process.platform} ${process.arch}`],
          ["arch_bits", 64],
          ["process_id", process.pid],
          ["run_id", this.runId],
          ["tcp_port", this.port],
          ["server_time_usec", now * 1000],
          ["uptime_in_seconds", uptime],
          ["uptime_in_days", Math.floor(uptime / 86400)],
          ["hz", this.config.int("hz")],
          ["executable", process.argv[1] ?? ""],
          ["redline_bundled", 1],
        ],
      ],
      ["Clients", [["connected_clients", this.sessions.size], ["blocked_clients", [...this.sessions].filter((s) => s.blocked).length], ["pubsub_clients", this.pubsub.subscribers]]],
      ["Memory", [["used_memory", memory.heapUsed], ["used_memory_rss", memory.rss], ["maxmemory", 0], ["maxmemory_policy", "noeviction"]]],
      [
        "Persistence",
        [
          ["loading", 0],
          ["rdb_changes_since_last_save", this.stats.dirty],
          ["aof_enabled", this.aof ? 1 : 0],
          ["aof_rewrite_in_progress", 0],
        ],
      ],
      [
        "Stats",
        [
          ["total_connections_received", this.stats.connections],
          ["total_commands_processed", this.stats.commands],
          ["expired_keys", this.stats.expired],
          ["sync_full", this.replication.stats.syncFull],
          ["sync_partial_ok", this.replication.stats.syncPartialOk],
          ["sync_partial_err", this.replication.stats.syncPartialErr],
        ],
      ],
      ["Replication", this.replication.info(now)],
      ["Keyspace", keyspace],
    ];
  }

  readonly runId = Array.from({ length: 40 }, () => "0123456789abcdef"[Math.floor(Math.random() * 16)]).join("");

  shutdown(): void {
    this.close();
    process.exit(0);
  }

  close(): void {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.sentinel?.stop();
    this.replication.close();
    this.aof?.close();
    this.aof = undefined;
    for (const s of this.sessions) s.kill();
    this.listener?.close();
  }

  /** Replays commands (the AOF) straight into the keyspace, without propagating them again. */
  private replay(commands: Buffer[][]): void {
    let db = 0;
    for (const argv of commands) {
      const name = argv[0].toString().toLowerCase();
      if (name === "select") db = Number(argv[1].toString());
      if (name === "select" || name === "multi" || name === "exec") continue;
      const spec = this.commands.get(name);
      if (!spec) continue;
      void spec.handler({ ...this.internalContext(db, REPLAY_CLIENT), propagate: () => undefined }, argv);
    }
  }

  /** The context of a command that no connection sent: the AOF's, the master's. */
  private internalContext(db: number, client: ClientState): CommandContext {
    const ctx: CommandContext = {
      keyspace: this.keyspace,
      db: this.keyspace.dbs[db],
      client,
      server: this,
      now: Date.now(),
      mayBlock: false,
      propagate: (argv) => this.propagate(db, argv),
      signalKeyReady: (key) => this.signalKeyReady(db, key),
      blockOn: () => Promise.resolve(null), // not called: mayBlock is false
    };
    return ctx;
  }
}

const REPLAY_CLIENT = internalClient("aof", "normal", () => undefined);
/** The client that applies what the master sends: never refused, never answered. */
const MASTER_CLIENT = internalClient("master", "master", () => undefined);

/** What a Sentinel answers: its own commands, and the server commands Redis keeps in Sentinel mode. */
const SENTINEL_TABLE: ReadonlyMap<string, CommandSpec> = new Map([
  ...["ping", "client", "command", "shutdown", "time"].map((name): [string, CommandSpec] => [name, COMMAND_TABLE.get(name)!]),
  ...SENTINEL_COMMANDS.map((c): [string, CommandSpec] => [c.name, c]),
]);
