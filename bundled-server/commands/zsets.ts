// Sorted set commands: ZADD, ZINCRBY, ZRANGE (7.0 form: BYSCORE, BYLEX, REV, LIMIT, WITHSCORES),
// ZRANGEBYSCORE, ZSCORE, ZREM, ZCARD, as Redis 7.0's t_zset.c does them. Order: score, then
// member bytes. An emptied sorted set is deleted.
//
// Scores are doubles; replies carry them as double() replies (RESP3 doubles, RESP2 bulk strings
// formatted like printf %.17g by resp/encode.ts). WITHSCORES replies differ by protocol:
// RESP2 a flat [member, score, ...] array, RESP3 an array of [member, score] pairs.
//
// Encoding: Redis 7.0 keeps a sorted set of at most 128 members of at most 64 bytes as a
// listpack, which stores scores as text, so a score of -0 reads back as 0 there; a skiplist
// keeps -0. This module tracks when Redis would have converted a set (it never converts back)
// and normalizes -0 only while the set would be a listpack.
import type { CommandContext, CommandSpec } from "../command.js";
import { fromKey, toKey, type SortedSet } from "../keyspace.js";
import { ERR, array, bulk, double, error, int, nil, type Reply } from "../resp/reply.js";
import { WRONG, WRONGTYPE, clampIndex, cstr, getLongLong, isOpt, isReply, lookup, string2d, strtodPrefix } from "./args.js";

const ZSET_MAX_LISTPACK_ENTRIES = 128;
const ZSET_MAX_LISTPACK_VALUE = 64;

/** Sorted sets Redis would hold as a skiplist. */
const skiplist = new WeakSet<SortedSet>();

/** Members in order: score, then member bytes (latin1 strings compare as bytes). */
export function sortedEntries(z: SortedSet): Array<[string, number]> {
  return [...z.scores].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** Stores a member's score, with the listpack's -0 normalization and conversion rules. */
function putScore(z: SortedSet, member: string, score: number, isNew: boolean): void {
  if (isNew && !skiplist.has(z) && (z.scores.size + 1 > ZSET_MAX_LISTPACK_ENTRIES || member.length > ZSET_MAX_LISTPACK_VALUE)) {
    skiplist.add(z);
  }
  z.scores.set(member, score === 0 && !skiplist.has(z) ? 0 : score);
}

const IN_INCR = 1,
  IN_NX = 2,
  IN_XX = 4,
  IN_GT = 8,
  IN_LT = 16;

/** zaddGenericCommand: ZADD, and ZINCRBY (flags = IN_INCR). */
function zaddGeneric(ctx: CommandContext, argv: Buffer[], inFlags: number): Reply {
  let flags = inFlags;
  let ch = false;
  let scoreidx = 2;
  while (scoreidx < argv.length) {
    const opt = argv[scoreidx];
    if (isOpt(opt, "nx")) flags |= IN_NX;
    else if (isOpt(opt, "xx")) flags |= IN_XX;
    else if (isOpt(opt, "ch")) ch = true;
    else if (isOpt(opt, "incr")) flags |= IN_INCR;
    else if (isOpt(opt, "gt")) flags |= IN_GT;
    else if (isOpt(opt, "lt")) flags |= IN_LT;
    else break;
    scoreidx++;
  }
  const incr = (flags & IN_INCR) !== 0;
  const nx = (flags & IN_NX) !== 0;
  const xx = (flags & IN_XX) !== 0;
  const gt = (flags & IN_GT) !== 0;
  const lt = (flags & IN_LT) !== 0;

  const rest = argv.length - scoreidx;
  if (rest % 2 !== 0 || rest === 0) return error(ERR.syntax);
  const elements = rest / 2;
  if (nx && xx) return error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt)) return error("ERR GT, LT, and/or NX options at the same time are not compatible");
  if (incr && elements > 1) return error("ERR INCR option supports a single increment-element pair");

  const scores: number[] = [];
  for (let j = 0; j < elements; j++) {
    const s = string2d(argv[scoreidx + j * 2]);
    if (s === null) return error(ERR.notFloat);
    scores.push(s);
  }

  const key = toKey(argv[1]);
  const existing = lookup(ctx.db, key, ctx.now, "zset");
  if (existing === WRONG) return WRONGTYPE;
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (existing !== undefined || !xx) {
    const z: SortedSet = existing ?? { scores: new Map() };
    if (existing === undefined) ctx.db.set(key, { type: "zset", v: z });
    for (let j = 0; j < elements; j++) {
      const member = toKey(argv[scoreidx + 1 + j * 2]);
      let newScore = scores[j];
      const cur = z.scores.get(member);
      if (cur !== undefined) {
        if (nx) continue;
        if (incr) {
          newScore += cur;
          if (Number.isNaN(newScore)) {
            // Only INCR (a single pair) gets here, and the member exists: nothing was changed.
            return error("ERR resulting score is not a number (NaN)");
          }
        }
        if ((lt && newScore >= cur) || (gt && newScore <= cur)) continue;
        processed++;
        score = newScore;
        if (newScore !== cur) {
          putScore(z, member, newScore, false);
          updated++;
        }
      } else if (!xx) {
        putScore(z, member, newScore, true);
        added++;
        processed++;
        score = newScore;
      }
    }
    if (added + updated > 0) {
      if (existing !== undefined) ctx.db.touch(key);
      ctx.propagate(argv);
    }
  }
  if (incr) return processed ? double(score) : nil("bulk");
  return int(ch ? added + updated : added);
}

// ---------------------------------------------------------------- ranges

interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

/** One end of zslParseRange: strtod over the C string, "(" for exclusive; null when invalid. */
function parseScoreBound(arg: Buffer): { value: number; ex: boolean } | null {
  const s = cstr(arg);
  const ex = s[0] === "(";
  const text = ex ? s.slice(1) : s;
  const r = strtodPrefix(text);
  if (r.end !== text.length || Number.isNaN(r.value)) return null;
  return { value: r.value, ex };
}

const gteMin = (v: number, r: ScoreRange) => (r.minex ? v > r.min : v >= r.min);
const lteMax = (v: number, r: ScoreRange) => (r.maxex ? v < r.max : v <= r.max);

/** A lex range bound: a string, or -inf / +inf (the shared minstring / maxstring). */
type LexBound = { kind: "min" } | { kind: "max" } | { kind: "str"; s: string };

interface LexRange {
  min: LexBound;
  max: LexBound;
  minex: boolean;
  maxex: boolean;
}

/** zslParseLexRangeItem: "-", "+", "(str" or "[str"; null when invalid. */
function parseLexBound(arg: Buffer): { bound: LexBound; ex: boolean } | null {
  const c0 = arg.length > 0 ? arg[0] : 0;
  const c1 = arg.length > 1 ? arg[1] : 0;
  if (c0 === 0x2b /* + */) return c1 === 0 ? { bound: { kind: "max" }, ex: true } : null;
  if (c0 === 0x2d /* - */) return c1 === 0 ? { bound: { kind: "min" }, ex: true } : null;
  if (c0 === 0x28 /* ( */) return { bound: { kind: "str", s: toKey(arg.subarray(1)) }, ex: true };
  if (c0 === 0x5b /* [ */) return { bound: { kind: "str", s: toKey(arg.subarray(1)) }, ex: false };
  return null;
}

/** sdscmplex of a member against a bound. */
function cmpLex(member: string, b: LexBound): number {
  if (b.kind === "min") return 1;
  if (b.kind === "max") return -1;
  return member < b.s ? -1 : member > b.s ? 1 : 0;
}

const lexGteMin = (m: string, r: LexRange) => (r.minex ? cmpLex(m, r.min) > 0 : cmpLex(m, r.min) >= 0);
const lexLteMax = (m: string, r: LexRange) => (r.maxex ? cmpLex(m, r.max) < 0 : cmpLex(m, r.max) <= 0);

type RangeType = "auto" | "rank" | "score" | "lex";
type Direction = "auto" | "forward" | "reverse";

/**
 * The elements of a BYSCORE / BYLEX range, as Redis walks them: from the first element in
 * range (from the end when reversed), skipping `offset` elements (a negative offset skips
 * them all), then up to `limit` (negative: no limit) while they stay in range.
 */
function walkRange(
  entries: Array<[string, number]>,
  reverse: boolean,
  offset: number,
  limit: number,
  inFromSide: (e: [string, number]) => boolean,
  inToSide: (e: [string, number]) => boolean,
): Array<[string, number]> {
  const n = entries.length;
  if (offset > 0 && offset >= n) return [];
  const at = (i: number) => entries[reverse ? n - 1 - i : i];
  // The first element (in walking order) past the starting bound must also satisfy the other.
  let i = 0;
  while (i < n && !inFromSide(at(i))) i++;
  if (i >= n || !inToSide(at(i))) return [];
  if (offset < 0) return [];
  i += offset;
  const out: Array<[string, number]> = [];
  for (let left = limit; i < n && left !== 0; i++, left--) {
    if (!inToSide(at(i))) break;
    out.push(at(i));
  }
  return out;
}

/** zrangeGenericCommand for ZRANGE (rangetype/direction "auto") and ZRANGEBYSCORE. */
function zrangeGeneric(ctx: CommandContext, argv: Buffer[], initialType: RangeType, initialDir: Direction): Reply {
  let rangetype = initialType;
  let direction = initialDir;
  let withscores = false;
  let offset = 0n;
  let limit = -1n;
  for (let j = 4; j < argv.length; j++) {
    const left = argv.length - j - 1;
    if (isOpt(argv[j], "withscores")) withscores = true;
    else if (isOpt(argv[j], "limit") && left >= 2) {
      const o = getLongLong(argv[j + 1]);
      if (isReply(o)) return o;
      const l = getLongLong(argv[j + 2]);
      if (isReply(l)) return l;
      offset = o;
      limit = l;
      j += 2;
    } else if (direction === "auto" && isOpt(argv[j], "rev")) direction = "reverse";
    else if (rangetype === "auto" && isOpt(argv[j], "bylex")) rangetype = "lex";
    else if (rangetype === "auto" && isOpt(argv[j], "byscore")) rangetype = "score";
    else return error(ERR.syntax);
  }
  if (direction === "auto") direction = "forward";
  if (rangetype === "auto") rangetype = "rank";
  const reverse = direction === "reverse";

  if (limit !== -1n && rangetype === "rank") {
    return error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  if (withscores && rangetype === "lex") {
    return error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  // Reversed BYSCORE / BYLEX ranges are given as max, min.
  const [minArg, maxArg] = reverse && rangetype !== "rank" ? [argv[3], argv[2]] : [argv[2], argv[3]];

  let start = 0n;
  let end = 0n;
  let scoreRange: ScoreRange | undefined;
  let lexRange: LexRange | undefined;
  if (rangetype === "rank") {
    const s = getLongLong(minArg);
    if (isReply(s)) return s;
    const e = getLongLong(maxArg);
    if (isReply(e)) return e;
    start = s;
    end = e;
  } else if (rangetype === "score") {
    const lo = parseScoreBound(minArg);
    const hi = parseScoreBound(maxArg);
    if (!lo || !hi) return error("ERR min or max is not a float");
    scoreRange = { min: lo.value, max: hi.value, minex: lo.ex, maxex: hi.ex };
  } else {
    const lo = parseLexBound(minArg);
    const hi = parseLexBound(maxArg);
    if (!lo || !hi) return error("ERR min or max not valid string range item");
    lexRange = { min: lo.bound, max: hi.bound, minex: lo.ex, maxex: hi.ex };
  }

  const z = lookup(ctx.db, toKey(argv[1]), ctx.now, "zset");
  if (z === WRONG) return WRONGTYPE;
  if (z === undefined) return array([]);
  const entries = sortedEntries(z);

  let result: Array<[string, number]>;
  if (rangetype === "rank") {
    const len = entries.length;
    let s = clampIndex(start);
    let e = clampIndex(end);
    if (s < 0) s = len + s;
    if (e < 0) e = len + e;
    if (s < 0) s = 0;
    if (s > e || s >= len) result = [];
    else {
      if (e >= len) e = len - 1;
      result = [];
      for (let i = s; i <= e; i++) result.push(entries[reverse ? len - 1 - i : i]);
    }
  } else if (scoreRange) {
    const r = scoreRange;
    result = reverse
      ? walkRange(entries, true, clampIndex(offset), clampIndex(limit), ([, v]) => lteMax(v, r), ([, v]) => gteMin(v, r))
      : walkRange(entries, false, clampIndex(offset), clampIndex(limit), ([, v]) => gteMin(v, r), ([, v]) => lteMax(v, r));
  } else {
    const r = lexRange!;
    // Redis first checks the whole set against the range (first element <= max, last >= min).
    if (entries.length === 0 || !lexGteMin(entries[entries.length - 1][0], r) || !lexLteMax(entries[0][0], r)) result = [];
    else
      result = reverse
        ? walkRange(entries, true, clampIndex(offset), clampIndex(limit), ([m]) => lexLteMax(m, r), ([m]) => lexGteMin(m, r))
        : walkRange(entries, false, clampIndex(offset), clampIndex(limit), ([m]) => lexGteMin(m, r), ([m]) => lexLteMax(m, r));
  }

  if (!withscores) return array(result.map(([m]) => bulk(fromKey(m))));
  if (ctx.client.resp === 3) return array(result.map(([m, s]) => array([bulk(fromKey(m)), double(s)])));
  return array(result.flatMap(([m, s]) => [bulk(fromKey(m)), double(s)]));
}

// ---------------------------------------------------------------- ZSCORE, ZREM, ZCARD

function zscore(ctx: CommandContext, argv: Buffer[]): Reply {
  const z = lookup(ctx.db, toKey(argv[1]), ctx.now, "zset");
  if (z === WRONG) return WRONGTYPE;
  const s = z?.scores.get(toKey(argv[2]));
  return s === undefined ? nil("bulk") : double(s);
}

function zrem(ctx: CommandContext, argv: Buffer[]): Reply {
  const key = toKey(argv[1]);
  const z = lookup(ctx.db, key, ctx.now, "zset");
  if (z === WRONG) return WRONGTYPE;
  if (z === undefined) return int(0);
  let deleted = 0;
  for (const m of argv.slice(2)) {
    if (z.scores.delete(toKey(m))) {
      deleted++;
      if (z.scores.size === 0) break;
    }
  }
  if (deleted > 0) {
    if (z.scores.size === 0) ctx.db.delete(key);
    else ctx.db.touch(key);
    ctx.propagate(argv);
  }
  return int(deleted);
}

function zcard(ctx: CommandContext, argv: Buffer[]): Reply {
  const z = lookup(ctx.db, toKey(argv[1]), ctx.now, "zset");
  if (z === WRONG) return WRONGTYPE;
  return int(z?.scores.size ?? 0);
}

export const COMMANDS: CommandSpec[] = [
  { name: "zadd", arity: -4, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => zaddGeneric(ctx, argv, 0) },
  { name: "zincrby", arity: 4, flags: ["write", "denyoom", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => zaddGeneric(ctx, argv, IN_INCR) },
  { name: "zrange", arity: -4, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => zrangeGeneric(ctx, argv, "auto", "auto") },
  { name: "zrangebyscore", arity: -4, flags: ["readonly"], firstKey: 1, lastKey: 1, step: 1, handler: (ctx, argv) => zrangeGeneric(ctx, argv, "score", "forward") },
  { name: "zscore", arity: 3, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: zscore },
  { name: "zrem", arity: -3, flags: ["write", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: zrem },
  { name: "zcard", arity: 2, flags: ["readonly", "fast"], firstKey: 1, lastKey: 1, step: 1, handler: zcard },
];
