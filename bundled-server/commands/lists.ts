// List commands: LPUSH, RPUSH, LPOP, RPOP, LRANGE, LLEN, LINDEX, LREM, BLPOP, BRPOP, as Redis
// 7.0's t_list.c does them. An emptied list is deleted. Pushes signal the key ready, so blocked
// BLPOP / BRPOP clients retry; a blocking pop is replicated as LPOP key / RPOP key.
import { copyOf } from "../bytes.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { toKey } from "../keyspace.js";
import { ERR, array, bulk, error, int, nil, type Reply } from "../resp/reply.js";
import { WRONG, WRONGTYPE, clampIndex, getLongLong, getPositiveLong, isReply, lookup, parseTimeoutMs } from "./args.js";

const B = (s: string) => Buffer.from(s);
type Where = "head" | "tail";

// Which keys became ready, in order. Redis serves blocked clients after each command (after
// EXEC for a transaction) from its ready_keys list: the keys in the order they were first
// signalled. A woken BLPOP here runs after the synchronous turn that signalled it, so it
// looks at the keys signalled in that turn (first signal first) before the others.
let turn: Map<string, number> | null = null;
let lastTurn = new Map<string, number>();
let seq = 0;

/** Signals a key ready (ctx.signalKeyReady), remembering the order for woken BLPOP / BRPOP. */
export function signalReady(ctx: CommandContext, key: string): void {
  if (turn === null) {
    const current = new Map<string, number>();
    turn = current;
    queueMicrotask(() => {
      lastTurn = current;
      turn = null;
    });
  }
  const id = `${ctx.db.index}:${key}`;
  if (!turn.has(id)) turn.set(id, seq++);
  ctx.signalKeyReady(key);
}

/** The keys of a woken blocking pop in serving order: signalled ones first, by first signal. */
function servingOrder(ctx: CommandContext, keys: Buffer[]): Buffer[] {
  const ready = turn ?? lastTurn;
  const rank = (k: Buffer) => ready.get(`${ctx.db.index}:${toKey(k)}`) ?? Infinity;
  return keys
    .map((k, i) => [k, rank(k), i] as const)
    .sort((a, b) => (a[1] !== b[1] ? (a[1] < b[1] ? -1 : 1) : a[2] - b[2]))
    .map(([k]) => k);
}

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
  signalReady(ctx, key);
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
 * One attempt at a blocking pop: the first of the keys holding a non-empty list is popped.
 * On the first attempt a key of another type is an error (WRONGTYPE, as Redis answers before
 * blocking); once blocked, such keys are skipped, as Redis keeps the client blocked.
 */
function tryBlockingPop(ctx: CommandContext, keys: Buffer[], where: Where, now: number, first: boolean): Reply | undefined {
  for (const k of first ? keys : servingOrder(ctx, keys)) {
    const key = toKey(k);
    const list = lookup(ctx.db, key, now, "list");
    if (list === WRONG) {
      if (first) return WRONGTYPE;
      continue;
    }
    if (list === undefined || list.length === 0) continue;
    const [value] = popSome(ctx, key, list, where, 1);
    ctx.propagate([B(where === "head" ? "LPOP" : "RPOP"), k]);
    return array([bulk(k), bulk(value)]);
  }
  return undefined;
}

/** setTimeout's limit: longer timeouts (about 24.8 days and up) block forever instead. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * BLPOP / BRPOP key [key ...] timeout. Replies at once (synchronously) when a list has data
 * or the timeout is invalid; otherwise returns a promise: the client waits on the keys via
 * ctx.waitForKeys, retries when signalled (with the time left), and gets a null array on
 * timeout. Inside MULTI, waitForKeys resolves false at once, so the promise settles to the
 * null array right away, as Redis answers a blocking command that may not block. A context
 * that says `mayBlock: false` (an optional field the server can set for EXEC and AOF replay)
 * gets that null array synchronously instead.
 */
function blockingPop(ctx: CommandContext, argv: Buffer[], where: Where): Reply | Promise<Reply> {
  const timeout = parseTimeoutMs(argv[argv.length - 1]);
  if (isReply(timeout)) return timeout;
  const keys = argv.slice(1, -1);
  const served = tryBlockingPop(ctx, keys, where, ctx.now, true);
  if (served) return served;
  if (ctx.mayBlock === false) return nil("array");
  // Redis adds the current time; an overflow there leaves the client blocked for good.
  const deadline = timeout === 0n || timeout > BigInt(MAX_TIMER_MS) ? undefined : ctx.now + Number(timeout);
  const names = keys.map(toKey);
  return (async () => {
    for (;;) {
      let wait = 0;
      if (deadline !== undefined) {
        wait = deadline - Date.now();
        if (wait <= 0) return nil("array");
      }
      const signalled = await ctx.waitForKeys(names, wait);
      if (!signalled) return nil("array");
      const reply = tryBlockingPop(ctx, keys, where, Date.now(), false);
      if (reply) return reply;
    }
  })();
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
