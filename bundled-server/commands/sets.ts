// Set commands: SADD, SREM, SMEMBERS, SISMEMBER, SCARD, SPOP, as Redis 7.0's t_set.c does them.
// An emptied set is deleted. SPOP is replicated as SREM key member (one SREM per popped
// member), or as DEL key when it pops the whole set.
//
// Member order: Redis 7.0 keeps a set of integers (at most set-max-intset-entries = 512 of them,
// every member accepted by string2ll) as an intset, sorted by value, and SMEMBERS lists it in
// that order; any other set is a hash table whose order cannot be reproduced. So a set that
// has only ever been an intset replies sorted by value, as Redis does; once converted (a
// non-integer member, or more than 512), it replies in insertion order, and stays converted,
// as Redis's encoding does.
import type { CommandContext, CommandSpec } from "../command.js";
import { fromKey, toKey } from "../keyspace.js";
import { ERR, bulk, error, int, nil, set, type Reply } from "../resp/reply.js";
import { WRONG, WRONGTYPE, clampIndex, getPositiveLong, isReply, lookup, string2ll } from "./args.js";

const B = (s: string) => Buffer.from(s);
const SET_MAX_INTSET_ENTRIES = 512;

/** Sets that Redis would hold as a hash table (no longer an intset). */
const hashtable = new WeakSet<Set<string>>();

const isInteger = (member: string) => string2ll(fromKey(member)) !== null;

/** setTypeAdd's encoding bookkeeping, after `member` was added. */
function noteAdded(s: Set<string>, member: string): void {
  if (hashtable.has(s)) return;
  if (!isInteger(member) || s.size > SET_MAX_INTSET_ENTRIES) hashtable.add(s);
}

/** Members in the order SMEMBERS replies them (see the top of this file). */
export function setOrder(s: Set<string>): string[] {
  const members = [...s];
  if (hashtable.has(s)) return members;
  return members
    .map((m) => [string2ll(fromKey(m))!, m] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, m]) => m);
}

function sadd(ctx: CommandContext, argv: Buffer[]): Reply {
  const key = toKey(argv[1]);
  const existing = lookup(ctx.db, key, ctx.now, "set");
  if (existing === WRONG) return WRONGTYPE;
  let s = existing;
  if (s === undefined) {
    s = new Set<string>();
    // setTypeCreate: an intset when the first member is an integer.
    if (!isInteger(toKey(argv[2]))) hashtable.add(s);
  }
  let added = 0;
  for (const m of argv.slice(2)) {
    const member = toKey(m);
    if (s.has(member)) continue;
    s.add(member);
    noteAdded(s, member);
    added++;
  }
  if (existing === undefined) ctx.db.set(key, { type: "set", v: s });
  else if (added > 0) ctx.db.touch(key);
  if (added > 0) ctx.propagate(argv);
  return int(added);
}

function srem(ctx: CommandContext, argv: Buffer[]): Reply {
  const key = toKey(argv[1]);
  const s = lookup(ctx.db, key, ctx.now, "set");
  if (s === WRONG) return WRONGTYPE;
  if (s === undefined) return int(0);
  let removed = 0;
  for (const m of argv.slice(2)) {
    if (s.delete(toKey(m))) {
      removed++;
      if (s.size === 0) break;
    }
  }
  if (removed > 0) {
    if (s.size === 0) ctx.db.delete(key);
    else ctx.db.touch(key);
    ctx.propagate(argv);
  }
  return int(removed);
}

function smembers(ctx: CommandContext, argv: Buffer[]): Reply {
  const s = lookup(ctx.db, toKey(argv[1]), ctx.now, "set");
  if (s === WRONG) return WRONGTYPE;
  if (s === undefined) return set([]);
  return set(setOrder(s).map((m) => bulk(fromKey(m))));
}

function sismember(ctx: CommandContext, argv: Buffer[]): Reply {
  const s = lookup(ctx.db, toKey(argv[1]), ctx.now, "set");
  if (s === WRONG) return WRONGTYPE;
  return int(s?.has(toKey(argv[2])) ? 1 : 0);
}

function scard(ctx: CommandContext, argv: Buffer[]): Reply {
  const s = lookup(ctx.db, toKey(argv[1]), ctx.now, "set");
  if (s === WRONG) return WRONGTYPE;
  return int(s?.size ?? 0);
}

/** `count` distinct random members. */
function randomMembers(s: Set<string>, count: number): string[] {
  const all = [...s];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (all.length - i));
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, count);
}

/** SPOP key [count]. */
function spop(ctx: CommandContext, argv: Buffer[]): Reply {
  if (argv.length > 3) return error(ERR.syntax);
  const key = toKey(argv[1]);
  if (argv.length === 3) return spopWithCount(ctx, argv, key);
  const s = lookup(ctx.db, key, ctx.now, "set");
  if (s === WRONG) return WRONGTYPE;
  if (s === undefined) return nil("bulk");
  const [member] = randomMembers(s, 1);
  s.delete(member);
  if (s.size === 0) ctx.db.delete(key);
  else ctx.db.touch(key);
  ctx.propagate([B("SREM"), argv[1], fromKey(member)]);
  return bulk(fromKey(member));
}

function spopWithCount(ctx: CommandContext, argv: Buffer[], key: string): Reply {
  const c = getPositiveLong(argv[2]);
  if (isReply(c)) return c;
  const count = clampIndex(c);
  const s = lookup(ctx.db, key, ctx.now, "set");
  if (s === WRONG) return WRONGTYPE;
  if (s === undefined || count === 0) return set([]);
  if (count >= s.size) {
    // The whole set: replied as SMEMBERS would list it, replicated as DEL.
    const all = setOrder(s);
    ctx.db.delete(key);
    ctx.propagate([B("DEL"), argv[1]]);
    return set(all.map((m) => bulk(fromKey(m))));
  }
  const popped = randomMembers(s, count);
  for (const m of popped) {
    s.delete(m);
    ctx.propagate([B("SREM"), argv[1], fromKey(m)]);
  }
  ctx.db.touch(key);
  return set(popped.map((m) => bulk(fromKey(m))));
}

export const COMMANDS: CommandSpec[] = [
  { name: "sadd", arity: -3, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: sadd },
  { name: "srem", arity: -3, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: srem },
  { name: "smembers", arity: 2, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, handler: smembers },
  { name: "sismember", arity: 3, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: sismember },
  { name: "scard", arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: scard },
  { name: "spop", arity: -2, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: spop },
];
