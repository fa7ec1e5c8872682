// Latency with jitter on chosen links: primary -> replicas grows replication lag (the
// window min-replicas-max-lag is about); primary -> one replica leaves that replica behind
// the others (what replica selection in a failover is about); sentinel <-> sentinel links
// slow votes, so two sentinels can stand in the same epoch; client links slow every request.
// With several shards, each shard's primary and replicas. Needs the target's network control.
import { CLIENTS, PASS, type Link } from "../core/network.js";
import type { Rng } from "../core/rng.js";
import type { LagLinks } from "../core/spec.js";
import { hasNetworkControl, type Roles } from "../core/target.js";
import { capable, type ActiveFault, type FaultContext, type Nemesis } from "./nemesis.js";
import { nodesOf } from "./partition-shapes.js";

export interface LagSettings {
  ms: number;
  jitterMs: number;
  links: LagLinks;
}

export function lagNemesis(settings: LagSettings): Nemesis {
  return {
    name: "lag",
    async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
      const network = capable(ctx.target, "network", hasNetworkControl);
      const roles = await network.roles();
      if (!roles) return undefined;
      const links = lagLinks(settings.links, roles, ctx.rng);
      if (links.length === 0) return undefined;
      await network.setLinks(links, { kind: "delay", ms: settings.ms, jitterMs: settings.jitterMs });
      return {
        description: { links: links.map(([from, to]) => `${from}->${to}`), ms: settings.ms, jitterMs: settings.jitterMs },
        async stop() {
          await network.setLinks(links, PASS);
          return { links: settings.links };
        },
      };
    },
  };
}

/** The links `which` names for these roles; a random choice (primary-replica) comes from `rng`. */
export function lagLinks(which: LagLinks, roles: Roles, rng: Rng): Link[] {
  const everyWay = (cs: readonly string[]) => cs.flatMap((a) => cs.filter((b) => b !== a).map((b): Link => [a, b]));
  // The replication stream flows from each primary to each of its replicas.
  const streams = roles.shards.flatMap((s) => s.replicas.map((r): Link => [s.primary, r]));
  switch (which) {
    case "primary-replicas":
      return streams;
    case "primary-replica":
      return streams.length === 0 ? [] : [rng.pick(streams)];
    case "sentinels":
      return everyWay(roles.sentinels);
    case "clients":
      return roles.shards.flatMap((s): Link[] => [
        [CLIENTS, s.primary],
        [s.primary, CLIENTS],
      ]);
    case "all":
      return everyWay([...nodesOf(roles), CLIENTS]);
  }
}
