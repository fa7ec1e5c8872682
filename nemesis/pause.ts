// SIGSTOP a node chosen by role, SIGCONT when the fault ends: a process that hangs
// (GC pause, swapped out, stuck disk) without closing its connections.
import { pickNode, type ActiveFault, type FaultContext, type Nemesis } from "./nemesis.js";

export const pauseNemesis: Nemesis = {
  name: "pause",
  async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
    const victim = await pickNode(ctx);
    if (!victim) return undefined;
    await ctx.target.pause(victim.id);
    return {
      description: { node: victim.id, role: victim.role },
      async stop() {
        await ctx.target.resume(victim.id);
        return { node: victim.id, role: victim.role };
      },
    };
  },
};
