// SENTINEL FAILOVER at a random sentinel: a failover without a failure. The old primary
// stays a writable master until Sentinel converts it, which is the point of the test.
import type { ActiveFault, FaultContext, Nemesis } from "./nemesis.js";

export const failoverNemesis: Nemesis = {
  name: "failover",
  async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
    const sentinels = await ctx.target.nodesWithRole("sentinel");
    if (sentinels.length === 0) return undefined;
    const via = ctx.rng.pick(sentinels);
    const reply = await ctx.target.forceFailover(via).catch((err: Error) => `error: ${err.message}`);
    return {
      description: { via, reply },
      async stop() {
        return { via };
      },
    };
  },
};
