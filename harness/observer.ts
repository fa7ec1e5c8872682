// The observer: during a run it samples INFO replication of every data node (every 100 to
// 250 ms), subscribes to every sentinel's events (PSUBSCRIBE *), and snapshots what each
// sentinel knows (SENTINEL MASTER / REPLICAS / SENTINELS); everything goes to events.jsonl
// on the history's clock, written as it happens.
//
// It has connections of its own, never the workload's, and none of its traffic is in the
// history. Like the rest of the harness's control traffic it reaches the nodes past the
// switch, on their private ports: a partition must not blind the observer, or it would miss
// exactly what it is there to record (the failover on the far side of the cut), and the
// switch would hold the events of a cut link until the heal and stamp them late.
import { closeSync, openSync, writeSync } from "node:fs";
import { Redis } from "ioredis";
import { eventToLine, type ObsEvent, type ObservedNode } from "../history/events.js";
import type { AdminAddress } from "../core/target.js";
import { parseInfo, pairsToObject } from "../targets/admin.js";
import { sleep } from "../core/sleep.js";

export interface ObserverOptions {
  nodes: readonly ObservedNode[];
  /** Where the observer reaches a node directly. */
  admin(id: string): AdminAddress;
  /** The history's clock: ns since the run started. */
  now(): number;
  /** events.jsonl; omitted: kept in memory only. */
  file?: string;
  masterName?: string;
  /** Sampling period bounds in ms; each wait is drawn between them. */
  periodMs?: [number, number];
  /** Command timeout of every observer query. */
  timeoutMs?: number;
}

/** INFO replication fields kept in a sample (plus slave<i> lines); the rest is noise for the checkers. */
const INFO_FIELDS = new Set([
  "role",
  "master_host",
  "master_port",
  "master_link_status",
  "master_link_down_since_seconds",
  "master_last_io_seconds_ago",
  "master_sync_in_progress",
  "slave_repl_offset",
  "slave_read_repl_offset",
  "slave_priority",
  "replica_announced",
  "connected_slaves",
  "min_slaves_good_slaves",
  "master_failover_state",
  "master_replid",
  "master_replid2",
  "master_repl_offset",
  "second_repl_offset",
]);

/** Sentinel instance fields that say how old something is, in ms before the reply. */
const VOLATILE = new Set([
  "last-ping-sent",
  "last-ok-ping-reply",
  "last-ping-reply",
  "info-refresh",
  "role-reported-time",
  "last-hello-message",
  "link-pending-commands",
  "s-down-time",
  "o-down-time",
  "master-link-down-time",
  "failover-state",
]);

/** A snapshot is written when something other than an age changed, or this long after the last one. */
const SNAPSHOT_HEARTBEAT_NS = 1e9;

export class Observer {
  private readonly fd?: number;
  private readonly records: ObsEvent[] = [];
  private readonly loops: Promise<void>[] = [];
  private readonly subscribers: Redis[] = [];
  private readonly stopper = new AbortController();
  private readonly period: [number, number];
  private readonly timeoutMs: number;
  private readonly linkState = new Map<string, "up" | "down">();
  private stopped = false;

  constructor(private readonly opts: ObserverOptions) {
    if (opts.file) this.fd = openSync(opts.file, "a");
    this.period = opts.periodMs ?? [100, 250];
    this.timeoutMs = opts.timeoutMs ?? 1000;
  }

  /** Writes the node list, subscribes to every sentinel (waiting, up to a bound, for each subscription) and starts sampling. */
  async start(subscribeWaitMs = 5000): Promise<void> {
    this.write({ kind: "observer", time: this.opts.now(), state: "start" });
    this.write({ kind: "nodes", time: this.opts.now(), nodes: [...this.opts.nodes], ...(this.opts.masterName ? { masterName: this.opts.masterName } : {}) });
    const sentinels = this.opts.nodes.filter((n) => n.kind === "sentinel");
    await Promise.all(sentinels.map((s) => this.subscribe(s.id, subscribeWaitMs)));
    for (const n of this.opts.nodes) {
      this.loops.push(n.kind === "data" ? this.sampleLoop(n.id, (c, fresh) => this.sampleInfo(n.id, c, fresh))
          : this.sampleLoop(n.id, (c, fresh) => this.sampleSentinel(n.id, c, fresh)));
    }
  }

  /** Stops sampling, closes every connection, and closes events.jsonl. Safe to call twice. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopper.abort();
    await Promise.all(this.loops);
    for (const s of this.subscribers) s.disconnect();
    this.write({ kind: "observer", time: this.opts.now(), state: "stop" });
    if (this.fd !== undefined) closeSync(this.fd);
  }

  events(): readonly ObsEvent[] {
    return this.records;
  }

  private write(e: ObsEvent): void {
    this.records.push(e);
    if (this.fd !== undefined && !(this.stopped && e.kind !== "observer")) writeSync(this.fd, eventToLine(e));
  }

  private link(node: string, channel: "events" | "samples", state: "up" | "down", error?: string): void {
    const key = `${node}/${channel}`;
    if (this.linkState.get(key) === state) return;
    this.linkState.set(key, state);
    this.write({ kind: "link", time: this.opts.now(), node, channel, state, ...(error ? { error } : {}) });
  }

  private client(addr: AdminAddress, reconnect: boolean): Redis {
    const client = new Redis({
      host: addr.host,
      port: addr.port,
      password: addr.password,
      lazyConnect: true,
      connectTimeout: this.timeoutMs,
      commandTimeout: reconnect ? undefined : this.timeoutMs,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: reconnect,
      enableReadyCheck: false,
      // The subscriber keeps reconnecting (a killed sentinel comes back); a sampler is replaced instead.
      retryStrategy: reconnect ? () => 200 : () => null,
    });
    client.on("error", () => undefined);
    return client;
  }

  /** PSUBSCRIBE * on a sentinel; resolves once subscribed, or after `waitMs` (the link record says which). */
  private async subscribe(id: string, waitMs: number): Promise<void> {
    const sub = this.client(this.opts.admin(id), true);
    this.subscribers.push(sub);
    sub.on("pmessage", (_pattern: string, channel: string, message: string) => {
      if (this.stopped || channel.startsWith("__sentinel__:")) return;
      this.write({ kind: "sentinel-event", time: this.opts.now(), node: id, event: channel, message });
    });
    sub.on("ready", () => this.link(id, "events", "up"));
    sub.on("close", () => {
      if (!this.stopped) this.link(id, "events", "down");
    });
    try {
      await Promise.race([
        sub.connect().then(() => sub.psubscribe("*")),
        sleep(waitMs).then(() => Promise.reject(new Error(`no subscription within ${waitMs} ms`))),
      ]);
      this.link(id, "events", "up");
    } catch (err) {
      this.link(id, "events", "down", (err as Error).message);
    }
  }

  /** Samples a node again and again with its own connection; a failed query replaces the connection. */
  private async sampleLoop(id: string, sample: (c: Redis, fresh: boolean) => Promise<void>): Promise<void> {
    let client: Redis | undefined;
    let fresh = false;
    const signal = this.stopper.signal;
    while (!signal.aborted) {
      try {
        if (!client) {
          client = this.client(this.opts.admin(id), false);
          await client.connect();
          fresh = true;
        }
        await sample(client, fresh);
        fresh = false;
        this.link(id, "samples", "up");
      } catch (err) {
        client?.disconnect();
        client = undefined;
        if (!signal.aborted) this.link(id, "samples", "down", (err as Error).message);
      }
      const [lo, hi] = this.period;
      await sleep(lo + Math.random() * (hi - lo), signal);
    }
    client?.disconnect();
  }

  private readonly runIds = new Map<string, string>();

  private async sampleInfo(id: string, client: Redis, fresh: boolean): Promise<void> {
    const sent = this.opts.now();
    if (fresh || !this.runIds.has(id)) {
      // run_id changes only when the process restarts, which also breaks this connection.
      const server = parseInfo(String(await client.call("INFO", "server")));
      if (server.run_id) this.runIds.set(id, server.run_id);
    }
    const all = parseInfo(String(await client.call("INFO", "replication")));
    const time = this.opts.now();
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(all)) if (INFO_FIELDS.has(k) || /^slave\d+$/.test(k)) fields[k] = v;
    const runId = this.runIds.get(id);
    if (runId) fields.run_id = runId;
    if (!this.stopped) this.write({ kind: "info", time, sent, node: id, fields });
  }

  private readonly myIds = new Map<string, string>();
  private readonly lastSnapshot = new Map<string, { signature: string; time: number }>();

  private async sampleSentinel(id: string, client: Redis, fresh: boolean): Promise<void> {
    const name = this.opts.masterName ?? "mymaster";
    const sent = this.opts.now();
    if (fresh || !this.myIds.has(id)) this.myIds.set(id, String(await client.call("SENTINEL", "MYID")));
    const [master, replicas, sentinels] = await Promise.all([
      client.call("SENTINEL", "MASTER", name),
      client.call("SENTINEL", "REPLICAS", name),
      client.call("SENTINEL", "SENTINELS", name),
    ]);
    const time = this.opts.now();
    const record = {
      kind: "sentinel-state" as const,
      time,
      sent,
      node: id,
      myid: this.myIds.get(id),
      master: pairsToObject(master),
      replicas: (Array.isArray(replicas) ? replicas : []).map(pairsToObject),
      sentinels: (Array.isArray(sentinels) ? sentinels : []).map(pairsToObject),
    };
    // Ages change on every reply; what matters is written at once, the rest once a second,
    // and every snapshot while the master is down or failing over (selection reads them).
    const signature = JSON.stringify([record.myid, stable(record.master), record.replicas.map(stable), record.sentinels.map(stable)]);
    const busy = /s_down|o_down|failover_in_progress/.test(record.master.flags ?? "");
    const last = this.lastSnapshot.get(id);
    if (!busy && last && last.signature === signature && time - last.time < SNAPSHOT_HEARTBEAT_NS) return;
    this.lastSnapshot.set(id, { signature, time });
    if (!this.stopped) this.write(record);
  }
}

function stable(fields: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).filter(([k]) => !VOLATILE.has(k)));
}
