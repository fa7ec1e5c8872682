// Process faults on a node chosen by role: kill (SIGKILL, then a restart with the same
// config and data dir, so what survives depends on the persistence setting, as in
// production) and pause (SIGSTOP, then SIGCONT: a process that hangs without closing its
// connections, like a long GC pause or a stuck disk).
import type { Target } from "../targets/target.js";
import { pickNode, type ActiveFault, type FaultContext, type Nemesis } from "./nemesis.js";

function nodeFault(name: string, begin: (t: Target, id: string) => Promise<void>, end: (t: Target, id: string) => Promise<void>): Nemesis {
  return {
    name,
    async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
      const victim = await pickNode(ctx);
      if (!victim) return undefined;
      await begin(ctx.target, victim.id);
      return {
        description: { node: victim.id, role: victim.role },
        async stop() {
          await end(ctx.target, victim.id);
          return { node: victim.id, role: victim.role };
        },
      };
    },
  };
}

export const killNemesis = nodeFault(
  "kill",
  (t, id) => t.kill(id),
  (t, id) => t.restart(id),
);

export const pauseNemesis = nodeFault(
  "pause",
  (t, id) => t.pause(id),
  (t, id) => t.resume(id),
);
