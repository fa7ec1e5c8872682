// Network partitions: a shape picked by the seeded RNG, its links dropped at the switch
// (connections hang, as with lost packets), and passed again when the fault ends. Needs the
// target's network control.
import { PASS } from "../core/network.js";
import type { PartitionShape } from "../core/spec.js";
import { hasNetworkControl } from "../core/target.js";
import { capable, type ActiveFault, type FaultContext, type Nemesis } from "./nemesis.js";
import { describePartition, partitionFor } from "./partition-shapes.js";

export function partitionNemesis(shapes: readonly PartitionShape[]): Nemesis {
  return {
    name: "partition",
    async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
      const network = capable(ctx.target, "network", hasNetworkControl);
      const roles = await network.roles();
      if (!roles) return undefined; // mid-failover: no primary to shape a partition around
      const partition = partitionFor(ctx.rng.pick(shapes), roles, ctx.rng);
      if (!partition) return undefined;
      await network.setLinks(partition.cut, { kind: "drop" });
      return {
        description: {
          shape: partition.shape,
          ...(partition.sides ? { sides: partition.sides } : {}),
          cut: partition.cut.map(([from, to]) => `${from}->${to}`),
          summary: describePartition(partition),
        },
        async stop() {
          await network.setLinks(partition.cut, PASS);
          return { shape: partition.shape };
        },
      };
    },
  };
}
