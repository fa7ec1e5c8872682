// Target `bundled`: redline's own server (bundled-server/), each node a child process of
// the harness started as `node dist/bundled-server/main.js <config>`, so kill -9 and
// SIGSTOP are as real as with redis-server.
import { fileURLToPath } from "node:url";
import type { TargetDescriptor } from "./descriptor.js";
import { processTargetDescriptor, type Programs } from "./process-target.js";

const MAIN = fileURLToPath(new URL("../bundled-server/main.js", import.meta.url));

export function bundledPrograms(): Programs {
  const server = { bundled: true, bin: process.execPath, before: [MAIN], after: [] };
  return { server, sentinel: server };
}

export const bundledTarget: TargetDescriptor = processTargetDescriptor("bundled", bundledPrograms);
