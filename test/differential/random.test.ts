// Property-based differential tests: random command sequences over the bundled server's whole
// command table (RESP2 and RESP3), and random or mutated protocol bytes, sent to the bundled
// server and to a real redis-server. Replies are compared byte for byte, except where this file
// says why not (EXCLUDED, COMPARED_LOOSELY). The seed of every property is in
// its title; REDLINE_FC_SEED replays a run (a failure message prints the exact command line).
import assert from "node:assert/strict";
import fc from "fast-check";
import { Call, SAFE_CONFIG, callArb, tableCommands, type TableCommand } from "../support/command-calls.js";
import { ServerPair } from "../support/differential.js";
import { BASE_SEED, checkReplayable, propertySeed } from "../support/fc-replay.js";
import { RawClient, encodeRequest } from "../support/raw-client.js";
import { exchange, type Exchange } from "../support/raw-exchange.js";
import { parseReply, showReply, sortedElements, sortedPairs, type RespNode } from "../support/resp-tree.js";

const FILE = "dist/test/differential/random.test.js";

/** Commands never sent at random, each with the reason. */
const EXCLUDED: Record<string, string> = {
  info: "its text is each server's own (versions, memory, uptime, run ids)",
  time: "the clock, read at two moments",
  shutdown: "stops the server the next cases need",
  replicaof: "replication: would turn a server into a replica of some other server",
  slaveof: "replication: REPLICAOF's old name",
  sync: "replication: the connection becomes a replica's stream",
  psync: "replication: the connection becomes a replica's stream",
  replconf: "replication: ACK and GETACK answer nothing, so the reply count is lost",
  subscribe: "a reply per channel and pushed messages: the number of replies depends on the subscription state; protocol.test.ts covers pub/sub, and the protocol property here sends them",
  psubscribe: "as SUBSCRIBE",
  unsubscribe: "as SUBSCRIBE",
  punsubscribe: "as SUBSCRIBE",
};

type Same = (call: Call, real: RespNode, ours: RespNode) => boolean;

const bothAggregates = (a: RespNode, b: RespNode) => a.children !== undefined && b.children !== undefined && a.type === b.type && a.head === b.head;
const asSet: Same = (_c, a, b) => (bothAggregates(a, b) ? sortedElements(a).join() === sortedElements(b).join() : a.raw === b.raw);
const sameInteger = (tolerance: number): Same => (_c, a, b) => {
  if (a.type !== ":" || b.type !== ":" || Number(a.head) < 0 || Number(b.head) < 0) return a.raw === b.raw;
  return Math.abs(Number(a.head) - Number(b.head)) <= tolerance;
};

/** Replies compared other than byte for byte, each with the reason and how. */
const COMPARED_LOOSELY: Record<string, { reason: string; same: Same }> = {
  smembers: { reason: "a set's order is unspecified (a hash table's in Redis): compared as sets", same: asSet },
  keys: { reason: "the keyspace's order is unspecified: compared as sets", same: asSet },
  hgetall: {
    reason: "a hash's order is unspecified once it is a hash table: field/value pairs compared as sets",
    same: (_c, a, b) => (bothAggregates(a, b) ? sortedPairs(a).join() === sortedPairs(b).join() : a.raw === b.raw),
  },
  spop: { reason: "SPOP with a count of the whole set replies the set in an unspecified order: compared as sets (the random forms are not sent)", same: asSet },
  scan: {
    reason:
      "SCAN's cursors are each server's own (Redis: reverse-binary bucket order; bundled: hash order): a scan from 0 that both finish in one call is compared as a set, a partial one only as a cursor and an array",
    same: (call, a, b) => {
      if (!bothAggregates(a, b) || a.children!.length !== 2) return a.raw === b.raw;
      const done = (n: RespNode) => n.children![0].body === "0";
      if (call.argv[1]?.toString() === "0" && done(a) && done(b)) return asSet(call, a.children![1], b.children![1]);
      return a.children![1].children !== undefined && b.children![1].children !== undefined;
    },
  },
  randomkey: { reason: "a random key: only whether there is one is compared", same: (_c, a, b) => (a.type === "$" && b.type === "$" && Number(a.head) >= 0 && Number(b.head) >= 0) || a.raw === b.raw },
  ttl: { reason: "the two servers read the clock at slightly different moments: a positive TTL may differ by a second", same: sameInteger(1) },
  pttl: { reason: "the two servers read the clock at slightly different moments: a positive PTTL may differ by up to 2 s on a loaded machine", same: sameInteger(2000) },
  config: {
    reason: "CONFIG GET walks Redis's dict of options, in an unspecified order: option/value pairs compared as sets",
    same: (_c, a, b) => (bothAggregates(a, b) ? sortedPairs(a).join() === sortedPairs(b).join() : a.raw === b.raw),
  },
  hello: {
    reason: "the connection id is each server's own: compared with the id masked",
    same: (_c, a, b) => maskId(a) === maskId(b),
  },
};

/** HELLO's reply with the value after the "id" field blanked. */
function maskId(n: RespNode): string {
  if (!n.children) return n.raw;
  return n.children.map((c, i) => (i > 0 && n.children![i - 1].body === "id" ? "<id>" : c.raw)).join("|") + n.type + n.head;
}

const commands: TableCommand[] = tableCommands().filter((c) => !(c.name in EXCLUDED));

/** Whether the two replies to `call` are the same, given the calls queued before an EXEC. */
function same(call: Call, real: RespNode, ours: RespNode, queued: Call[]): boolean {
  if (real.raw === ours.raw) return true;
  if (call.name === "exec" && real.type === ours.type && real.children?.length === queued.length && ours.children?.length === queued.length) {
    return queued.every((q, i) => same(q, real.children![i], ours.children![i], []));
  }
  return COMPARED_LOOSELY[call.name]?.same(call, real, ours) ?? false;
}

/** Both servers' connections for one case, with the calls queued in a MULTI. */
class Session {
  private queued: Call[] | null = null;
  private constructor(
    private real: RawClient,
    private ours: RawClient,
    private readonly pair: ServerPair,
    private readonly resp3: boolean,
    private readonly sent: Call[],
  ) {}

  static async open(pair: ServerPair, resp3: boolean): Promise<Session> {
    const { real, ours } = await pair.clients();
    const s = new Session(real, ours, pair, resp3, []);
    await s.greet();
    return s;
  }

  /** HELLO 3 first in RESP3 cases. */
  private async greet(): Promise<void> {
    if (this.resp3) await this.run(new Call([Buffer.from("HELLO"), Buffer.from("3")]));
  }

  async run(call: Call): Promise<void> {
    this.sent.push(call);
    const [a, b] = await Promise.all([this.real.call(...call.argv), this.ours.call(...call.argv)]);
    const real = parseReply(a);
    const ours = parseReply(b);
    if (!same(call, real, ours, this.queued ?? [])) {
      throw new Error(
        `different replies to ${call} (${this.resp3 ? "RESP3" : "RESP2"}, call ${this.sent.length} of the case)\n` +
          `  bytes sent: ${showReply(call.request.toString("latin1"))}\n` +
          `  redis-server: ${showReply(a)}\n` +
          `  bundled:      ${showReply(b)}\n` +
          `  calls so far: ${this.sent.map(String).join(" ; ")}`,
      );
    }
    this.track(call, a);
    if (a === "<closed>") await this.reconnect();
  }

  /** MULTI's queue, followed on the real server's replies (the bundled one's are the same). */
  private track(call: Call, reply: string): void {
    if (reply === "+QUEUED\r\n" && this.queued) this.queued.push(call);
    else if (call.name === "multi" && reply === "+OK\r\n") this.queued = [];
    else if (["exec", "discard", "reset"].includes(call.name) && !reply.startsWith("-ERR")) this.queued = null;
    else if (call.name === "exec" && reply.startsWith("-EXECABORT")) this.queued = null;
  }

  /** After QUIT (or a kill): fresh connections to both, as a client would reconnect. */
  private async reconnect(): Promise<void> {
    this.close();
    const { real, ours } = await this.pair.clients();
    this.real = real;
    this.ours = ours;
    this.queued = null;
    await this.greet();
  }

  close(): void {
    this.real.close();
    this.ours.close();
  }
}

// ---------------------------------------------------------------- protocol bytes

/** Commands left out of the protocol property: they block, or change the server for the cases after. */
const NOT_IN_RAW_REQUESTS = new Set([
  ...["blpop", "brpop", "wait", "client", "config"],
  // A mutation read inline makes each line of a request a command: "command" alone would be COMMAND, which describes Redis's whole table.
  "command",
]);

/** One change to a request's bytes, named for a failure report. */
class Mutation {
  constructor(
    readonly what: string,
    readonly apply: (bytes: Buffer) => Buffer,
  ) {}

  [fc.toStringMethod](): string {
    return this.what;
  }
}

const PROTOCOL_BYTES = Buffer.from("*$\r\n-+: \"'\\0123456789x\0");
const WEIRD_LENGTHS = ["-1", "-2", "0", "1048577", "2147483648", "4294967297", "536870913", "99999999999999999999", "x", "", "+1", " 1", "1 "];
const fraction = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fraction, fc.oneof(fc.constantFrom(...PROTOCOL_BYTES), fc.integer({ min: 0, max: 255 }))).map(
    ([at, byte]) =>
      new Mutation(`byte at ${at.toFixed(3)} of the length set to ${byte}`, (b) => {
        if (b.length === 0) return b;
        const out = Buffer.from(b);
        out[Math.floor(at * b.length)] = byte;
        return out;
      }),
  ),
  fraction.map((at) => new Mutation(`cut at ${at.toFixed(3)} of the length`, (b) => b.subarray(0, Math.floor(at * b.length)))),
  fc.tuple(fraction, fc.constantFrom("\r\n", "*", "$", "-1", "99999999999", "\0", " ", '"', "\n", "*1\r\n$4\r\nPING\r\n")).map(
    ([at, text]) =>
      new Mutation(`${showReply(text)} inserted at ${at.toFixed(3)} of the length`, (b) => {
        const i = Math.floor(at * b.length);
        return Buffer.concat([b.subarray(0, i), Buffer.from(text, "latin1"), b.subarray(i)]);
      }),
  ),
  fc.tuple(fc.nat(), fc.constantFrom(...WEIRD_LENGTHS)).map(
    ([k, len]) =>
      new Mutation(`length header ${k} (modulo their number) set to ${JSON.stringify(len)}`, (b) => {
        const headers = [...b.toString("latin1").matchAll(/[*$]-?\d+\r\n/g)];
        if (headers.length === 0) return b;
        const h = headers[k % headers.length];
        const at = h.index!;
        return Buffer.concat([b.subarray(0, at + 1), Buffer.from(len, "latin1"), b.subarray(at + h[0].length - 2)]);
      }),
  ),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((g) => new Mutation(`garbage ${showReply(Buffer.from(g).toString("latin1"))} first`, (b) => Buffer.concat([Buffer.from(g), b]))),
);

/** A request as an inline command: argv joined by spaces (what the arguments hold is the parser's business). */
const inline = (call: Call, lf: boolean) => Buffer.concat([Buffer.from(call.argv.map((a) => a.toString("latin1")).join(" "), "latin1"), Buffer.from(lf ? "\n" : "\r\n")]);

interface RawCase {
  resp3: boolean;
  requests: Array<[Call, "multibulk" | "inline-crlf" | "inline-lf"]>;
  mutations: Mutation[];
}

function rawBytes(c: RawCase): Buffer {
  const body = Buffer.concat(c.requests.map(([call, form]) => (form === "multibulk" ? call.request : inline(call, form === "inline-lf"))));
  const mutated = c.mutations.reduce<Buffer>((b, m) => m.apply(b), body);
  return c.resp3 ? Buffer.concat([encodeRequest(["HELLO", "3"]), mutated]) : mutated;
}

/** HELLO's connection id (each server's own) blanked in a raw answer. */
const maskHelloId = (text: string) => text.replace(/(\$2\r\nid\r\n:)\d+\r\n/g, "$1<id>\r\n");

const showExchange = (e: Exchange) => `${showReply(e.received.toString("latin1"))}, then ${e.ending}`;

// ---------------------------------------------------------------- the properties

describe(`differential: random commands and protocol bytes (REDLINE_FC_SEED=${BASE_SEED})`, function () {
  this.timeout(180_000);
  let pair: ServerPair | undefined;
  let control: { real: RawClient; ours: RawClient } | undefined;
  /** Each server's own values of the options CONFIG SET may change, restored after each case. */
  let configDefaults: Array<[RawClient, Buffer[]]> = [];

  before(async () => {
    pair = await ServerPair.start();
    control = await pair.clients();
    configDefaults = [];
    for (const client of [control.real, control.ours]) {
      const reply = parseReply(await client.call("CONFIG", "GET", ...SAFE_CONFIG));
      const values = (reply.children ?? []).map((c) => Buffer.from(c.body ?? "", "latin1"));
      assert.equal(values.length, 2 * SAFE_CONFIG.length, `CONFIG GET ${SAFE_CONFIG.join(" ")}: ${reply.raw}`);
      configDefaults.push([client, values]);
    }
  });
  after(() => {
    control?.real.close();
    control?.ours.close();
    pair?.stop();
  });

  /** Both servers as new: no keys, the safe options at their defaults. */
  async function resetServers(): Promise<void> {
    for (const [client, values] of configDefaults) {
      // The options first: a min-replicas-to-write left by a case would refuse FLUSHALL.
      assert.equal(await client.call("CONFIG", "SET", ...values), "+OK\r\n");
      assert.equal(await client.call("FLUSHALL"), "+OK\r\n");
    }
  }

  it("derives its commands from the bundled server's command table", () => {
    const names = tableCommands().map((c) => c.name);
    for (const name of ["get", "zadd", "multi", "hello", "select", "client"]) assert.ok(names.includes(name), name);
    for (const name of Object.keys(EXCLUDED)) assert.ok(names.includes(name), `EXCLUDED names ${name}, not a command of the bundled server`);
    for (const name of Object.keys(COMPARED_LOOSELY)) assert.ok(names.includes(name), `COMPARED_LOOSELY names ${name}, not a command of the bundled server`);
    assert.ok(commands.length >= 60, `${commands.length} commands sent`);
  });

  for (const [index, resp3] of [[1, false], [2, true]] as const) {
    const title = `random command sequences over the whole table, ${resp3 ? "RESP3" : "RESP2"} (seed ${propertySeed(index)})`;
    it(title, async () => {
      const property = fc.asyncProperty(fc.array(callArb(commands, true), { minLength: 1, maxLength: 30 }), async (calls) => {
        await resetServers();
        const session = await Session.open(pair!, resp3);
        try {
          for (const call of calls) await session.run(call);
        } finally {
          session.close();
        }
      });
      await checkReplayable(property, { seed: propertySeed(index), title, numRuns: 120, timeLimitMs: 60_000, caseTimeoutMs: 30_000, file: FILE });
    });
  }

  const rawTitle = `random and mutated protocol bytes: the same replies, then the same close (seed ${propertySeed(3)})`;
  it(rawTitle, async () => {
    const rawCommands = commands.filter((c) => !NOT_IN_RAW_REQUESTS.has(c.name)).concat(tableCommands().filter((c) => c.name.endsWith("subscribe")));
    const caseArb: fc.Arbitrary<RawCase> = fc.record({
      resp3: fc.boolean(),
      requests: fc.array(fc.tuple(callArb(rawCommands, false), fc.constantFrom("multibulk" as const, "multibulk" as const, "inline-crlf" as const, "inline-lf" as const)), { minLength: 1, maxLength: 3 }),
      mutations: fc.array(mutationArb, { minLength: 0, maxLength: 3 }),
    });
    const property = fc.asyncProperty(caseArb, async (c) => {
      const bytes = rawBytes(c);
      // A mutated request read inline runs each line as a command: a line naming an EXCLUDED one (SYNC, say) is not sent.
      fc.pre(!bytes.toString("latin1").split(/\r?\n/).some((line) => line.trim().split(" ")[0].toLowerCase() in EXCLUDED));
      await resetServers();
      const [real, ours] = await Promise.all([exchange(pair!.redisPort, bytes, 10_000), exchange(pair!.bundledPort, bytes, 10_000)]);
      const closed = (e: Exchange) => e.ending !== "open at deadline";
      if (maskHelloId(real.received.toString("latin1")) !== maskHelloId(ours.received.toString("latin1")) || closed(real) !== closed(ours)) {
        throw new Error(
          `different answers to raw bytes\n  bytes sent: ${showReply(bytes.toString("latin1"))}\n  redis-server: ${showExchange(real)}\n  bundled:      ${showExchange(ours)}\n` +
            `  requests before mutation: ${c.requests.map(([call, form]) => `${form} ${call}`).join(" ; ")}`,
        );
      }
    });
    await checkReplayable(property, { seed: propertySeed(3), title: rawTitle, numRuns: 150, timeLimitMs: 60_000, caseTimeoutMs: 30_000, file: FILE });
  });
});
