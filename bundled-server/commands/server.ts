// Server commands: PING, ECHO, INFO, CONFIG, CLIENT, TIME, COMMAND, DEBUG, SHUTDOWN, PUBLISH.
import { keylessSpec as spec, type CommandContext, type CommandSpec } from "../command.js";
import { stringMatch } from "../glob.js";
import { toKey } from "../keyspace.js";
import { ERR, OK, array, bulk, bulks, error, int, map, simple, verbatim, type Reply } from "../resp/reply.js";
import { cstr, errorf, strtodPrefix } from "./args.js";

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

function config(ctx: CommandContext, argv: Buffer[]): Reply {
  const sub = argv[1].toString().toLowerCase();
  const cfg = ctx.server.config;
  if (sub === "get" && argv.length >= 3) {
    const patterns = argv.slice(2);
    const names = cfg.names().filter((n) => n !== "bug" && patterns.some((p) => stringMatch(p, Buffer.from(n), true)));
    return map(names.map((n) => [bulk(n), bulk(cfg.get(n) ?? "")]));
  }
  if (sub === "set" && argv.length >= 4 && argv.length % 2 === 0) {
    for (let i = 2; i < argv.length; i += 2) {
      const problem = cfg.set(argv[i].toString(), argv[i + 1].toString());
      if (problem) return error(`ERR ${problem}`);
    }
    return OK;
  }
  if ((sub === "resetstat" || sub === "rewrite") && argv.length === 2) return OK;
  return error(`ERR Unknown subcommand or wrong number of arguments for '${argv[1].toString()}'. Try CONFIG HELP.`);
}

function client(ctx: CommandContext, argv: Buffer[]): Reply {
  const sub = argv[1].toString().toLowerCase();
  const me = ctx.client;
  switch (argv.length === 2 ? sub : `${sub}+`) {
    case "id":
      return int(me.id);
    case "getname":
      return bulk(me.name);
    case "list":
      return verbatim(ctx.server.clients().map((c) => c.listEntry(ctx.now) + "\n").join(""));
    case "info":
      return verbatim(me.listEntry(ctx.now) + "\n");
    case "setname+": {
      if (argv.length !== 3) break;
      const name = argv[2].toString();
      if (/[^!-~]/.test(name)) return error("ERR Client names cannot contain spaces, newlines or special characters.");
      me.name = name === "" ? null : name;
      return OK;
    }
    case "kill+":
      return clientKill(ctx, argv);
  }
  return error(`ERR Unknown subcommand or wrong number of arguments for '${argv[1].toString()}'. Try CLIENT HELP.`);
}

/** CLIENT KILL addr (old form, +OK) or CLIENT KILL <filter value>... (count of killed clients). */
function clientKill(ctx: CommandContext, argv: Buffer[]): Reply {
  const clients = ctx.server.clients();
  if (argv.length === 3) {
    const target = clients.find((c) => c.addr === argv[2].toString());
    if (!target) return error("ERR No such client");
    target.kill();
    return OK;
  }
  if (argv.length % 2 !== 0) return error(ERR.syntax);
  let chosen = clients;
  let skipMe = true;
  for (let i = 2; i < argv.length; i += 2) {
    const filter = argv[i].toString().toLowerCase();
    const value = argv[i + 1].toString();
    if (filter === "id") chosen = chosen.filter((c) => String(c.id) === value);
    else if (filter === "addr") chosen = chosen.filter((c) => c.addr === value);
    else if (filter === "laddr") chosen = chosen.filter((c) => c.laddr === value);
    else if (filter === "type") {
      const type = value.toLowerCase() === "slave" ? "replica" : value.toLowerCase();
      if (!["normal", "pubsub", "master", "replica"].includes(type)) return error(`ERR Unknown client type '${value}'`);
      chosen = chosen.filter((c) => c.kind() === type);
    } else if (filter === "skipme") skipMe = value.toLowerCase() === "yes";
    else return error(ERR.syntax);
  }
  if (skipMe) chosen = chosen.filter((c) => c !== ctx.client);
  for (const c of chosen) c.kill();
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
  const sub = argv[1].toString().toLowerCase();
  if (sub === "count" && argv.length === 2) return int(table.length);
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
  if (sub === "list" && argv.length === 2) return bulks(table.map((c) => c.name));
  if (sub === "getkeys" && argv.length >= 3) {
    const spec = ctx.server.commands.get(argv[2].toString().toLowerCase());
    if (!spec) return error("ERR Invalid command specified");
    const keys = spec.firstKey === 0 ? [] : argv.slice(2).filter((_, i) => i >= spec.firstKey && (spec.lastKey < 0 || i <= spec.lastKey) && (i - spec.firstKey) % spec.step === 0);
    if (keys.length === 0) return error("ERR The command has no key arguments");
    return array(keys.map(bulk));
  }
  return error(`ERR Unknown subcommand or wrong number of arguments for '${argv[1].toString()}'. Try COMMAND HELP.`);
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
  return errorf(`ERR unknown subcommand or wrong number of arguments for '${cstr(argv[1])}'. Try DEBUG HELP.`);
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
  spec("config", -2, ["admin", "loading", "stale"], config),
  spec("client", -2, ["loading", "stale"], client),
  spec("time", 1, ["loading", "stale", "fast"], time),
  spec("command", -1, ["loading", "stale"], command),
  spec("debug", -2, ["admin", "loading", "stale"], debug),
  spec("shutdown", -1, ["admin", "loading", "stale", "no-multi"], shutdown),
  spec("publish", 3, ["pubsub", "loading", "stale", "fast"], publish),
];
