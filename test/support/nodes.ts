// Server processes for replication tests: real redis-server or the bundled server, each a
// child process on its own loopback address (so kill -9 and SIGSTOP are real, and links can
// go through the network switch), stopped by the test that started them.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { parseInfo } from "../../targets/admin.js";
import { allocateAddresses } from "../../targets/addresses.js";
import { waitFor } from "../helpers.js";

export type ServerKind = "redis" | "bundled";

const BUNDLED_MAIN = fileURLToPath(new URL("../../bundled-server/main.js", import.meta.url));

export class TestNode {
  private child: ChildProcess | undefined;
  private client: Redis | undefined;
  /** Its own data dir: a replica writes the RDB of a full sync there, and a restart must not find another node's. */
  readonly dir = mkdtempSync(join(tmpdir(), "redline-node-"));

  constructor(
    readonly kind: ServerKind,
    readonly id: string,
    readonly host: string,
    /** Where the node listens. */
    readonly port: number,
    /** The switch's port for this node (unused unless a test routes links through a switch). */
    readonly publicPort: number,
    private readonly options: Record<string, string>,
    /** For a sentinel: the `sentinel ...` lines of its config file (Sentinel needs a file it can rewrite). */
    readonly sentinelLines?: string[],
    /** A data node started from a config file (`node.conf` in its dir, holding `options`), which CONFIG REWRITE can rewrite. */
    readonly withConfigFile = false,
  ) {}

  /** The data node's config file, when it has one. */
  get configFile(): string {
    return join(this.dir, "node.conf");
  }

  get isSentinel(): boolean {
    return this.sentinelLines !== undefined;
  }

  async start(): Promise<void> {
    if (this.isSentinel) {
      const file = join(this.dir, "sentinel.conf");
      // Only the first start writes the file: a restarted Sentinel keeps the state it wrote there.
      if (!this.child) {
        const lines = [`port ${this.port}`, `bind ${this.host}`, `bind-source-addr ${this.host}`, `dir ${this.dir}`, "protected-mode no", ...this.sentinelLines!];
        writeFileSync(file, lines.join("\n") + "\n");
      }
      this.child = this.kind === "redis" ? spawn("redis-sentinel", [file], { stdio: "ignore" }) : spawn(process.execPath, [BUNDLED_MAIN, file], { stdio: "ignore" });
    } else {
      const base = { port: String(this.port), bind: this.host, "bind-source-addr": this.host, save: '""', appendonly: "no", dir: this.dir, "protected-mode": "no" };
      let args: string[];
      if (this.withConfigFile) {
        // Only the first start writes it: a restart reads what CONFIG REWRITE left there.
        if (!this.child) writeFileSync(this.configFile, Object.entries({ ...base, ...this.options }).map(([name, value]) => `${name} ${value}`).join("\n") + "\n");
        args = [this.configFile];
      } else {
        args = Object.entries({ ...base, ...this.options }).flatMap(([name, value]) => [`--${name}`, ...(value === '""' ? [""] : value.split(" "))]);
      }
      this.child = this.kind === "redis" ? spawn("redis-server", args, { stdio: "ignore" }) : spawn(process.execPath, [BUNDLED_MAIN, ...args], { stdio: "ignore" });
    }
    await waitFor(`${this.kind} ${this.id} to answer PING on ${this.host}:${this.port}`, 30_000, async () => (await this.call("PING")) === "PONG");
  }

  /** One command on the node's admin connection; errors reject. */
  async call(...args: string[]): Promise<unknown> {
    if (!this.client) {
      const password = (!this.isSentinel && this.options.requirepass) || undefined;
      this.client = new Redis({ host: this.host, port: this.port, password, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null, commandTimeout: 5000 });
      this.client.on("error", () => undefined);
      this.client.on("end", () => (this.client = undefined));
      try {
        await this.client.connect();
      } catch (err) {
        this.client?.disconnect();
        this.client = undefined;
        throw err;
      }
    }
    return this.client.call(args[0], ...args.slice(1));
  }

  async info(section: string): Promise<Record<string, string>> {
    return parseInfo(String(await this.call("INFO", section)));
  }

  signal(signal: NodeJS.Signals): void {
    this.child?.kill(signal);
  }

  /** kill -9, and wait until the process is gone. */
  async kill(): Promise<void> {
    this.client?.disconnect();
    this.client = undefined;
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await gone;
  }
}

export interface SentinelTestSettings {
  quorum?: number;
  downAfterMs?: number;
  failoverTimeoutMs?: number;
  authPass?: string;
  /** More config lines (a bundled sentinel's `bug ...`, say). */
  extraLines?: string[];
}

/** The nodes of one test; `stopAll` kills every one of them. */
export class TestNodes {
  readonly nodes: TestNode[] = [];

  async start(kind: ServerKind, options: Record<string, string> = {}, { configFile = false } = {}): Promise<TestNode> {
    const [address] = await allocateAddresses(1);
    const node = new TestNode(kind, `${kind}${this.nodes.length + 1}`, address.host, address.privatePort, address.publicPort, options, undefined, configFile);
    this.nodes.push(node);
    await node.start();
    return node;
  }

  /** A sentinel monitoring `master` as `mymaster`, with the given per-master settings. */
  /** `beforeStart` runs once the sentinel's address is known (to add it to a switch, say). */
  async startSentinel(kind: ServerKind, master: { host: string; port: number }, settings: SentinelTestSettings = {}, beforeStart?: (node: TestNode) => Promise<void>): Promise<TestNode> {
    const [address] = await allocateAddresses(1);
    const m = `mymaster`;
    const lines = [
      `sentinel monitor ${m} ${master.host} ${master.port} ${settings.quorum ?? 2}`,
      `sentinel down-after-milliseconds ${m} ${settings.downAfterMs ?? 2000}`,
      `sentinel failover-timeout ${m} ${settings.failoverTimeoutMs ?? 10000}`,
      ...(settings.authPass ? [`sentinel auth-pass ${m} ${settings.authPass}`] : []),
      ...(settings.extraLines ?? []),
    ];
    const node = new TestNode(kind, `${kind}-sentinel${this.nodes.length + 1}`, address.host, address.privatePort, address.publicPort, {}, lines);
    this.nodes.push(node);
    await beforeStart?.(node);
    await node.start();
    return node;
  }

  async stopAll(): Promise<void> {
    for (const n of this.nodes) n.signal("SIGCONT");
    await Promise.all(this.nodes.map((n) => n.kill()));
    for (const n of this.nodes) rmSync(n.dir, { recursive: true, force: true });
    this.nodes.length = 0;
  }
}

/** Until the replica's link is up and its offset has reached the master's. */
export async function inSync(master: TestNode, replica: TestNode, timeoutMs = 15_000): Promise<void> {
  let seen = "";
  await waitFor(`${replica.id} in sync with ${master.id}`, timeoutMs, async () => {
    const r = await replica.info("replication");
    const m = await master.info("replication");
    seen = `link ${r.master_link_status}, replica offset ${r.slave_repl_offset}, master offset ${m.master_repl_offset}, ${m.slave0 ?? ""} ${m.slave1 ?? ""}`;
    return r.master_link_status === "up" && r.slave_repl_offset === m.master_repl_offset;
  }).catch((err: Error) => {
    throw new Error(`${err.message}; last seen: ${seen}`);
  });
}

/** Every key of every database: type, value and whether it expires, as a comparable object. */
export async function dumpAll(node: TestNode): Promise<Record<string, unknown>> {
  const dump: Record<string, unknown> = {};
  for (let db = 0; db < 16; db++) {
    await node.call("SELECT", String(db));
    const keys = ((await node.call("KEYS", "*")) as string[]).sort();
    for (const key of keys) {
      const type = String(await node.call("TYPE", key));
      const value =
        type === "string"
          ? await node.call("GET", key)
          : type === "list"
            ? await node.call("LRANGE", key, "0", "-1")
            : type === "set"
              ? ((await node.call("SMEMBERS", key)) as string[]).sort()
              : type === "hash"
                ? toSortedPairs((await node.call("HGETALL", key)) as string[] | Record<string, string>)
                : await node.call("ZRANGE", key, "0", "-1", "WITHSCORES");
      const pttl = Number(await node.call("PTTL", key));
      dump[`${db}:${key}`] = { type, value: normalize(value), expires: pttl > 0 };
    }
  }
  await node.call("SELECT", "0");
  return dump;
}

/** RESP3 maps arrive as objects, RESP2 as flat arrays: both become sorted [field, value] pairs. */
function toSortedPairs(reply: string[] | Record<string, string>): string[][] {
  const pairs = Array.isArray(reply) ? Array.from({ length: reply.length / 2 }, (_, i) => [reply[2 * i], reply[2 * i + 1]]) : Object.entries(reply);
  return pairs.map(([k, v]) => [String(k), String(v)]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function normalize(value: unknown): unknown {
  return Array.isArray(value) ? value.map((v) => (Array.isArray(v) ? v.map(String) : String(v))) : value === null ? null : String(value);
}

/** A dataset with every type, small and large encodings, expiring keys and several databases. */
export async function fillVariety(node: TestNode, prefix: string, db = 0): Promise<void> {
  await node.call("SELECT", String(db));
  await node.call("SET", `${prefix}:str`, "hello");
  await node.call("SET", `${prefix}:int`, "12345");
  await node.call("SET", `${prefix}:long`, "x".repeat(300));
  await node.call("SET", `${prefix}:ttl`, "soon", "PX", "600000");
  await node.call("RPUSH", `${prefix}:list`, "a", "b", "c", "1", "2");
  await node.call("RPUSH", `${prefix}:biglist`, ...Array.from({ length: 300 }, (_, i) => `item-${i}-${"y".repeat(i % 50)}`));
  await node.call("SADD", `${prefix}:intset`, "1", "2", "3", "100000");
  await node.call("SADD", `${prefix}:set`, "m1", "m2", "m3");
  await node.call("SADD", `${prefix}:bigset`, ...Array.from({ length: 200 }, (_, i) => `member-${i}`));
  await node.call("HSET", `${prefix}:hash`, "f1", "v1", "f2", "2");
  await node.call("HSET", `${prefix}:bighash`, ...Array.from({ length: 200 }, (_, i) => [`field-${i}`, `value-${i}`]).flat());
  await node.call("ZADD", `${prefix}:zset`, "1", "a", "2.5", "b", "-3", "c");
  await node.call("ZADD", `${prefix}:bigzset`, ...Array.from({ length: 200 }, (_, i) => [String(i * 1.5), `z-${i}`]).flat());
  await node.call("EXPIRE", `${prefix}:hash`, "900");
  await node.call("SELECT", "0");
}

/** Every event a sentinel publishes, with the time it arrived. */
export class SentinelEvents {
  readonly events: Array<{ at: number; type: string; message: string }> = [];
  private constructor(private readonly client: Redis) {}

  static async watch(sentinel: TestNode): Promise<SentinelEvents> {
    const client = new Redis({ host: sentinel.host, port: sentinel.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => 200 });
    client.on("error", () => undefined);
    await client.connect();
    const watcher = new SentinelEvents(client);
    client.on("pmessage", (_pattern: string, channel: string, message: string) => watcher.events.push({ at: Date.now(), type: channel, message }));
    await client.psubscribe("*");
    return watcher;
  }

  of(type: string): Array<{ at: number; message: string }> {
    return this.events.filter((e) => e.type === type);
  }

  close(): void {
    this.client.disconnect();
  }
}

/** What a sentinel knows of mymaster's replicas (SENTINEL REPLICAS), one record of fields each. */
export async function replicasOf(sentinel: TestNode): Promise<Array<Record<string, string>>> {
  return ((await sentinel.call("SENTINEL", "REPLICAS", "mymaster")) as string[][]).map((r) => Object.fromEntries(pairs(r)));
}

/** Until every sentinel knows the replicas (with their INFO: link ok, flags slave) and the other sentinels. */
export async function sentinelsKnowAll(sentinels: TestNode[], replicaCount: number): Promise<void> {
  await waitFor("every sentinel to know the replicas (with their INFO) and the other sentinels", 30_000, async () => {
    for (const s of sentinels) {
      const known = await replicasOf(s);
      const peers = (await s.call("SENTINEL", "SENTINELS", "mymaster")) as unknown[];
      if (known.length !== replicaCount || peers.length !== sentinels.length - 1) return false;
      if (known.some((r) => r["master-link-status"] !== "ok" || r.flags !== "slave")) return false;
    }
    return true;
  });
}

/** A flat [field, value, ...] reply (RESP2) or a map (RESP3) as pairs. */
export function pairs(flat: string[] | Record<string, string>): Array<[string, string]> {
  if (!Array.isArray(flat)) return Object.entries(flat);
  return Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
}

/** The master address a sentinel gives, as "host:port". */
export async function masterAddress(sentinel: TestNode): Promise<string> {
  const reply = (await sentinel.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster")) as string[] | null;
  return reply ? `${reply[0]}:${reply[1]}` : "none";
}
