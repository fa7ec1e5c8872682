// The default chaos run, what `npm run chaos` and a bare `redline run` do on a machine with
// nothing but Node: the bundled server as a primary, two replicas and three sentinels; the
// set workload, then the register workload, each under a random mix of partitions (the split
// brain among them) and kills of the primary; checked; the folders of both runs printed.
import type { FlagValues } from "../spec/index.js";

/** Seconds of workload per run: two runs make about a minute. */
export const CHAOS_TIME_LIMIT_S = 30;

const COMMON: Record<string, string> = {
  "--target": "bundled",
  "--topology": "sentinel",
  "--replicas": "2",
  "--sentinels": "3",
  "--nemesis": "partition,kill",
  "--nemesis-mode": "random",
  "--nemesis-targets": "primary",
  "--partitions": "primary-with-clients,isolate-primary,halves",
  "--nemesis-interval": "4",
  "--nemesis-duration": "6",
  "--rate": "200",
};

/** The flags of each chaos run; `overrides` (time limit, results dir, seed) apply to both. */
export function chaosRuns(overrides: FlagValues): FlagValues[] {
  return ["set", "register"].map((workload) => ({
    ...COMMON,
    "--time-limit": String(CHAOS_TIME_LIMIT_S),
    "--workload": workload,
    "--name": `chaos-${workload}`,
    ...Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)),
  }));
}
