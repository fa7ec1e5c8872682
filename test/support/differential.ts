// Differential testing: the same commands to a real redis-server and to the bundled server,
// replies compared byte for byte.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { Config } from "../../bundled-server/config.js";
import { RedisServer } from "../../bundled-server/server.js";
import { freePort } from "../../targets/ports.js";
import { tempDir, waitFor } from "../helpers.js";
import { RawClient } from "./raw-client.js";

export class ServerPair {
  private constructor(
    private readonly redis: ChildProcess,
    readonly bundled: RedisServer,
    readonly redisPort: number,
    readonly bundledPort: number,
  ) {}

  /** A real redis-server and a bundled server, both fresh, with the same options. */
  static async start(options: string[][] = []): Promise<ServerPair> {
    const redisPort = await freePort();
    // Its own empty folder: redis-server loads a dump.rdb from its working directory even with --save "".
    const redis = spawn("redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--dir", tempDir("redline-diff-"), "--save", "", "--appendonly", "no", ...options.flatMap(([k, ...v]) => [`--${k}`, ...v])], {
      stdio: "ignore",
    });
    try {
      const bundledPort = await freePort();
      const bundled = new RedisServer(new Config([["port", String(bundledPort)], ["bind", "127.0.0.1"], ...options.map(([k, ...v]) => [k, v.join(" ")] as [string, string])]));
      await bundled.start();
      const pair = new ServerPair(redis, bundled, redisPort, bundledPort);
      await pair.waitForRedis();
      return pair;
    } catch (err) {
      // An option the bundled server refuses, say: the redis-server started above goes too.
      redis.kill("SIGKILL");
      throw err;
    }
  }

  /** A connection to each. */
  async clients(): Promise<{ real: RawClient; ours: RawClient }> {
    return { real: await RawClient.connect(this.redisPort), ours: await RawClient.connect(this.bundledPort) };
  }

  stop(): void {
    this.redis.kill("SIGKILL");
    this.bundled.close();
  }

  private async waitForRedis(): Promise<void> {
    await waitFor(`redis-server to accept connections on port ${this.redisPort}`, 30_000, async () => {
      (await RawClient.connect(this.redisPort)).close();
      return true;
    });
  }
}

/** Two connections that get every command, for comparing replies. */
export class Both {
  constructor(
    readonly real: RawClient,
    readonly ours: RawClient,
  ) {}

  /** Sends a command to both; the replies must be the same bytes. Returns the reply. */
  async same(...args: Array<string | Buffer>): Promise<string> {
    const [a, b] = await Promise.all([this.real.call(...args), this.ours.call(...args)]);
    assert.equal(show(b), show(a), `reply to ${args.join(" ")}`);
    return a;
  }

  /** Like same, for replies whose element order is unspecified (SMEMBERS, KEYS): compared sorted. */
  async sameSorted(...args: string[]): Promise<void> {
    const [a, b] = await Promise.all([this.real.call(...args), this.ours.call(...args)]);
    assert.deepEqual(elements(b), elements(a), `reply to ${args.join(" ")}`);
  }

  /** Raw bytes to both (inline commands, protocol errors). */
  async sameRaw(bytes: string | Buffer): Promise<string> {
    const [a, b] = await Promise.all([this.real.send(bytes), this.ours.send(bytes)]);
    assert.equal(show(b), show(a), `reply to ${JSON.stringify(bytes)}`);
    return a;
  }

  close(): void {
    this.real.close();
    this.ours.close();
  }
}

function show(reply: string): string {
  return reply.replace(/\r\n/g, "\\r\\n");
}

/** The header line and the sorted remaining lines of an aggregate reply. */
function elements(reply: string): string[] {
  const lines = reply.split("\r\n");
  const header = lines.shift() ?? "";
  const bulks: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].startsWith("$")) bulks.push(`${lines[i]} ${lines[++i]}`);
    else if (lines[i] !== "") bulks.push(lines[i]);
  }
  return [header, ...bulks.sort()];
}
