// Target `redis`: real redis-server and redis-sentinel from PATH.
import { SetupError } from "../core/exit-codes.js";
import type { TargetDescriptor } from "./descriptor.js";
import { processTargetDescriptor, type Programs } from "./process-target.js";
import { which } from "./which.js";

const INSTALL_HINT = "Install it: Debian/Ubuntu: apt-get install redis-server redis-sentinel";

/** The programs, or a SetupError with the install command when redis-server is not on PATH. */
export function redisPrograms(): Programs {
  const server = which("redis-server");
  if (!server) throw new SetupError(`redis-server was not found on PATH. ${INSTALL_HINT}`);
  const sentinel = which("redis-sentinel");
  return {
    server: { bin: server, before: [], after: [] },
    // redis-sentinel is the same binary as redis-server; `--sentinel` does the same where only the server is installed.
    sentinel: sentinel ? { bin: sentinel, before: [], after: [] } : { bin: server, before: [], after: ["--sentinel"] },
  };
}

export const redisTarget: TargetDescriptor = processTargetDescriptor("redis", redisPrograms);
