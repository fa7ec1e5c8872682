// Helpers for talking to a node as an administrator: one short-lived connection per
// call, never retried, so that a dead or paused node answers with an error quickly.
import { Redis } from "ioredis";
import { SetupError } from "../core/exit-codes.js";
import type { AdminAddress } from "../core/target.js";

export async function adminCall(addr: AdminAddress, args: string[], timeoutMs = 1000): Promise<unknown> {
  const client = new Redis({
    host: addr.host,
    port: addr.port,
    password: addr.password,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
    enableReadyCheck: false,
  });
  client.on("error", () => undefined); // errors surface through the rejected call
  try {
    await client.connect();
    return await client.call(args[0], ...args.slice(1));
  } finally {
    client.disconnect();
  }
}

export function announcedPort(a: AdminAddress): number {
  return a.announcedPort ?? a.port;
}

/** Parses INFO output into field -> value. */
export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split("\r\n").flatMap((l) => l.split("\n"))) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.indexOf(":");
    if (at > 0) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}

export async function info(addr: AdminAddress, section: string, timeoutMs = 1000): Promise<Record<string, string>> {
  return parseInfo(String(await adminCall(addr, ["INFO", section], timeoutMs)));
}

/** Flat [k1, v1, k2, v2, ...] reply (SENTINEL MASTER and friends) to an object. */
export function pairsToObject(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!Array.isArray(reply)) return out;
  for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  return out;
}

/** Polls `probe` until it returns undefined (ready) or the time is up; throws with the last reason. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  probe: () => Promise<string | undefined>,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let reason = "not checked yet";
  for (;;) {
    try {
      const notReady = await probe();
      if (notReady === undefined) return;
      reason = notReady;
    } catch (err) {
      if (err instanceof SetupError) throw err; // the probe saw something that waiting cannot fix
      reason = (err as Error).message;
    }
    if (Date.now() >= deadline) throw new TimeoutError(`${what} not reached within ${timeoutMs} ms: ${reason}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export class TimeoutError extends Error {}
