// List commands: LPUSH, RPUSH, LPOP, RPOP, LRANGE, LLEN, LINDEX, LREM, BLPOP, BRPOP, as Redis
// 7.0's t_list.c does them. An emptied list is deleted. Pushes signal the key ready, so the
// server offers it to blocked BLPOP / BRPOP clients; a blocking pop is replicated as LPOP key /
// RPOP key.
import { copyOf } from "../bytes.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { fromKey, toKey } from "../keyspace.js";
import { ERR, array, bulk, error, int, nil, type Reply } from "../resp/reply.js";
import { WRONG, WRONGTYPE, clampIndex, getLongLong, getPositiveLong, isReply, lookup, parseTimeoutMs } from "./args.js";

const B = (s: string) => Buffer.from(s);
type Where = "head" | "tail";

function push(ctx: CommandContext, argv: Buffer[], where: Where): Reply {
  const key = toKey(argv[1]);
  const entry = ctx.db.get(key, ctx.now);
  if (entry && entry.value.type !== "list") return WRONGTYPE;
  const old = entry ? (entry.value.v as Buffer[]) : [];
  let list: Buffer[];
  if (where === "tail") {
    list = old;
    for (let j = 2; j < argv.length; j++) list.push(copyOf(argv[j]));
  } else {
    // LPUSH a b c leaves c first.
    list = [];
    for (let j = argv.length - 1; j >= 2; j--) list.push(copyOf(argv[j]));
    for (const item of old) list.push(item);
  }
  if (entry) {
    (entry.value as { v: Buffer[] }).v = list;
    ctx.db.touch(key);
  } else {
    ctx.db.set(key, { type: "list", v: list });
  }
  ctx.propagate(argv);
  ctx.signalKeyReady(key);
  return int(list.length);
}

/** Removes up to `count` elements from one end; deletes the key when the list empties. */
function popSome(ctx: CommandContext, key: string, list: Buffer[], where: Where, count: number): Buffer[] {
  const n = Math.min(count, list.length);
  // shift() / pop() for one element: V8 makes both O(1) (splice at the head copies the array).
  const out = n === 1 ? [where === "head" ? list.shift()! : list.pop()!] : where === "head" ? list.splice(0, n) : list.splice(list.length - n, n).reverse();
  if (list.length === 0) ctx.db.delete(key);
  else ctx.db.touch(key);
  return out;
}

/** LPOP / RPOP key [count]. */
function pop(ctx: CommandContext, argv: Buffer[], where: Where): Reply {
  if (argv.length > 3) return error(ERR.arity(where === "head" ? "lpop" : "rpop"));
  let count = -1;
  if (argv.length === 3) {
    const c = getPositiveLong(argv[2]);
    if (isReply(c)) return c;
    count = clampIndex(c);
  }
  const key = toKey(argv[1]);
  const list = lookup(ctx.db, key, ctx.now, "list");
  if (list === WRONG) return WRONGTYPE;
  if (list === undefined) return count >= 0 ? nil("array") : nil("bulk");
  if (count === 0) return array([]);
  const popped = popSome(ctx, key, list, where, count < 0 ? 1 : count);
  ctx.propagate(argv);
  return count < 0 ? bulk(popped[0]) : array(popped.map(bulk));
}

function lrange(ctx: CommandContext, argv: Buffer[]): Reply {
  const s = getLongLong(argv[2]);
  if (isReply(s)) return s;
  const e = getLongLong(argv[3]);
  if (isReply(e)) return e;
  const list = lookup(ctx.db, toKey(argv[1]), ctx.now, "list");
  if (list === WRONG) return WRONGTYPE;
  if (list === undefined) return array([]);
  const len = list.length;
  let start = clampIndex(s);
  let end = clampIndex(e);
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return array([]);
  if (end >= len) end = len - 1;
  return array(list.slice(start, end + 1).map(bulk));
}

function llen(ctx: CommandContext, argv: Buffer[]): Reply {
  const list = lookup(ctx.db, toKey(argv[1]), ctx.now, "list");
  if (list === WRONG) return WRONGTYPE;
  return int(list?.length ?? 0);
}

function lindex(ctx: CommandContext, argv: Buffer[]): Reply {
  const list = lookup(ctx.db, toKey(argv[1]), ctx.now, "list");
  if (list === WRONG) return WRONGTYPE;
  if (list === undefined) return nil("bulk");
  const i = getLongLong(argv[2]);
  if (isReply(i)) return i;
  let index = clampIndex(i);
  if (index < 0) index = list.length + index;
  return index >= 0 && index < list.length ? bulk(list[index]) : nil("bulk");
}

/** LREM key count element: count > 0 from the head, < 0 from the tail, 0 all. */
function lrem(ctx: CommandContext, argv: Buffer[]): Reply {
  const c = getLongLong(argv[2]);
  if (isReply(c)) return c;
  const key = toKey(argv[1]);
  const list = lookup(ctx.db, key, ctx.now, "list");
  if (list === WRONG) return WRONGTYPE;
  if (list === undefined) return int(0);
  const target = argv[3];
  // count > 0: the first count matches from the head; < 0: from the tail; 0: all of them.
  const limit = c === 0n ? Infinity : clampIndex(c < 0n ? -c : c);
  let removed = 0;
  if (c >= 0n) {
    for (let i = 0; i < list.length && removed < limit; ) {
      if (list[i].equals(target)) {
        list.splice(i, 1);
        removed++;
      } else i++;
    }
  } else {
    for (let i = list.length - 1; i >= 0 && removed < limit; i--) {
      if (list[i].equals(target)) {
        list.splice(i, 1);
        removed++;
      }
    }
  }
  if (removed > 0) {
    if (list.length === 0) ctx.db.delete(key);
    else ctx.db.touch(key);
    ctx.propagate(argv);
  }
  return int(removed);
}

/**
 * A blocking pop's element from one key: the reply when the key holds a list (replicated as
 * LPOP / RPOP key), WRONG for another type, undefined when the key does not exist.
 */
function popFor(ctx: CommandContext, key: string, where: Where, now: number): Reply | typeof WRONG | undefined {
  const list = lookup(ctx.db, key, now, "list");
  if (list === WRONG || list === undefined) return list;
  const [value] = popSome(ctx, key, list, where, 1);
  const k = fromKey(key);
  ctx.propagate([B(where === "head" ? "LPOP" : "RPOP"), k]);
  return array([bulk(k), bulk(value)]);
}

/** setTimeout's limit: longer timeouts (about 24.8 days and up) block forever instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * BLPOP / BRPOP key [key ...] timeout. Replies at once (synchronously) when a list has data,
 * a key of another type comes first (WRONGTYPE) or the timeout is invalid; where the client
 * may not block (inside EXEC, AOF replay) with a null array. Otherwise it blocks on the keys
 * (ctx.blockOn): whichever becomes ready first is popped, while one of another type keeps it
 * blocked, as in Redis; a null array at the timeout.
 */
function blockingPop(ctx: CommandContext, argv: Buffer[], where: Where): Reply | Promise<Reply> {
  const timeout = parseTimeoutMs(argv[argv.length - 1]);
  if (isReply(timeout)) return timeout;
  const keys = argv.slice(1, -1).map(toKey);
  for (const key of keys) {
    const served = popFor(ctx, key, where, ctx.now);
    if (served === WRONG) return WRONGTYPE;
    if (served) return served;
  }
  if (ctx.mayBlock === false) return nil("array");
  // Redis adds the current time; an overflow there leaves the client blocked for good.
  const timeoutMs = timeout > BigInt(MAX_TIMER_MS) ? 0 : Number(timeout);
  const serve = (key: string, now: number) => {
    const served = popFor(ctx, key, where, now);
    return served === WRONG ? undefined : served;
  };
  return ctx.blockOn(keys, timeoutMs, serve).then((reply) => reply ?? nil("array"));
}

export const COMMANDS: CommandSpec[] = [
  { name: "lpush", arity: -3, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => push(ctx, argv, "head") },
  { name: "rpush", arity: -3, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => push(ctx, argv, "tail") },
  { name: "lpop", arity: -2, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => pop(ctx, argv, "head") },
  { name: "rpop", arity: -2, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => pop(ctx, argv, "tail") },
  { name: "lrange", arity: 4, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, handler: lrange },
  { name: "llen", arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: llen },
  { name: "lindex", arity: 3, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, handler: lindex },
  { name: "lrem", arity: 4, flags: ["write"], firstKey: 1, lastKey: 1, step: 1, handler: lrem },
  { name: "blpop", arity: -3, flags: ["write", "noscript", "blocking"], firstKey: 1, lastKey: -2, step: 1, handler: (ctx, argv) => blockingPop(ctx, argv, "head") },
  { name: "brpop", arity: -3, flags: ["write", "noscript", "blocking"], firstKey: 1, lastKey: -2, step: 1, handler: (ctx, argv) => blockingPop(ctx, argv, "tail") },
];
