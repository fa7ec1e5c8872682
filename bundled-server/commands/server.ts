// Server commands: PING, ECHO, INFO, CONFIG, CLIENT, TIME, COMMAND, DEBUG, SHUTDOWN, PUBLISH.
import type { ClientState } from "../client-state.js";
import { clientNameProblem, keysOf, keylessSpec as spec, type CommandContext, type CommandSpec } from "../command.js";
import { stringMatch } from "../glob.js";
import { toKey } from "../keyspace.js";
import { SESSION_COMMAND_TABLE } from "../session.js";
import { ERR, OK, array, bulk, bulks, error, int, map, simple, verbatim, type Reply } from "../resp/reply.js";
import { cstr, errorf, getLongLong, isOpt, isReply, lowerAscii, string2ll, strtodPrefix, subcommandSyntaxError } from "./args.js";

function ping(ctx: CommandContext, argv: Buffer[]): Reply {
  if (argv.length > 2) return error(ERR.arity("ping"));
  // A RESP2 client in subscribed mode gets PING as a pub/sub-shaped array.
  if (ctx.client.resp === 2 && ctx.client.kind() === "pubsub") return array([bulk("pong"), bulk(argv[1] ?? "")]);
  return argv.length === 2 ? bulk(argv[1]) : simple("PONG");
}

function info(ctx: CommandContext, argv: Buffer[]): Reply {
  const wanted = argv.slice(1).map((a) => a.toString().toLowerCase());
  const all = wanted.length === 0 || wanted.some((w) => w === "all" || w === "everything" || w === "default");
  const text = ctx.server
    .info(ctx.now)
    .filter(([section]) => all || wanted.includes(section.toLowerCase()))
    .map(([section, fields]) => [`# ${section}`, ...fields.map(([k, v]) => `${k}:${v}`)].join("\r\n") + "\r\n")
    .join("\r\n");
  return verbatim(text);
}

// CONFIG, CLIENT and COMMAND are containers: the session has refused unknown subcommands and
// wrong argument counts by their `subcommands` (see COMMANDS) before a handler runs.

function config(ctx: CommandContext, argv: Buffer[]): Reply {
  const sub = lowerAscii(argv[1].toString("latin1"));
  const cfg = ctx.server.config;
  if (sub === "get") {
    const patterns = argv.slice(2);
    const names = cfg.names().filter((n) => n !== "bug" && patterns.some((p) => stringMatch(p, Buffer.from(n), true)));
    return map(names.map((n) => [bulk(n), bulk(cfg.get(n) ?? "")]));
  }
  if (sub === "set") {
    if (argv.length % 2 !== 0) return error(ERR.syntax);
    const pairs: Array<[string, string]> = [];
    for (let i = 2; i < argv.length; i += 2) pairs.push([argv[i].toString("latin1"), argv[i + 1].toString()]);
    const problem = cfg.setAll(pairs);
    return problem ? errorf(problem) : OK;
  }
  if (sub === "rewrite") {
    const master = ctx.server.replication.master;
    const problem = cfg.rewrite({ replicaof: master ? `${master.host} ${master.port}` : "" });
    // The text may hold a file path, read as UTF-8: sent as its bytes.
    return problem ? error(Buffer.from(`ERR ${problem}`).toString("latin1")) : OK;
  }
  return OK; // RESETSTAT
}

type ClientKind = ReturnType<ClientState["kind"]>;

/** getClientTypeByName: a CLIENT KILL / CLIENT LIST type, or undefined. */
function clientKind(name: string): ClientKind | undefined {
  const kind = lowerAscii(name);
  if (kind === "slave") return "replica";
  return kind === "normal" || kind === "pubsub" || kind === "master" || kind === "replica" ? kind : undefined;
}

function client(ctx: CommandContext, argv: Buffer[]): Reply {
  const me = ctx.client;
  switch (lowerAscii(argv[1].toString("latin1"))) {
    case "id":
      return int(me.id);
    case "getname":
      return bulk(me.name);
    case "list":
      return clientList(ctx, argv);
    case "info":
      return verbatim(me.listEntry(ctx.now) + "\n");
    case "setname": {
      const name = argv[2].toString();
      const problem = clientNameProblem(name);
      if (problem) return error(problem);
      me.name = name === "" ? null : name;
      return OK;
    }
    default:
      return clientKill(ctx, argv);
  }
}

/** CLIENT LIST [TYPE type | ID id...]. */
function clientList(ctx: CommandContext, argv: Buffer[]): Reply {
  let clients = ctx.server.clients();
  if (argv.length === 4 && isOpt(argv[2], "type")) {
    const kind = clientKind(cstr(argv[3]));
    if (kind === undefined) return errorf(`ERR Unknown client type '${cstr(argv[3])}'`);
    clients = clients.filter((c) => c.kind() === kind);
  } else if (argv.length > 3 && isOpt(argv[2], "id")) {
    const ids: bigint[] = [];
    for (const arg of argv.slice(3)) {
      const id = getLongLong(arg, "ERR Invalid client ID");
      if (isReply(id)) return id;
      ids.push(id);
    }
    clients = ids.flatMap((id) => clients.filter((c) => c.id > 0 && BigInt(c.id) === id));
  } else if (argv.length !== 2) {
    return error(ERR.syntax);
  }
  return verbatim(clients.map((c) => c.listEntry(ctx.now) + "\n").join(""));
}

/**
 * CLIENT KILL addr (the old form: +OK, may kill the caller) or CLIENT KILL <filter value>...
 * (the count killed; the caller spared unless SKIPME no). Filters are ANDed, a repeated one
 * replaces the earlier value, as in Redis.
 */
function clientKill(ctx: CommandContext, argv: Buffer[]): Reply {
  const filters: { id?: bigint; addr?: string; laddr?: string; kind?: ClientKind } = {};
  let skipMe = argv.length > 3;
  if (argv.length === 3) {
    filters.addr = argv[2].toString();
  } else {
    if (argv.length % 2 !== 0) return error(ERR.syntax);
    for (let i = 2; i < argv.length; i += 2) {
      const value = argv[i + 1];
      if (isOpt(argv[i], "id")) {
        const id = string2ll(value);
        if (id === null || id < 1n) return error("ERR client-id should be greater than 0");
        filters.id = id;
      } else if (isOpt(argv[i], "type")) {
        filters.kind = clientKind(cstr(value));
        if (filters.kind === undefined) return errorf(`ERR Unknown client type '${cstr(value)}'`);
      } else if (isOpt(argv[i], "addr")) filters.addr = value.toString();
      else if (isOpt(argv[i], "laddr")) filters.laddr = value.toString();
      else if (isOpt(argv[i], "user")) {
        if (value.toString() !== "default") return errorf(`ERR No such user '${cstr(value)}'`);
      } else if (isOpt(argv[i], "skipme") && (isOpt(value, "yes") || isOpt(value, "no"))) skipMe = isOpt(value, "yes");
      else return error(ERR.syntax);
    }
  }
  const chosen = ctx.server
    .clients()
    .filter(
      (c) =>
        (filters.id === undefined || (c.id > 0 && BigInt(c.id) === filters.id)) &&
        (filters.addr === undefined || c.addr === filters.addr) &&
        (filters.laddr === undefined || c.laddr === filters.laddr) &&
        (filters.kind === undefined || c.kind() === filters.kind) &&
        !(skipMe && c === ctx.client),
    );
  for (const c of chosen) c.kill();
  if (argv.length === 3) return chosen.length > 0 ? OK : error("ERR No such client");
  return int(chosen.length);
}

function time(): Reply {
  const micros = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1000));
  return bulks([String(micros / 1_000_000n), String(micros % 1_000_000n)]);
}

/** COMMAND and its subcommands, enough for redis-cli's hints and client libraries. */
function command(ctx: CommandContext, argv: Buffer[]): Reply {
  const table = [...ctx.server.commands.values()];
  const describe = (c: CommandSpec): Reply =>
    array([
      bulk(c.name),
      int(c.arity),
      array(c.flags.map((f) => simple(f))),
      int(c.firstKey),
      int(c.lastKey),
      int(c.step),
      array([]),
      array([]),
      array([]),
      array([]),
    ]);
  if (argv.length === 1) return array(table.map(describe));
  const sub = lowerAscii(argv[1].toString("latin1"));
  if (sub === "count") return int(table.length);
  if (sub === "info") {
    const names = argv.slice(2).map((a) => a.toString().toLowerCase());
    const wanted = names.length === 0 ? table.map((c) => c.name) : names;
    return array(wanted.map((n) => (ctx.server.commands.has(n) ? describe(ctx.server.commands.get(n)!) : bulk(null))));
  }
  if (sub === "docs") {
    const names = argv.slice(2).map((a) => a.toString().toLowerCase());
    const chosen = table.filter((c) => names.length === 0 || names.includes(c.name));
    return map(chosen.map((c) => [bulk(c.name), map([[bulk("summary"), bulk(`${c.name} (bundled server)`)], [bulk("since"), bulk("1.0.0")], [bulk("group"), bulk("generic")]])]));
  }
  if (sub === "list") return argv.length === 2 ? bulks(table.map((c) => c.name)) : error(ERR.syntax); // FILTERBY is not implemented
  // GETKEYS (getKeysSubcommandImpl): the command named, session commands too, called with the
  // arguments that follow it. A container's call names one of its subcommands (lookupCommand);
  // a keyless command says so before its arity is checked.
  const call = argv.slice(2);
  const name = lowerAscii(call[0].toString("latin1"));
  const named = ctx.server.commands.get(name) ?? SESSION_COMMAND_TABLE.get(name);
  if (!named || (named.subcommands && call.length >= 2 && !named.subcommands.has(lowerAscii(call[1].toString("latin1"))))) {
    return error("ERR Invalid command specified");
  }
  // The table's containers are all keyless, so a subcommand's keys are never needed.
  if (named.firstKey === 0) return error("ERR The command has no key arguments");
  if ((named.arity > 0 && call.length !== named.arity) || call.length < -named.arity) return error("ERR Invalid number of arguments specified for command");
  return array(keysOf(named, call).map(bulk));
}

/** C's atoi: leading blanks, a sign and digits; 0 when there are none. */
const atoi = (s: string): number => Number(/^\s*([+-]?\d+)/.exec(s)?.[1] ?? 0);

/**
 * DEBUG SLEEP blocks the whole server, as in Redis: nothing else runs meanwhile. Its seconds
 * are read as strtod reads them (no number, or a negative one, sleeps not at all). DEBUG
 * SET-ACTIVE-EXPIRE 0 stops the background expiry (the value is read as C's atoi reads it).
 */
function debug(ctx: CommandContext, argv: Buffer[]): Reply {
  const sub = argv[1].toString().toLowerCase();
  if (sub === "sleep" && argv.length === 3) {
    const seconds = strtodPrefix(cstr(argv[2])).value;
    if (seconds > 0 && Number.isFinite(seconds)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, seconds * 1000);
    return OK;
  }
  if (sub === "set-active-expire" && argv.length === 3) {
    ctx.server.activeExpireEnabled = atoi(cstr(argv[2])) !== 0;
    return OK;
  }
  return subcommandSyntaxError(argv);
}

function shutdown(ctx: CommandContext, argv: Buffer[]): Reply {
  const opts = argv.slice(1).map((a) => a.toString().toLowerCase());
  if (opts.some((o) => !["nosave", "save", "now", "force", "abort"].includes(o))) return error(ERR.syntax);
  if (opts.includes("abort")) return error("ERR No shutdown in progress.");
  ctx.server.shutdown();
  return OK; // not reached: the process exits without a reply, as Redis does
}

function publish(ctx: CommandContext, argv: Buffer[]): Reply {
  return int(ctx.server.publish(toKey(argv[1]), argv[2]));
}

export const COMMANDS: CommandSpec[] = [
  spec("ping", -1, ["fast", "stale"], ping),
  spec("echo", 2, ["fast"], (_ctx, argv) => bulk(argv[1])),
  spec("info", -1, ["loading", "stale"], info),
  {
    ...spec("config", -2, ["admin", "loading", "stale"], config),
    subcommands: new Map([["get", -3], ["set", -4], ["resetstat", 2], ["rewrite", 2]]),
  },
  {
    ...spec("client", -2, ["loading", "stale"], client),
    subcommands: new Map([["id", 2], ["getname", 2], ["list", -2], ["info", 2], ["setname", 3], ["kill", -3]]),
  },
  spec("time", 1, ["loading", "stale", "fast"], time),
  {
    ...spec("command", -1, ["loading", "stale"], command),
    subcommands: new Map([["count", 2], ["info", -2], ["docs", -2], ["list", -2], ["getkeys", -4]]),
  },
  spec("debug", -2, ["admin", "loading", "stale"], debug),
  spec("shutdown", -1, ["admin", "loading", "stale", "no-multi"], shutdown),
  spec("publish", 3, ["pubsub", "loading", "stale", "fast"], publish),
];
