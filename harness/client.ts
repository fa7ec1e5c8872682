// The harness's Redis client: ioredis with the safe settings of docs/design.md, "Outcome mapping", so that
// every outcome maps to exactly one of ok / fail / info and nothing is silently retried.
import { Redis, type RedisOptions } from "ioredis";
import type { Endpoint } from "../core/target.js";
import { NotSentError } from "../core/outcome.js";

export interface ClientOptions {
  password?: string;
  timeoutMs: number;
  /** A replica's connection: READONLY is the answer it expects, not a sign that the primary moved. */
  replica?: boolean;
}

export function createClient(endpoint: Endpoint, opts: ClientOptions): Redis {
  const common: RedisOptions = {
    password: opts.password,
    commandTimeout: opts.timeoutMs,
    connectTimeout: opts.timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: false,
    // Keep reconnecting while a run lasts; a worker never waits on this, it records `fail`.
    retryStrategy: () => 100,
    // A demoted primary answers READONLY: reconnect (and, under Sentinel, ask where the
    // primary is now) but never resend the command (1 = reconnect only).
    reconnectOnError: (err) => (!opts.replica && err.message.startsWith("READONLY") ? 1 : false),
  };
  const client =
    endpoint.kind === "direct"
      ? new Redis({ ...common, host: endpoint.host, port: endpoint.port })
      : new Redis({
          ...common,
          name: endpoint.masterName,
          role: endpoint.role ?? "master",
          sentinels: endpoint.sentinels,
          sentinelRetryStrategy: () => 100,
          sentinelCommandTimeout: opts.timeoutMs,
          // No failoverDetector: in ioredis 6 a +switch-master that arrives while the client is
          // still connecting aborts the connect and leaves the client ended for good. Clients
          // follow a failover when their connection breaks (Sentinel kills client connections
          // of a demoted primary) or on READONLY, as above.
        });
  client.on("error", () => undefined); // connection errors surface as op outcomes
  return client;
}

/** Throws NotSentError instead of letting ioredis decide when the connection is not ready. */
export function ensureReady(client: Redis): void {
  if (client.status !== "ready") throw new NotSentError(`not connected (client status ${client.status})`);
}

/** host:port of the server this client is talking to right now, if connected. */
export function remoteAddress(client: Redis): { host: string; port: number } | undefined {
  const s = client.stream;
  if (!s || s.remotePort === undefined || s.remoteAddress === undefined) return undefined;
  return { host: s.remoteAddress, port: s.remotePort };
}

export async function closeClient(client: Redis): Promise<void> {
  client.disconnect();
}
