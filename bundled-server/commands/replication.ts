// Replication commands that are ordinary commands: REPLICAOF (and its old name SLAVEOF),
// ROLE and WAIT. PSYNC, SYNC and REPLCONF take the connection over, so session.ts has them.
import { keylessSpec as spec, type CommandContext, type CommandSpec } from "../command.js";
import { OK, array, bulk, error, int, simple, type Reply } from "../resp/reply.js";
import { getLongLong, isReply, string2ll } from "./args.js";

function replicaof(ctx: CommandContext, argv: Buffer[]): Reply {
  const replication = ctx.server.replication;
  const host = argv[1].toString();
  const portText = argv[2].toString();
  if (host.toLowerCase() === "no" && portText.toLowerCase() === "one") {
    replication.promote();
    return OK;
  }
  if (ctx.client.kind() === "replica") return error("ERR Command is not valid when client is a replica.");
  // getRangeLongFromObjectOrReply: a long long, then the range, with one message for both.
  const port = string2ll(argv[2]);
  if (port === null || port < 0n || port > 65535n) return error("ERR Invalid master port");
  const master = replication.master;
  if (master && master.host.toLowerCase() === host.toLowerCase() && master.port === Number(port)) return simple("OK Already connected to specified master");
  replication.replicaOf(host, Number(port));
  return OK;
}

function role(ctx: CommandContext): Reply {
  const replication = ctx.server.replication;
  if (replication.isMaster) {
    return array([
      bulk("master"),
      int(replication.offset),
      array(replication.onlineReplicas().map((r) => array([bulk(r.ip), bulk(String(r.port)), bulk(String(r.offset))]))),
    ]);
  }
  const link = replication.link!;
  const offset = link.state === "connected" ? replication.offset : -1;
  return array([bulk("slave"), bulk(link.masterHost), int(link.masterPort), bulk(link.state), int(offset)]);
}

function wait(ctx: CommandContext, argv: Buffer[]): Reply | Promise<Reply> {
  const replication = ctx.server.replication;
  if (!replication.isMaster) {
    return error(
      "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
    );
  }
  // getLongFromObjectOrReply, then getTimeoutFromObjectOrReply in milliseconds: each a whole long long.
  const replicas = getLongLong(argv[1]);
  if (isReply(replicas)) return replicas;
  const timeout = getLongLong(argv[2], "ERR timeout is not an integer or out of range");
  if (isReply(timeout)) return timeout;
  if (timeout < 0n) return error("ERR timeout is negative");
  const acked = replication.wait(ctx.client.woff, Number(replicas), Number(timeout), ctx.mayBlock !== false);
  return typeof acked === "number" ? int(acked) : acked.then(int);
}

export const COMMANDS: CommandSpec[] = [
  spec("replicaof", 3, ["admin", "noscript", "stale"], replicaof),
  spec("slaveof", 3, ["admin", "noscript", "stale"], replicaof),
  spec("role", 1, ["noscript", "loading", "stale", "fast"], role),
  spec("wait", 3, ["noscript"], wait),
];
