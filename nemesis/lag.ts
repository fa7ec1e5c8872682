// Latency with jitter on chosen links: primary -> replicas grows replication lag (the
// window min-replicas-max-lag is about); client links slow every request.
import type { LagLinks } from "../harness/spec.js";
import { CLIENTS, type Link, type NetworkRoles } from "./links.js";
import type { ActiveFault, FaultContext, Nemesis } from "./nemesis.js";
import { PASS } from "./switch-rules.js";

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
      const links = lagLinks(settings.links, roles);
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

export function lagLinks(which: LagLinks, roles: NetworkRoles): Link[] {
  const { primary, replicas, sentinels } = roles;
  switch (which) {
    case "primary-replicas":
      // The replication stream flows from the primary to each replica.
      return replicas.map((r): Link => [primary, r]);
    case "clients":
      return [
        [CLIENTS, primary],
        [primary, CLIENTS],
      ];
    case "all": {
      const all = [primary, ...replicas, ...sentinels, CLIENTS];
      return all.flatMap((a) => all.filter((b) => b !== a).map((b): Link => [a, b]));
    }
  }
}
