// The commands of a server in Sentinel mode: SENTINEL and its subcommands, INFO with the
// sentinel section, ROLE, and PUBLISH (which only takes hello messages). Replies have Redis's
// shapes: instance maps with numbers as bulk strings in RESP2, maps in RESP3.
import { keylessSpec as spec, type CommandContext, type CommandSpec } from "../command.js";
import { cstr, errorf, lowerAscii, string2ll, subcommandSyntaxError } from "../commands/args.js";
import { stringMatch } from "../glob.js";
import { OK, array, bulk, bulks, error, int, map, nil, simple, verbatim, type Reply } from "../resp/reply.js";
import { Instance, Master, flagsOf } from "./instance.js";
import { DEFAULT_TIMINGS, HELLO_CHANNEL, type Sentinel, type TimingName } from "./sentinel.js";

function sentinelOf(ctx: CommandContext): Sentinel {
  return ctx.server.sentinel!;
}

/** SENTINEL MASTER / REPLICAS / SENTINELS entries, field by field as addReplySentinelRedisInstance. */
function describe(ri: Instance, now: number): Reply {
  const f: Array<[string, string]> = [
    ["name", ri.displayName()],
    ["ip", ri.host],
    ["port", String(ri.port)],
    ["runid", ri.runid ?? ""],
    ["flags", flagsOf(ri)],
    ["link-pending-commands", String(ri.link?.pending ?? 0)],
    ["link-refcount", "1"],
  ];
  if (ri instanceof Master && ri.failoverInProgress) f.push(["failover-state", ri.failoverState]);
  f.push(
    ["last-ping-sent", String(ri.actPingTime ? now - ri.actPingTime : 0)],
    ["last-ok-ping-reply", String(now - ri.lastAvailTime)],
    ["last-ping-reply", String(now - ri.lastPongTime)],
  );
  if (ri.sDown) f.push(["s-down-time", String(now - ri.sDownSinceTime)]);
  if (ri instanceof Master && ri.oDown) f.push(["o-down-time", String(now - ri.oDownSinceTime)]);
  const master = ri instanceof Master ? ri : ri.master!;
  f.push(["down-after-milliseconds", String(master.downAfter)]);
  if (ri.kind !== "sentinel") {
    f.push(["info-refresh", String(ri.infoRefresh ? now - ri.infoRefresh : 0)], ["role-reported", ri.roleReported], ["role-reported-time", String(now - ri.roleReportedTime)]);
  }
  if (ri instanceof Master) {
    f.push(
      ["config-epoch", String(ri.configEpoch)],
      ["num-slaves", String(ri.slaves.size)],
      ["num-other-sentinels", String(ri.sentinels.size)],
      ["quorum", String(ri.quorum)],
      ["failover-timeout", String(ri.failoverTimeout)],
      ["parallel-syncs", String(ri.parallelSyncs)],
    );
  } else if (ri.kind === "slave") {
    f.push(
      ["master-link-down-time", String(ri.masterLinkDownTime)],
      ["master-link-status", ri.slaveMasterLinkUp ? "ok" : "err"],
      ["master-host", ri.slaveMasterHost ?? "?"],
      ["master-port", String(ri.slaveMasterPort)],
      ["slave-priority", String(ri.slavePriority)],
      ["slave-repl-offset", String(ri.slaveReplOffset)],
      ["replica-announced", ri.replicaAnnounced ? "1" : "0"],
    );
  } else {
    f.push(["last-hello-message", String(ri.lastHelloTime ? now - ri.lastHelloTime : 0)], ["voted-leader", ri.leader ?? "?"], ["voted-leader-epoch", String(ri.leaderEpoch)]);
  }
  return map(f.map(([k, v]) => [bulk(k), bulk(v)]));
}

function masterByName(s: Sentinel, name: Buffer): Master | undefined {
  return s.masters.get(name.toString());
}

const NO_SUCH_MASTER = error("ERR No such master with that name");

function sentinelCommand(ctx: CommandContext, argv: Buffer[]): Reply {
  const s = sentinelOf(ctx);
  const now = Date.now();
  const sub = lowerAscii(argv[1].toString("latin1"));
  const args = argv.slice(2);
  switch (sub) {
    case "masters":
      return array([...s.masters.values()].map((m) => describe(m, now)));
    case "master": {
      const m = masterByName(s, args[0]);
      return m ? describe(m, now) : NO_SUCH_MASTER;
    }
    case "replicas":
    case "slaves": {
      const m = masterByName(s, args[0]);
      return m ? array([...m.slaves.values()].filter((r) => r.replicaAnnounced).map((r) => describe(r, now))) : NO_SUCH_MASTER;
    }
    case "sentinels": {
      const m = masterByName(s, args[0]);
      return m ? array([...m.sentinels.values()].map((p) => describe(p, now))) : NO_SUCH_MASTER;
    }
    case "get-master-addr-by-name": {
      const m = masterByName(s, args[0]);
      if (!m) return nil("array");
      const addr = s.currentMasterAddress(m);
      return bulks([addr.host, String(addr.port)]);
    }
    case "is-master-down-by-addr": {
      const [ip, port, epoch, runid] = args.map((a) => a.toString());
      const m = [...s.masters.values()].find((x) => x.host === ip && String(x.port) === port);
      const down = !s.tilt && m !== undefined && m.sDown;
      let vote: { leader: string | undefined; epoch: number } = { leader: undefined, epoch: 0 };
      if (m && runid !== "*") vote = s.voteLeader(m, Number(epoch), runid);
      return array([int(down ? 1 : 0), bulk(vote.leader ?? "*"), int(vote.epoch)]);
    }
    case "reset": {
      const matched = [...s.masters.values()].filter((m) => stringMatch(args[0], Buffer.from(m.monitorName), false));
      for (const m of matched) s.reset(m);
      return int(matched.length);
    }
    case "failover": {
      const m = masterByName(s, args[0]);
      if (!m) return NO_SUCH_MASTER;
      if (m.failoverInProgress) return error("INPROG Failover already in progress");
      const { chosen } = s.selectReplica(m, now);
      if (!chosen) return error("NOGOODSLAVE No suitable replica to promote");
      s.startFailover(m, now);
      m.forceFailover = true;
      return OK;
    }
    case "ckquorum": {
      const m = masterByName(s, args[0]);
      if (!m) return NO_SUCH_MASTER;
      const usable = 1 + [...m.sentinels.values()].filter((p) => !p.sDown).length;
      const voters = m.sentinels.size + 1;
      const reasons: string[] = [];
      if (usable < m.quorum) reasons.push("Not enough available Sentinels to reach the specified quorum for this master");
      if (usable < Math.floor(voters / 2) + 1) reasons.push("Not enough available Sentinels to reach the majority and authorize a failover");
      if (reasons.length > 0) return error(`NOQUORUM ${usable} usable Sentinels. ${reasons.join(". ")}`);
      return simple(`OK ${usable} usable Sentinels. Quorum and failover authorization can be reached`);
    }
    case "myid":
      return bulk(s.myid);
    case "monitor": {
      const [name, ip, port, quorum] = args.map((a) => a.toString());
      if (s.masters.has(name)) return error("ERR Duplicate master name.");
      if (!/^\d+$/.test(quorum) || Number(quorum) <= 0) return error("ERR Quorum must be 1 or greater.");
      if (!/^\d+$/.test(port) || Number(port) > 65535) return error("ERR Invalid port number");
      s.monitor(name, ip, Number(port), Number(quorum));
      return OK;
    }
    case "remove": {
      const m = masterByName(s, args[0]);
      if (!m) return NO_SUCH_MASTER;
      s.remove(m);
      return OK;
    }
    case "set":
      return sentinelSet(s, args);
    case "debug":
      return sentinelDebug(s, args);
    case "flushconfig":
      s.saveState();
      return OK;
  }
  return subcommandSyntaxError(argv);
}

/**
 * SENTINEL SET <master> <option> <value> ...: the options in turn, as sentinelSetCommand sets
 * them (those before a bad one stay set): an unknown option, or one without a value, and then a
 * bad value are refused with Redis's texts.
 */
function sentinelSet(s: Sentinel, args: Buffer[]): Reply {
  const m = masterByName(s, args[0]);
  if (!m) return NO_SUCH_MASTER;
  let refusal: Reply | undefined;
  for (let i = 1; i < args.length && !refusal; i += 2) {
    const option = lowerAscii(cstr(args[i]));
    if (!SET_OPTIONS.has(option) || i + 1 === args.length) {
      refusal = errorf(`ERR Unknown option or number of arguments for SENTINEL SET '${cstr(args[i])}'`);
      continue;
    }
    const value = args[i + 1].toString();
    const n = string2ll(args[i + 1]);
    const positive = n !== null && n > 0n;
    if (option === "down-after-milliseconds" && positive) m.downAfter = Number(n);
    else if (option === "failover-timeout" && positive) m.failoverTimeout = Number(n);
    else if (option === "parallel-syncs" && positive) m.parallelSyncs = Number(n);
    else if (option === "quorum" && positive) m.quorum = Number(n);
    else if (option === "auth-pass") m.authPass = value || undefined;
    else if (option === "auth-user") m.authUser = value || undefined;
    else refusal = errorf(`ERR Invalid argument '${cstr(args[i + 1])}' for SENTINEL SET '${cstr(args[i])}'`);
    if (!refusal) s.event("+set", m, `${m.describe()} ${option} ${value}`);
  }
  s.saveState();
  return refusal ?? OK;
}

/** The SENTINEL SET options implemented (Redis 7.0 has more: scripts, rename-command...). */
const SET_OPTIONS = new Set(["down-after-milliseconds", "failover-timeout", "parallel-syncs", "quorum", "auth-pass", "auth-user"]);

/** SENTINEL DEBUG [<param> <ms> ...]: the internal periods, for fast tests (Redis 7.0). */
function sentinelDebug(s: Sentinel, args: Buffer[]): Reply {
  if (args.length === 0) return map(Object.entries(s.timings).map(([k, v]) => [bulk(k.toUpperCase()), bulk(String(v))]));
  for (let i = 0; i < args.length; i += 2) {
    const name = lowerAscii(cstr(args[i]));
    if (!Object.hasOwn(DEFAULT_TIMINGS, name) || i + 1 === args.length) return errorf(`ERR Unknown option or number of arguments for SENTINEL DEBUG '${cstr(args[i])}'`);
    const value = string2ll(args[i + 1]);
    if (value === null || value <= 0n) return errorf(`ERR Invalid argument '${cstr(args[i + 1])}' for SENTINEL DEBUG '${cstr(args[i])}'`);
    s.timings[name as TimingName] = Number(value);
  }
  return OK;
}

function info(ctx: CommandContext, argv: Buffer[]): Reply {
  const s = sentinelOf(ctx);
  const wanted = argv.slice(1).map((a) => a.toString().toLowerCase());
  const all = wanted.length === 0 || wanted.some((w) => w === "all" || w === "default" || w === "everything");
  const sections = ctx.server.info(ctx.now).filter(([name]) => name === "Server" || name === "Clients" || name === "Stats");
  const masters = [...s.masters.values()];
  sections.push([
    "Sentinel",
    [
      ["sentinel_masters", masters.length],
      ["sentinel_tilt", s.tilt ? 1 : 0],
      ["sentinel_tilt_since_seconds", s.tilt ? Math.floor((Date.now() - s.tiltStartTime) / 1000) : -1],
      ["sentinel_running_scripts", 0],
      ["sentinel_scripts_queue_length", 0],
      ["sentinel_simulate_failure_flags", 0],
      ...masters.map((m, i): [string, string] => {
        const status = m.oDown ? "odown" : m.sDown ? "sdown" : "ok";
        const addr = s.currentMasterAddress(m);
        return [`master${i}`, `name=${m.monitorName},status=${status},address=${addr.host}:${addr.port},slaves=${m.slaves.size},sentinels=${m.sentinels.size + 1}`];
      }),
    ],
  ]);
  const text = sections
    .filter(([name]) => all || wanted.includes(name.toLowerCase()))
    .map(([name, fields]) => [`# ${name}`, ...fields.map(([k, v]) => `${k}:${v}`)].join("\r\n") + "\r\n")
    .join("\r\n");
  return verbatim(text);
}

function role(ctx: CommandContext): Reply {
  return array([bulk("sentinel"), bulks([...sentinelOf(ctx).masters.keys()])]);
}

/** A hello sent to this sentinel is processed as if it came through a master (sentinelPublishCommand). */
function publish(ctx: CommandContext, argv: Buffer[]): Reply {
  if (argv[1].toString() !== HELLO_CHANNEL) return error("ERR Only HELLO messages are accepted by Sentinel instances.");
  sentinelOf(ctx).processHello(argv[2].toString("latin1"));
  return int(1);
}

export const SENTINEL_COMMANDS: CommandSpec[] = [
  {
    ...spec("sentinel", -2, ["admin", "loading", "stale"], sentinelCommand),
    // Redis 7.0's arities (commands/sentinel-*.json); its other subcommands are not implemented.
    subcommands: new Map(
      Object.entries({
        masters: 2, master: 3, replicas: 3, slaves: 3, sentinels: 3, "get-master-addr-by-name": 3, "is-master-down-by-addr": 6, reset: 3,
        failover: 3, ckquorum: 3, myid: 2, monitor: 6, remove: 3, set: -5, debug: -2, flushconfig: 2,
      }),
    ),
  },
  spec("info", -1, ["loading", "stale"], info),
  spec("role", 1, ["loading", "stale", "fast"], role),
  spec("publish", 3, ["pubsub", "loading", "stale", "fast"], publish),
];
