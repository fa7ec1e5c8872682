// The switch thread of the JavaScript engine (thread-engine.ts): forwarding costs about as much
// CPU per request as the client that sends it, so the switch gets an event loop (and a core) of
// its own instead of sharing the harness's. It applies the engine's requests in order and
// acknowledges each once done.
import { parentPort, workerData } from "node:worker_threads";
import { Rng } from "../core/rng.js";
import { Forwarder } from "./forwarder.js";
import type { Request } from "./switch-engine.js";

export interface Reply {
  id: number;
  /** The message of the error the request failed with. */
  error?: string;
}

export interface ThreadData {
  /** Seed of the jitter of delays. */
  seed: number;
}

const forwarder = new Forwarder(new Rng((workerData as ThreadData).seed));

async function handle(request: Request): Promise<void> {
  switch (request.op) {
    case "add":
      return forwarder.add(request.port);
    case "set":
      return forwarder.set(request.links, request.rule);
    case "heal":
      return forwarder.heal();
  }
}

parentPort!.on("message", async ({ id, request }: { id: number; request: Request }) => {
  let reply: Reply = { id };
  try {
    await handle(request);
  } catch (err) {
    reply = { id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
