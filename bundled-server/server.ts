// The bundled server: one process, one keyspace, a listener, the command table, the AOF,
// pub/sub, blocked clients and active expiry. Sessions (session.ts) run the commands.
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { Aof, readAof } from "./aof.js";
import { Bugs, restore } from "./bugs.js";
import { keysOf, type ClientState, type CommandContext, type CommandSpec, type ServerContext } from "./command.js";
import { COMMAND_TABLE } from "./commands/index.js";
import type { Config } from "./config.js";
import { Keyspace, fromKey, toKey } from "./keyspace.js";
import { PubSub } from "./pubsub.js";
import { Session } from "./session.js";

export class RedisServer implements ServerContext {
  readonly keyspace: Keyspace;
  readonly commands: ReadonlyMap<string, CommandSpec> = COMMAND_TABLE;
  readonly pubsub = new PubSub();
  readonly startedAt = Date.now();
  private readonly sessions = new Set<Session>();
  private readonly bugs: Bugs;
  private readonly blocked = new Map<string, Set<() => void>>();
  private listener: Server | undefined;
  private aof: Aof | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private nextClientId = 1;
  /** Sessions with replies to write at the end of this event-loop iteration. */
  private readonly unflushed = new Set<Session>();
  /** Writes of the running transaction, propagated together as MULTI ... EXEC. */
  private transactionWrites: Array<[number, Buffer[]]> | undefined;
  readonly stats = { connections: 0, commands: 0, expired: 0, dirty: 0 };

  constructor(readonly config: Config) {
    this.bugs = new Bugs(config.get("bug") ?? "");
    this.keyspace = new Keyspace((db, key) => {
      this.stats.expired++;
      this.propagate(db, [Buffer.from("DEL"), fromKey(key)]);
    });
  }

  /** Loads the AOF (when on), starts listening and the background expiry. */
  async start(): Promise<void> {
    if (this.config.yes("appendonly")) {
      const file = join(this.config.get("dir") ?? ".", this.config.get("appendfilename") ?? "appendonly.aof");
      this.replay(readAof(file));
      this.aof = new Aof(file, (this.config.get("appendfsync") ?? "everysec") as "always" | "everysec" | "no");
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
    this.expiryTimer = setInterval(() => this.keyspace.activeExpire(Date.now()), 1000 / this.config.int("hz"));
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
    if (this.transactionWrites || !this.aof) return this.runWithBugs(spec, argv, ctx);
    return this.transaction(() => this.runWithBugs(spec, argv, ctx), 2);
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

  /** A change, to the AOF (and later the replication stream). */
  propagate(db: number, argv: Buffer[]): void {
    this.stats.dirty++;
    if (this.transactionWrites) this.transactionWrites.push([db, argv]);
    else this.aof?.append(db, argv);
  }

  /** Runs EXEC's commands; their writes (when at least `wrapFrom`) are propagated as one MULTI ... EXEC. */
  transaction<T>(run: () => T, wrapFrom = 1): T {
    this.transactionWrites = [];
    try {
      return run();
    } finally {
      const writes = this.transactionWrites;
      this.transactionWrites = undefined;
      const wrap = writes.length >= wrapFrom;
      if (this.aof && writes.length > 0) {
        if (wrap) this.aof.append(writes[0][0], [Buffer.from("MULTI")]);
        for (const [db, argv] of writes) this.aof.append(db, argv);
        if (wrap) this.aof.append(writes[writes.length - 1][0], [Buffer.from("EXEC")]);
      }
    }
  }

  signalKeyReady(db: number, key: string): void {
    const waiters = this.blocked.get(`${db}:${key}`);
    if (!waiters) return;
    // Wake them one at a time in arrival order; each retries and may find the list empty again.
    for (const wake of [...waiters]) wake();
  }

  waitForKeys(db: number, keys: string[], timeoutMs: number, gone: () => boolean): Promise<boolean> {
    return new Promise((resolve) => {
      const ids = keys.map((k) => `${db}:${k}`);
      let timer: NodeJS.Timeout | undefined;
      const done = (signalled: boolean) => {
        if (timer) clearTimeout(timer);
        for (const id of ids) {
          this.blocked.get(id)?.delete(wake);
          if (this.blocked.get(id)?.size === 0) this.blocked.delete(id);
        }
        resolve(signalled && !gone());
      };
      const wake = () => done(true);
      for (const id of ids) {
        if (!this.blocked.has(id)) this.blocked.set(id, new Set());
        this.blocked.get(id)!.add(wake);
      }
      if (timeoutMs > 0) timer = setTimeout(() => done(false), timeoutMs);
    });
  }

  publish(channel: string, message: Buffer): number {
    return this.pubsub.publish(channel, message);
  }

  clients(): ClientState[] {
    return [...this.sessions];
  }

  forget(session: Session): void {
    this.sessions.delete(session);
    this.pubsub.removeAll(session);
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
          ["redis_mode", "standalone"],
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
      ["Clients", [["connected_clients", this.sessions.size], ["blocked_clients", this.blocked.size], ["pubsub_clients", this.pubsub.subscribers]]],
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
        ],
      ],
      ["Replication", [["role", "master"], ["connected_slaves", 0], ["master_repl_offset", 0]]],
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
      const ctx: CommandContext = {
        keyspace: this.keyspace,
        db: this.keyspace.dbs[db],
        client: REPLAY_CLIENT,
        server: this,
        now: Date.now(),
        mayBlock: false,
        propagate: () => undefined,
        signalKeyReady: () => undefined,
        waitForKeys: () => Promise.resolve(false),
      };
      void spec.handler(ctx, argv);
    }
  }
}

const REPLAY_CLIENT: ClientState = {
  id: 0,
  name: null,
  db: 0,
  resp: 2,
  authenticated: true,
  addr: "aof",
  laddr: "aof",
  createdAt: 0,
  lastCommand: "",
  listEntry: () => "",
  kill: () => undefined,
  kind: () => "normal",
};
