// What a Sentinel knows of each instance it watches (sentinelRedisInstance in sentinel.c):
// a master it monitors, the master's replicas (learned from INFO) and the other sentinels
// (learned from hello messages), with the timings its rules are written in.
import type { Link } from "./link.js";

export type InstanceKind = "master" | "slave" | "sentinel";

/** The failover states, by the names INFO and SENTINEL MASTER use. */
export type FailoverState = "none" | "wait_start" | "select_slave" | "send_slaveof_noone" | "wait_promotion" | "reconf_slaves" | "update_config";

export class Instance {
  /** cmd link; null until connected for the first time. */
  link: Link | undefined;
  /** pub/sub link (masters and replicas): hello messages. */
  pubsub: Link | undefined;
  runid: string | undefined;

  // ---- availability (instanceLink timings), ms since the epoch ----
  /** Oldest PING without an acceptable reply (0: none pending). */
  actPingTime: number;
  lastPingTime = 0;
  /** Last acceptable PING reply (+PONG, -LOADING, -MASTERDOWN). */
  lastAvailTime: number;
  lastPongTime: number;
  /** When this sentinel last sent a hello through this instance. */
  lastHelloSent = 0;
  lastHelloTime = 0;
  sDown = false;
  sDownSinceTime = 0;

  // ---- from INFO (masters and replicas) ----
  infoRefresh = 0;
  roleReported: "master" | "slave";
  roleReportedTime: number;
  masterLinkDownTime = 0;
  slaveMasterHost: string | undefined;
  slaveMasterPort = 0;
  slaveMasterLinkUp = false;
  slavePriority = 100;
  slaveReplOffset = 0;
  replicaAnnounced = true;

  // ---- replicas during a failover ----
  promoted = false;
  reconfSent = false;
  reconfInprog = false;
  reconfDone = false;
  reconfSentTime = 0;

  // ---- other sentinels: their view of the master and their vote ----
  masterDown = false;
  lastMasterDownReplyTime = 0;
  leader: string | undefined;
  leaderEpoch = 0;

  constructor(
    readonly kind: InstanceKind,
    public host: string,
    public port: number,
    /** The master it belongs to (replicas and sentinels). */
    readonly master: Master | undefined,
    now: number,
  ) {
    this.actPingTime = now;
    this.lastAvailTime = now;
    this.lastPongTime = now;
    this.roleReported = kind === "slave" ? "slave" : "master";
    this.roleReportedTime = now;
  }

  /** Replicas are named ip:port, sentinels by run id, masters by their monitor name. */
  get name(): string {
    return `${this.host}:${this.port}`;
  }

  get disconnected(): boolean {
    return !this.link?.connected;
  }

  /** `%@` of sentinelEvent: `<type> <name> <ip> <port>`, and ` @ <master> <ip> <port>` for non-masters. */
  describe(): string {
    const self = `${this.kind} ${this.displayName()} ${this.host} ${this.port}`;
    const m = this.master;
    return m ? `${self} @ ${m.monitorName} ${m.host} ${m.port}` : self;
  }

  displayName(): string {
    return this.kind === "sentinel" ? (this.runid ?? this.name) : this.name;
  }

  closeLinks(): void {
    this.link?.close();
    this.pubsub?.close();
  }
}

export class Master extends Instance {
  readonly slaves = new Map<string, Instance>();
  /** Other sentinels by run id. */
  readonly sentinels = new Map<string, Instance>();
  downAfter = 30_000;
  failoverTimeout = 180_000;
  parallelSyncs = 1;
  authPass: string | undefined;
  authUser: string | undefined;
  oDown = false;
  oDownSinceTime = 0;
  configEpoch = 0;
  // `leader` / `leaderEpoch` (inherited) hold this sentinel's own vote for this master.
  failoverState: FailoverState = "none";
  failoverStateChangeTime = 0;
  failoverStartTime = 0;
  failoverEpoch = 0;
  forceFailover = false;
  promotedSlave: Instance | undefined;

  constructor(
    readonly monitorName: string,
    host: string,
    port: number,
    public quorum: number,
    now: number,
  ) {
    super("master", host, port, undefined, now);
  }

  get failoverInProgress(): boolean {
    return this.failoverState !== "none";
  }

  override displayName(): string {
    return this.monitorName;
  }
}

/** The flags field of SENTINEL MASTER / REPLICAS / SENTINELS, in Redis's order. */
export function flagsOf(i: Instance): string {
  const m = i instanceof Master ? i : undefined;
  const flags: string[] = [];
  if (i.sDown) flags.push("s_down");
  if (m?.oDown) flags.push("o_down");
  flags.push(i.kind);
  if (i.disconnected) flags.push("disconnected");
  if (i.kind === "sentinel" && i.masterDown) flags.push("master_down");
  if (m?.failoverInProgress) flags.push("failover_in_progress");
  if (i.promoted) flags.push("promoted");
  if (i.reconfSent) flags.push("reconf_sent");
  if (i.reconfInprog) flags.push("reconf_inprog");
  if (i.reconfDone) flags.push("reconf_done");
  if (m?.forceFailover) flags.push("force_failover");
  return flags.join(",");
}
