// A failover without a failure, asked of a random agent (SENTINEL FAILOVER at a sentinel
// today). The old primary stays a writable master until it is converted, which is the point
// of the test.
import { hasFailoverControl } from "../core/target.js";
import { capable, type ActiveFault, type FaultContext, type Nemesis } from "./nemesis.js";

export const failoverNemesis: Nemesis = {
  name: "failover",
  async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
    const control = capable(ctx.target, "failover", hasFailoverControl);
    const agents = await control.failoverAgents();
    if (agents.length === 0) return undefined;
    const agent = ctx.rng.pick(agents);
    const reply = await control.failover(agent).catch((err: Error) => `error: ${err.message}`);
    return {
      description: { via: agent.node, reply },
      async stop() {
        return { via: agent.node };
      },
    };
  },
};
