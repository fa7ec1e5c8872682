// Process faults on a node chosen by role: kill (SIGKILL, then a restart with the same
// config and data dir, so what survives depends on the persistence setting, as in
// production) and pause (SIGSTOP, then SIGCONT: a process that hangs without closing its
// connections, like a long GC pause or a stuck disk). Both need the target's process control.
import { hasProcessControl, type ProcessControl } from "../core/target.js";
import { capable, pickNode, type ActiveFault, type FaultContext, type Nemesis } from "./nemesis.js";

type Step = (control: ProcessControl, id: string) => Promise<void>;

function nodeFault(name: string, begin: Step, end: Step): Nemesis {
  return {
    name,
    async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
      const control = capable(ctx.target, "process", hasProcessControl);
      const victim = await pickNode(ctx);
      if (!victim) return undefined;
      await begin(control, victim.id);
      return {
        description: { node: victim.id, role: victim.role },
        async stop() {
          await end(control, victim.id);
          return { node: victim.id, role: victim.role };
        },
      };
    },
  };
}

export const killNemesis = nodeFault(
  "kill",
  (c, id) => c.kill(id),
  (c, id) => c.restart(id),
);

export const pauseNemesis = nodeFault(
  "pause",
  (c, id) => c.pause(id),
  (c, id) => c.resume(id),
);
