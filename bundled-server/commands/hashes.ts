// Hash commands: HSET, HGET, HGETALL, HDEL, HINCRBY, HLEN, HEXISTS, as Redis 7.0's t_hash.c does
// them. An emptied hash is deleted. Fields keep insertion order (a field updated in place keeps
// its place), which is the order Redis's listpack encoding (up to 128 fields of at most 64
// bytes) lists them in; bigger hashes are hash tables in Redis, whose order cannot be matched.
import { copyOf } from "../bytes.js";
import type { CommandContext, CommandSpec } from "../command.js";
import { fromKey, toKey } from "../keyspace.js";
import { ERR, bulk, error, int, map, nil, type Reply } from "../resp/reply.js";
import { LLONG_MAX, LLONG_MIN, WRONG, WRONGTYPE, getLongLong, isReply, lookup, string2ll } from "./args.js";

/** HSET key field value [field value ...]: the number of fields created; always replicated. */
function hset(ctx: CommandContext, argv: Buffer[]): Reply {
  if (argv.length % 2 === 1) return error(ERR.arity("hset"));
  const key = toKey(argv[1]);
  const existing = lookup(ctx.db, key, ctx.now, "hash");
  if (existing === WRONG) return WRONGTYPE;
  const h = existing ?? new Map<string, Buffer>();
  let created = 0;
  for (let j = 2; j < argv.length; j += 2) {
    const field = toKey(argv[j]);
    if (!h.has(field)) created++;
    h.set(field, copyOf(argv[j + 1]));
  }
  if (existing === undefined) ctx.db.set(key, { type: "hash", v: h });
  else ctx.db.touch(key);
  ctx.propagate(argv);
  return int(created);
}

function hget(ctx: CommandContext, argv: Buffer[]): Reply {
  const h = lookup(ctx.db, toKey(argv[1]), ctx.now, "hash");
  if (h === WRONG) return WRONGTYPE;
  const v = h?.get(toKey(argv[2]));
  return v === undefined ? nil("bulk") : bulk(v);
}

function hgetall(ctx: CommandContext, argv: Buffer[]): Reply {
  const h = lookup(ctx.db, toKey(argv[1]), ctx.now, "hash");
  if (h === WRONG) return WRONGTYPE;
  return map([...(h ?? [])].map(([f, v]): [Reply, Reply] => [bulk(fromKey(f)), bulk(v)]));
}

function hdel(ctx: CommandContext, argv: Buffer[]): Reply {
  const key = toKey(argv[1]);
  const h = lookup(ctx.db, key, ctx.now, "hash");
  if (h === WRONG) return WRONGTYPE;
  if (h === undefined) return int(0);
  let deleted = 0;
  for (const f of argv.slice(2)) {
    if (h.delete(toKey(f))) {
      deleted++;
      if (h.size === 0) break;
    }
  }
  if (deleted > 0) {
    if (h.size === 0) ctx.db.delete(key);
    else ctx.db.touch(key);
    ctx.propagate(argv);
  }
  return int(deleted);
}

/** HINCRBY key field increment: the new value; a missing field counts as 0. */
function hincrby(ctx: CommandContext, argv: Buffer[]): Reply {
  const incr = getLongLong(argv[3]);
  if (isReply(incr)) return incr;
  const key = toKey(argv[1]);
  const existing = lookup(ctx.db, key, ctx.now, "hash");
  if (existing === WRONG) return WRONGTYPE;
  const h = existing ?? new Map<string, Buffer>();
  const field = toKey(argv[2]);
  const current = h.get(field);
  let value = 0n;
  if (current !== undefined) {
    const parsed = string2ll(current);
    if (parsed === null) return error("ERR hash value is not an integer");
    value = parsed;
  }
  if ((incr < 0n && value < 0n && incr < LLONG_MIN - value) || (incr > 0n && value > 0n && incr > LLONG_MAX - value)) {
    return error(ERR.overflow);
  }
  value += incr;
  h.set(field, Buffer.from(value.toString()));
  if (existing === undefined) ctx.db.set(key, { type: "hash", v: h });
  else ctx.db.touch(key);
  ctx.propagate(argv);
  return int(value);
}

function hlen(ctx: CommandContext, argv: Buffer[]): Reply {
  const h = lookup(ctx.db, toKey(argv[1]), ctx.now, "hash");
  if (h === WRONG) return WRONGTYPE;
  return int(h?.size ?? 0);
}

function hexists(ctx: CommandContext, argv: Buffer[]): Reply {
  const h = lookup(ctx.db, toKey(argv[1]), ctx.now, "hash");
  if (h === WRONG) return WRONGTYPE;
  return int(h?.has(toKey(argv[2])) ? 1 : 0);
}

export const COMMANDS: CommandSpec[] = [
  { name: "hset", arity: -4, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: hset },
  { name: "hget", arity: 3, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: hget },
  { name: "hgetall", arity: 2, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, handler: hgetall },
  { name: "hdel", arity: -3, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: hdel },
  { name: "hincrby", arity: 4, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: hincrby },
  { name: "hlen", arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: hlen },
  { name: "hexists", arity: 3, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: hexists },
];
