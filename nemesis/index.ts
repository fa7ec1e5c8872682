import type { NemesisName } from "../harness/spec.js";
import { failoverNemesis } from "./failover.js";
import { killNemesis } from "./kill.js";
import type { Nemesis } from "./nemesis.js";
import { pauseNemesis } from "./pause.js";

const NEMESES: Record<Exclude<NemesisName, "none">, Nemesis> = {
  kill: killNemesis,
  pause: pauseNemesis,
  failover: failoverNemesis,
};

export function nemesesFor(faults: readonly NemesisName[]): Nemesis[] {
  return faults.filter((f): f is Exclude<NemesisName, "none"> => f !== "none").map((f) => NEMESES[f]);
}
