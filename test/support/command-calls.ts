// Random calls of the bundled server's commands, for differential property tests. The command
// list comes from the server's own table (COMMAND_TABLE and the session commands), so a new
// command is called as soon as it is added. Arguments are drawn from small pools so that calls
// collide: a few keys (types meet: WRONGTYPE), a few members, integers at the edges of a C
// long long, numbers Redis must refuse (NaN, inf, spaces, overflow), option words, binary
// bytes (CR, LF, NUL) and large values. Every command gets the right number of arguments most
// of the time and a wrong number sometimes.
//
// Some commands get arguments of their own (SHAPED): those whose arguments are times, where a
// short relative time would make the two servers' answers depend on the clock (EXPIRE, SET EX,
// blocking timeouts), and those whose random use would change what the servers are, not what
// they hold (CLIENT KILL, CONFIG SET), kept to harmless forms.
import fc from "fast-check";
import { COMMAND_TABLE } from "../../bundled-server/commands/index.js";
import { SESSION_COMMAND_TABLE } from "../../bundled-server/session.js";
import { encodeRequest } from "./raw-client.js";
import { showReply } from "./resp-tree.js";

/** Arguments as generated (read-only tuples and arrays alike). */
export type Args = readonly Buffer[];

/** One command call: argv, the name first. */
export class Call {
  constructor(readonly argv: Args) {}

  /** Lower-case command name. */
  get name(): string {
    return (this.argv[0]?.toString("latin1") ?? "").toLowerCase();
  }

  get request(): Buffer {
    return encodeRequest([...this.argv]);
  }

  /** argv, each argument quoted, long ones summarised: what a failure report shows. */
  toString(): string {
    return this.argv.map(showArg).join(" ");
  }

  [fc.toStringMethod](): string {
    return this.toString();
  }
}

function showArg(arg: Buffer): string {
  if (arg.length > 64) return `<${arg.length} bytes ${showReply(arg.subarray(0, 8).toString("latin1"))}...>`;
  return showReply(arg.toString("latin1"));
}

/** A command as the table describes it: Redis's arity convention and key positions. */
export interface TableCommand {
  name: string;
  arity: number;
  firstKey: number;
  lastKey: number;
  step: number;
}

/** Every command the bundled server knows: its command table and the session commands (MULTI, HELLO...). */
export function tableCommands(): TableCommand[] {
  const table = [...COMMAND_TABLE.values()].map(({ name, arity, firstKey, lastKey, step }) => ({ name, arity, firstKey, lastKey, step }));
  const session = [...SESSION_COMMAND_TABLE.values()].map(({ name, arity, firstKey, lastKey, step }) => ({ name, arity, firstKey, lastKey, step }));
  return [...table, ...session];
}

// ---------------------------------------------------------------- argument pools

const B = (s: string) => Buffer.from(s, "latin1");
const pick = (...values: string[]) => fc.constantFrom(...values.map(B));

/** Few keys, so that commands meet on them; one binary. */
export const KEYS = ["k1", "k2", "k3", "b\r\n\0y"];
const keyArb = pick(...KEYS);
const memberArb = pick("a", "b", "c", "1", "2", "10", "-3", "1.5", "");
const intArb = pick("0", "1", "2", "3", "-1", "-2", "100", "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809", "18446744073709551616");
const badNumberArb = pick("abc", "", "1.5", " 1", "1 ", "+1", "01", "0x10", "1e3", "nan", "NaN", "inf", "-inf", "+inf", "1e400", "-0", "4.9e-324", " ", "\0", "1\r\n");
const floatArb = pick("0.5", "-1.5", "1e308", "-1e308", "1e-300", "3.0", "(1", "(-inf", "[a", "(a", "-", "+", "+inf", "-inf");
const wordArb = pick(
  ...["NX", "XX", "GT", "LT", "CH", "INCR", "GET", "KEEPTTL", "EX", "PX", "EXAT", "PXAT", "WITHSCORES", "LIMIT", "BYSCORE", "BYLEX", "REV", "COUNT", "MATCH", "TYPE"],
  ...["ASYNC", "SYNC", "string", "list", "set", "hash", "zset", "none", "*", "k*", "?1", "[a-z]*", "\\", "nx", "withscores"],
);
const binaryArb = fc.oneof(
  pick("\r\n", "\0", "a\r\nb", "$5\r\n", "*1\r\n", "\xff\xfe"),
  fc.uint8Array({ maxLength: 40 }).map((a) => Buffer.from(a)),
);
/** Up to ~100 KB, a repeated pattern (cheap to make, to shrink and to show). */
const largeArb = fc.tuple(fc.integer({ min: 1_000, max: 100_000 }), fc.constantFrom("x", "\r\n\0", "ab")).map(([n, p]) => Buffer.alloc(n, p, "latin1"));

function anyArgArb(large: boolean): fc.Arbitrary<Buffer> {
  return fc.oneof(
    { arbitrary: keyArb, weight: 6 },
    { arbitrary: memberArb, weight: 6 },
    { arbitrary: intArb, weight: 6 },
    { arbitrary: badNumberArb, weight: 3 },
    { arbitrary: floatArb, weight: 3 },
    { arbitrary: wordArb, weight: 5 },
    { arbitrary: binaryArb, weight: 2 },
    ...(large ? [{ arbitrary: largeArb, weight: 1 }] : []),
  );
}

// Times: a relative time is either past (the key goes at once) or days away (it outlives the
// run), never a few seconds, so that both servers agree whatever their clocks say.
const relSecondsArb = fc.oneof(pick("0", "-1", "-100", "100000", "2000000", "9223372036854775", "9223372036854776", "9223372036854775807", "-9223372036854775808"), badNumberArb);
const relMillisArb = fc.oneof(pick("0", "-1", "100000000", "2000000000", "9223372036854775807", "-9223372036854775808"), badNumberArb);
const absSecondsArb = fc.oneof(pick("0", "1", "1000", "4102444800", "9223372036854775", "-5"), badNumberArb);
const absMillisArb = fc.oneof(pick("0", "1", "1000", "4102444800000", "9223372036854775807", "-5"), badNumberArb);
/** Blocking timeouts in seconds: short or refused; never 0 (forever), nor -0. */
const blockSecondsArb = pick("0.01", "0.02", "0.001", "-1", "abc", "1e400", "inf", "nan", "");

// ---------------------------------------------------------------- generic arguments

/** How many arguments (after the name) a call has: right most of the time, sometimes one off. */
function argCountArb(arity: number): fc.Arbitrary<number> {
  const min = Math.abs(arity) - 1;
  const right = arity > 0 ? fc.constant(min) : fc.integer({ min, max: min + 4 });
  const wrongCounts = [min - 1, ...(arity > 0 ? [min + 1] : [])].filter((n) => n >= 0);
  return wrongCounts.length === 0 ? right : fc.oneof({ arbitrary: right, weight: 8 }, { arbitrary: fc.constantFrom(...wrongCounts), weight: 1 });
}

function isKeyPosition(cmd: TableCommand, i: number, count: number): boolean {
  if (cmd.firstKey === 0) return false;
  const last = cmd.lastKey < 0 ? count + 1 + cmd.lastKey : cmd.lastKey;
  return i >= cmd.firstKey && i <= last && (i - cmd.firstKey) % cmd.step === 0;
}

function genericArgs(cmd: TableCommand, large: boolean, count: fc.Arbitrary<number> = argCountArb(cmd.arity)): fc.Arbitrary<Args> {
  const any = anyArgArb(large);
  const keyish = fc.oneof({ arbitrary: keyArb, weight: 9 }, { arbitrary: any, weight: 1 });
  return count.chain((n) => fc.tuple(...Array.from({ length: n }, (_, j) => (isKeyPosition(cmd, j + 1, n) ? keyish : any))));
}

/** A wrong number of arguments only (for the shaped commands, whose generic forms could be unsafe). */
function wrongArityArgs(cmd: TableCommand): fc.Arbitrary<Args> | undefined {
  const min = Math.abs(cmd.arity) - 1;
  const counts = [min - 1, ...(cmd.arity > 0 ? [min + 1] : [])].filter((n) => n >= 0);
  return counts.length === 0 ? undefined : genericArgs(cmd, false, fc.constantFrom(...counts));
}

// ---------------------------------------------------------------- shaped arguments

const options = (...opts: Array<fc.Arbitrary<Args>>): fc.Arbitrary<Args> => fc.array(fc.oneof(...opts), { maxLength: 3 }).map((o) => o.flat());
const word = (w: string) => fc.constant([B(w)]);
const withValue = (w: string, v: fc.Arbitrary<Buffer>) => v.map((x) => [B(w), x]);
const clientName = pick("n1", "a b", "", "x\ny", "name");

function expireArgs(time: fc.Arbitrary<Buffer>): fc.Arbitrary<Args> {
  return fc.tuple(keyArb, time, options(word("NX"), word("XX"), word("GT"), word("LT"), fc.constant([B("bogus")]))).map(([k, t, o]) => [k, t, ...o]);
}

const SHAPED: Record<string, (large: boolean) => fc.Arbitrary<Args>> = {
  set: (large) =>
    fc
      .tuple(
        keyArb,
        anyArgArb(large),
        options(word("NX"), word("XX"), word("GET"), word("KEEPTTL"), withValue("EX", relSecondsArb), withValue("PX", relMillisArb), withValue("EXAT", absSecondsArb), withValue("PXAT", absMillisArb), word("EX"), word("bogus")),
      )
      .map(([k, v, o]) => [k, v, ...o]),
  expire: () => expireArgs(relSecondsArb),
  pexpire: () => expireArgs(relMillisArb),
  expireat: () => expireArgs(absSecondsArb),
  pexpireat: () => expireArgs(absMillisArb),
  blpop: () => fc.tuple(fc.array(keyArb, { minLength: 1, maxLength: 3 }), blockSecondsArb).map(([ks, t]) => [...ks, t]),
  brpop: () => fc.tuple(fc.array(keyArb, { minLength: 1, maxLength: 3 }), blockSecondsArb).map(([ks, t]) => [...ks, t]),
  /** WAIT with no replica: a short timeout, never 0 (forever). */
  wait: () => fc.tuple(intArb, pick("1", "5", "-1", "abc", "1.5", "")).map(([n, t]) => [n, t]),
  /** SPOP with a count of the whole set or more, or a refused one: without a count, or a smaller one, it pops at random. */
  spop: () => fc.tuple(keyArb, pick("1000", "9223372036854775807", "0", "-1", "abc", "", "-9223372036854775808")).map(([k, c]) => [k, c]),
  hello: () =>
    fc.oneof(
      fc.constant([]),
      pick("3", "2", "1", "4", "abc", "-1").map((v) => [v]),
      fc.tuple(pick("3", "2"), clientName).map(([v, n]) => [v, B("SETNAME"), n]),
      fc.tuple(pick("3", "2"), pick("default", "nobody"), pick("pw", "")).map(([v, u, p]) => [v, B("AUTH"), u, p]),
      pick("3", "2").map((v) => [v, B("AUTH"), B("default")]),
      pick("3", "2").map((v) => [v, B("BOGUS")]),
    ),
  /** CLIENT without ID / LIST / INFO (connection ids and addresses differ) and without kills that could hit a live connection. */
  client: () =>
    fc.oneof(
      fc.constant([B("GETNAME")]),
      clientName.map((n) => [B("SETNAME"), n]),
      pick("1.2.3.4:5", "nonsense").map((a) => [B("KILL"), a]),
      // Never a filter that matches every connection (USER default, SKIPME alone): the count would depend on connections still closing.
      fc.tuple(pick("ID", "TYPE", "USER", "ADDR", "LADDR", "BOGUS"), pick("0", "-1", "abc", "99999", "pubsub", "master", "replica", "slave", "bogus", "nobody", "1.2.3.4:5")).map(([f, v]) => [B("KILL"), f, v]),
      fc.tuple(pick("yes", "no", "maybe"), pick("pubsub", "master", "bogus")).map(([s, t]) => [B("KILL"), B("SKIPME"), s, B("TYPE"), t]),
      fc.constant([B("KILL"), B("ID")]),
      pick("GETNAME", "SETNAME", "KILL", "NOSUCH").chain((sub) => fc.array(memberArb, { maxLength: 2 }).map((rest) => [sub, ...rest])),
    ),
  /** CONFIG on options both servers have with the same default (see SAFE_CONFIG), and refused forms. */
  config: () =>
    fc.oneof(
      fc.array(pick(...SAFE_CONFIG, "no-such-option", "save-no"), { minLength: 1, maxLength: 2 }).map((ns) => [B("GET"), ...ns]),
      fc
        .array(fc.tuple(pick(...SAFE_CONFIG, "no-such-option"), fc.oneof(intArb, badNumberArb, pick("yes", "no", "always", "everysec", "1mb", "2gb", "100"))), { minLength: 1, maxLength: 2 })
        .map((pairs) => [B("SET"), ...pairs.flat()]),
      fc.constant([B("SET"), B("repl-timeout")]),
      pick("RESETSTAT", "REWRITE", "GET", "BOGUS").map((s) => [s]),
    ),
  /** COMMAND GETKEYS only: COMMAND, COUNT, INFO, DOCS and LIST describe a command table the bundled server has only part of. */
  command: (large) =>
    fc.oneof(
      fc.constantFrom(...tableCommands()).chain((cmd) => genericArgs(cmd, large).map((args) => [B("GETKEYS"), B(cmd.name), ...args])),
      pick("nosuch", "").map((n) => [B("GETKEYS"), n]),
      fc.constant([B("GETKEYS")]),
      pick("BOGUS", "COUNT").map((s) => [s, B("x")]),
    ),
};

/** Options CONFIG GET and SET may touch: both servers have them, with the same default; tests restore them after each case. */
export const SAFE_CONFIG = ["replica-priority", "repl-timeout", "repl-backlog-ttl", "appendfsync", "min-replicas-to-write", "min-replicas-max-lag", "proto-max-bulk-len"];

/** A random call of one of `commands`; `large` allows values up to ~100 KB. */
export function callArb(commands: TableCommand[], large: boolean): fc.Arbitrary<Call> {
  return fc.constantFrom(...commands).chain((cmd) => {
    const shaped = SHAPED[cmd.name];
    let args: fc.Arbitrary<Args>;
    if (shaped) {
      const wrong = wrongArityArgs(cmd);
      args = wrong ? fc.oneof({ arbitrary: shaped(large), weight: 9 }, { arbitrary: wrong, weight: 1 }) : shaped(large);
    } else {
      args = genericArgs(cmd, large);
    }
    return fc.tuple(fc.constantFrom(cmd.name, cmd.name.toUpperCase()), args).map(([name, a]) => new Call([B(name), ...a]));
  });
}
