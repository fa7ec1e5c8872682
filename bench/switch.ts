// npm run bench:switch — what the userspace switch costs: GET/SET throughput of 50 clients
// against one real redis-server, connected directly to its private port and through the
// switch's public port, in the same process (as in a run: the clients on the harness's
// thread, the switch in switchd or on a thread of its own). The engine a run would use is
// measured, and the other one too when it can run, each switch on a public port of its own.
// Direct and switched runs alternate (direct, native, js, direct, ...) and the best of each
// counts, to damp noise; a last run per engine adds a 1 ms delay on the client links.
import { spawn, type ChildProcess } from "node:child_process";
import { createConnection } from "node:net";
import { availableParallelism } from "node:os";
import { Redis } from "ioredis";
import { allocateAddresses } from "../targets/addresses.js";
import { freePort } from "../targets/ports.js";
import { which } from "../targets/which.js";
import { CLIENTS, type Link, type Rule } from "../core/network.js";
import { nativeBuilt } from "../net/native-engine.js";
import { Switch } from "../net/switch.js";
import type { EngineName } from "../net/switch-engine.js";

const CLIENT_COUNT = 50;
/** Commands per client (SET and GET each count as one). */
const OPS_PER_CLIENT = 2_000;
/** A mode stops after this long even if the clients have not done all their ops. */
const TIME_LIMIT_MS = 10_000;
const COMMAND_TIMEOUT_MS = 5_000;
const STARTUP_TIMEOUT_MS = 10_000;
const TARGET_RATIO = 0.7;
const NODE = "n1";

interface Measurement {
  label: string;
  ops: number;
  errors: number;
  seconds: number;
}

const opsPerSecond = (m: Measurement): number => m.ops / m.seconds;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves when something at host:port answers PING with +PONG; rejects after the deadline. */
async function waitForPing(host: string, port: number, server: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`redis-server exited (${server.exitCode ?? server.signalCode})`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host, port });
      let reply = "";
      const done = (result: boolean): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve(result);
      };
      const timer = setTimeout(() => done(false), 500);
      socket.on("error", () => done(false));
      socket.on("connect", () => socket.write("PING\r\n"));
      socket.on("data", (data) => {
        reply += data.toString("latin1");
        if (reply.includes("\r\n")) done(reply.startsWith("+PONG"));
      });
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`${host}:${port} did not answer PING within ${timeoutMs} ms`);
}

function connectClients(host: string, port: number): Promise<Redis[]> {
  const clients = Array.from({ length: CLIENT_COUNT }, () => {
    const client = new Redis({
      host,
      port,
      lazyConnect: false,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: true,
      enableAutoPipelining: false,
      connectTimeout: COMMAND_TIMEOUT_MS,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: () => null, // a lost connection ends the client; the bench counts errors
    });
    client.on("error", () => undefined);
    return client;
  });
  return Promise.all(
    clients.map(
      (client) =>
        new Promise<Redis>((resolve, reject) => {
          if (client.status === "ready") return resolve(client);
          const timer = setTimeout(() => reject(new Error(`client did not connect to ${host}:${port} in time`)), STARTUP_TIMEOUT_MS);
          client.once("ready", () => {
            clearTimeout(timer);
            resolve(client);
          });
          client.once("end", () => {
            clearTimeout(timer);
            reject(new Error(`client could not connect to ${host}:${port}`));
          });
        }),
    ),
  ).catch((err: unknown) => {
    for (const c of clients) c.disconnect();
    throw err;
  });
}

/** 50 clients, each a loop of SET then GET on its own key, until its ops are done or time is up. */
async function measure(label: string, host: string, port: number): Promise<Measurement> {
  const clients = await connectClients(host, port);
  try {
    let ops = 0;
    let errors = 0;
    const t0 = performance.now();
    const deadline = t0 + TIME_LIMIT_MS;
    await Promise.all(
      clients.map(async (client, i) => {
        const key = `bench:switch:${i}`;
        let n = 0;
        while (n < OPS_PER_CLIENT && performance.now() < deadline) {
          try {
            await client.set(key, String(n));
            n++;
            ops++;
            await client.get(key);
            n++;
            ops++;
          } catch {
            errors++;
            if (client.status === "end") return;
            n++;
          }
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    return { label, ops, errors, seconds };
  } finally {
    for (const c of clients) c.disconnect();
  }
}

function spawnRedis(bin: string, host: string, port: number): ChildProcess {
  const args = ["--save", "", "--appendonly", "no", "--protected-mode", "no", "--bind", host, "--port", String(port)];
  const server = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"] });
  server.stderr?.on("data", (data: Buffer) => process.stderr.write(`redis-server: ${data.toString()}`));
  server.on("error", (err) => console.error(`redis-server: ${err.message}`));
  return server;
}

/** Kills the server and waits (briefly) for it to go. */
async function stopRedis(server: ChildProcess): Promise<void> {
  if (server.pid === undefined || server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  server.kill("SIGTERM");
  const timer = setTimeout(() => server.kill("SIGKILL"), 3_000);
  await exited;
  clearTimeout(timer);
}

async function main(): Promise<number> {
  const bin = which("redis-server");
  if (!bin) {
    console.error("bench:switch needs redis-server on PATH (Debian: apt-get install redis-server); none found.");
    return 1;
  }
  const [{ host, publicPort, privatePort }] = await allocateAddresses(1);
  const server = spawnRedis(bin, host, privatePort);
  const onSigint = (): void => {
    // Exit once the server is gone (it is killed outright), or after 2 s whatever happens.
    server.once("exit", () => process.exit(130));
    setTimeout(() => process.exit(130), 2_000);
    if (server.kill("SIGKILL") === false) process.exit(130);
  };
  process.once("SIGINT", onSigint);
  const switches: Array<{ sw: Switch; port: number }> = [];
  try {
    await waitForPing(host, privatePort, server, STARTUP_TIMEOUT_MS);
    const usual = new Switch(1); // the engine a run would use
    switches.push({ sw: usual, port: publicPort });
    const other: EngineName = usual.engine === "native" ? "js" : "native";
    if (other === "js" || nativeBuilt()) switches.push({ sw: new Switch(1, { engine: other }), port: await freePort(host) });
    else console.log("switchd is not built (npm run build, with a C compiler): the js engine alone is measured");
    for (const { sw, port } of switches) {
      await sw.add({ id: NODE, host, publicPort: port, privatePort });
      await waitForPing(host, port, server, STARTUP_TIMEOUT_MS);
    }

    const direct: Measurement[] = [];
    const switched = switches.map((): Measurement[] => []);
    for (let round = 0; round < 2; round++) {
      direct.push(await measure("direct (private port)", host, privatePort));
      for (const [i, { sw, port }] of switches.entries()) switched[i].push(await measure(`switch (${sw.engine}), every link passes`, host, port));
    }
    const clientLinks: Link[] = [
      [CLIENTS, NODE],
      [NODE, CLIENTS],
    ];
    const delay: Rule = { kind: "delay", ms: 1, jitterMs: 0 };
    const delayed: Measurement[] = [];
    for (const { sw, port } of switches) {
      await sw.set(clientLinks, delay);
      delayed.push(await measure(`switch (${sw.engine}), 1 ms delay each way on client links`, host, port));
      await sw.heal();
    }

    const best = (ms: Measurement[]): Measurement => ms.reduce((a, b) => (opsPerSecond(b) > opsPerSecond(a) ? b : a));
    const bestDirect = best(direct);

    const row = (m: Measurement, note = ""): string =>
      `| ${m.label}${note} | ${m.ops.toLocaleString("en")}${m.errors ? ` (${m.errors} errors)` : ""} | ${m.seconds.toFixed(2)} | ${Math.round(
        opsPerSecond(m),
      ).toLocaleString("en")} | ${(opsPerSecond(m) / opsPerSecond(bestDirect)).toFixed(2)} |`;
    const rows = (ms: Measurement[]): void => {
      const top = best(ms);
      ms.forEach((m, i) => console.log(row(m, ` #${i + 1}${m === top ? " (best)" : ""}`)));
    };
    console.log(
      `switch throughput: ${CLIENT_COUNT} ioredis clients, SET+GET on own key, ${OPS_PER_CLIENT.toLocaleString("en")} ops per client or ${
        TIME_LIMIT_MS / 1000
      } s, redis-server ${host}, ${availableParallelism()} cores, node ${process.version}`,
    );
    console.log(`switch engine of a run: ${usual.engine}${switches.length > 1 ? ` (${other} measured too)` : ""}`);
    console.log("| mode | ops | seconds | ops/s | ratio to direct |");
    console.log("|---|---|---|---|---|");
    rows(direct);
    switched.forEach(rows);
    delayed.forEach((m) => console.log(row(m)));
    const errors = [...direct, ...switched.flat(), ...delayed].reduce((n, m) => n + m.errors, 0);
    if (errors > 0) console.log(`warning: ${errors} commands failed`);
    for (const [i, { sw }] of switches.entries()) {
      const ratio = opsPerSecond(best(switched[i])) / opsPerSecond(bestDirect);
      const usualNote = sw === usual ? ", the engine of a run" : "";
      console.log(`switch/direct throughput ratio, ${sw.engine} engine${usualNote}: ${ratio.toFixed(2)} (target >= ${TARGET_RATIO.toFixed(2)})`);
    }
    return 0;
  } finally {
    for (const { sw } of switches) await sw.close();
    await stopRedis(server);
    process.off("SIGINT", onSigint);
  }
}

try {
  process.exitCode = await main();
} catch (err) {
  console.error(`bench:switch: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
