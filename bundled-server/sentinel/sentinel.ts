// Sentinel, rule for rule as Redis 7.0's sentinel.c (docs/redis-ha-reference.md §2): it
// monitors masters, learns their replicas from INFO and the other sentinels from hello
// messages, decides SDOWN from unanswered PINGs and ODOWN from its peers' answers, elects a
// leader per epoch, and the leader runs the failover (failover.ts). Every event is published
// on the channel of its name and logged, with Redis's formats.
import { randomBytes } from "node:crypto";
import type { Bugs } from "../bugs.js";
import { ReplyError, type ReplyValue } from "../resp/reply-parser.js";
import { failoverStateMachine, switchToPromoted, type FailoverHost } from "./failover.js";
import { Instance, Master } from "./instance.js";
import { Link } from "./link.js";
import { selectReplica, type Selection } from "./select.js";
import type { SentinelSettings } from "./settings.js";

export const HELLO_CHANNEL = "__sentinel__:hello";

/** The internal periods, changeable at run time with SENTINEL DEBUG (Redis 7.0). */
export const DEFAULT_TIMINGS = {
  "info-period": 10_000,
  "ping-period": 1_000,
  "ask-period": 1_000,
  "publish-period": 2_000,
  "default-down-after": 30_000,
  "tilt-trigger": 2_000,
  "tilt-period": 30_000,
  "slave-reconf-timeout": 10_000,
  "min-link-reconnect-period": 15_000,
  "election-timeout": 10_000,
  "default-failover-timeout": 180_000,
};
export type TimingName = keyof typeof DEFAULT_TIMINGS;

/** Random delay added to failover start times so sentinels do not all start at once. */
const MAX_DESYNC = 1000;

export interface SentinelHost {
  readonly port: number;
  readonly bugs: Bugs;
  /** Publishes on this server's pub/sub (events, and hello messages sent to this sentinel). */
  publish(channel: string, message: Buffer): number;
  log(line: string): void;
  /** Persists the state (myid, epochs, known instances), as Sentinel rewrites its config. */
  saveState(lines: string[]): void;
}

export class Sentinel implements FailoverHost {
  readonly masters = new Map<string, Master>();
  myid: string;
  currentEpoch: number;
  readonly timings = { ...DEFAULT_TIMINGS };
  tilt = false;
  tiltStartTime = 0;
  private previousTime = Date.now();
  private timer: NodeJS.Timeout | undefined;
  readonly announceIp: string;
  readonly announcePort: number;
  private readonly sourceAddress: string | undefined;

  constructor(
    private readonly host: SentinelHost,
    settings: SentinelSettings,
  ) {
    this.myid = settings.myid ?? randomBytes(20).toString("hex");
    this.currentEpoch = settings.currentEpoch;
    this.announceIp = settings.announceIp;
    this.announcePort = settings.announcePort;
    this.sourceAddress = settings.sourceAddress;
    const now = Date.now();
    for (const m of settings.masters) {
      const master = new Master(m.name, m.host, m.port, m.quorum, now);
      master.downAfter = m.downAfter ?? this.timings["default-down-after"];
      master.failoverTimeout = m.failoverTimeout ?? this.timings["default-failover-timeout"];
      master.parallelSyncs = m.parallelSyncs ?? 1;
      master.authPass = m.authPass;
      master.authUser = m.authUser;
      master.configEpoch = m.configEpoch ?? 0;
      master.leaderEpoch = m.leaderEpoch ?? 0;
      for (const r of m.knownReplicas ?? []) master.slaves.set(`${r.host}:${r.port}`, new Instance("slave", r.host, r.port, master, now));
      for (const s of m.knownSentinels ?? []) {
        const peer = new Instance("sentinel", s.host, s.port, master, now);
        peer.runid = s.runid;
        master.sentinels.set(s.runid, peer);
      }
      this.masters.set(m.name, master);
    }
  }

  start(): void {
    this.saveState();
    for (const m of this.masters.values()) this.event("+monitor", m, `${m.describe()} quorum ${m.quorum}`);
    this.schedule();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const m of this.masters.values()) this.forgetMaster(m);
  }

  /** Sentinel's timer runs at a random 10..19 Hz so that sentinels do not act in lockstep. */
  private schedule(): void {
    this.timer = setTimeout(() => {
      this.tick();
      this.schedule();
    }, 1000 / (10 + Math.floor(Math.random() * 10)));
  }

  // ---- the timer (sentinelTimer, sentinelHandleDictOfRedisInstances) ----

  private tick(): void {
    const now = Date.now();
    this.checkTilt(now);
    for (const master of [...this.masters.values()]) {
      this.handle(master, now);
      for (const r of [...master.slaves.values()]) this.handle(r, now);
      for (const s of [...master.sentinels.values()]) this.handle(s, now);
      if (master.failoverState === "update_config") switchToPromoted(this, master);
    }
  }

  private checkTilt(now: number): void {
    const delta = now - this.previousTime;
    this.previousTime = now;
    if (delta < 0 || delta > this.timings["tilt-trigger"]) {
      this.tilt = true;
      this.tiltStartTime = now;
      this.event("+tilt", undefined, "#tilt mode entered");
    }
  }

  private handle(ri: Instance, now: number): void {
    this.reconnect(ri, now);
    this.sendPeriodicCommands(ri, now);
    if (this.tilt) {
      // Monitoring goes on; acting waits until the clock has been sane for the TILT period.
      if (now - this.tiltStartTime < this.timings["tilt-period"]) return;
      this.tilt = false;
      this.event("-tilt", undefined, "#tilt mode exited");
    }
    this.checkSubjectivelyDown(ri, now);
    if (ri instanceof Master) {
      this.checkObjectivelyDown(ri, now);
      if (this.startFailoverIfNeeded(ri, now)) this.askMasterState(ri, now, true);
      failoverStateMachine(this, ri, now);
      this.askMasterState(ri, now, false);
    }
  }

  hasBug(name: string): boolean {
    return this.host.bugs.has(name);
  }

  /** The replica a failover of this master would promote now, and why the others would not be. */
  selectReplica(master: Master, now: number): Selection {
    const bugs = { lowestOffset: this.hasBug("select-lowest-offset"), ignorePriority: this.hasBug("ignore-priority") };
    return selectReplica(master, now, { pingPeriod: this.pingPeriod(master), infoPeriod: this.timings["info-period"] }, bugs);
  }

  pingPeriod(ri: Instance): number {
    const master = ri instanceof Master ? ri : ri.master!;
    return Math.min(master.downAfter, this.timings["ping-period"]);
  }

  private masterOf(ri: Instance): Master {
    return ri instanceof Master ? ri : ri.master!;
  }

  // ---- links ----

  private reconnect(ri: Instance, now: number): void {
    if (!ri.link) {
      // On a lost link act_ping_time stays: an instance that cannot be reached goes SDOWN after down-after.
      ri.link = new Link(ri.host, ri.port, this.sourceAddress, (l) => this.onCmdConnect(ri, l), () => undefined);
    }
    if (!ri.link.connected && now - ri.link.lastAttempt >= this.timings["ping-period"]) ri.link.connect(now);
    if (ri.kind === "sentinel") return;
    if (!ri.pubsub) {
      ri.pubsub = new Link(ri.host, ri.port, this.sourceAddress, (l) => this.onPubsubConnect(ri, l), () => undefined, (msg) => this.onPubsubMessage(msg));
    }
    if (!ri.pubsub.connected && now - ri.pubsub.lastAttempt >= this.timings["ping-period"]) ri.pubsub.connect(now);
  }

  private authArgs(ri: Instance): string[] | undefined {
    if (ri.kind === "sentinel") return undefined;
    const m = this.masterOf(ri);
    if (!m.authPass) return undefined;
    return m.authUser ? ["AUTH", m.authUser, m.authPass] : ["AUTH", m.authPass];
  }

  private onCmdConnect(ri: Instance, link: Link): void {
    const auth = this.authArgs(ri);
    if (auth) link.send(auth);
    link.send(["CLIENT", "SETNAME", `sentinel-${this.myid.slice(0, 8)}-cmd`]);
    this.sendPing(ri, Date.now());
  }

  private onPubsubConnect(ri: Instance, link: Link): void {
    const auth = this.authArgs(ri);
    if (auth) link.send(auth);
    link.send(["CLIENT", "SETNAME", `sentinel-${this.myid.slice(0, 8)}-pubsub`]);
    link.sendNoReply(["SUBSCRIBE", HELLO_CHANNEL]);
  }

  private onPubsubMessage(msg: ReplyValue): void {
    if (!Array.isArray(msg) || msg[0] !== "message" || msg[1] !== HELLO_CHANNEL || typeof msg[2] !== "string") return;
    this.processHello(msg[2]);
  }

  // ---- periodic commands (sentinelSendPeriodicCommands) ----

  private sendPeriodicCommands(ri: Instance, now: number): void {
    const link = ri.link;
    if (!link?.connected || link.pending >= 100) return;
    const master = this.masterOf(ri);
    let infoPeriod = this.timings["info-period"];
    if (ri.kind === "slave" && (master.oDown || master.failoverInProgress || ri.masterLinkDownTime !== 0)) infoPeriod = 1000;
    const pingPeriod = this.pingPeriod(ri);
    if (ri.kind !== "sentinel" && (ri.infoRefresh === 0 || now - ri.infoRefresh > infoPeriod)) {
      link.send(["INFO"], (reply) => typeof reply === "string" && this.refreshFromInfo(ri, reply));
    }
    if (now - ri.lastPongTime > pingPeriod && now - ri.lastPingTime > pingPeriod / 2) this.sendPing(ri, now);
    if (now - ri.lastHelloSent > this.timings["publish-period"]) this.sendHello(ri, now);
  }

  sendPing(ri: Instance, now: number): void {
    if (!ri.link?.send(["PING"], (reply) => this.onPingReply(ri, reply))) return;
    ri.lastPingTime = now;
    if (ri.actPingTime === 0) ri.actPingTime = now;
  }

  private onPingReply(ri: Instance, reply: ReplyValue): void {
    const now = Date.now();
    ri.lastPongTime = now;
    const ok = reply === "PONG" || (reply instanceof ReplyError && /^(LOADING|MASTERDOWN)/.test(reply.message));
    if (ok) {
      ri.lastAvailTime = now;
      ri.actPingTime = 0;
    }
  }

  /** PUBLISH on the instance: `ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch`. */
  sendHello(ri: Instance, now: number): void {
    const master = this.masterOf(ri);
    const addr = this.currentMasterAddress(master);
    const ip = this.announceIp || ri.link?.localAddress || "127.0.0.1";
    const port = this.announcePort || this.host.port;
    const payload = [ip, port, this.myid, this.currentEpoch, master.monitorName, addr.host, addr.port, master.configEpoch].join(",");
    if (ri.link?.send(["PUBLISH", HELLO_CHANNEL, payload])) ri.lastHelloSent = now;
  }

  /** The promoted replica's address once the failover reconfigures replicas, else the master's. */
  currentMasterAddress(master: Master): { host: string; port: number } {
    const p = master.promotedSlave;
    if (p && (master.failoverState === "reconf_slaves" || master.failoverState === "update_config")) return { host: p.host, port: p.port };
    return { host: master.host, port: master.port };
  }

  // ---- INFO (sentinelRefreshInstanceInfo) ----

  private refreshFromInfo(ri: Instance, text: string): void {
    const now = Date.now();
    const fields = new Map<string, string>();
    for (const line of text.split("\r\n")) {
      const at = line.indexOf(":");
      if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1));
    }
    const runid = fields.get("run_id");
    if (runid && runid.length === 40) {
      if (ri.runid && ri.runid !== runid) this.event("+reboot", ri, ri.describe());
      ri.runid = runid;
    }
    if (ri instanceof Master && fields.get("role") === "master") {
      for (const [key, value] of fields) {
        if (!/^slave\d+$/.test(key)) continue;
        const m = /ip=([^,]+),port=(\d+)/.exec(value);
        if (m) this.addReplica(ri, m[1], Number(m[2]), now);
      }
    }
    const down = fields.get("master_link_down_since_seconds");
    ri.masterLinkDownTime = down === undefined ? 0 : Number(down) * 1000;
    const role = fields.get("role") === "slave" ? "slave" : "master";
    if (role !== ri.roleReported) {
      ri.roleReported = role;
      ri.roleReportedTime = now;
    }
    if (role === "slave") {
      ri.slaveMasterHost = fields.get("master_host");
      ri.slaveMasterPort = Number(fields.get("master_port") ?? 0);
      ri.slaveMasterLinkUp = fields.get("master_link_status") === "up";
      ri.slavePriority = Number(fields.get("slave_priority") ?? 100);
      ri.slaveReplOffset = Number(fields.get("slave_repl_offset") ?? 0);
      ri.replicaAnnounced = fields.get("replica_announced") !== "0";
    }
    ri.infoRefresh = now;
    if (this.tilt) return; // in TILT the sentinel only watches
    if (ri.kind === "slave") this.reactToReplicaRole(ri, role, now);
  }

  private addReplica(master: Master, host: string, port: number, now: number): void {
    const key = `${host}:${port}`;
    if (master.slaves.has(key)) return;
    const replica = new Instance("slave", host, port, master, now);
    master.slaves.set(key, replica);
    this.event("+slave", replica, replica.describe());
    this.saveState();
  }

  /** A replica's INFO: the promotion the failover waits for, the old master coming back, reconfiguration progress. */
  private reactToReplicaRole(ri: Instance, role: "master" | "slave", now: number): void {
    const master = ri.master!;
    if (role === "master") {
      if (ri.promoted && master.failoverState === "wait_promotion") {
        master.configEpoch = master.failoverEpoch;
        master.failoverState = "reconf_slaves";
        master.failoverStateChangeTime = now;
        this.event("+promoted-slave", ri, ri.describe());
        this.event("+failover-state-reconf-slaves", master, master.describe());
        this.saveState();
        for (const s of master.sentinels.values()) this.sendHello(s, now); // spread the new config at once
        return;
      }
      // A replica that says it is a master (the old master back): convert it, once the master looks sane
      // and the instance has been up as a master for a while (4 x publish period).
      const wait = this.timings["publish-period"] * 4;
      const masterSane = master.roleReported === "master" && !master.sDown && !master.oDown && now - master.infoRefresh < this.timings["info-period"] * 2;
      if (!master.failoverInProgress && masterSane && now - ri.sDownSinceTime > wait && now - ri.roleReportedTime > wait) {
        if (this.sendSlaveOf(ri, master.host, master.port)) this.event("+convert-to-slave", ri, ri.describe());
      }
      return;
    }
    if (ri.reconfSent && ri.slaveMasterHost === master.promotedSlave?.host && ri.slaveMasterPort === master.promotedSlave?.port) {
      ri.reconfSent = false;
      ri.reconfInprog = true;
      this.event("+slave-reconf-inprog", ri, ri.describe());
    }
    if (ri.reconfInprog && ri.slaveMasterLinkUp) {
      ri.reconfInprog = false;
      ri.reconfDone = true;
      this.event("+slave-reconf-done", ri, ri.describe());
    }
  }

  /** MULTI; SLAVEOF; CONFIG REWRITE; CLIENT KILL TYPE normal; CLIENT KILL TYPE pubsub; EXEC (replies ignored). */
  sendSlaveOf(ri: Instance, host: string | undefined, port: number): boolean {
    const link = ri.link;
    if (!link?.connected) return false;
    const target = host === undefined ? ["NO", "ONE"] : [host, String(port)];
    link.send(["MULTI"]);
    link.send(["SLAVEOF", ...target]);
    link.send(["CONFIG", "REWRITE"]);
    link.send(["CLIENT", "KILL", "TYPE", "normal"]);
    link.send(["CLIENT", "KILL", "TYPE", "pubsub"]);
    link.send(["EXEC"]);
    return true;
  }

  // ---- hello messages (sentinelProcessHelloMessage) ----

  processHello(payload: string): void {
    const parts = payload.split(",");
    if (parts.length !== 8) return;
    const [ip, portText, runid, epochText, name, masterIp, masterPortText, configEpochText] = parts;
    if (runid === this.myid) return;
    const master = this.masters.get(name);
    if (!master) return;
    const now = Date.now();
    const port = Number(portText);
    let peer = master.sentinels.get(runid);
    if (!peer) {
      // A sentinel at an address another run id held is that one restarted: drop the old entry.
      for (const [id, other] of master.sentinels) {
        if (other.host === ip && other.port === port) {
          this.event("+sentinel-invalid-addr", other, other.describe());
          other.closeLinks();
          master.sentinels.delete(id);
        }
      }
      peer = new Instance("sentinel", ip, port, master, now);
      peer.runid = runid;
      master.sentinels.set(runid, peer);
      this.event("+sentinel", peer, peer.describe());
      this.saveState();
    } else if (peer.host !== ip || peer.port !== port) {
      peer.closeLinks();
      peer.link = undefined;
      peer.host = ip;
      peer.port = port;
      this.event("+sentinel-address-switch", master, `${master.describe()} ${ip} ${port} for ${runid}`);
    }
    peer.lastHelloTime = now;
    const epoch = Number(epochText);
    if (epoch > this.currentEpoch) {
      this.currentEpoch = epoch;
      this.saveState();
      this.event("+new-epoch", undefined, String(epoch));
    }
    const configEpoch = Number(configEpochText);
    if (configEpoch > master.configEpoch) {
      master.configEpoch = configEpoch;
      const masterPort = Number(masterPortText);
      if (master.host !== masterIp || master.port !== masterPort) {
        this.event("+config-update-from", peer, peer.describe());
        this.event("+switch-master", master, `${master.monitorName} ${master.host} ${master.port} ${masterIp} ${masterPort}`);
        this.resetMasterAndChangeAddress(master, masterIp, masterPort);
      }
      this.saveState();
    }
  }

  // ---- SDOWN, ODOWN, asking peers, voting ----

  private checkSubjectivelyDown(ri: Instance, now: number): void {
    const elapsed = ri.actPingTime ? now - ri.actPingTime : ri.disconnected ? now - ri.lastAvailTime : 0;
    const master = this.masterOf(ri);
    const reportsReplica = ri instanceof Master && ri.roleReported === "slave" && now - ri.roleReportedTime > master.downAfter + this.timings["info-period"] * 2;
    const down = elapsed > master.downAfter || reportsReplica;
    if (down && !ri.sDown) {
      ri.sDown = true;
      ri.sDownSinceTime = now;
      this.event("+sdown", ri, ri.describe());
    } else if (!down && ri.sDown) {
      ri.sDown = false;
      this.event("-sdown", ri, ri.describe());
    }
  }

  private checkObjectivelyDown(master: Master, now: number): void {
    let votes = 0;
    let down = false;
    if (master.sDown) {
      votes = 1 + [...master.sentinels.values()].filter((s) => s.masterDown).length;
      down = votes >= master.quorum || this.hasBug("failover-without-quorum");
    }
    if (down && !master.oDown) {
      master.oDown = true;
      master.oDownSinceTime = now;
      this.event("+odown", master, `${master.describe()} #quorum ${votes}/${master.quorum}`);
    } else if (!down && master.oDown) {
      master.oDown = false;
      this.event("-odown", master, master.describe());
    }
  }

  private startFailoverIfNeeded(master: Master, now: number): boolean {
    if (!master.oDown || master.failoverInProgress) return false;
    if (now - master.failoverStartTime < master.failoverTimeout * 2) return false;
    this.startFailover(master, now);
    return true;
  }

  startFailover(master: Master, now: number): void {
    master.failoverState = "wait_start";
    master.failoverStateChangeTime = now;
    master.failoverEpoch = ++this.currentEpoch;
    this.saveState();
    this.event("+new-epoch", undefined, String(this.currentEpoch));
    this.event("+try-failover", master, master.describe());
    master.failoverStartTime = now + Math.floor(Math.random() * MAX_DESYNC);
  }

  /** SENTINEL is-master-down-by-addr to every peer, at most once per ask period (or now, when forced). */
  private askMasterState(master: Master, now: number, force: boolean): void {
    for (const peer of master.sentinels.values()) {
      const age = now - peer.lastMasterDownReplyTime;
      if (age > this.timings["ask-period"] * 5) {
        peer.masterDown = false;
        peer.leader = undefined;
      }
      if (!master.sDown || peer.disconnected) continue;
      if (!force && age < this.timings["ask-period"]) continue;
      const runid = master.failoverInProgress ? this.myid : "*";
      peer.link!.send(["SENTINEL", "is-master-down-by-addr", master.host, String(master.port), String(this.currentEpoch), runid], (reply) => {
        if (!Array.isArray(reply) || reply.length !== 3) return;
        peer.lastMasterDownReplyTime = Date.now();
        peer.masterDown = reply[0] === 1;
        if (reply[1] !== "*" && typeof reply[1] === "string") {
          peer.leader = reply[1];
          peer.leaderEpoch = Number(reply[2]);
        }
      });
    }
  }

  /** One vote per epoch, first come first served (sentinelVoteLeader). Returns the vote held. */
  voteLeader(master: Master, reqEpoch: number, reqRunid: string): { leader: string | undefined; epoch: number } {
    if (reqEpoch > this.currentEpoch) {
      this.currentEpoch = reqEpoch;
      this.saveState();
      this.event("+new-epoch", undefined, String(reqEpoch));
    }
    const twice = this.hasBug("vote-twice-per-epoch");
    if ((master.leaderEpoch < reqEpoch || (twice && master.leader !== reqRunid)) && this.currentEpoch <= reqEpoch) {
      master.leader = reqRunid;
      master.leaderEpoch = this.currentEpoch;
      this.saveState();
      this.event("+vote-for-leader", undefined, `${reqRunid} ${master.leaderEpoch}`);
      // Having voted for another, do not start a failover of our own for a while.
      if (reqRunid.toLowerCase() !== this.myid) master.failoverStartTime = Date.now() + Math.floor(Math.random() * MAX_DESYNC);
    }
    return { leader: master.leader, epoch: master.leaderEpoch };
  }

  /** The leader of an epoch, if it has max(majority of voters, quorum) votes (sentinelGetLeader). */
  leaderOf(master: Master, epoch: number): string | undefined {
    const counters = new Map<string, number>();
    for (const s of master.sentinels.values()) {
      if (s.leader && s.leaderEpoch === this.currentEpoch) counters.set(s.leader, (counters.get(s.leader) ?? 0) + 1);
    }
    const voters = master.sentinels.size + 1;
    let winner: string | undefined;
    let maxVotes = 0;
    for (const [id, votes] of counters) {
      if (votes > maxVotes) {
        maxVotes = votes;
        winner = id;
      }
    }
    const mine = this.voteLeader(master, epoch, winner ?? this.myid);
    if (mine.leader && mine.epoch === epoch) {
      const votes = (counters.get(mine.leader) ?? 0) + 1;
      if (votes > maxVotes) {
        maxVotes = votes;
        winner = mine.leader;
      }
    }
    const needed = Math.max(Math.floor(voters / 2) + 1, master.quorum);
    if (winner && maxVotes < needed && !this.hasBug("failover-without-quorum")) return undefined;
    return winner;
  }

  // ---- configuration changes ----

  /** The master entry now points at another address: its replicas are the old ones plus the old master. */
  resetMasterAndChangeAddress(master: Master, host: string, port: number): void {
    const now = Date.now();
    const replicas = [...master.slaves.values()].map((r) => ({ host: r.host, port: r.port })).filter((r) => !(r.host === host && r.port === port));
    if (master.host !== host || master.port !== port) replicas.push({ host: master.host, port: master.port });
    for (const r of master.slaves.values()) r.closeLinks();
    master.slaves.clear();
    master.closeLinks();
    master.link = undefined;
    master.pubsub = undefined;
    master.host = host;
    master.port = port;
    master.sDown = false;
    master.oDown = false;
    master.leader = undefined;
    master.failoverState = "none";
    master.failoverStateChangeTime = 0;
    // The new master may fail at once: a back-off from the last election would leave it down.
    master.failoverStartTime = 0;
    master.forceFailover = false;
    master.promotedSlave = undefined;
    master.runid = undefined;
    master.infoRefresh = 0;
    master.actPingTime = now;
    master.lastPingTime = 0;
    master.lastAvailTime = now;
    master.lastPongTime = now;
    master.roleReported = "master";
    master.roleReportedTime = now;
    for (const r of replicas) {
      const replica = new Instance("slave", r.host, r.port, master, now);
      master.slaves.set(replica.name, replica);
      this.event("+slave", replica, replica.describe());
    }
    this.saveState();
  }

  /** SENTINEL MONITOR: a new master to watch, with the default options. */
  monitor(name: string, host: string, port: number, quorum: number): void {
    const master = new Master(name, host, port, quorum, Date.now());
    master.downAfter = this.timings["default-down-after"];
    master.failoverTimeout = this.timings["default-failover-timeout"];
    this.masters.set(name, master);
    this.event("+monitor", master, `${master.describe()} quorum ${quorum}`);
    this.saveState();
  }

  /** SENTINEL REMOVE: stop watching a master, and drop every link it had. */
  remove(master: Master): void {
    this.forgetMaster(master);
    this.masters.delete(master.monitorName);
    this.event("-monitor", master, master.describe());
    this.saveState();
  }

  /** SENTINEL RESET: forget replicas and sentinels (learned again), clear the failover. */
  reset(master: Master): void {
    for (const s of master.sentinels.values()) s.closeLinks();
    master.sentinels.clear();
    this.resetMasterAndChangeAddress(master, master.host, master.port);
    this.event("+reset-master", master, master.describe());
  }

  forgetMaster(master: Master): void {
    master.closeLinks();
    for (const r of master.slaves.values()) r.closeLinks();
    for (const s of master.sentinels.values()) s.closeLinks();
  }

  // ---- events and state ----

  event(type: string, _ri: Instance | undefined, message: string): void {
    this.host.log(`${type} ${message}`);
    this.host.publish(type, Buffer.from(message));
  }

  saveState(): void {
    const lines = [`sentinel myid ${this.myid}`, `sentinel current-epoch ${this.currentEpoch}`];
    for (const m of this.masters.values()) {
      lines.push(`sentinel monitor ${m.monitorName} ${m.host} ${m.port} ${m.quorum}`);
      lines.push(`sentinel down-after-milliseconds ${m.monitorName} ${m.downAfter}`);
      lines.push(`sentinel failover-timeout ${m.monitorName} ${m.failoverTimeout}`);
      lines.push(`sentinel parallel-syncs ${m.monitorName} ${m.parallelSyncs}`);
      if (m.authPass) lines.push(`sentinel auth-pass ${m.monitorName} ${m.authPass}`);
      if (m.authUser) lines.push(`sentinel auth-user ${m.monitorName} ${m.authUser}`);
      lines.push(`sentinel config-epoch ${m.monitorName} ${m.configEpoch}`);
      lines.push(`sentinel leader-epoch ${m.monitorName} ${m.leaderEpoch}`);
      for (const r of m.slaves.values()) lines.push(`sentinel known-replica ${m.monitorName} ${r.host} ${r.port}`);
      for (const s of m.sentinels.values()) lines.push(`sentinel known-sentinel ${m.monitorName} ${s.host} ${s.port} ${s.runid}`);
    }
    this.host.saveState(lines);
  }
}
