// `redline reap`: stops the processes of runs whose harness died without cleaning up (a
// SIGKILL of the harness itself is the one exit its own hooks cannot catch). A process is
// signalled only if processes.json recorded it and it is still the same process (same PID
// and start time), and only if that run's harness is gone.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { sameProcess } from "../targets/proc.js";
import { FILES, listRuns } from "../core/run-folder.js";
import type { ProcessRecord } from "../targets/supervisor.js";

export interface Reaped {
  runDir: string;
  name: string;
  pid: number;
}

export function reapLeftovers(resultsDir: string): Reaped[] {
  const reaped: Reaped[] = [];
  for (const run of listRuns(resultsDir)) {
    const record = readRecord(join(run.dir, FILES.processes));
    if (!record || sameProcess(record.harness.pid, record.harness.startTime)) continue; // no record, or its harness still runs
    for (const p of record.processes) {
      if (!sameProcess(p.pid, p.startTime)) continue;
      try {
        process.kill(p.pid, "SIGCONT"); // a paused node would not die before it resumes
        process.kill(p.pid, "SIGKILL");
        reaped.push({ runDir: run.dir, name: p.name, pid: p.pid });
      } catch {
        // it exited meanwhile
      }
    }
  }
  return reaped;
}

function readRecord(file: string): ProcessRecord | undefined {
  try {
    const record = JSON.parse(readFileSync(file, "utf8")) as ProcessRecord;
    return record.harness && Array.isArray(record.processes) ? record : undefined;
  } catch {
    return undefined;
  }
}
