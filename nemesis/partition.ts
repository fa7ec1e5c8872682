// Network partitions: a shape picked by the seeded RNG, its links dropped at the switch
// (connections hang, as with lost packets), and passed again when the fault ends.
import type { PartitionShape } from "../core/spec.js";
import type { ActiveFault, FaultContext, Nemesis } from "./nemesis.js";
import { describePartition, partitionFor } from "./partition-shapes.js";
import { PASS } from "../net/switch-rules.js";

export function partitionNemesis(shapes: readonly PartitionShape[]): Nemesis {
  return {
    name: "partition",
    async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
      const roles = await ctx.target.networkRoles();
      if (!roles) return undefined; // mid-failover: no primary to shape a partition around
      const partition = partitionFor(ctx.rng.pick(shapes), roles, ctx.rng);
      if (!partition) return undefined;
      await ctx.target.network.set(partition.cut, { kind: "drop" });
      return {
        description: {
          shape: partition.shape,
          ...(partition.sides ? { sides: partition.sides } : {}),
          cut: partition.cut.map(([from, to]) => `${from}->${to}`),
          summary: describePartition(partition),
        },
        async stop() {
          await ctx.target.network.set(partition.cut, PASS);
          return { shape: partition.shape };
        },
      };
    },
  };
}
