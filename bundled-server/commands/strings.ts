// String commands: GET, SET, MGET, MSET, SETNX, GETSET, GETDEL, INCR, INCRBY, DECR, DECRBY,
// APPEND, STRLEN, as Redis 7.0's t_string.c does them, replies, errors and propagation alike.
import { copyOf } from "../bytes.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { parseMemory } from "../config.js";
import { toKey, type Value } from "../keyspace.js";
import { ERR, OK, array, bulk, error, int, nil, type Reply } from "../resp/reply.js";
import { LLONG_MAX, LLONG_MIN, WRONG, WRONGTYPE, getLongLong, isOpt, isReply, lookup, store, string2ll } from "./args.js";

const str = (v: Buffer): Value => ({ type: "string", v: copyOf(v) });
const B = (s: string) => Buffer.from(s);

function get(ctx: CommandContext, argv: Buffer[]): Reply {
  const v = lookup(ctx.db, toKey(argv[1]), ctx.now, "string");
  if (v === WRONG) return WRONGTYPE;
  return v === undefined ? nil("bulk") : bulk(v);
}

const NX = 1,
  XX = 2,
  GET = 4,
  KEEPTTL = 8,
  EX = 16,
  PX = 32,
  EXAT = 64,
  PXAT = 128;

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL] (parseExtendedStringArgumentsOrReply). */
function set(ctx: CommandContext, argv: Buffer[]): Reply {
  let flags = 0;
  let expire: Buffer | undefined;
  const anyExpire = EX | PX | EXAT | PXAT;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    const hasNext = j < argv.length - 1;
    if (isOpt(opt, "nx") && !(flags & XX)) flags |= NX;
    else if (isOpt(opt, "xx") && !(flags & NX)) flags |= XX;
    else if (isOpt(opt, "get")) flags |= GET;
    else if (isOpt(opt, "keepttl") && !(flags & anyExpire)) flags |= KEEPTTL;
    else if (isOpt(opt, "ex") && !(flags & (KEEPTTL | EXAT | PX | PXAT)) && hasNext) {
      flags |= EX;
      expire = argv[++j];
    } else if (isOpt(opt, "px") && !(flags & (KEEPTTL | EX | EXAT | PXAT)) && hasNext) {
      flags |= PX;
      expire = argv[++j];
    } else if (isOpt(opt, "exat") && !(flags & (KEEPTTL | EX | PX | PXAT)) && hasNext) {
      flags |= EXAT;
      expire = argv[++j];
    } else if (isOpt(opt, "pxat") && !(flags & (KEEPTTL | EX | EXAT | PX)) && hasNext) {
      flags |= PXAT;
      expire = argv[++j];
    } else return error(ERR.syntax);
  }

  // getExpireMillisecondsOrReply
  let at: bigint | undefined;
  if (expire !== undefined) {
    const parsed = getLongLong(expire);
    if (isReply(parsed)) return parsed;
    const seconds = (flags & (EX | EXAT)) !== 0;
    const invalid = error("ERR invalid expire time in 'set' command");
    if (parsed <= 0n || (seconds && parsed > LLONG_MAX / 1000n)) return invalid;
    at = seconds ? parsed * 1000n : parsed;
    if (flags & (EX | PX)) at += BigInt(ctx.now);
    if (at > LLONG_MAX) return invalid; // the C addition overflows to a negative number
  }

  const key = toKey(argv[1]);
  const current = ctx.db.get(key, ctx.now);
  let old: Reply | undefined; // the GET option's reply
  if (flags & GET) {
    if (current && current.value.type !== "string") return WRONGTYPE;
    old = current ? bulk(current.value.v as Buffer) : nil("bulk");
  }
  if ((flags & NX && current) || (flags & XX && !current)) return old ?? nil("bulk");

  store(ctx.db, key, str(argv[2]), ctx.now, at, (flags & KEEPTTL) !== 0);
  if (at !== undefined) {
    ctx.propagate([B("SET"), argv[1], argv[2], B("PXAT"), B(at.toString())]);
  } else if (flags & GET) {
    // Replicated without GET (which may be repeated), everything else as sent.
    ctx.propagate(argv.filter((a, j) => j < 3 || !isOpt(a, "get")));
  } else {
    ctx.propagate(argv);
  }
  return old ?? OK;
}

function mget(ctx: CommandContext, argv: Buffer[]): Reply {
  return array(
    argv.slice(1).map((k) => {
      const v = lookup(ctx.db, toKey(k), ctx.now, "string");
      return v === undefined || v === WRONG ? nil("bulk") : bulk(v);
    }),
  );
}

function mset(ctx: CommandContext, argv: Buffer[]): Reply {
  if (argv.length % 2 === 0) return error(ERR.arity("mset"));
  for (let j = 1; j < argv.length; j += 2) store(ctx.db, toKey(argv[j]), str(argv[j + 1]), ctx.now);
  ctx.propagate(argv);
  return OK;
}

function setnx(ctx: CommandContext, argv: Buffer[]): Reply {
  const key = toKey(argv[1]);
  if (ctx.db.get(key, ctx.now)) return int(0);
  store(ctx.db, key, str(argv[2]), ctx.now);
  ctx.propagate(argv);
  return int(1);
}

/** GETSET: the old value; replicated as SET key value. */
function getset(ctx: CommandContext, argv: Buffer[]): Reply {
  const key = toKey(argv[1]);
  const v = lookup(ctx.db, key, ctx.now, "string");
  if (v === WRONG) return WRONGTYPE;
  store(ctx.db, key, str(argv[2]), ctx.now);
  ctx.propagate([B("SET"), argv[1], argv[2]]);
  return v === undefined ? nil("bulk") : bulk(v);
}

/** GETDEL: the value, and the key deleted; replicated as DEL key. */
function getdel(ctx: CommandContext, argv: Buffer[]): Reply {
  const key = toKey(argv[1]);
  const v = lookup(ctx.db, key, ctx.now, "string");
  if (v === WRONG) return WRONGTYPE;
  if (v === undefined) return nil("bulk");
  ctx.db.delete(key);
  ctx.propagate([B("DEL"), argv[1]]);
  return bulk(v);
}

/** incrDecrCommand: the TTL is kept, the new value replied. */
function incrDecr(ctx: CommandContext, argv: Buffer[], incr: bigint): Reply {
  const key = toKey(argv[1]);
  const v = lookup(ctx.db, key, ctx.now, "string");
  if (v === WRONG) return WRONGTYPE;
  let value = 0n;
  if (v !== undefined) {
    const parsed = string2ll(v);
    if (parsed === null) return error(ERR.notInteger);
    value = parsed;
  }
  if ((incr < 0n && value < 0n && incr < LLONG_MIN - value) || (incr > 0n && value > 0n && incr > LLONG_MAX - value)) {
    return error(ERR.overflow);
  }
  value += incr;
  store(ctx.db, key, { type: "string", v: B(value.toString()) }, ctx.now, undefined, true);
  ctx.propagate(argv);
  return int(value);
}

function incrby(ctx: CommandContext, argv: Buffer[]): Reply {
  const incr = getLongLong(argv[2]);
  return isReply(incr) ? incr : incrDecr(ctx, argv, incr);
}

function decrby(ctx: CommandContext, argv: Buffer[]): Reply {
  const decr = getLongLong(argv[2]);
  if (isReply(decr)) return decr;
  if (decr === LLONG_MIN) return error("ERR decrement would overflow");
  return incrDecr(ctx, argv, -decr);
}

function maxBulkLen(ctx: CommandContext): number {
  const configured = ctx.server.config.get("proto-max-bulk-len");
  return configured === undefined ? 512 * 1024 * 1024 : Number(parseMemory(configured));
}

function append(ctx: CommandContext, argv: Buffer[]): Reply {
  const key = toKey(argv[1]);
  const v = lookup(ctx.db, key, ctx.now, "string");
  if (v === WRONG) return WRONGTYPE;
  let next: Buffer;
  if (v === undefined) next = copyOf(argv[2]);
  else {
    if (v.length + argv[2].length > maxBulkLen(ctx)) return error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    next = Buffer.concat([v, argv[2]]);
  }
  store(ctx.db, key, { type: "string", v: next }, ctx.now, undefined, true);
  ctx.propagate(argv);
  return int(next.length);
}

function strlen(ctx: CommandContext, argv: Buffer[]): Reply {
  const v = lookup(ctx.db, toKey(argv[1]), ctx.now, "string");
  if (v === WRONG) return WRONGTYPE;
  return int(v === undefined ? 0 : v.length);
}

export const COMMANDS: CommandSpec[] = [
  { name: "get", arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: get },
  { name: "set", arity: -3, flags: ["write", "denyoom"], firstKey: 1, lastKey: 1, step: 1, handler: set },
  { name: "mget", arity: -2, flags: ["readonly", "fast"], firstKey: 1, lastKey: -1, step: 1, handler: mget },
  { name: "mset", arity: -3, flags: ["write", "denyoom"], firstKey: 1, lastKey: -1, step: 2, handler: mset },
  { name: "setnx", arity: 3, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: setnx },
  { name: "getset", arity: 3, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: getset },
  { name: "getdel", arity: 2, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: getdel },
  { name: "incr", arity: 2, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => incrDecr(ctx, argv, 1n) },
  { name: "incrby", arity: 3, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: incrby },
  { name: "decr", arity: 2, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => incrDecr(ctx, argv, -1n) },
  { name: "decrby", arity: 3, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: decrby },
  { name: "append", arity: 3, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: append },
  { name: "strlen", arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: strlen },
];
