// Deliberate faults, so that every checker can be shown to catch what it checks. Off by
// default; a server runs one only when asked for it by name (`--bug lost-ack`).
//
// lost-ack    every 10th write is acknowledged with the reply it would get, but its effect
//             is undone at once and never persisted: an acknowledged write that is lost.
// stale-read  every 5th read sees the keys it reads as they were before their last write.
// ignore-min-replicas  a master accepts writes that min-replicas-to-write should refuse.
// replica-writable     a read-only replica accepts client writes (kept local, as Redis does
//                      with replica-read-only no).
// skip-propagation     every 10th write is applied and acknowledged but never reaches the
//                      replication stream.
// ack-before-apply     a replica counts and acknowledges (REPLCONF ACK) the stream as it
//                      arrives but applies its writes 1 s later: WAIT returns before the
//                      replica's reads see the write.
// Sentinel mode:
// select-lowest-offset     the failover promotes the eligible replica with the lowest offset.
// ignore-priority          replica-priority is ignored, 0 included.
// failover-without-quorum  SDOWN alone is ODOWN, and a leader needs no majority or quorum.
// vote-twice-per-epoch     a sentinel votes again in an epoch it has already voted in.
import type { Database, Entry } from "./keyspace.js";

export const BUG_NAMES = [
  "lost-ack",
  "stale-read",
  "ignore-min-replicas",
  "replica-writable",
  "skip-propagation",
  "ack-before-apply",
  "select-lowest-offset",
  "ignore-priority",
  "failover-without-quorum",
  "vote-twice-per-epoch",
];

const LOST_ACK_EVERY = 10;
const STALE_READ_EVERY = 5;
const SKIP_PROPAGATION_EVERY = 10;
const APPLY_LATE_MS = 1000;

export type Snapshot = Map<string, Entry | undefined>;

export class Bugs {
  private readonly on: Set<string>;
  private writes = 0;
  private reads = 0;
  private propagated = 0;
  /** The value each key had before its last write, for stale-read. */
  private readonly previous = new Map<string, Entry | undefined>();

  constructor(spec: string) {
    this.on = new Set(spec.split(/[\s,]+/).filter(Boolean));
  }

  get any(): boolean {
    return this.on.size > 0;
  }

  has(name: string): boolean {
    return this.on.has(name);
  }

  /** Counts a replicated write; true when skip-propagation wants it kept from the replicas. */
  skipPropagation(): boolean {
    return this.on.has("skip-propagation") && ++this.propagated % SKIP_PROPAGATION_EVERY === 0;
  }

  /** Applies a write from the master's stream: at once, or under ack-before-apply later, in order (timers of one delay fire in turn). */
  applyFromStream(apply: () => void): void {
    if (this.on.has("ack-before-apply")) setTimeout(apply, APPLY_LATE_MS);
    else apply();
  }

  /** Counts a write; true when lost-ack wants this one lost. */
  loseWrite(): boolean {
    return this.on.has("lost-ack") && ++this.writes % LOST_ACK_EVERY === 0;
  }

  /** Before a write: the keys' values, kept for stale-read and returned for an undo. */
  beforeWrite(db: Database, keys: string[], now: number): Snapshot {
    const before = snapshot(db, keys, now);
    if (this.on.has("stale-read")) for (const [k, e] of before) this.previous.set(`${db.index}:${k}`, e);
    return before;
  }

  /** Runs a read; under stale-read, every Nth one runs against the keys' previous values. */
  read<T>(db: Database, keys: string[], now: number, run: () => T): T {
    if (!this.on.has("stale-read") || ++this.reads % STALE_READ_EVERY !== 0) return run();
    const stale = keys.filter((k) => this.previous.has(`${db.index}:${k}`));
    if (stale.length === 0) return run();
    const current = snapshot(db, stale, now);
    restore(db, new Map(stale.map((k) => [k, this.previous.get(`${db.index}:${k}`)])));
    try {
      return run();
    } finally {
      restore(db, current);
    }
  }
}

function snapshot(db: Database, keys: string[], now: number): Snapshot {
  return new Map(keys.map((k) => [k, copyEntry(db.get(k, now))]));
}

export function restore(db: Database, entries: Snapshot): void {
  for (const [k, e] of entries) {
    if (e === undefined) db.delete(k);
    else db.set(k, e.value, { expireAt: e.expireAt });
  }
}

function copyEntry(e: Entry | undefined): Entry | undefined {
  if (!e) return undefined;
  const v = e.value;
  const value: Entry["value"] =
    v.type === "string"
      ? { type: "string", v: v.v }
      : v.type === "list"
        ? { type: "list", v: [...v.v] }
        : v.type === "set"
          ? { type: "set", v: new Set(v.v) }
          : v.type === "hash"
            ? { type: "hash", v: new Map(v.v) }
            : { type: "zset", v: { scores: new Map(v.v.scores) } };
  return { value, expireAt: e.expireAt };
}
