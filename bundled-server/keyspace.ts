// The keyspace: 16 databases of typed values with expiry. Keys are binary-safe: a key's
// bytes as a latin1 string, one character per byte (toKey / fromKey convert).
//
// Expiry is lazy (a read of an expired key deletes it first) and active (a background
// cycle samples keys with a TTL, as Redis's activeExpireCycle does). Every change to a key
// bumps its version, which is what WATCH compares.

export type SortedSet = {
  /** member -> score */
  scores: Map<string, number>;
};

export type Value =
  | { type: "string"; v: Buffer }
  | { type: "list"; v: Buffer[] }
  | { type: "set"; v: Set<string> }
  | { type: "hash"; v: Map<string, Buffer> }
  | { type: "zset"; v: SortedSet };

export type ValueType = Value["type"];

export interface Entry {
  value: Value;
  /** Milliseconds since the epoch; absent when the key does not expire. */
  expireAt?: number;
}

export function toKey(b: Buffer): string {
  return b.toString("latin1");
}

export function fromKey(k: string): Buffer {
  return Buffer.from(k, "latin1");
}

export const DATABASES = 16;

/** Called when a key expires, so the deletion can be propagated (AOF, replicas) as a DEL. */
export type ExpiryListener = (db: number, key: string) => void;

export class Database {
  private readonly entries = new Map<string, Entry>();
  private readonly expiring = new Set<string>();
  /** Versions of the keys some client WATCHes (only those: tracking every key would cost every write). */
  private readonly watched = new Map<string, { version: number; watchers: number }>();

  constructor(
    readonly index: number,
    private readonly onExpire: ExpiryListener,
  ) {}

  /** The live entry of a key, deleting it first if it has expired. */
  get(key: string, now: number): Entry | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    if (e.expireAt !== undefined && e.expireAt <= now) {
      this.expire(key);
      return undefined;
    }
    return e;
  }

  /** Stores a value; the key's TTL is dropped unless keepTtl. */
  set(key: string, value: Value, opts: { expireAt?: number; keepTtl?: boolean } = {}): void {
    const old = this.entries.get(key);
    const expireAt = opts.keepTtl ? old?.expireAt : opts.expireAt;
    this.entries.set(key, expireAt === undefined ? { value } : { value, expireAt });
    // `expiring` holds exactly the keys whose entry has an expireAt.
    if (expireAt !== undefined) this.expiring.add(key);
    else if (old?.expireAt !== undefined) this.expiring.delete(key);
    this.touch(key);
  }

  /** Sets or clears a key's expiry time; false when the key does not exist. */
  setExpiry(key: string, expireAt: number | undefined, now: number): boolean {
    const e = this.get(key, now);
    if (!e) return false;
    if (expireAt === undefined) {
      delete e.expireAt;
      this.expiring.delete(key);
    } else {
      e.expireAt = expireAt;
      this.expiring.add(key);
    }
    this.touch(key);
    return true;
  }

  delete(key: string): boolean {
    const existed = this.entries.delete(key);
    this.expiring.delete(key);
    if (existed) this.touch(key);
    return existed;
  }

  /** Marks a key as modified in place (a collection that was changed), for WATCH. */
  touch(key: string): void {
    if (this.watched.size === 0) return;
    const w = this.watched.get(key);
    if (w) w.version++;
  }

  /** Starts tracking a key for a WATCH; returns its version now. */
  watch(key: string, now: number): number {
    this.get(key, now); // an expired key is deleted first, so it cannot count as a change later
    let w = this.watched.get(key);
    if (!w) this.watched.set(key, (w = { version: 0, watchers: 0 }));
    w.watchers++;
    return w.version;
  }

  unwatch(key: string): void {
    const w = this.watched.get(key);
    if (w && --w.watchers === 0) this.watched.delete(key);
  }

  /** WATCH's view of a key: changes whenever the key is written, deleted or expires. */
  version(key: string, now: number): number {
    this.get(key, now); // an expired key counts as changed
    return this.watched.get(key)?.version ?? 0;
  }

  /** Whether a key is stored and not expired, leaving an expired one in place (what KEYS checks). */
  isLive(key: string, now: number): boolean {
    const e = this.entries.get(key);
    return e !== undefined && (e.expireAt === undefined || e.expireAt > now);
  }

  /** Keys in insertion order, from a position: what SCAN walks. Does not check expiry. */
  rawKeys(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** Every stored entry in insertion order, expired ones included, with no side effects: what a snapshot walks. */
  rawEntries(): IterableIterator<[string, Entry]> {
    return this.entries.entries();
  }

  get size(): number {
    return this.entries.size;
  }

  get expiringCount(): number {
    return this.expiring.size;
  }

  clear(): void {
    for (const key of this.watched.keys()) if (this.entries.has(key)) this.touch(key);
    this.entries.clear();
    this.expiring.clear();
  }

  /**
   * One step of active expiry: samples up to `sample` keys with a TTL and deletes the
   * expired ones. Returns how many expired, so the caller can run another step when many did.
   */
  expireSample(now: number, sample: number): number {
    let expired = 0;
    let seen = 0;
    for (const key of this.expiring) {
      if (seen++ >= sample) break;
      const e = this.entries.get(key);
      if (e?.expireAt !== undefined && e.expireAt <= now) {
        this.expire(key);
        expired++;
      } else {
        // To the back of the line, so the next step samples other keys.
        this.expiring.delete(key);
        this.expiring.add(key);
      }
    }
    return expired;
  }

  private expire(key: string): void {
    this.delete(key);
    this.onExpire(this.index, key);
  }
}

export class Keyspace {
  readonly dbs: Database[];

  constructor(onExpire: ExpiryListener = () => undefined) {
    this.dbs = Array.from({ length: DATABASES }, (_, i) => new Database(i, onExpire));
  }

  flushAll(): void {
    for (const db of this.dbs) db.clear();
  }

  /** Active expiry over every database, bounded in work per call (Redis: ~25% of a 100 ms tick). */
  activeExpire(now: number): void {
    for (const db of this.dbs) {
      for (let round = 0; round < 16 && db.expiringCount > 0; round++) {
        if (db.expireSample(now, 20) < 5) break; // fewer than a quarter expired: enough for now
      }
    }
  }
}
