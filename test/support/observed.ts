// Builders for hand-written observer records (events.jsonl) and histories, for the unit tests
// of the checkers that read them. Times are given in seconds and stored in ns.
import type { InfoRecord, ObsEvent, SentinelStateRecord } from "../../history/events.js";
import type { Op, OpType } from "../../history/op.js";

export const sec = (s: number): number => Math.round(s * 1e9);

/** Three data nodes and three sentinels at made-up announced addresses. */
export const ADDR: Record<string, { host: string; port: number }> = {
  n1: { host: "127.0.0.11", port: 7001 },
  n2: { host: "127.0.0.12", port: 7002 },
  n3: { host: "127.0.0.13", port: 7003 },
  s1: { host: "127.0.0.14", port: 7004 },
  s2: { host: "127.0.0.15", port: 7005 },
  s3: { host: "127.0.0.16", port: 7006 },
};

export const RUN_ID: Record<string, string> = {
  s1: "a1".repeat(20),
  s2: "b2".repeat(20),
  s3: "c3".repeat(20),
  n1: "11".repeat(20),
  n2: "22".repeat(20),
  n3: "33".repeat(20),
};

export const addr = (id: string): string => `${ADDR[id].host} ${ADDR[id].port}`;
/** `%@` of a master / a replica of master `of`. */
export const master = (id: string): string => `master mymaster ${addr(id)}`;
export const replica = (id: string, of: string): string => `slave ${ADDR[id].host}:${ADDR[id].port} ${addr(id)} @ mymaster ${addr(of)}`;

/** An observer record under construction. */
export class ObsRecord {
  readonly events: ObsEvent[] = [];

  constructor(opts: { stop?: number; dataNodes?: string[]; sentinels?: string[] } = {}) {
    const data = opts.dataNodes ?? ["n1", "n2", "n3"];
    const sentinels = opts.sentinels ?? ["s1", "s2", "s3"];
    this.events.push({ kind: "observer", time: 0, state: "start" });
    this.events.push({
      kind: "nodes",
      time: 0,
      masterName: "mymaster",
      nodes: [...data.map((id) => ({ id, kind: "data" as const, ...ADDR[id] })), ...sentinels.map((id) => ({ id, kind: "sentinel" as const, ...ADDR[id] }))],
    });
    for (const id of sentinels) this.events.push({ kind: "link", time: 1e6, node: id, channel: "events", state: "up" });
    for (const id of [...data, ...sentinels]) this.events.push({ kind: "link", time: 1e6, node: id, channel: "samples", state: "up" });
    if (opts.stop !== undefined) this.events.push({ kind: "observer", time: sec(opts.stop), state: "stop" });
  }

  /** A sentinel event at t seconds. */
  ev(t: number, node: string, event: string, message: string): this {
    this.events.push({ kind: "sentinel-event", time: sec(t), node, event, message });
    return this;
  }

  link(t: number, node: string, channel: "events" | "samples", state: "up" | "down"): this {
    this.events.push({ kind: "link", time: sec(t), node, channel, state });
    return this;
  }

  info(t: number, node: string, fields: InfoRecord["fields"]): this {
    this.events.push({ kind: "info", time: sec(t), sent: sec(t) - 1e6, node, fields: { run_id: RUN_ID[node], ...fields } });
    return this;
  }

  /** A replica's INFO replication: of master `of`, at `offset`. */
  replicaInfo(t: number, node: string, of: string, offset: number, extra: InfoRecord["fields"] = {}): this {
    return this.info(t, node, {
      role: "slave",
      master_host: ADDR[of].host,
      master_port: String(ADDR[of].port),
      master_link_status: "up",
      slave_repl_offset: String(offset),
      slave_priority: "100",
      master_replid: `replid-of-${of}`,
      ...extra,
    });
  }

  masterInfo(t: number, node: string, offset: number): this {
    return this.info(t, node, { role: "master", master_repl_offset: String(offset), master_replid: `replid-of-${node}`, connected_slaves: "2" });
  }

  /**
   * What sentinel `node` knows at t: master `of` (flags), its replicas (each with priority,
   * offset, flags and ages in ms), and the other sentinels.
   */
  state(
    t: number,
    node: string,
    of: string,
    replicas: Array<{ id: string; priority?: number; offset?: number; flags?: string; pingAgoMs?: number; infoAgoMs?: number; linkDownMs?: number; runId?: string }>,
    opts: { masterFlags?: string; quorum?: number; sdownMs?: number; sentinels?: string[] } = {},
  ): this {
    const others = (opts.sentinels ?? ["s1", "s2", "s3"]).filter((s) => s !== node);
    const rec: SentinelStateRecord = {
      kind: "sentinel-state",
      time: sec(t),
      sent: sec(t) - 1e6,
      node,
      myid: RUN_ID[node],
      master: {
        name: "mymaster",
        ip: ADDR[of].host,
        port: String(ADDR[of].port),
        flags: opts.masterFlags ?? "master",
        "config-epoch": "0",
        "num-other-sentinels": String(others.length),
        quorum: String(opts.quorum ?? 2),
        "down-after-milliseconds": "1000",
        ...(opts.sdownMs !== undefined ? { "s-down-time": String(opts.sdownMs) } : {}),
      },
      replicas: replicas.map((r) => ({
        name: `${ADDR[r.id].host}:${ADDR[r.id].port}`,
        ip: ADDR[r.id].host,
        port: String(ADDR[r.id].port),
        runid: r.runId ?? RUN_ID[r.id],
        flags: r.flags ?? "slave",
        "last-ok-ping-reply": String(r.pingAgoMs ?? 300),
        "info-refresh": String(r.infoAgoMs ?? 400),
        "master-link-down-time": String(r.linkDownMs ?? 0),
        "slave-priority": String(r.priority ?? 100),
        "slave-repl-offset": String(r.offset ?? 1000),
      })),
      sentinels: others.map((s) => ({ name: RUN_ID[s], ip: ADDR[s].host, port: String(ADDR[s].port), flags: "sentinel" })),
    };
    this.events.push(rec);
    return this;
  }

  /**
   * A textbook failover of `old` to `promoted` led by `leader` in `epoch`, starting at t: ODOWN,
   * votes from `voters`, election, selection (with the leader's snapshot just before), promotion,
   * +switch-master everywhere, and the old primary converted 10 s later.
   */
  failover(t: number, o: { old: string; promoted: string; leader: string; epoch: number; voters?: string[]; quorum?: string; odown?: boolean; candidates?: Parameters<ObsRecord["state"]>[3] }): this {
    const voters = o.voters ?? ["s1", "s2", "s3"];
    const others = ["n1", "n2", "n3"].filter((n) => n !== o.old);
    for (const s of ["s1", "s2", "s3"]) this.ev(t - 0.1, s, "+sdown", master(o.old));
    if (o.odown !== false) this.ev(t, o.leader, "+odown", `${master(o.old)} #quorum ${o.quorum ?? "3/2"}`);
    this.ev(t + 0.001, o.leader, "+new-epoch", String(o.epoch));
    this.ev(t + 0.002, o.leader, "+try-failover", master(o.old));
    voters.forEach((v, i) => {
      if (v !== o.leader) this.ev(t + 0.005 + i * 0.001, v, "+new-epoch", String(o.epoch));
      this.ev(t + 0.006 + i * 0.001, v, "+vote-for-leader", `${RUN_ID[o.leader]} ${o.epoch}`);
    });
    this.state(t + 0.05, o.leader, o.old, o.candidates ?? others.map((id) => ({ id })), { masterFlags: "master,s_down,o_down", sdownMs: 150 });
    this.ev(t + 0.07, o.leader, "+elected-leader", master(o.old));
    this.ev(t + 0.071, o.leader, "+failover-state-select-slave", master(o.old));
    this.ev(t + 0.1, o.leader, "+selected-slave", replica(o.promoted, o.old));
    this.ev(t + 0.1, o.leader, "+failover-state-send-slaveof-noone", replica(o.promoted, o.old));
    this.ev(t + 0.15, o.leader, "+failover-state-wait-promotion", replica(o.promoted, o.old));
    this.ev(t + 1, o.leader, "+promoted-slave", replica(o.promoted, o.old));
    for (const s of ["s1", "s2", "s3"]) this.ev(t + 1.1, s, "+switch-master", `mymaster ${addr(o.old)} ${addr(o.promoted)}`);
    this.ev(t + 11, "s1", "+convert-to-slave", replica(o.old, o.promoted));
    return this;
  }
}

// --- Histories ---------------------------------------------------------------

export class Hist {
  readonly ops: Op[] = [];

  private line(t: number, process: number | "nemesis", type: OpType, f: string, key?: string, value?: unknown, node?: string, error?: string): void {
    const op: Op = { index: 0, time: sec(t), process, type, f };
    if (key !== undefined) op.key = key;
    if (value !== undefined) op.value = value;
    if (node !== undefined) op.node = node;
    if (error !== undefined) op.error = error;
    this.ops.push(op);
  }

  /** An op invoked at t0 and completed at t1. */
  op(p: number, f: string, key: string, value: unknown, t0: number, t1: number, type: "ok" | "fail" | "info", node = "n1"): this {
    this.line(t0, p, "invoke", f, key, f === "read" ? undefined : value);
    this.line(t1, p, type, f, key, f === "read" && type !== "ok" ? undefined : value, node, type === "ok" ? undefined : "error");
    return this;
  }

  nemesis(t: number, f: "start" | "stop", value: Record<string, unknown>): this {
    this.line(t, "nemesis", "info", f, undefined, value);
    return this;
  }

  /** primary-with-clients around `primary` from t0 to t1. */
  partition(t0: number, t1: number, primary = "n1", others = ["n2", "n3", "s1", "s2", "s3"]): this {
    const cut = others.flatMap((o) => [`${primary}->${o}`, `${o}->${primary}`]).concat(others.filter((o) => o.startsWith("n")).flatMap((o) => [`clients->${o}`, `${o}->clients`]));
    this.nemesis(t0, "start", { fault: "partition", shape: "primary-with-clients", sides: [[primary, "clients"], others], cut });
    return this.nemesis(t1, "stop", { fault: "partition", shape: "primary-with-clients" });
  }

  build(): Op[] {
    return this.ops.map((o, i) => ({ o, i })).sort((a, b) => a.o.time - b.o.time || a.i - b.i).map(({ o }, index) => ({ ...o, index }));
  }
}
