// Latency with jitter on chosen links: primary -> replicas grows replication lag (the
// window min-replicas-max-lag is about); primary -> one replica leaves that replica behind
// the others (what replica selection in a failover is about); sentinel <-> sentinel links
// slow votes, so two sentinels can stand in the same epoch; client links slow every request.
import type { Rng } from "../core/rng.js";
import type { LagLinks } from "../core/spec.js";
import { CLIENTS, type Link, type NetworkRoles } from "../net/links.js";
import type { ActiveFault, FaultContext, Nemesis } from "./nemesis.js";
import { PASS } from "../net/switch-rules.js";

export interface LagSettings {
  ms: number;
  jitterMs: number;
  links: LagLinks;
}

export function lagNemesis(settings: LagSettings): Nemesis {
  return {
    name: "lag",
    async start(ctx: FaultContext): Promise<ActiveFault | undefined> {
      const roles = await ctx.target.networkRoles();
      if (!roles) return undefined;
      const links = lagLinks(settings.links, roles, ctx.rng);
      if (links.length === 0) return undefined;
      await ctx.target.network.set(links, { kind: "delay", ms: settings.ms, jitterMs: settings.jitterMs });
      return {
        description: { links: links.map(([from, to]) => `${from}->${to}`), ms: settings.ms, jitterMs: settings.jitterMs },
        async stop() {
          await ctx.target.network.set(links, PASS);
          return { links: settings.links };
        },
      };
    },
  };
}

/** The links `which` names for these roles; a random choice (primary-replica) comes from `rng`. */
export function lagLinks(which: LagLinks, roles: NetworkRoles, rng: Rng): Link[] {
  const { primary, replicas, sentinels } = roles;
  const everyWay = (cs: readonly string[]) => cs.flatMap((a) => cs.filter((b) => b !== a).map((b): Link => [a, b]));
  switch (which) {
    case "primary-replicas":
      // The replication stream flows from the primary to each replica.
      return replicas.map((r): Link => [primary, r]);
    case "primary-replica":
      return replicas.length === 0 ? [] : [[primary, rng.pick(replicas)]];
    case "sentinels":
      return everyWay(sentinels);
    case "clients":
      return [
        [CLIENTS, primary],
        [primary, CLIENTS],
      ];
    case "all":
      return everyWay([primary, ...replicas, ...sentinels, CLIENTS]);
  }
}
