// A small fake CommandContext for calling the data-type command handlers directly: a real
// Keyspace, a recording propagate, a recording signalKeyReady and a controllable blockOn.
// Replies are turned into plain values by `plain` for readable assertions. The other
// commands-*.test.ts files import `fake` from here.
import assert from "node:assert/strict";
import type { ClientState } from "../../bundled-server/client-state.js";
import type { CommandContext, CommandSpec, ServerContext } from "../../bundled-server/command.js";
import { COMMANDS as HASHES } from "../../bundled-server/commands/hashes.js";
import { COMMANDS as KEYS } from "../../bundled-server/commands/keys.js";
import { COMMANDS as LISTS } from "../../bundled-server/commands/lists.js";
import { COMMANDS as SETS } from "../../bundled-server/commands/sets.js";
import { COMMANDS as STRINGS } from "../../bundled-server/commands/strings.js";
import { COMMANDS as ZSETS } from "../../bundled-server/commands/zsets.js";
import { Keyspace } from "../../bundled-server/keyspace.js";
import type { Reply } from "../../bundled-server/resp/reply.js";

export const TABLE = new Map<string, CommandSpec>([...STRINGS, ...KEYS, ...LISTS, ...SETS, ...HASHES, ...ZSETS].map((c) => [c.name, c]));

/**
 * A reply as a plain value: "+OK" simple, "-ERR ..." error, numbers (bigints beyond 2^53),
 * strings for bulk strings, "(nil)" / "(nil array)" for nulls (nil bulk: "$nil", nil
 * array: "*nil"), arrays, and { map }, { set }, { double }, { bool } for the RESP3 types.
 */
export type Plain = string | number | bigint | null | Plain[] | { map: Array<[Plain, Plain]> } | { set: Plain[] } | { double: number } | { bool: boolean };

export function plain(r: Reply): Plain {
  switch (r.t) {
    case "simple":
      return "+" + r.s;
    case "error":
      return "-" + r.s;
    case "int":
      return typeof r.n === "bigint" && r.n <= BigInt(Number.MAX_SAFE_INTEGER) && r.n >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(r.n) : r.n;
    case "bulk":
      return r.b === null ? "$nil" : r.b.toString("latin1");
    case "array":
      return r.items === null ? "*nil" : r.items.map(plain);
    case "map":
      return { map: r.entries.map(([k, v]) => [plain(k), plain(v)]) };
    case "set":
      return { set: r.items.map(plain) };
    case "double":
      return { double: r.n };
    case "null":
      return r.nullAs === "bulk" ? "(nil)" : "(nil array)";
    case "bool":
      return { bool: r.v };
    default:
      throw new Error(`unexpected reply type ${r.t}`);
  }
}

/** A client blocked by blockOn, until it is served or timed out. */
export interface Waiter {
  keys: string[];
  timeoutMs: number;
  /** Offers a ready key, as the server does after a command; true when that served the client. */
  offer(key: string): boolean;
  /** Ends the wait as its timeout would. */
  timeOut(): void;
}

export interface Fake {
  ctx: CommandContext;
  keyspace: Keyspace;
  /** Propagated argv, as strings, since the last `take()`. */
  propagated: string[][];
  signalled: string[];
  waiters: Waiter[];
  /** Runs a command synchronously (fails if the handler returns a promise); the plain reply. */
  run(...args: Array<string | Buffer>): Plain;
  /** Runs a command that may block: the handler's promise (or value). */
  start(...args: Array<string | Buffer>): Promise<Plain>;
  /** The propagated commands since the last call, and forgets them. */
  take(): string[][];
  now: number;
  resp: 2 | 3;
  db: number;
}

export function fake(opts: { now?: number; resp?: 2 | 3; config?: Record<string, string> } = {}): Fake {
  const keyspace = new Keyspace((_db, key) => f.propagated.push(["DEL", key]));
  const client = { id: 1, name: null, db: 0, resp: opts.resp ?? 2, authenticated: true } as unknown as ClientState;
  const config = opts.config ?? {};
  const server = { config: { get: (n: string) => config[n], setAll: () => undefined, names: () => Object.keys(config) } } as unknown as ServerContext;
  const f: Fake = {
    keyspace,
    propagated: [],
    signalled: [],
    waiters: [],
    now: opts.now ?? 1_700_000_000_000,
    resp: opts.resp ?? 2,
    db: 0,
    get ctx(): CommandContext {
      (client as { resp: 2 | 3 }).resp = f.resp;
      return {
        keyspace,
        db: keyspace.dbs[f.db],
        client,
        server,
        now: f.now,
        propagate: (argv) => f.propagated.push(argv.map((a) => a.toString("latin1"))),
        signalKeyReady: (key) => f.signalled.push(key),
        blockOn: (keys, timeoutMs, serve) =>
          new Promise<Reply | null>((resolve) => {
            const end = (reply: Reply | null) => {
              f.waiters.splice(f.waiters.indexOf(waiter), 1);
              resolve(reply);
            };
            const waiter: Waiter = {
              keys,
              timeoutMs,
              offer: (key) => {
                const reply = serve(key, f.now);
                if (reply !== undefined) end(reply);
                return reply !== undefined;
              },
              timeOut: () => end(null),
            };
            f.waiters.push(waiter);
          }),
      };
    },
    run(...args) {
      const r = call(f, args);
      if (r instanceof Promise) throw new Error(`${args.join(" ")} returned a promise`);
      return plain(r);
    },
    async start(...args) {
      return plain(await call(f, args));
    },
    take() {
      const out = f.propagated;
      f.propagated = [];
      return out;
    },
  };
  return f;
}

/**
 * Runs rows of [command line, expected plain reply, expected propagation?] in order. The
 * command line is split on spaces (use an array for arguments with spaces or empty ones);
 * propagation, when given, is compared with what the command propagated ([] for nothing).
 */
export type Row = [string | string[], Plain, string[][]?];

export function check(f: Fake, rows: Row[]): void {
  for (const [line, expected, prop] of rows) {
    const args = typeof line === "string" ? line.split(" ") : line;
    f.take();
    assert.deepEqual(f.run(...args), expected, `reply to ${args.join(" ")}`);
    const got = f.take();
    if (prop !== undefined) assert.deepEqual(got, prop, `propagation of ${args.join(" ")}`);
  }
}

function call(f: Fake, args: Array<string | Buffer>): Reply | Promise<Reply> {
  const argv = args.map((a) => (typeof a === "string" ? Buffer.from(a, "latin1") : a));
  const spec = TABLE.get(argv[0].toString().toLowerCase());
  if (!spec) throw new Error(`no such command ${argv[0].toString()}`);
  if ((spec.arity > 0 && argv.length !== spec.arity) || argv.length < -spec.arity) throw new Error(`wrong arity for ${spec.name}`);
  return spec.handler(f.ctx, argv);
}

describe("commands: the fake context", () => {
  it("runs commands against a real keyspace and records propagation", () => {
    const f = fake();
    assert.equal(f.run("SET", "k", "v"), "+OK");
    assert.equal(f.run("GET", "k"), "v");
    assert.deepEqual(f.take(), [["SET", "k", "v"]]);
    assert.equal(f.keyspace.dbs[0].size, 1);
  });
});
