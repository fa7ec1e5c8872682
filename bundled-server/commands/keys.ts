// Keyspace commands: DEL, UNLINK, EXISTS, TYPE, EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT, TTL, PTTL,
// PERSIST, KEYS, SCAN, RENAME, DBSIZE, FLUSHDB, FLUSHALL, RANDOMKEY, as Redis 7.0's db.c and
// expire.c do them. EXPIREAT / PEXPIREAT are here because EXPIRE and PEXPIRE are replicated
// as PEXPIREAT, so the AOF must be able to replay them.
//
// SCAN's cursor: every key hashes (32-bit FNV-1a over its bytes) to a point of [0, 2^32). A
// cursor c means "the keys whose hash is >= c"; a call returns the keys of the COUNT smallest
// hashes from c on (every key of the last hash included, so ties are never split), and the next
// cursor is that last hash + 1, or 0 when nothing is left. The walk covers [0, 2^32) once, in
// order, whatever is added or deleted meanwhile: a key present for the whole scan is returned
// exactly once (a key's hash never changes). MATCH and TYPE filter after the selection, as in
// Redis, so a call may return fewer keys than COUNT, even none, with a non-zero cursor. Cursors
// of 2^32 or more finish at once ("0" and no keys). A call costs O(log N + COUNT) on a snapshot
// of the keys sorted by hash, made when a scan starts (see scanStep).
import type { CommandContext, CommandSpec } from "../command.js";
import { fromKey, toKey, type Database } from "../keyspace.js";
import { ERR, OK, array, bulk, error, int, nil, simple, type Reply } from "../resp/reply.js";
import { LLONG_MAX, LLONG_MIN, cstr, errorf, expireOf, getLongLong, isOpt, isReply, lowerAscii, parseScanCursor, setExpireAt, store } from "./args.js";
import { stringMatch } from "../glob.js";

const B = (s: string) => Buffer.from(s);


// ---------------------------------------------------------------- DEL, EXISTS, TYPE

function del(ctx: CommandContext, argv: Buffer[]): Reply {
  let deleted = 0;
  for (const k of argv.slice(1)) {
    const key = toKey(k);
    if (ctx.db.get(key, ctx.now) && ctx.db.delete(key)) deleted++;
  }
  if (deleted > 0) ctx.propagate(argv);
  return int(deleted);
}

function exists(ctx: CommandContext, argv: Buffer[]): Reply {
  let n = 0;
  for (const k of argv.slice(1)) if (ctx.db.get(toKey(k), ctx.now)) n++;
  return int(n);
}

function type(ctx: CommandContext, argv: Buffer[]): Reply {
  return simple(ctx.db.get(toKey(argv[1]), ctx.now)?.value.type ?? "none");
}

// ---------------------------------------------------------------- expiry

const EXPIRE_NX = 1,
  EXPIRE_XX = 2,
  EXPIRE_GT = 4,
  EXPIRE_LT = 8;

/** expireGenericCommand: EXPIRE / PEXPIRE (basetime now) and EXPIREAT / PEXPIREAT (basetime 0). */
function expireGeneric(ctx: CommandContext, argv: Buffer[], relative: boolean, seconds: boolean): Reply {
  const name = lowerAscii(argv[0].toString("latin1"));
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    if (isOpt(argv[j], "nx")) flags |= EXPIRE_NX;
    else if (isOpt(argv[j], "xx")) flags |= EXPIRE_XX;
    else if (isOpt(argv[j], "gt")) flags |= EXPIRE_GT;
    else if (isOpt(argv[j], "lt")) flags |= EXPIRE_LT;
    else return errorf(`ERR Unsupported option ${cstr(argv[j])}`);
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    return error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) return error("ERR GT and LT options at the same time are not compatible");

  const parsed = getLongLong(argv[2]);
  if (isReply(parsed)) return parsed;
  let when = parsed;
  const invalid = error(`ERR invalid expire time in '${name}' command`);
  if (seconds) {
    if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return invalid;
    when *= 1000n;
  }
  const basetime = relative ? BigInt(ctx.now) : 0n;
  if (when > LLONG_MAX - basetime) return invalid;
  when += basetime;

  const key = toKey(argv[1]);
  const entry = ctx.db.get(key, ctx.now);
  if (!entry) return int(0);
  if (flags) {
    const current = expireOf(entry) ?? -1n;
    if (flags & EXPIRE_NX && current !== -1n) return int(0);
    if (flags & EXPIRE_XX && current === -1n) return int(0);
    if (flags & EXPIRE_GT && (when <= current || current === -1n)) return int(0);
    if (flags & EXPIRE_LT && current !== -1n && when >= current) return int(0);
  }
  if (when <= BigInt(ctx.now)) {
    ctx.db.delete(key);
    ctx.propagate([B("DEL"), argv[1]]);
    return int(1);
  }
  setExpireAt(ctx.db, key, when, ctx.now);
  // Replicated as PEXPIREAT key <absolute ms> [options as sent].
  const out = [...argv];
  if (name !== "pexpireat") out[0] = B("PEXPIREAT");
  if (relative || seconds) out[2] = B(when.toString());
  ctx.propagate(out);
  return int(1);
}

function ttlGeneric(ctx: CommandContext, argv: Buffer[], ms: boolean): Reply {
  const entry = ctx.db.get(toKey(argv[1]), ctx.now);
  if (!entry) return int(-2);
  const at = expireOf(entry);
  if (at === undefined) return int(-1);
  let ttl = at - BigInt(ctx.now);
  if (ttl < 0n) ttl = 0n;
  return int(ms ? ttl : (ttl + 500n) / 1000n);
}

function persist(ctx: CommandContext, argv: Buffer[]): Reply {
  const key = toKey(argv[1]);
  const entry = ctx.db.get(key, ctx.now);
  if (!entry || entry.expireAt === undefined) return int(0);
  ctx.db.setExpiry(key, undefined, ctx.now);
  ctx.propagate(argv);
  return int(1);
}

// ---------------------------------------------------------------- KEYS, SCAN, RANDOMKEY, DBSIZE

/** KEYS skips expired keys without deleting them, unlike SCAN and RANDOMKEY. */
function keys(ctx: CommandContext, argv: Buffer[]): Reply {
  const pattern = argv[1];
  const all = pattern.length === 1 && pattern[0] === 0x2a;
  const out: Reply[] = [];
  for (const key of ctx.db.rawKeys()) {
    const k = fromKey(key);
    if (!all && !stringMatch(pattern, k)) continue;
    if (ctx.db.isLive(key, ctx.now)) out.push(bulk(k));
  }
  return array(out);
}

/** 32-bit FNV-1a over a key's bytes (latin1 characters): its place in SCAN's walk. */
export function scanHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A database's keys sorted by scanHash, as of some moment (see scanStep). */
interface Snapshot {
  hashes: Float64Array;
  keys: string[];
}
const snapshots = new WeakMap<Database, Snapshot>();

function snapshot(db: Database): Snapshot {
  const keys = [...db.rawKeys()];
  const order = keys.map((k, i) => [scanHash(k), i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { hashes: Float64Array.from(order, ([h]) => h), keys: order.map(([, i]) => keys[i]) };
}

/**
 * One SCAN step over a database (see the top of this file): the keys selected (the caller
 * drops those that no longer exist) and the next cursor. To keep a step cheap, the keys are
 * taken from a snapshot sorted by hash, made when a scan starts (cursor 0) or when there is
 * none (it is dropped when a scan ends). A key present for a whole scan is in every snapshot
 * made during it, so the walk still returns it; keys added meanwhile may be missed, which
 * SCAN allows.
 */
export function scanStep(db: Database, cursor: bigint, count: number): { keys: string[]; next: bigint } {
  if (cursor >= 1n << 32n) return { keys: [], next: 0n };
  let snap = snapshots.get(db);
  if (cursor === 0n || snap === undefined) {
    snap = snapshot(db);
    snapshots.set(db, snap);
  }
  const { hashes, keys } = snap;
  const from = Number(cursor);
  let lo = 0;
  let hi = hashes.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (hashes[mid] < from) lo = mid + 1;
    else hi = mid;
  }
  let end = Math.min(lo + count, hashes.length);
  while (end < hashes.length && end > lo && hashes[end] === hashes[end - 1]) end++; // never split a hash
  if (end >= hashes.length) {
    snapshots.delete(db);
    return { keys: keys.slice(lo), next: 0n };
  }
  return { keys: keys.slice(lo, end), next: BigInt(hashes[end - 1] + 1) };
}

function scan(ctx: CommandContext, argv: Buffer[]): Reply {
  const cursor = parseScanCursor(argv[1]);
  if (cursor === null) return error("ERR invalid cursor");
  let count = 10;
  let pattern: Buffer | undefined;
  let typeName: string | undefined;
  for (let i = 2; i < argv.length; ) {
    const left = argv.length - i;
    if (isOpt(argv[i], "count") && left >= 2) {
      const n = getLongLong(argv[i + 1]);
      if (isReply(n)) return n;
      if (n < 1n) return error(ERR.syntax);
      count = n > 1000000000n ? 1000000000 : Number(n);
      i += 2;
    } else if (isOpt(argv[i], "match") && left >= 2) {
      pattern = argv[i + 1];
      i += 2;
    } else if (isOpt(argv[i], "type") && left >= 2) {
      typeName = lowerAscii(cstr(argv[i + 1]));
      i += 2;
    } else {
      return error(ERR.syntax);
    }
  }
  const usePattern = pattern !== undefined && !(pattern.length === 1 && pattern[0] === 0x2a);
  const { keys, next } = scanStep(ctx.db, cursor, count);
  const out: Reply[] = [];
  for (const key of keys) {
    const k = fromKey(key);
    if (usePattern && !stringMatch(pattern!, k)) continue;
    const entry = ctx.db.get(key, ctx.now); // expires it when due, as Redis's filter step does
    if (!entry) continue;
    if (typeName !== undefined && typeName !== entry.value.type) continue;
    out.push(bulk(k));
  }
  return array([bulk(next.toString()), array(out)]);
}

function randomkey(ctx: CommandContext): Reply {
  for (;;) {
    const all = [...ctx.db.rawKeys()];
    if (all.length === 0) return nil("bulk");
    const key = all[Math.floor(Math.random() * all.length)];
    if (ctx.db.get(key, ctx.now)) return bulk(fromKey(key));
  }
}

function dbsize(ctx: CommandContext): Reply {
  // Like Redis's dictSize: keys that are due to expire but not yet reclaimed count too.
  return int(ctx.db.size);
}

// ---------------------------------------------------------------- RENAME, FLUSHDB, FLUSHALL

function rename(ctx: CommandContext, argv: Buffer[]): Reply {
  const src = toKey(argv[1]);
  const dst = toKey(argv[2]);
  const entry = ctx.db.get(src, ctx.now);
  if (!entry) return error(ERR.noSuchKey);
  if (src === dst) return OK;
  const at = expireOf(entry);
  ctx.db.get(dst, ctx.now); // an expired destination is reclaimed (and its DEL propagated) first
  store(ctx.db, dst, entry.value, ctx.now, at);
  ctx.db.delete(src);
  ctx.propagate(argv);
  if (entry.value.type === "list") ctx.signalKeyReady(dst);
  return OK;
}

/** getFlushCommandFlags: nothing, ASYNC or SYNC. */
function flushArgsOk(argv: Buffer[]): boolean {
  return argv.length === 1 || (argv.length === 2 && (isOpt(argv[1], "sync") || isOpt(argv[1], "async")));
}

function flushdb(ctx: CommandContext, argv: Buffer[]): Reply {
  if (!flushArgsOk(argv)) return error(ERR.syntax);
  ctx.db.clear();
  ctx.propagate(argv); // always, even when the database was empty
  return OK;
}

function flushall(ctx: CommandContext, argv: Buffer[]): Reply {
  if (!flushArgsOk(argv)) return error(ERR.syntax);
  ctx.keyspace.flushAll();
  ctx.propagate(argv);
  return OK;
}

export const COMMANDS: CommandSpec[] = [
  { name: "del", arity: -2, flags: ["write"], firstKey: 1, lastKey: -1, step: 1, handler: del },
  { name: "unlink", arity: -2, flags: ["write", "fast"], firstKey: 1, lastKey: -1, step: 1, handler: del },
  { name: "exists", arity: -2, flags: ["readonly", "fast"], firstKey: 1, lastKey: -1, step: 1, handler: exists },
  { name: "type", arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: type },
  { name: "expire", arity: -3, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => expireGeneric(ctx, argv, true, true) },
  { name: "pexpire", arity: -3, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => expireGeneric(ctx, argv, true, false) },
  { name: "expireat", arity: -3, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => expireGeneric(ctx, argv, false, true) },
  { name: "pexpireat", arity: -3, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => expireGeneric(ctx, argv, false, false) },
  { name: "ttl", arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => ttlGeneric(ctx, argv, false) },
  { name: "pttl", arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => ttlGeneric(ctx, argv, true) },
  { name: "persist", arity: 2, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: persist },
  { name: "keys", arity: 2, flags: ["readonly"], firstKey: 0, lastKey: 0, step: 0, handler: keys },
  { name: "scan", arity: -2, flags: ["readonly"], firstKey: 0, lastKey: 0, step: 0, handler: scan },
  { name: "rename", arity: 3, flags: ["write"], firstKey: 1, lastKey: 2, step: 1, handler: rename },
  { name: "dbsize", arity: 1, flags: ["readonly", "fast"], firstKey: 0, lastKey: 0, step: 0, handler: dbsize },
  { name: "flushdb", arity: -1, flags: ["write"], firstKey: 0, lastKey: 0, step: 0, handler: flushdb },
  { name: "flushall", arity: -1, flags: ["write"], firstKey: 0, lastKey: 0, step: 0, handler: flushall },
  { name: "randomkey", arity: 1, flags: ["readonly"], firstKey: 0, lastKey: 0, step: 0, handler: randomkey },
];
