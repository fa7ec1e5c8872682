// What Linux says about a process, to tell one process from a later one with the same PID.
import { readFileSync } from "node:fs";

/** The process's start time (clock ticks since boot, /proc/<pid>/stat field 22), or undefined if it is gone. */
export function startTime(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z") return undefined; // a zombie has already exited
    return Number(fields[19]); // field 22 overall; the fields after ")" start at field 3
  } catch {
    return undefined;
  }
}

/** True while the very process that was started at `since` still runs under `pid`. */
export function sameProcess(pid: number, since: number): boolean {
  return startTime(pid) === since;
}
