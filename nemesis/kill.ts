// SIGKILL a node chosen by role; when the fault ends, start it again with the same config
// and data dir (so what survives depends on the persistence setting, as in production).
import { pickNode, type ActiveFault, type FaultContext, type Nemesis } from "./nemesis.js";

export const killNemesis: Nemesis = {
  name: "kill",
  async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
    const victim = await pickNode(ctx);
    if (!victim) return undefined;
    await ctx.target.kill(victim.id);
    return {
      description: { node: victim.id, role: victim.role },
      async stop() {
        await ctx.target.restart(victim.id);
        return { node: victim.id, role: victim.role };
      },
    };
  },
};
