import type { CheckerName } from "../harness/spec.js";
import type { Checker } from "./checker.js";
import { counterChecker } from "./counter.js";
import { linearizableChecker } from "./linearizable/checker.js";
import { setChecker } from "./set.js";
import { statsChecker } from "./stats.js";

export const CHECKERS: Record<CheckerName, Checker> = {
  linearizable: linearizableChecker(),
  set: setChecker,
  counter: counterChecker,
  stats: statsChecker,
};
