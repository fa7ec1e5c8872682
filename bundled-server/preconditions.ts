// What happens to a command before it runs, in the order of Redis 7.0's processCommand: each
// precondition refuses the command (through rejectCommand), answers for it (QUEUED inside
// MULTI), or lets it through to the next. Session.dispatch runs the list; the first answer is
// the command's reply. A new rule is one new entry at its place in processCommand's order (the
// cluster's MOVED / ASK / CROSSSLOT redirection goes right after refusedInTransaction).
import type { Bugs } from "./bugs.js";
import { subcommandRefusal, type CommandSpec } from "./command.js";
import { cstr } from "./commands/args.js";
import type { Config } from "./config.js";
import type { Replication } from "./replication/replication.js";
import { ERR, QUEUED, error, type Reply } from "./resp/reply.js";

/** A command as the preconditions see it: its table entry and how a connection treats it. */
export interface CheckedCommand {
  /** Lower case. */
  readonly name: string;
  readonly spec: CommandSpec | undefined;
  /** Undefined for an unknown command. */
  readonly arity: number | undefined;
  /** Allowed before AUTH (CMD_NO_AUTH). */
  readonly noAuth: boolean;
  /** Refused inside MULTI (CMD_NO_MULTI). */
  readonly noMulti: boolean;
  /** Queued inside MULTI rather than run at once. */
  readonly queued: boolean;
  /** Allowed to a RESP2 client while subscribed. */
  readonly allowedSubscribed: boolean;
  /** Refused unless its enable-<name>-command option allows it (CMD_PROTECTED). */
  readonly protected: boolean;
  /** Runs on a replica cut off from its master even with replica-serve-stale-data no (CMD_STALE). */
  readonly staleOk: boolean;
}

/** The connection a command came on. */
export interface CheckedClient {
  readonly authenticated: boolean;
  readonly resp: 2 | 3;
  readonly remoteIp: string;
  kind(): "normal" | "pubsub" | "replica";
  /** Inside MULTI (CLIENT_MULTI). */
  readonly inTransaction: boolean;
  /** Whether a command queued in the transaction writes (false outside MULTI). */
  queuedWrite(): boolean;
  /** queueMultiCommand: adds a command to the transaction. */
  queue(argv: Buffer[]): void;
  /** flagTransaction: an error before queueing dooms the transaction, if there is one. */
  flagTransaction(): void;
  /** discardTransaction: drops the transaction and the watched keys. */
  discardTransaction(): void;
}

/** What the preconditions read of the server. */
export interface CheckedServer {
  readonly config: Pick<Config, "get" | "yes">;
  readonly bugs: Pick<Bugs, "has">;
  readonly replication: Pick<Replication, "isMaster" | "tooFewReplicas" | "link">;
}

/** One command about to run, on one connection of one server. */
export interface PreconditionContext {
  command: CheckedCommand;
  argv: Buffer[];
  readonly client: CheckedClient;
  readonly server: CheckedServer;
}

/** A reply decides the command's fate (it is not run); undefined passes it to the next precondition. */
export type Precondition = (ctx: PreconditionContext) => Reply | undefined;

/**
 * rejectCommand: the refusal flags the transaction; a refused EXEC instead discards it and
 * says why, after EXECABORT and without the refusal's ERR code (execCommandAbort).
 */
function reject(ctx: PreconditionContext, refusal: Reply): Reply {
  if (ctx.command.name === "exec" && refusal.t === "error") {
    ctx.client.discardTransaction();
    return error(`EXECABORT Transaction discarded because of: ${refusal.s.replace(/^ERR /, "")}`);
  }
  ctx.client.flagTransaction();
  return refusal;
}

/** Whether the command writes (is_write_command): a write command, or an EXEC with one queued. */
function writes({ command, client }: PreconditionContext): boolean {
  if (command.spec) return command.spec.flags.includes("write");
  return command.name === "exec" && client.queuedWrite();
}

/** A name not in the command table (commandCheckExistence). */
const unknownCommand: Precondition = (ctx) => (ctx.command.arity === undefined ? reject(ctx, error(unknownCommandText(ctx.argv))) : undefined);

/**
 * commandCheckExistence's text: the name and the first arguments as C's %s prints them (up to
 * a NUL byte), the name cut at 128 bytes, the arguments while their list is under 128 bytes.
 */
function unknownCommandText(argv: Buffer[]): string {
  let args = "";
  for (let i = 1; i < argv.length && args.length < 128; i++) args += `'${cstr(argv[i]).slice(0, 128 - args.length)}' `;
  return `ERR unknown command '${cstr(argv[0]).slice(0, 128)}', with args beginning with: ${args}`;
}

/** The wrong number of arguments for the command (commandCheckArity). */
const wrongArity: Precondition = (ctx) => {
  const arity = ctx.command.arity!;
  const argc = ctx.argv.length;
  return (arity > 0 && argc !== arity) || argc < -arity ? reject(ctx, error(ERR.arity(ctx.command.name))) : undefined;
};

/** A container's unknown subcommand, or the wrong number of arguments for it (the same two checks, on the subcommand). */
const badSubcommand: Precondition = (ctx) => {
  const refusal = ctx.command.spec && subcommandRefusal(ctx.command.spec, ctx.argv);
  return refusal ? reject(ctx, refusal) : undefined;
};

/** CMD_PROTECTED (DEBUG): allowProtectedAction by its enable-<name>-command option, "local" meaning from a loopback address. */
const protectedCommand: Precondition = (ctx) => {
  const { command, client, server } = ctx;
  if (!command.protected) return undefined;
  const allowed = server.config.get(`enable-${command.name}-command`);
  if (allowed === "yes" || (allowed === "local" && /^(127\.|::1$|::ffff:127\.)/.test(client.remoteIp))) return undefined;
  return reject(
    ctx,
    error(
      `ERR ${command.name.toUpperCase()} command not allowed. If the enable-${command.name}-command option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
    ),
  );
};

/** authRequired: only CMD_NO_AUTH commands before AUTH when requirepass is set (NOAUTH). */
const authRequired: Precondition = (ctx) => (!ctx.client.authenticated && !ctx.command.noAuth ? reject(ctx, error(ERR.noAuth)) : undefined);

/** CMD_NO_MULTI inside MULTI. */
const refusedInTransaction: Precondition = (ctx) =>
  ctx.client.inTransaction && ctx.command.noMulti ? reject(ctx, error("ERR Command not allowed inside a transaction")) : undefined;

/** min-replicas-to-write: a write on a master short of good replicas (NOREPLICAS). */
const tooFewReplicas: Precondition = (ctx) => {
  const { server } = ctx;
  if (!writes(ctx) || !server.replication.tooFewReplicas() || server.bugs.has("ignore-min-replicas")) return undefined;
  return reject(ctx, error("NOREPLICAS Not enough good replicas to write."));
};

/** replica-read-only: a write on a replica (READONLY). */
const readOnlyReplica: Precondition = (ctx) => {
  const { server } = ctx;
  if (server.replication.isMaster || !writes(ctx) || !server.config.yes("replica-read-only") || server.bugs.has("replica-writable")) return undefined;
  return reject(ctx, error("READONLY You can't write against a read only replica."));
};

/** A RESP2 client in pub/sub mode: only the (un)subscribe commands, PING, QUIT and RESET. */
const pubsubContext: Precondition = (ctx) => {
  const { command, client } = ctx;
  if (client.resp !== 2 || command.allowedSubscribed || client.kind() !== "pubsub") return undefined;
  return reject(ctx, error(`ERR Can't execute '${command.name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`));
};

/** replica-serve-stale-data no: a replica whose link to its master is down serves only CMD_STALE commands (MASTERDOWN). */
const staleReplica: Precondition = (ctx) => {
  const { command, server } = ctx;
  if (server.replication.isMaster || command.staleOk || server.replication.link?.state === "connected" || server.config.yes("replica-serve-stale-data")) return undefined;
  return reject(ctx, error("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."));
};

/** Inside MULTI, a command other than EXEC / DISCARD / MULTI / WATCH / QUIT / RESET is queued, not run. */
const queueInTransaction: Precondition = (ctx) => {
  if (!ctx.client.inTransaction || !ctx.command.queued) return undefined;
  ctx.client.queue(ctx.argv);
  return QUEUED;
};

/** processCommand's order. */
export const PRECONDITIONS: readonly Precondition[] = [
  unknownCommand,
  wrongArity,
  badSubcommand,
  protectedCommand,
  authRequired,
  refusedInTransaction,
  tooFewReplicas,
  readOnlyReplica,
  pubsubContext,
  staleReplica,
  queueInTransaction,
];

/** The reply of the first precondition that answers for the command, or undefined when it may run. */
export function checkPreconditions(ctx: PreconditionContext): Reply | undefined {
  for (const precondition of PRECONDITIONS) {
    const reply = precondition(ctx);
    if (reply !== undefined) return reply;
  }
  return undefined;
}
