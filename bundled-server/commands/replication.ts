// Replication commands that are ordinary commands: REPLICAOF (and its old name SLAVEOF),
// ROLE and WAIT. PSYNC, SYNC and REPLCONF take the connection over, so session.ts has them.
import { keylessSpec as spec, type CommandContext, type CommandSpec } from "../command.js";
import { OK, array, bulk, error, int, simple, type Reply } from "../resp/reply.js";

function replicaof(ctx: CommandContext, argv: Buffer[]): Reply {
  const replication = ctx.server.replication;
  const host = argv[1].toString();
  const portText = argv[2].toString();
  if (host.toLowerCase() === "no" && portText.toLowerCase() === "one") {
    replication.promote();
    return OK;
  }
  if (ctx.client.kind() === "replica") return error("ERR Command is not valid when client is a replica.");
  const port = /^-?\d+$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= 0 && port <= 65535)) return error("ERR Invalid master port");
  const master = replication.master;
  if (master && master.host.toLowerCase() === host.toLowerCase() && master.port === port) return simple("OK Already connected to specified master");
  replication.replicaOf(host, port);
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
  const replicas = integer(argv[1]);
  if (replicas === undefined) return error("ERR value is not an integer or out of range");
  const timeout = integer(argv[2]);
  if (timeout === undefined) return error("ERR timeout is not an integer or out of range");
  if (timeout < 0) return error("ERR timeout is negative");
  const acked = replication.wait(ctx.client.woff, replicas, timeout, ctx.mayBlock !== false);
  return typeof acked === "number" ? int(acked) : acked.then(int);
}

function integer(arg: Buffer): number | undefined {
  const text = arg.toString();
  return /^-?\d{1,18}$/.test(text) ? Number(text) : undefined;
}

export const COMMANDS: CommandSpec[] = [
  spec("replicaof", 3, ["admin", "noscript", "stale"], replicaof),
  spec("slaveof", 3, ["admin", "noscript", "stale"], replicaof),
  spec("role", 1, ["noscript", "loading", "stale", "fast"], role),
  spec("wait", 3, ["noscript"], wait),
];
