#!/usr/bin/env node
// `redline server` and the bundled target's node processes start here: redis-server's
// command line (an optional config file, then --option value...), then serve until
// SHUTDOWN or a signal.
import { appendFileSync } from "node:fs";
import { ConfigError, loadConfig } from "./config.js";
import { RedisServer } from "./server.js";

export async function startServer(argv: string[]): Promise<RedisServer> {
  const config = loadConfig(argv);
  const logfile = config.get("logfile");
  const log = (line: string) => {
    const text = `${process.pid}:M ${new Date().toISOString()} ${line}\n`;
    if (logfile) appendFileSync(logfile, text);
    else process.stdout.write(text);
  };
  const server = new RedisServer(config, log);
  await server.start();
  log(`* redline bundled server ready to accept connections on ${config.get("bind")}:${server.port}`);
  for (const sig of ["SIGTERM", "SIGINT"] as const) {
    process.on(sig, () => {
      log(`# Received ${sig} scheduling shutdown...`);
      server.close();
      process.exit(0);
    });
  }
  return server;
}

/** Runs the server as a program; bad configuration is one line on stderr and exit 1, as redis-server does. */
export async function main(argv: string[]): Promise<void> {
  try {
    await startServer(argv);
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : (err as Error).message;
    process.stderr.write(`*** FATAL CONFIG FILE ERROR *** ${message}\n`);
    process.exit(1);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, "/"))) {
  await main(process.argv.slice(2));
}
