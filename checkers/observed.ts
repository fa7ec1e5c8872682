// The observer's record (events.jsonl) read into a timeline the checkers can query: node
// ids behind the addresses in sentinel events, each sentinel's failover attempts (epoch,
// election, selection, promotion, abort), the master changes (+switch-master), when a node
// was next seen as a replica, INFO samples and sentinel snapshots per node, and whether
// the observer was listening at a given time. Pure: events in, answers out.
import type { InfoRecord, ObsEvent, ObservedNode, SentinelEventRecord, SentinelStateRecord } from "../history/events.js";

/** An instance named in a sentinel event: `%@` = `<type> <name> <ip> <port>[ @ <master> <ip> <port>]`. */
export interface Instance {
  type: string;
  name: string;
  addr: string;
  /** Node id, when the address is one of the run's nodes. */
  node?: string;
  /** For replicas and sentinels: the master's address after `@`. */
  masterAddr?: string;
}

/** One sentinel's attempt to fail over, from `+try-failover` to its end. */
export interface Attempt {
  leader: string;
  epoch?: number;
  /** The master being failed over. */
  master: Instance;
  tryTime: number;
  electedTime?: number;
  selectedTime?: number;
  selected?: Instance;
  promotionSentTime?: number;
  promotedTime?: number;
  promoted?: Instance;
  /** The leader's own +switch-master (at the end of the failover). */
  switchTime?: number;
  endTime?: number;
  abort?: { reason: string; time: number };
}

/** A change of primary as the sentinels announce it (+switch-master), the earliest announcement. */
export interface MasterChange {
  time: number;
  from: string;
  to: string;
  fromAddr: string;
  toAddr: string;
  /** The elected attempt that made it, when the record has it. */
  attempt?: Attempt;
}

export interface VoteEvent {
  voter: string;
  candidate: string;
  epoch: number;
  time: number;
}

const ROLE_SLAVE = /new reported role is slave/;

export class Timeline {
  readonly nodes = new Map<string, ObservedNode>();
  readonly masterName?: string;
  private readonly byAddr = new Map<string, string>();
  /** Sentinel events, per sentinel, in time order. */
  readonly sentinelEvents = new Map<string, SentinelEventRecord[]>();
  readonly allSentinelEvents: SentinelEventRecord[] = [];
  readonly info = new Map<string, InfoRecord[]>();
  readonly states = new Map<string, SentinelStateRecord[]>();
  private readonly links = new Map<string, { time: number; up: boolean }[]>();
  /** Sentinel run id -> sentinel node id. */
  readonly runIds = new Map<string, string>();
  readonly start?: number;
  readonly stop?: number;
  readonly attempts: Attempt[] = [];
  readonly changes: MasterChange[] = [];
  readonly votes: VoteEvent[] = [];
  /** +new-epoch per sentinel, in order. */
  readonly newEpochs = new Map<string, { epoch: number; time: number }[]>();

  constructor(events: readonly ObsEvent[]) {
    const sorted = [...events].sort((a, b) => a.time - b.time);
    for (const e of sorted) {
      switch (e.kind) {
        case "nodes":
          for (const n of e.nodes) {
            this.nodes.set(n.id, n);
            this.byAddr.set(`${n.host}:${n.port}`, n.id);
          }
          if (e.masterName) (this as { masterName?: string }).masterName = e.masterName;
          break;
        case "observer":
          if (e.state === "start" && this.start === undefined) (this as { start?: number }).start = e.time;
          if (e.state === "stop") (this as { stop?: number }).stop = e.time;
          break;
        case "sentinel-event":
          push(this.sentinelEvents, e.node, e);
          this.allSentinelEvents.push(e);
          break;
        case "info":
          push(this.info, e.node, e);
          break;
        case "sentinel-state":
          push(this.states, e.node, e);
          if (e.myid) this.runIds.set(e.myid.toLowerCase(), e.node);
          break;
        case "link":
          push(this.links, `${e.node}/${e.channel}`, { time: e.time, up: e.state === "up" });
          break;
      }
    }
    // Run ids of sentinels as others list them (SENTINEL SENTINELS: name = run id).
    for (const list of this.states.values()) {
      for (const s of list) {
        for (const peer of s.sentinels) {
          const id = this.node(`${peer.ip}:${peer.port}`);
          if (id && peer.name) this.runIds.set(peer.name.toLowerCase(), id);
        }
      }
    }
    this.readSentinelEvents();
  }

  /** Node id at an announced address. */
  node(addr: string): string | undefined {
    return this.byAddr.get(addr);
  }

  /** A readable name: the node id, else the address. */
  label(addr: string): string {
    return this.node(addr) ?? addr;
  }

  addrOf(id: string): string | undefined {
    const n = this.nodes.get(id);
    return n ? `${n.host}:${n.port}` : undefined;
  }

  sentinelIds(): string[] {
    return [...this.nodes.values()].filter((n) => n.kind === "sentinel").map((n) => n.id);
  }

  dataIds(): string[] {
    return [...this.nodes.values()].filter((n) => n.kind === "data").map((n) => n.id);
  }

  /** Whether the observer's link of this kind to a node was up for the whole of [from, to]. */
  covered(node: string, channel: "events" | "samples", from: number, to: number): boolean {
    return this.gaps(node, channel, from, to).length === 0;
  }

  /** When the observer's link of this kind to a node first came up. */
  firstUp(node: string, channel: "events" | "samples"): number | undefined {
    return (this.links.get(`${node}/${channel}`) ?? []).find((c) => c.up)?.time;
  }

  /** Periods of [from, to] in which the observer's link was down (or the observer not running). */
  gaps(node: string, channel: "events" | "samples", from: number, to: number): [number, number][] {
    const changes = this.links.get(`${node}/${channel}`) ?? [];
    let i = 0;
    let up = false;
    for (; i < changes.length && changes[i].time <= from; i++) up = changes[i].up;
    if (this.start === undefined || from < this.start) up = false;
    const gaps: [number, number][] = [];
    let downSince = up ? undefined : from;
    for (; i < changes.length && changes[i].time < to; i++) {
      const c = changes[i];
      if (c.up && downSince !== undefined) {
        gaps.push([downSince, c.time]);
        downSince = undefined;
      } else if (!c.up && downSince === undefined) downSince = c.time;
    }
    if (downSince === undefined && this.stop !== undefined && to > this.stop) downSince = this.stop;
    if (downSince !== undefined) gaps.push([downSince, to]);
    return gaps;
  }

  /** INFO samples of a node with from <= time <= to. */
  infoBetween(node: string, from: number, to: number): InfoRecord[] {
    const list = this.info.get(node) ?? [];
    const out: InfoRecord[] = [];
    for (let i = firstAtOrAfter(list, from, (s) => s.time); i < list.length && list[i].time <= to; i++) out.push(list[i]);
    return out;
  }

  lastInfoBefore(node: string, t: number): InfoRecord | undefined {
    const list = this.info.get(node) ?? [];
    const i = firstAtOrAfter(list, t, (s) => s.time);
    // The sample at i may sit exactly at t.
    return list[i]?.time === t ? list[i] : list[i - 1];
  }

  /** The first sample whose request left at or after t (so it reflects everything before t). */
  firstInfoAfter(node: string, t: number): InfoRecord | undefined {
    const list = this.info.get(node) ?? [];
    // Samples are in reply order; requests leave in the same order on one connection.
    return list[firstAtOrAfter(list, t, (s) => s.sent)];
  }

  /** The sentinel's last snapshot whose reply came before t, and its first one sent after t. */
  statesAround(sentinel: string, t: number): { before?: SentinelStateRecord; after?: SentinelStateRecord } {
    const list = this.states.get(sentinel) ?? [];
    let before: SentinelStateRecord | undefined;
    let after: SentinelStateRecord | undefined;
    for (const s of list) {
      if (s.time <= t) before = s;
      else if (s.sent >= t) {
        after = s;
        break;
      }
    }
    return { before, after };
  }

  /**
   * The first time after t at which a node is seen as a replica: a +convert-to-slave of it,
   * a sentinel reporting its role as slave, or an INFO sample with role:slave.
   */
  seenAsReplica(node: string, after: number, before = Infinity): { time: number; how: string } | undefined {
    const addr = this.addrOf(node);
    let best: { time: number; how: string } | undefined;
    for (const e of this.allSentinelEvents) {
      if (e.time <= after || e.time >= before) continue;
      const inst = parseInstance(e.message);
      if (!inst || inst.addr !== addr) continue;
      if (e.event === "+convert-to-slave" || (e.event === "+role-change" && ROLE_SLAVE.test(e.message))) {
        best = { time: e.time, how: `${e.event} from ${e.node}` };
        break;
      }
    }
    const sample = (this.info.get(node) ?? []).find((s) => s.sent > after && s.time < before && s.fields.role === "slave");
    if (sample && (!best || sample.time < best.time)) best = { time: sample.time, how: `INFO role:slave of ${sample.fields.master_host}:${sample.fields.master_port}` };
    return best;
  }

  /** The first +convert-to-slave of a node after t. */
  convertedAfter(node: string, t: number): SentinelEventRecord | undefined {
    const addr = this.addrOf(node);
    return this.allSentinelEvents.find((e) => e.time > t && e.event === "+convert-to-slave" && parseInstance(e.message)?.addr === addr);
  }

  private readSentinelEvents(): void {
    const open = new Map<string, Attempt>();
    const epoch = new Map<string, number>();
    for (const e of this.allSentinelEvents) {
      const s = e.node;
      const words = e.message.split(" ");
      switch (e.event) {
        case "+new-epoch": {
          const n = Number(words[0]);
          if (Number.isFinite(n)) {
            epoch.set(s, n);
            push(this.newEpochs, s, { epoch: n, time: e.time });
          }
          break;
        }
        case "+vote-for-leader": {
          const n = Number(words[1]);
          if (words[0] && Number.isFinite(n)) this.votes.push({ voter: s, candidate: words[0].toLowerCase(), epoch: n, time: e.time });
          break;
        }
        case "+try-failover": {
          const master = this.instance(e.message);
          if (!master) break;
          const a: Attempt = { leader: s, epoch: epoch.get(s), master, tryTime: e.time };
          this.attempts.push(a);
          open.set(s, a);
          break;
        }
        case "+elected-leader":
          this.update(open, s, (a) => (a.electedTime ??= e.time));
          break;
        case "+selected-slave":
          this.update(open, s, (a) => {
            a.selectedTime ??= e.time;
            a.selected ??= this.instance(e.message);
          });
          break;
        case "+failover-state-wait-promotion":
          this.update(open, s, (a) => (a.promotionSentTime ??= e.time));
          break;
        case "+promoted-slave":
          this.update(open, s, (a) => {
            a.promotedTime ??= e.time;
            a.promoted ??= this.instance(e.message);
          });
          break;
        case "+failover-end":
        case "+failover-end-for-timeout":
          this.update(open, s, (a) => (a.endTime ??= e.time));
          break;
        case "-failover-abort-not-elected":
        case "-failover-abort-no-good-slave":
        case "-failover-abort-slave-timeout":
          this.update(open, s, (a) => (a.abort ??= { reason: e.event.slice("-failover-abort-".length), time: e.time }));
          open.delete(s);
          break;
        case "+switch-master": {
          const [, oldIp, oldPort, newIp, newPort] = words;
          const fromAddr = `${oldIp}:${oldPort}`;
          const toAddr = `${newIp}:${newPort}`;
          const a = open.get(s);
          if (a && a.master.addr === fromAddr && a.switchTime === undefined) {
            a.switchTime = e.time;
            open.delete(s);
          }
          this.noteChange(e.time, fromAddr, toAddr);
          break;
        }
      }
    }
    // Each change is made by the latest election before it that chose that replica for that
    // master (the same pair can fail over again later, by another election).
    const used = new Set<Attempt>();
    for (const c of this.changes) {
      const candidates = this.attempts.filter(
        (a) =>
          !used.has(a) && a.electedTime !== undefined && a.master.addr === c.fromAddr && (a.promoted ?? a.selected)?.addr === c.toAddr && a.electedTime <= c.time && !a.abort,
      );
      c.attempt = candidates.at(-1);
      if (c.attempt) used.add(c.attempt);
    }
  }

  private update(open: Map<string, Attempt>, sentinel: string, f: (a: Attempt) => void): void {
    const a = open.get(sentinel);
    if (a) f(a);
  }

  /**
   * Sentinels learn a new master at different times, some straight from an older one: an
   * announcement of the master already current is a late learner, not a new failover.
   */
  private noteChange(time: number, fromAddr: string, toAddr: string): void {
    if (this.changes.at(-1)?.toAddr === toAddr) return;
    this.changes.push({ time, fromAddr, toAddr, from: this.label(fromAddr), to: this.label(toAddr) });
  }

  private instance(message: string): Instance | undefined {
    const inst = parseInstance(message);
    if (inst) inst.node = this.node(inst.addr);
    return inst;
  }
}

/** Parses `%@`: `<type> <name> <ip> <port>[ @ <master> <ip> <port>]`, then anything (`#quorum 2/2`). */
export function parseInstance(message: string): Instance | undefined {
  const w = message.split(" ");
  if (w.length < 4) return undefined;
  const inst: Instance = { type: w[0], name: w[1], addr: `${w[2]}:${w[3]}` };
  if (w[4] === "@" && w.length >= 8) inst.masterAddr = `${w[6]}:${w[7]}`;
  return inst;
}

/** `#quorum n/q` of an +odown payload. */
export function parseQuorum(message: string): { count: number; quorum: number } | undefined {
  const m = /#quorum (\d+)\/(\d+)/.exec(message);
  return m ? { count: Number(m[1]), quorum: Number(m[2]) } : undefined;
}

/** Index of the first element whose key is >= t, in a list sorted by that key. */
function firstAtOrAfter<T>(list: readonly T[], t: number, key: (x: T) => number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Seconds, 3 decimals, from ns. */
export function secs(ns: number): string {
  return (ns / 1e9).toFixed(3);
}
