// What a command is to the server: its table entry (name, arity, flags, key positions, as
// COMMAND reports them) and its handler, a function of the connection's context and argv.
import type { ClientState } from "./client-state.js";
import { cstr, lowerAscii, upperAscii } from "./commands/args.js";
import type { ServerConfig } from "./config.js";
import type { Database, Keyspace } from "./keyspace.js";
import type { Replication } from "./replication/replication.js";
import type { Sentinel } from "./sentinel/sentinel.js";
import { ERR, error, type Reply } from "./resp/reply.js";

export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "fast"
  /** Allowed before AUTH (AUTH, HELLO, QUIT). */
  | "no-auth"
  /** Not allowed inside MULTI (WATCH, MULTI itself, blocking commands run non-blocking there). */
  | "no-multi";

/** What the server offers to commands besides the keyspace. */
export interface ServerContext {
  config: ServerConfig;
  readonly startedAt: number;
  readonly commands: ReadonlyMap<string, CommandSpec>;
  clients(): ClientState[];
  /** INFO's fields by section, in Redis's order. */
  info(now: number): Array<[section: string, fields: Array<[string, string | number]>]>;
  /** Stops the server (SHUTDOWN): flushes the AOF, closes every connection, exits. */
  shutdown(): void;
  readonly replication: Replication;
  readonly sentinel: Sentinel | undefined;
  /** PUBLISH: returns how many subscribers received the message. */
  publish(channel: string, message: Buffer): number;
  /** Whether the background expiry cycle runs (DEBUG SET-ACTIVE-EXPIRE). */
  activeExpireEnabled: boolean;
}

export interface CommandContext {
  keyspace: Keyspace;
  db: Database;
  client: ClientState;
  server: ServerContext;
  /** Milliseconds since the epoch, fixed for the command (Redis caches the time per command too). */
  now: number;
  /** Appends this command's effect to the persistence / replication stream (argv as it should be replayed). */
  propagate(argv: Buffer[]): void;
  /** Tells clients blocked on a key (BLPOP) that it may now have data. */
  signalKeyReady(key: string): void;
  /** False where a command must not block (inside EXEC, replaying the AOF): BLPOP then answers at once. */
  mayBlock?: boolean;
  /**
   * Blocks the client on keys. After each command (after EXEC for a transaction), each key
   * it made ready is offered to `serve` with the time then; the reply `serve` returns, if
   * any, unblocks the client. Resolves with that reply, or null once the timeout (ms, 0:
   * none) passes.
   */
  blockOn(keys: string[], timeoutMs: number, serve: (key: string, now: number) => Reply | undefined): Promise<Reply | null>;
}

export type Handler = (ctx: CommandContext, argv: Buffer[]) => Reply | Promise<Reply>;

export interface CommandSpec {
  /** Lower case. */
  name: string;
  /** Redis's convention: N means exactly N arguments including the name, -N at least N. */
  arity: number;
  flags: readonly CommandFlag[];
  /** Key positions in argv, as COMMAND reports them (0 when the command takes no key). */
  firstKey: number;
  lastKey: number;
  step: number;
  handler: Handler;
  /** A container's subcommands (CONFIG GET...), lower case, with their arities: Redis 7.0 checks both before running it. */
  subcommands?: ReadonlyMap<string, number>;
}

/** Where a command's keys are in its argv, as COMMAND reports them (first 0: no key). */
export type KeyPositions = Pick<CommandSpec, "firstKey" | "lastKey" | "step">;

/** A command as COMMAND reports it: name, arity, key positions, and a container's subcommands. */
export type CommandShape = Pick<CommandSpec, "name" | "arity" | "firstKey" | "lastKey" | "step" | "subcommands">;

/** A table entry for a command that takes no key. */
export function keylessSpec(name: string, arity: number, flags: CommandSpec["flags"], handler: CommandSpec["handler"]): CommandSpec {
  return { name, arity, flags, firstKey: 0, lastKey: 0, step: 0, handler };
}

/**
 * Why a container command's call is refused before it runs: an unknown subcommand, or the wrong
 * number of arguments for it (commandCheckExistence's text, its client bytes printed by %.128s).
 */
export function subcommandRefusal(spec: CommandSpec, argv: Buffer[]): Reply | undefined {
  if (!spec.subcommands || argv.length < 2) return undefined;
  const sub = lowerAscii(argv[1].toString("latin1"));
  const arity = spec.subcommands.get(sub);
  if (arity === undefined) return error(`ERR unknown subcommand '${cstr(argv[1]).slice(0, 128)}'. Try ${upperAscii(cstr(argv[0]))} HELP.`);
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return error(ERR.arity(`${spec.name}|${sub}`));
  return undefined;
}

/** A client name as CLIENT SETNAME and HELLO SETNAME accept it: the error text, or undefined. */
export function clientNameProblem(name: string): string | undefined {
  return /[^!-~]/.test(name) ? "ERR Client names cannot contain spaces, newlines or special characters." : undefined;
}

/** Keys of a call, from the spec's key positions (for WATCH invalidation and COMMAND GETKEYS). */
export function keysOf(spec: KeyPositions, argv: Buffer[]): Buffer[] {
  if (spec.firstKey === 0) return [];
  const last = spec.lastKey < 0 ? argv.length + spec.lastKey : spec.lastKey;
  const keys: Buffer[] = [];
  for (let i = spec.firstKey; i <= last && i < argv.length; i += spec.step) keys.push(argv[i]);
  return keys;
}
