// The checker seam: a checker turns a history (and the observer's record) into a verdict.
import type { Verdict } from "../core/verdict.js";
import type { Observation } from "../history/events.js";
import type { History } from "../history/op.js";

/**
 * A checker is a pure function of the history and, for those that need it, of what the
 * observer recorded beside it (events.jsonl; undefined when there is no such record). It may
 * be asynchronous so that it can spread its work over worker threads.
 */
export interface Checker {
  name: string;
  check(history: History, observation?: Observation): Verdict | Promise<Verdict>;
}
