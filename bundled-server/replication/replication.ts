// Replication as Redis 7.0 does it (docs/redis-ha-reference.md §1): one replication id and
// offset space per history, a backlog for partial resyncs, full syncs with an RDB snapshot,
// every write propagated in order, ACKs once a second, WAIT, and min-replicas-to-write.
//
// This module is the master side and the node's replication state; master-link.ts is the
// replica side (the connection to this node's own master). A node is both at once in a
// chain: what it applies from its master it appends, byte for byte, to its own stream.
import { randomBytes } from "node:crypto";
import type { ClientState } from "../client-state.js";
import { string2ll } from "../commands/args.js";
import { encodeCommand } from "../resp/encode.js";
import { Backlog } from "./backlog.js";
import { MasterLink, type LinkedReplication, type MasterLinkHost, type ReplicationHistory } from "./master-link.js";
import { encodeRdb } from "./rdb.js";

/** What replication needs from the server it runs in. */
export interface ReplicationHost extends MasterLinkHost {
  /** Fails every blocked client with this error (REPLICAOF changes what they wait for). */
  unblockAll(error: string): void;
}

/** A replica connected to this node, as the master sees it. */
export interface ReplicaClient extends ClientState {
  /** Writes bytes as they are (the replication stream is not a reply). */
  writeRaw(data: Buffer, written?: () => void): void;
  readonly remoteIp: string;
}

type ReplicaState = "wait_bgsave" | "send_bulk" | "online";

interface ReplicaPeer {
  client: ReplicaClient;
  state: ReplicaState;
  /** The highest offset it acknowledged (REPLCONF ACK). */
  ackOffset: number;
  /** When it last acknowledged, in whole seconds (Redis keeps repl_ack_time in seconds). */
  ackTime: number;
  listeningPort: number;
  announcedIp: string | undefined;
  capaEof: boolean;
  capaPsync2: boolean;
  /** Old SYNC: no +FULLRESYNC line before the payload. */
  oldSync: boolean;
  /** Diskless transfers go online on the first ACK, as in Redis. */
  onlineOnAck: boolean;
  /**
   * The stream written while a diskless transfer is unacknowledged: held back, as Redis holds the
   * replica's output buffer, because the transfer's end mark must be the last bytes the replica reads.
   */
  held: Buffer[];
}

interface Waiter {
  offset: number;
  replicas: number;
  finish: () => void;
}

const NO_ID = "0".repeat(40);
const CRON_MS = 1000;
/** The longest delay setTimeout keeps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function newReplicationId(): string {
  return randomBytes(20).toString("hex");
}

const seconds = (ms: number): number => Math.floor(ms / 1000);

export class Replication implements LinkedReplication {
  replid = newReplicationId();
  replid2 = NO_ID;
  /** second_repl_offset: up to where replid2's history is shared (-1: none). */
  secondOffset = -1;
  private backlog: Backlog | undefined;
  /** master_repl_offset without a backlog: the stream only advances once a replica needs it. */
  private bareOffset = 0;
  /** The database the stream last SELECTed (-1: the next write says it again). */
  private streamDb = -1;
  private readonly peers = new Map<ReplicaClient, ReplicaPeer>();
  private readonly waiters = new Set<Waiter>();
  private getAckPending = false;
  private fullSyncTimer: NodeJS.Timeout | undefined;
  private lastPing = Date.now();
  private noReplicasSince = Date.now();
  link: MasterLink | undefined;
  /** When the link to the master was last lost (0: it never was, or this node was promoted). */
  linkDownSince = 0;
  /** Where this node replicates from: set by REPLICAOF, even while the link is down. */
  master: { host: string; port: number } | undefined;
  /** min_slaves_good_slaves, refreshed when Redis refreshes it (cron, replica online or gone). */
  private good = 0;
  private goodFor = "";
  private readonly cron: NodeJS.Timeout;
  readonly stats = { syncFull: 0, syncPartialOk: 0, syncPartialErr: 0 };

  constructor(private readonly host: ReplicationHost) {
    this.cron = setInterval(() => this.tick(), CRON_MS);
    this.cron.unref();
  }

  get isMaster(): boolean {
    return this.master === undefined;
  }

  /** master_repl_offset. */
  get offset(): number {
    return this.backlog?.offset ?? this.bareOffset;
  }

  close(): void {
    clearInterval(this.cron);
    if (this.fullSyncTimer) clearTimeout(this.fullSyncTimer);
    this.link?.close();
    for (const w of this.waiters) w.finish();
  }

  // ---- the stream ----

  /** A write on this master, appended to the stream (the server wraps transactions in MULTI/EXEC). */
  append(db: number, argv: Buffer[]): void {
    if (!this.isMaster || !this.backlog) return;
    if (this.host.bugs.skipPropagation()) return;
    if (db !== this.streamDb) {
      this.feed(encodeCommand(["SELECT", String(db)]));
      this.streamDb = db;
    }
    this.feed(encodeCommand(argv));
  }

  /** Bytes of the stream: into the backlog and out to every replica that follows it. */
  feed(data: Buffer): void {
    if (!this.backlog) return;
    this.backlog.append(data);
    for (const peer of this.peers.values()) {
      if (peer.state === "wait_bgsave") continue;
      if (peer.onlineOnAck) peer.held.push(data);
      else peer.client.writeRaw(data);
    }
  }

  // ---- master side: PSYNC, REPLCONF, WAIT ----

  /** PSYNC replid offset, or SYNC (argv of one word). Answers on the client's connection itself. */
  sync(client: ReplicaClient, argv: Buffer[]): string | undefined {
    if (this.peers.has(client)) return undefined;
    if (!this.isMaster && this.link?.state !== "connected") return "NOMASTERLINK Can't SYNC while not connected with my master";
    const oldSync = argv.length === 1;
    const peer = this.pending.get(client) ?? this.newPeer(client);
    this.pending.delete(client);
    peer.oldSync = oldSync;
    this.peers.set(client, peer);
    if (!oldSync) {
      const replid = argv[1].toString("latin1").toLowerCase();
      const offset = Number(argv[2].toString("latin1"));
      if (this.tryContinue(peer, replid, offset)) return undefined;
      if (replid !== "?") this.stats.syncPartialErr++;
    }
    this.stats.syncFull++;
    if (!this.backlog) this.createBacklog(this.isMaster);
    peer.state = "wait_bgsave";
    this.scheduleFullSync(peer);
    return undefined;
  }

  /** REPLCONF option value ...: the handshake's options, ACK and GETACK. Returns the reply, or null for none. */
  replconf(client: ReplicaClient, argv: Buffer[]): string | null {
    if (argv.length % 2 === 0) return "-ERR syntax error";
    const peer = this.peers.get(client) ?? this.pendingPeer(client);
    for (let i = 1; i < argv.length; i += 2) {
      const option = argv[i].toString("latin1").toLowerCase();
      const value = argv[i + 1].toString("latin1");
      if (option === "listening-port") {
        // getLongFromObjectOrReply, kept in an int (slave_listening_port).
        const port = string2ll(argv[i + 1]);
        if (port === null) return "-ERR value is not an integer or out of range";
        peer.listeningPort = Number(BigInt.asIntN(32, port));
      } else if (option === "ip-address") {
        peer.announcedIp = value;
      } else if (option === "capa") {
        if (value.toLowerCase() === "eof") peer.capaEof = true;
        if (value.toLowerCase() === "psync2") peer.capaPsync2 = true;
      } else if (option === "ack") {
        this.ack(client, Number(value));
        return null;
      } else if (option === "getack") {
        if (!this.isMaster) this.link?.sendAck();
        return null;
      } else if (option !== "rdb-only" && option !== "rdb-filter-only") {
        return `-ERR Unrecognized REPLCONF option: ${argv[i].toString("latin1")}`;
      }
    }
    return "+OK";
  }

  /** WAIT numreplicas timeout, for a client whose last write ended at `offset`. */
  wait(offset: number, replicas: number, timeoutMs: number, mayBlock: boolean): Promise<number> | number {
    const acked = this.ackedAtLeast(offset);
    if (acked >= replicas || !mayBlock) return acked;
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        offset,
        replicas,
        finish: () => {
          if (timer) clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(this.ackedAtLeast(offset));
        },
      };
      this.waiters.add(waiter);
      // A timer takes at most 2^31-1 ms (a longer one fires at once): a longer wait is as good as
      // forever here, and Redis's own deadline (now + timeout) never comes once it overflows.
      if (timeoutMs > 0 && timeoutMs <= MAX_TIMER_MS) timer = setTimeout(waiter.finish, timeoutMs);
      this.requestAcks();
    });
  }

  /** Clients blocked in WAIT are unblocked (with what they have) when the role changes. */
  private finishWaiters(): void {
    for (const w of [...this.waiters]) w.finish();
  }

  forget(client: ClientState): void {
    this.pending.delete(client as ReplicaClient);
    if (this.peers.delete(client as ReplicaClient)) {
      if (this.peers.size === 0) this.noReplicasSince = Date.now();
      this.refreshGood();
    }
  }

  isReplicaClient(client: ClientState): boolean {
    return this.peers.has(client as ReplicaClient);
  }

  /** REPLCONF before PSYNC: the options are kept until the client asks to sync. */
  private readonly pending = new Map<ReplicaClient, ReplicaPeer>();

  private pendingPeer(client: ReplicaClient): ReplicaPeer {
    let peer = this.pending.get(client);
    if (!peer) this.pending.set(client, (peer = this.newPeer(client)));
    return peer;
  }

  private newPeer(client: ReplicaClient): ReplicaPeer {
    return {
      client,
      state: "wait_bgsave",
      ackOffset: 0,
      ackTime: seconds(Date.now()),
      listeningPort: 0,
      announcedIp: undefined,
      capaEof: false,
      capaPsync2: false,
      oldSync: false,
      onlineOnAck: false,
      held: [],
    };
  }

  /** +CONTINUE when the id and the backlog allow it (masterTryPartialResynchronization). */
  private tryContinue(peer: ReplicaPeer, replid: string, offset: number): boolean {
    const idMatches = replid === this.replid || (replid === this.replid2 && offset <= this.secondOffset);
    if (!idMatches || !this.backlog || !Number.isInteger(offset) || !this.backlog.covers(offset)) return false;
    peer.state = "online";
    peer.ackTime = seconds(Date.now());
    peer.client.writeRaw(Buffer.from(peer.capaPsync2 ? `+CONTINUE ${this.replid}\r\n` : "+CONTINUE\r\n"));
    peer.client.writeRaw(this.backlog.from(offset));
    this.stats.syncPartialOk++;
    this.refreshGood();
    return true;
  }

  /** The first replica creates the backlog; a master then also starts a new history. */
  private createBacklog(newHistory: boolean): void {
    if (newHistory) {
      this.replid = newReplicationId();
      this.replid2 = NO_ID;
      this.secondOffset = -1;
    }
    this.backlog = new Backlog(this.backlogSize(), this.offset);
  }

  private backlogSize(): number {
    return Math.max(16 * 1024, this.host.config.int("repl-backlog-size"));
  }

  /**
   * Full syncs start after repl-diskless-sync-delay (diskless, so more replicas can share one
   * transfer), sending keep-alive newlines meanwhile; every replica waiting gets the same snapshot.
   */
  private scheduleFullSync(peer: ReplicaPeer): void {
    const diskless = this.host.config.yes("repl-diskless-sync") && peer.capaEof;
    const delayMs = diskless ? this.host.config.int("repl-diskless-sync-delay") * 1000 : 0;
    if (this.fullSyncTimer) return;
    this.fullSyncTimer = setTimeout(() => {
      this.fullSyncTimer = undefined;
      this.startFullSync();
    }, delayMs);
  }

  private startFullSync(): void {
    const waiting = [...this.peers.values()].filter((p) => p.state === "wait_bgsave");
    if (waiting.length === 0) return;
    const rdb = encodeRdb(this.host.keyspace, Date.now(), { replId: this.replid, replOffset: this.offset });
    for (const peer of waiting) {
      if (!peer.oldSync) peer.client.writeRaw(Buffer.from(`+FULLRESYNC ${this.replid} ${this.offset}\r\n`));
      const diskless = this.host.config.yes("repl-diskless-sync") && peer.capaEof;
      peer.state = "send_bulk";
      if (diskless) {
        const mark = randomBytes(20).toString("hex");
        peer.client.writeRaw(Buffer.concat([Buffer.from(`$EOF:${mark}\r\n`), rdb, Buffer.from(mark)]));
        peer.onlineOnAck = true;
      } else {
        peer.client.writeRaw(Buffer.concat([Buffer.from(`$${rdb.length}\r\n`), rdb]), () => this.putOnline(peer));
      }
    }
    // The snapshot carries no SELECT: the stream says which database its next write is for.
    this.streamDb = -1;
  }

  private putOnline(peer: ReplicaPeer): void {
    if (peer.state !== "send_bulk" || !this.peers.has(peer.client)) return;
    peer.state = "online";
    peer.ackTime = seconds(Date.now());
    this.refreshGood();
  }

  private ack(client: ReplicaClient, offset: number): void {
    const peer = this.peers.get(client);
    if (!peer || !Number.isFinite(offset)) return; // Redis ignores ACKs from clients that are not replicas
    peer.ackOffset = Math.max(peer.ackOffset, offset);
    peer.ackTime = seconds(Date.now());
    if (peer.onlineOnAck && peer.state === "send_bulk") {
      peer.onlineOnAck = false;
      for (const data of peer.held) peer.client.writeRaw(data);
      peer.held = [];
      this.putOnline(peer);
    }
    for (const w of [...this.waiters]) if (this.ackedAtLeast(w.offset) >= w.replicas) w.finish();
  }

  private ackedAtLeast(offset: number): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.state === "online" && p.ackOffset >= offset) n++;
    return n;
  }

  /** One REPLCONF GETACK for all the WAITs of this turn of the event loop. */
  private requestAcks(): void {
    if (this.getAckPending) return;
    this.getAckPending = true;
    setImmediate(() => {
      this.getAckPending = false;
      if (this.waiters.size > 0 && this.isMaster) this.feed(encodeCommand(["REPLCONF", "GETACK", "*"]));
    });
  }

  // ---- min-replicas-to-write ----

  /** The good replicas: online, and acknowledged within min-replicas-max-lag seconds (refreshGoodSlavesCount). */
  private refreshGood(): void {
    const maxLag = this.host.config.int("min-replicas-max-lag");
    const now = seconds(Date.now());
    let good = 0;
    for (const p of this.peers.values()) if (p.state === "online" && now - p.ackTime <= maxLag) good++;
    this.good = good;
    this.goodFor = this.minReplicasSetting();
  }

  private minReplicasSetting(): string {
    return `${this.host.config.get("min-replicas-to-write")}/${this.host.config.get("min-replicas-max-lag")}`;
  }

  /** NOREPLICAS when this master has too few good replicas for a write. */
  tooFewReplicas(): boolean {
    const toWrite = this.host.config.int("min-replicas-to-write");
    const maxLag = this.host.config.int("min-replicas-max-lag");
    if (!this.isMaster || toWrite === 0 || maxLag === 0) return false;
    if (this.goodFor !== this.minReplicasSetting()) this.refreshGood(); // CONFIG SET refreshes at once
    return this.good < toWrite;
  }

  // ---- roles ----

  /**
   * REPLICAOF host port: follow a master, trying to continue a history there: by default this
   * node's own (PSYNC <my replid> <my offset + 1>); at startup the one its RDB file records, or
   * none (null).
   */
  replicaOf(host: string, port: number, history: ReplicationHistory | null | "own" = "own"): void {
    if (history === "own") {
      // A master continues its own history; a replica still linked, the one it has applied
      // (replicationCacheMaster: a lost link has cached it already).
      if (this.isMaster || this.link?.state === "connected") this.cachedMaster = { replid: this.replid, offset: this.offset };
    } else if (history) {
      this.replid = history.replid;
      this.bareOffset = history.offset;
      this.cachedMaster = history;
    }
    this.link?.close();
    this.master = { host, port };
    this.host.unblockAll("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)");
    this.finishWaiters();
    this.startLink();
  }

  /** REPLICAOF NO ONE: a master again, with a new history that remembers the old one. */
  promote(): void {
    if (this.isMaster) return;
    this.link?.close();
    this.link = undefined;
    this.master = undefined;
    this.cachedMaster = undefined;
    this.linkDownSince = 0;
    this.shiftReplicationId();
    this.disconnectReplicas();
    this.noReplicasSince = Date.now();
  }

  /** Where the next PSYNC continues from, while the link is down. */
  cachedMaster: ReplicationHistory | undefined;

  private startLink(): void {
    const master = this.master!;
    this.link = new MasterLink(this.host, master.host, master.port, this);
    this.link.start();
  }

  shiftReplicationId(): void {
    this.replid2 = this.replid;
    this.secondOffset = this.offset + 1;
    this.replid = newReplicationId();
  }

  disconnectReplicas(): void {
    for (const peer of [...this.peers.values()]) peer.client.kill();
  }

  /** After a full sync from the master: its history, from its offset, in a fresh backlog. */
  adoptHistory(replid: string, offset: number): void {
    this.replid = replid;
    this.replid2 = NO_ID;
    this.secondOffset = -1;
    this.bareOffset = offset;
    this.backlog = undefined;
    this.createBacklogAt(offset);
    this.disconnectReplicas();
  }

  /** +CONTINUE with another id: the master's history continues ours under a new name. */
  renameHistory(replid: string): void {
    if (replid === this.replid) return;
    this.replid2 = this.replid;
    this.secondOffset = this.offset + 1;
    this.replid = replid;
    this.disconnectReplicas();
  }

  private createBacklogAt(offset: number): void {
    this.backlog = new Backlog(this.backlogSize(), offset);
  }

  /** A partial resync continues this node's stream; it needs a backlog to count it in. */
  ensureBacklog(): void {
    if (!this.backlog) this.createBacklogAt(this.offset);
  }

  // ---- the 1 Hz cron (replicationCron) ----

  private tick(): void {
    const now = Date.now();
    this.link?.tick(now);
    const timeoutS = this.host.config.int("repl-timeout");
    for (const peer of [...this.peers.values()]) {
      if (peer.state === "wait_bgsave") peer.client.writeRaw(Buffer.from("\n"));
      else if (peer.state === "online" && seconds(now) - peer.ackTime > timeoutS) peer.client.kill(); // "Disconnecting timedout replica"
    }
    if (this.isMaster && this.peers.size > 0 && now - this.lastPing >= this.host.config.int("repl-ping-replica-period") * 1000) {
      this.lastPing = now;
      this.feed(encodeCommand(["PING"]));
    }
    const ttl = this.host.config.int("repl-backlog-ttl");
    if (this.isMaster && this.backlog && this.peers.size === 0 && ttl > 0 && now - this.noReplicasSince > ttl * 1000) {
      // A later PSYNC by the old id must not accept a history that went on without it.
      this.backlog = undefined;
      this.bareOffset = this.offset;
      this.replid = newReplicationId();
      this.replid2 = NO_ID;
      this.secondOffset = -1;
    }
    this.refreshGood();
  }

  // ---- what INFO and ROLE show ----

  info(now: number): Array<[string, string | number]> {
    const fields: Array<[string, string | number]> = [["role", this.isMaster ? "master" : "slave"]];
    if (!this.isMaster) fields.push(...this.link!.info(now), ["slave_priority", this.host.config.int("replica-priority")], ["slave_read_only", this.host.config.yes("replica-read-only") ? 1 : 0], ["replica_announced", 1]);
    fields.push(["connected_slaves", this.peers.size]);
    if (this.host.config.int("min-replicas-to-write") > 0 && this.host.config.int("min-replicas-max-lag") > 0) {
      if (this.goodFor !== this.minReplicasSetting()) this.refreshGood();
      fields.push(["min_slaves_good_slaves", this.good]);
    }
    [...this.peers.values()].forEach((p, i) => {
      const lag = p.state === "online" ? seconds(now) - p.ackTime : 0;
      fields.push([`slave${i}`, `ip=${this.peerIp(p)},port=${p.listeningPort},state=${p.state},offset=${p.ackOffset},lag=${lag}`]);
    });
    fields.push(
      ["master_failover_state", "no-failover"],
      ["master_replid", this.replid],
      ["master_replid2", this.replid2],
      ["master_repl_offset", this.offset],
      ["second_repl_offset", this.secondOffset],
      ["repl_backlog_active", this.backlog ? 1 : 0],
      ["repl_backlog_size", this.backlogSize()],
      ["repl_backlog_first_byte_offset", this.backlog?.firstByteOffset ?? 0],
      ["repl_backlog_histlen", this.backlog?.histlen ?? 0],
    );
    return fields;
  }

  /** ROLE's replica list (online replicas only) for a master. */
  onlineReplicas(): Array<{ ip: string; port: number; offset: number }> {
    return [...this.peers.values()].filter((p) => p.state === "online").map((p) => ({ ip: this.peerIp(p), port: p.listeningPort, offset: p.ackOffset }));
  }

  private peerIp(p: ReplicaPeer): string {
    return p.announcedIp ?? p.client.remoteIp.replace(/^::ffff:/, "");
  }
}
