import type { NemesisName, NemesisSpec } from "../core/spec.js";
import { failoverNemesis } from "./failover.js";
import { lagNemesis } from "./lag.js";
import type { Nemesis } from "./nemesis.js";
import { partitionNemesis } from "./partition.js";
import { killNemesis, pauseNemesis } from "./process.js";
import type { ScheduledFault } from "./schedule.js";

function nemesisFor(fault: Exclude<NemesisName, "none">, spec: NemesisSpec): Nemesis {
  switch (fault) {
    case "kill":
      return killNemesis;
    case "pause":
      return pauseNemesis;
    case "failover":
      return failoverNemesis;
    case "partition":
      return partitionNemesis(spec.partitions);
    case "lag":
      return lagNemesis(spec.lag);
  }
}

/** The spec's faults with their own timing (per-fault settings, else the common ones). */
export function scheduledFaults(spec: NemesisSpec): ScheduledFault[] {
  return spec.faults.flatMap((fault, i) =>
    fault === "none"
      ? []
      : [
          {
            nemesis: nemesisFor(fault, spec),
            intervalMs: (spec.intervalsS[i] ?? spec.intervalS) * 1000,
            durationMs: (spec.durationsS[i] ?? spec.durationS) * 1000,
          },
        ],
  );
}
