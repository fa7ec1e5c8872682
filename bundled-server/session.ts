// One client connection: reads requests, runs them one after another (a blocked command
// holds back the ones pipelined after it, as in Redis), and writes the replies in order.
// The commands that are about the connection itself live here: AUTH, HELLO, SELECT, QUIT,
// RESET, MULTI / EXEC / DISCARD / WATCH / UNWATCH, and the pub/sub family.
import type { Socket } from "node:net";
import type { ClientState } from "./client-state.js";
import { clientNameProblem, type CommandContext, type CommandShape, type CommandSpec, type KeyPositions, type ServerContext } from "./command.js";
import { cstr, errorf, string2ll } from "./commands/args.js";
import type { Config } from "./config.js";
import { toKey, type Keyspace } from "./keyspace.js";
import { checkPreconditions, type CheckedClient, type CheckedCommand, type CheckedServer } from "./preconditions.js";
import type { PubSub } from "./pubsub.js";
import { ReplyBuffer } from "./resp/encode.js";
import { ProtocolError, RequestParser } from "./resp/parser.js";
import { ERR, OK, array, bulk, error, int, map, nil, push, simple, type Reply } from "./resp/reply.js";
import type { ReplicaClient } from "./replication/replication.js";

/** What a session needs from the server it runs in (server.ts): the context its commands get, and more. */
export interface SessionHost extends ServerContext {
  readonly config: Config;
  /** The deliberate faults the preconditions heed. */
  readonly bugs: CheckedServer["bugs"];
  readonly keyspace: Keyspace;
  readonly pubsub: PubSub;
  /** Runs a command from the table in a context (with the server's bookkeeping: stats, propagation, WAIT's offset). */
  run(spec: CommandSpec, argv: Buffer[], ctx: CommandContext): ReturnType<CommandSpec["handler"]>;
  /** Runs a command, or EXEC's commands, propagating their writes together. */
  transaction<T>(run: () => T): T;
  /** A change, to the AOF and the replication stream. */
  propagate(db: number, argv: Buffer[]): void;
  signalKeyReady(db: number, key: string): void;
  /** Blocks on keys until `serve` answers, the timeout passes, or the connection is `closed`. */
  blockOn(db: number, keys: string[], timeoutMs: number, serve: (key: string, now: number) => Reply | undefined, closed: AbortSignal): Promise<Reply | null>;
  /** Has the session's replies written at the end of this event-loop iteration. */
  flushSoon(session: Session): void;
  /** The connection closed. */
  forget(session: Session): void;
}

type SessionHandler = (s: Session, argv: Buffer[]) => Reply | Promise<Reply> | undefined;

export class Session implements ClientState, ReplicaClient, CheckedClient {
  name: string | null = null;
  woff = 0;
  db = 0;
  resp: 2 | 3 = 2;
  authenticated: boolean;
  lastCommand = "NULL";
  readonly createdAt = Date.now();
  readonly addr: string;
  readonly laddr: string;
  private readonly parser: RequestParser;
  /** Replies not yet written: the server writes them at the end of the event-loop iteration. */
  private readonly replies = new ReplyBuffer();
  /**
   * A command is blocked (BLPOP, WAIT): the ones pipelined after it wait in the parser, and
   * REPLICAOF disconnects the client.
   */
  blocked = false;
  private closed = false;
  /** Aborted when the connection closes: a blocked command is dropped at once, as Redis unblocks a freed client. */
  private readonly closing = new AbortController();
  private multi: { queue: Buffer[][]; dirty: boolean } | null = null;
  private readonly watched = new Map<string, { db: number; key: string; version: number }>();
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  private lastInteraction = Date.now();

  /** Command names to commands, by this server's table (a Sentinel's is another). */
  private readonly resolve: Resolver;

  constructor(
    readonly id: number,
    private readonly socket: Socket,
    private readonly server: SessionHost,
  ) {
    this.addr = `${socket.remoteAddress}:${socket.remotePort}`;
    this.laddr = `${socket.localAddress}:${socket.localPort}`;
    this.authenticated = server.config.get("requirepass") === "";
    this.resolve = resolverFor(server.commands);
    this.parser = new RequestParser({
      maxBulkLen: server.config.int("proto-max-bulk-len"),
      maxQueryBuffer: server.config.int("client-query-buffer-limit"),
      authRequired: () => !this.authenticated,
    });
    socket.setNoDelay(true);
    socket.on("data", (chunk) => this.onData(chunk));
    socket.on("error", () => undefined);
    socket.on("close", () => this.onClose());
  }

  replication(): SessionHost["replication"] {
    return this.server.replication;
  }

  requirepass(): string {
    return this.server.config.get("requirepass") ?? "";
  }

  kind(): "normal" | "pubsub" | "replica" {
    if (this.server.replication.isReplicaClient(this)) return "replica";
    return this.channels.size + this.patterns.size > 0 ? "pubsub" : "normal";
  }

  get remoteIp(): string {
    return this.socket.remoteAddress ?? "";
  }

  /** Bytes that are not a reply (the replication stream), after the replies before them. */
  writeRaw(data: Buffer, written?: () => void): void {
    this.flush();
    if (this.socket.writable) this.socket.write(data, written && (() => written()));
  }

  kill(): void {
    this.socket.destroy();
  }

  listEntry(now: number): string {
    const flags = (this.kind() === "replica" ? "S" : "") + (this.multi ? "x" : "") + (this.kind() === "pubsub" ? "P" : "") || "N";
    return [
      `id=${this.id}`,
      `addr=${this.addr}`,
      `laddr=${this.laddr}`,
      `fd=${(this.socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1}`,
      `name=${this.name ?? ""}`,
      `age=${Math.floor((now - this.createdAt) / 1000)}`,
      `idle=${Math.floor((now - this.lastInteraction) / 1000)}`,
      `flags=${flags}`,
      `db=${this.db}`,
      `sub=${this.channels.size}`,
      `psub=${this.patterns.size}`,
      `ssub=0`,
      `multi=${this.multi ? this.multi.queue.length : -1}`,
      `qbuf=${this.parser.pending}`,
      `qbuf-free=0`,
      `argv-mem=0`,
      `multi-mem=0`,
      `rbs=0`,
      `rbp=0`,
      `obl=0`,
      `oll=0`,
      `omem=0`,
      `tot-mem=0`,
      `events=r`,
      `cmd=${this.lastCommand}`,
      `user=default`,
      `redir=-1`,
      `resp=${this.resp}`,
    ].join(" ");
  }

  /** Sends a pub/sub message (a push in RESP3). */
  deliver(items: Reply[]): void {
    this.write(push(items));
  }

  private onData(chunk: Buffer): void {
    this.lastInteraction = Date.now(); // per read, as Redis stamps it
    try {
      this.parser.push(chunk);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      // Over client-query-buffer-limit: Redis closes at once, without replying to this read.
      this.flush();
      this.closed = true;
      this.socket.destroy();
      return;
    }
    if (!this.blocked) this.runCommands();
  }

  /**
   * Runs the commands in the input one at a time, parsing each only after the previous one
   * ran, as Redis does (AUTH lifts the unauthenticated limits for the next command), until
   * the input is used up or a command blocks.
   */
  private runCommands(): void {
    for (let argv = this.nextCommand(); argv !== null; argv = this.nextCommand()) {
      const reply = this.dispatch(argv);
      if (reply instanceof Promise) {
        this.blocked = true;
        void reply.then((r) => this.unblock(r));
        return;
      }
      if (reply !== undefined) this.write(reply);
    }
  }

  private unblock(reply: Reply): void {
    this.blocked = false;
    this.write(reply);
    this.runCommands();
  }

  /** The next complete command, or null; bad input ends the connection after the earlier replies. */
  private nextCommand(): Buffer[] | null {
    if (this.closed) return null;
    try {
      return this.parser.next();
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.flush();
      if (err.reply) this.socket.end(err.reply);
      else this.socket.destroy();
      this.closed = true;
      return null;
    }
  }

  private onClose(): void {
    this.closed = true;
    this.closing.abort();
    this.unwatch();
    this.server.forget(this);
  }

  private write(reply: Reply): void {
    this.out()?.append(reply, this.resp);
  }

  /** The buffer for what is written next, its flush scheduled; undefined once the connection is closed. */
  private out(): ReplyBuffer | undefined {
    if (this.closed) return undefined;
    if (this.replies.empty) this.server.flushSoon(this);
    return this.replies;
  }

  /** Writes the pending replies to the socket (the server calls it once per event-loop iteration). */
  flush(): void {
    const bytes = this.replies.take();
    if (bytes && this.socket.writable) this.socket.write(bytes);
  }

  /** One command: its preconditions (preconditions.ts), then a session command or the command table. */
  private dispatch(argv: Buffer[]): Reply | Promise<Reply> | undefined {
    const command = this.resolve(argv[0]);
    this.lastCommand = command.name;
    const answer = checkPreconditions({ command, argv, client: this, server: this.server });
    if (answer !== undefined) return answer;
    if (command.session) return command.session.run(this, argv);
    return this.execute(command.spec!, argv);
  }

  private execute(spec: CommandSpec, argv: Buffer[], inTransaction = false): Reply | Promise<Reply> {
    const ctx = this.context(inTransaction);
    return this.server.run(spec, argv, ctx);
  }

  /** The context commands see; one object per session, refreshed for each command. */
  private context(inTransaction: boolean): CommandContext {
    const ctx = (inTransaction ? this.transactionContext : this.plainContext) ?? this.makeContext(inTransaction);
    ctx.db = this.server.keyspace.dbs[this.db];
    ctx.now = Date.now();
    return ctx;
  }

  private plainContext: CommandContext | undefined;
  private transactionContext: CommandContext | undefined;

  private makeContext(inTransaction: boolean): CommandContext {
    const server = this.server;
    const ctx: CommandContext = {
      keyspace: server.keyspace,
      db: server.keyspace.dbs[this.db],
      client: this,
      server,
      now: Date.now(),
      mayBlock: !inTransaction,
      propagate: (argv) => server.propagate(ctx.db.index, argv),
      signalKeyReady: (key) => server.signalKeyReady(ctx.db.index, key),
      blockOn: (keys, timeoutMs, serve) => server.blockOn(ctx.db.index, keys, timeoutMs, serve, this.closing.signal),
    };
    if (inTransaction) this.transactionContext = ctx;
    else this.plainContext = ctx;
    return ctx;
  }

  // ---- transactions ----

  get inTransaction(): boolean {
    return this.multi !== null;
  }

  queuedWrite(): boolean {
    return this.multi !== null && this.multi.queue.some((argv) => this.resolve(argv[0]).spec?.flags.includes("write"));
  }

  queue(argv: Buffer[]): void {
    this.multi!.queue.push(argv);
  }

  flagTransaction(): void {
    if (this.multi) this.multi.dirty = true;
  }

  discardTransaction(): void {
    this.multi = null;
    this.unwatch();
  }

  multiBegin(): Reply {
    if (this.multi) return error("ERR MULTI calls can not be nested");
    this.multi = { queue: [], dirty: false };
    return OK;
  }

  /**
   * Runs the queued commands, session ones (SELECT, HELLO, SUBSCRIBE...) included. As in Redis,
   * each reply is written as its command runs, in the protocol of the moment: after a HELLO 3
   * the rest are RESP3, and a SUBSCRIBE to two channels writes two replies for one element.
   */
  exec(): Reply | undefined {
    const multi = this.multi;
    if (!multi) return error("ERR EXEC without MULTI");
    this.multi = null;
    const changed = this.watchedChanged();
    this.unwatch();
    if (multi.dirty) return error(ERR.execAbort);
    if (changed) return nil("array");
    this.out()?.appendArrayHeader(multi.queue.length);
    this.server.transaction(() => {
      for (const argv of multi.queue) {
        const { session, spec } = this.resolve(argv[0]);
        const reply = session ? session.run(this, argv) : this.execute(spec!, argv, true);
        // Nothing blocks inside a transaction (mayBlock is false there), so no promise comes back.
        if (reply !== undefined) this.write(reply instanceof Promise ? error("ERR blocking command inside a transaction") : reply);
      }
    });
    return undefined;
  }

  discard(): Reply {
    if (!this.multi) return error("ERR DISCARD without MULTI");
    this.discardTransaction();
    return OK;
  }

  watch(keys: Buffer[]): Reply {
    if (this.multi) return error("ERR WATCH inside MULTI is not allowed");
    const db = this.server.keyspace.dbs[this.db];
    const now = Date.now();
    for (const k of keys) {
      const key = toKey(k);
      const id = `${this.db}:${key}`;
      if (!this.watched.has(id)) this.watched.set(id, { db: this.db, key, version: db.watch(key, now) });
    }
    return OK;
  }

  unwatch(): Reply {
    for (const w of this.watched.values()) this.server.keyspace.dbs[w.db].unwatch(w.key);
    this.watched.clear();
    return OK;
  }

  private watchedChanged(): boolean {
    const now = Date.now();
    for (const w of this.watched.values()) {
      if (this.server.keyspace.dbs[w.db].version(w.key, now) !== w.version) return true;
    }
    return false;
  }

  // ---- pub/sub ----

  subscribe(argv: Buffer[], patterns: boolean): undefined {
    const kind = patterns ? "psubscribe" : "subscribe";
    const set = patterns ? this.patterns : this.channels;
    for (const ch of argv.slice(1)) {
      set.add(toKey(ch));
      this.server.pubsub.add(this, toKey(ch), patterns);
      this.write(push([bulk(kind), bulk(ch), int(this.channels.size + this.patterns.size)]));
    }
    return undefined;
  }

  unsubscribe(argv: Buffer[], patterns: boolean): undefined {
    const kind = patterns ? "punsubscribe" : "unsubscribe";
    const set = patterns ? this.patterns : this.channels;
    const names = argv.length > 1 ? argv.slice(1).map(toKey) : [...set];
    if (names.length === 0) this.write(push([bulk(kind), nil("bulk"), int(this.channels.size + this.patterns.size)]));
    for (const name of names) {
      set.delete(name);
      this.server.pubsub.remove(this, name, patterns);
      this.write(push([bulk(kind), bulk(Buffer.from(name, "latin1")), int(this.channels.size + this.patterns.size)]));
    }
    return undefined;
  }

  // ---- connection ----

  close(reply?: Reply): undefined {
    if (reply) this.write(reply);
    this.flush(); // before the end, or the socket would refuse it
    this.socket.end();
    this.closed = true;
    this.closing.abort();
    return undefined;
  }

  reset(): Reply {
    this.multi = null;
    this.unwatch();
    // Unsubscribed without a reply for each, as Redis's RESET does.
    this.server.pubsub.removeAll(this);
    this.channels.clear();
    this.patterns.clear();
    this.db = 0;
    this.resp = 2;
    this.name = null;
    this.authenticated = this.requirepass() === "";
    return simple("RESET");
  }
}

/** AUTH [user] password: only the default user exists, as with requirepass in Redis 7. */
function auth(s: Session, argv: Buffer[]): Reply {
  const pass = s.requirepass();
  if (argv.length > 3) return error(ERR.syntax);
  const [user, given] = argv.length === 3 ? [argv[1].toString(), argv[2].toString()] : ["default", argv[1].toString()];
  if (pass === "") {
    return argv.length === 2
      ? error("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
      : user === "default"
        ? OK
        : error(ERR.wrongPass);
  }
  if (user !== "default" || given !== pass) return error(ERR.wrongPass);
  s.authenticated = true;
  return OK;
}

function hello(s: Session, argv: Buffer[]): Reply {
  let i = 1;
  if (argv.length > 1) {
    const ver = string2ll(argv[1]);
    if (ver === null) return error("ERR Protocol version is not an integer or out of range");
    if (ver < 2n || ver > 3n) return error("NOPROTO unsupported protocol version");
    i = 2;
    let newName: string | null | undefined;
    while (i < argv.length) {
      const opt = argv[i].toString().toLowerCase();
      if (opt === "auth" && i + 2 < argv.length) {
        const r = auth(s, [Buffer.from("auth"), argv[i + 1], argv[i + 2]]);
        if (r.t === "error") return r;
        i += 3;
      } else if (opt === "setname" && i + 1 < argv.length) {
        newName = argv[i + 1].toString();
        const problem = clientNameProblem(newName);
        if (problem) return error(problem);
        i += 2;
      } else {
        return errorf(`ERR Syntax error in HELLO option '${cstr(argv[i])}'`);
      }
    }
    if (!s.authenticated) return error("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time");
    s.resp = Number(ver) as 2 | 3;
    if (newName !== undefined) s.name = newName === "" ? null : newName;
  } else if (!s.authenticated) {
    return error(ERR.noAuth);
  }
  return map([
    [bulk("server"), bulk("redis")],
    [bulk("version"), bulk("7.0.15")],
    [bulk("proto"), int(s.resp)],
    [bulk("id"), int(s.id)],
    [bulk("mode"), bulk("standalone")],
    [bulk("role"), bulk("master")],
    [bulk("modules"), array([])],
  ]);
}

/** SELECT: the index as getIntFromObjectOrReply reads it (a C int), then the range of databases. */
function select(s: Session, argv: Buffer[]): Reply {
  const n = string2ll(argv[1]);
  if (n === null) return error(ERR.notInteger);
  if (n < -(2n ** 31n) || n >= 2n ** 31n) return error("ERR value is out of range, value must between -2147483648 and 2147483647");
  const index = Number(n);
  if (index < 0 || index >= 16) return error("ERR DB index is out of range");
  s.db = index;
  return OK;
}

interface SessionCommand {
  arity: number;
  /** Where its keys are (WATCH's); none when absent. */
  keys?: KeyPositions;
  noAuth?: boolean;
  /** Refused inside MULTI (the others are queued and run by EXEC, as in Redis). */
  noMulti?: boolean;
  run: SessionHandler;
}

/** PSYNC / SYNC: the connection becomes a replica's; what follows is the stream, not replies. */
function sync(s: Session, argv: Buffer[]): Reply | undefined {
  const problem = s.replication().sync(s, argv);
  return problem ? error(problem) : undefined;
}

/** REPLCONF: handshake options answer +OK; ACK and GETACK answer nothing. */
function replconf(s: Session, argv: Buffer[]): Reply | undefined {
  const reply = s.replication().replconf(s, argv);
  if (reply === null) return undefined;
  return reply.startsWith("-") ? error(reply.slice(1)) : simple(reply.slice(1));
}

const SESSION_COMMANDS = new Map<string, SessionCommand>(
  Object.entries({
    psync: { arity: -3, noMulti: true, run: sync },
    sync: { arity: 1, noMulti: true, run: sync },
    replconf: { arity: -1, run: replconf },
    auth: { arity: -2, noAuth: true, run: auth },
    hello: { arity: -1, noAuth: true, run: hello },
    select: { arity: 2, run: select },
    quit: { arity: -1, noAuth: true, run: (s) => s.close(OK) },
    reset: { arity: 1, noAuth: true, run: (s) => s.reset() },
    multi: { arity: 1, run: (s) => s.multiBegin() },
    exec: { arity: 1, run: (s) => s.exec() },
    discard: { arity: 1, run: (s) => s.discard() },
    watch: { arity: -2, keys: { firstKey: 1, lastKey: -1, step: 1 }, run: (s, argv) => s.watch(argv.slice(1)) },
    unwatch: { arity: 1, run: (s) => s.unwatch() },
    subscribe: { arity: -2, run: (s, argv) => s.subscribe(argv, false) },
    psubscribe: { arity: -2, run: (s, argv) => s.subscribe(argv, true) },
    unsubscribe: { arity: -1, run: (s, argv) => s.unsubscribe(argv, false) },
    punsubscribe: { arity: -1, run: (s, argv) => s.unsubscribe(argv, true) },
  } satisfies Record<string, SessionCommand>),
);

/** What a command name resolves to: a session command or a table entry. */
interface Resolved extends CheckedCommand {
  readonly session: SessionCommand | undefined;
}

/** Commands a RESP2 client may send while subscribed. */
const SUBSCRIBED_ALLOWED = new Set(["subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ping", "quit", "reset"]);
/** Commands that run at once inside MULTI instead of being queued. */
const NOT_QUEUED = new Set(["exec", "discard", "multi", "watch", "quit", "reset"]);
/** Redis's CMD_PROTECTED commands (MODULE is the other, not implemented). */
const PROTECTED = new Set(["debug"]);

function describeCommand(table: CommandTable, name: string): Resolved {
  const session = SESSION_COMMANDS.get(name);
  const spec = table.get(name);
  return {
    name,
    session,
    spec,
    arity: session?.arity ?? spec?.arity,
    noAuth: session?.noAuth ?? false,
    queued: !NOT_QUEUED.has(name),
    noMulti: session?.noMulti ?? spec?.flags.includes("no-multi") ?? false,
    allowedSubscribed: SUBSCRIBED_ALLOWED.has(name),
    protected: PROTECTED.has(name),
    // The connection's own commands run whatever the replication link's state.
    staleOk: session !== undefined || (spec?.flags.includes("stale") ?? false),
  };
}

type CommandTable = ReadonlyMap<string, CommandSpec>;
type Resolver = (raw: Buffer) => Resolved;

const RESOLVERS = new WeakMap<CommandTable, Resolver>();

/**
 * How a command name resolves against a table (a server's, or a Sentinel's): the known names
 * by length and first letter (either case), so that a name is found from its bytes without
 * making a string of it first.
 */
function resolverFor(table: CommandTable): Resolver {
  const cached = RESOLVERS.get(table);
  if (cached) return cached;
  const bucketOf = (length: number, first: number): number => length * 32 + (first & 31);
  const buckets: Array<Array<{ bytes: Buffer; command: Resolved }>> = [];
  let longestName = 0;
  for (const name of new Set([...table.keys(), ...SESSION_COMMANDS.keys()])) {
    const bytes = Buffer.from(name, "latin1");
    (buckets[bucketOf(bytes.length, bytes[0])] ??= []).push({ bytes, command: describeCommand(table, name) });
    longestName = Math.max(longestName, bytes.length);
  }
  const resolve = (raw: Buffer): Resolved => {
    const bucket = raw.length > 0 && raw.length <= longestName ? buckets[bucketOf(raw.length, raw[0])] : undefined;
    if (bucket !== undefined) {
      for (const { bytes, command } of bucket) if (sameName(raw, bytes)) return command;
    }
    return describeCommand(table, raw.toString("latin1").toLowerCase());
  };
  RESOLVERS.set(table, resolve);
  return resolve;
}

/** Whether `raw` equals the lower-case `name` (of the same length) but for the case of ASCII letters. */
function sameName(raw: Buffer, name: Buffer): boolean {
  for (let i = 0; i < name.length; i++) {
    const c = raw[i];
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== name[i]) return false;
  }
  return true;
}

/** Session commands as COMMAND reports them (COMMAND GETKEYS finds them here). */
export const SESSION_COMMAND_TABLE: ReadonlyMap<string, CommandShape> = new Map(
  [...SESSION_COMMANDS].map(([name, c]) => [name, { name, arity: c.arity, ...(c.keys ?? { firstKey: 0, lastKey: 0, step: 0 }) }]),
);
