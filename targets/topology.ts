// Readiness and settledness of a topology, judged from outside through INFO and
// SENTINEL commands, so it holds for any Redis-compatible target.
import type { AdminAddress } from "../core/target.js";
import { adminCall, announcedPort, info, pairsToObject } from "./admin.js";

export const MASTER_NAME = "mymaster";

export interface Layout {
  data: AdminAddress[];
  sentinels: AdminAddress[];
}

/** Undefined when `primary` is a master with every other data node replicating from it, in sync. */
export async function replicationProblem(layout: Layout, primary: AdminAddress): Promise<string | undefined> {
  const p = await info(primary, "replication");
  if (p.role !== "master") return `${label(primary)} is not a master (role ${p.role})`;
  const primaryPort = announcedPort(primary);
  const replicas = layout.data.filter((d) => d.id !== primary.id);
  const online = Object.entries(p)
    .filter(([k]) => /^slave\d+$/.test(k))
    .map(([, v]) => Object.fromEntries(v.split(",").map((kv) => kv.split("=") as [string, string])))
    .filter((s) => s.state === "online");
  for (const r of replicas) {
    const ri = await info(r, "replication");
    if (ri.role !== "slave") return `${label(r)} is not a replica (role ${ri.role})`;
    if (Number(ri.master_port) !== primaryPort) return `${label(r)} replicates from port ${ri.master_port}, not ${primaryPort}`;
    if (ri.master_link_status !== "up") return `${label(r)} master link is ${ri.master_link_status}`;
    if (!online.some((s) => Number(s.port) === announcedPort(r))) return `${label(primary)} does not list ${label(r)} as an online replica`;
  }
  return undefined;
}

/**
 * Undefined when every sentinel agrees on `primary`, knows all the replicas and all the
 * other sentinels, and sees the master as plainly up (no SDOWN/ODOWN, no failover running).
 */
export async function sentinelProblem(layout: Layout, primary: AdminAddress): Promise<string | undefined> {
  const replicas = layout.data.length - 1;
  for (const s of layout.sentinels) {
    const m = pairsToObject(await adminCall(s, ["SENTINEL", "MASTER", MASTER_NAME]));
    if (Number(m.port) !== announcedPort(primary)) return `${label(s)} thinks the primary is port ${m.port}, not ${announcedPort(primary)}`;
    if (m.flags !== "master") return `${label(s)} sees the primary with flags ${m.flags}`;
    if (Number(m["num-other-sentinels"]) < layout.sentinels.length - 1)
      return `${label(s)} knows ${m["num-other-sentinels"]} other sentinels of ${layout.sentinels.length - 1}`;
    const known = (await adminCall(s, ["SENTINEL", "REPLICAS", MASTER_NAME])) as unknown[];
    const up = known.map(pairsToObject).filter((r) => r.flags === "slave").length;
    if (up < replicas) return `${label(s)} sees ${up} healthy replicas of ${replicas}`;
  }
  return undefined;
}

/** The primary the sentinels agree on, or undefined when they do not (yet) agree or none answers. */
export async function sentinelPrimary(layout: Layout): Promise<AdminAddress | undefined> {
  const answers = await Promise.all(
    layout.sentinels.map((s) =>
      adminCall(s, ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME]).then(
        (r) => (Array.isArray(r) ? Number(r[1]) : undefined),
        () => undefined,
      ),
    ),
  );
  const ports = answers.filter((p): p is number => p !== undefined);
  if (ports.length === 0 || ports.some((p) => p !== ports[0])) return undefined;
  return layout.data.find((d) => announcedPort(d) === ports[0]);
}

function label(a: AdminAddress): string {
  return a.id ? `${a.id} (${a.host}:${a.port})` : `${a.host}:${a.port}`;
}
