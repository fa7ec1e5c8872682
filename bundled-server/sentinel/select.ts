// Which replica a failover promotes (sentinelSelectSlave and compareSlavesForPromotion,
// identical in Redis 7.0.15 and later): exclusions first, then priority ascending, applied
// offset descending, run id ascending (case-insensitive, a missing run id last).
import type { Instance, Master } from "./instance.js";

export interface SelectionPeriods {
  /** min(down-after, ping-period). */
  pingPeriod: number;
  infoPeriod: number;
}

export interface Selection {
  chosen: Instance | undefined;
  /** Why each replica left out was left out. */
  excluded: Array<{ replica: Instance; reason: string }>;
}

/** Deliberate faults (bugs.ts) that change the order, so the election-rules checker can catch them. */
export interface SelectionBugs {
  lowestOffset: boolean;
  ignorePriority: boolean;
}

export function selectReplica(master: Master, now: number, periods: SelectionPeriods, bugs: SelectionBugs = { lowestOffset: false, ignorePriority: false }): Selection {
  const maxMasterDown = (master.sDown ? now - master.sDownSinceTime : 0) + master.downAfter * 10;
  const infoValidity = master.sDown ? periods.pingPeriod * 5 : periods.infoPeriod * 3;
  const excluded: Selection["excluded"] = [];
  const eligible: Instance[] = [];
  for (const r of master.slaves.values()) {
    const reason = r.sDown
      ? "subjectively down"
      : r.disconnected
        ? "link disconnected"
        : now - r.lastAvailTime > periods.pingPeriod * 5
          ? `no valid PING reply for ${now - r.lastAvailTime} ms`
          : r.slavePriority === 0 && !bugs.ignorePriority
            ? "replica-priority 0"
            : now - r.infoRefresh > infoValidity
              ? `INFO ${now - r.infoRefresh} ms old`
              : r.masterLinkDownTime > maxMasterDown
                ? `master link down for ${r.masterLinkDownTime} ms`
                : undefined;
    if (reason) excluded.push({ replica: r, reason });
    else eligible.push(r);
  }
  eligible.sort((a, b) => compareForPromotion(a, b, bugs));
  return { chosen: eligible[0], excluded };
}

function compareForPromotion(a: Instance, b: Instance, bugs: SelectionBugs): number {
  if (!bugs.ignorePriority && a.slavePriority !== b.slavePriority) return a.slavePriority - b.slavePriority;
  if (a.slaveReplOffset !== b.slaveReplOffset) return bugs.lowestOffset ? a.slaveReplOffset - b.slaveReplOffset : b.slaveReplOffset - a.slaveReplOffset;
  if (a.runid === undefined || b.runid === undefined) return a.runid === b.runid ? 0 : a.runid === undefined ? 1 : -1;
  const x = a.runid.toLowerCase();
  const y = b.runid.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}
