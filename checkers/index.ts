import type { CheckerName } from "../core/spec.js";
import type { Checker } from "./checker.js";
import { counterChecker } from "./counter.js";
import { electionRulesChecker } from "./election-rules.js";
import { linearizableChecker } from "./linearizable/checker.js";
import { lossWindowChecker } from "./loss-window.js";
import { setChecker } from "./set.js";
import { staleReadChecker } from "./stale-read.js";
import { statsChecker } from "./stats.js";

/** Every checker with its defaults; a run configures some from its spec (harness/check.ts). */
export const CHECKERS: Record<CheckerName, Checker> = {
  linearizable: linearizableChecker(),
  set: setChecker,
  counter: counterChecker,
  stats: statsChecker,
  "loss-window": lossWindowChecker(),
  "election-rules": electionRulesChecker(),
  "stale-read": staleReadChecker(),
};
