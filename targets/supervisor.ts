// Owns every OS process a run starts. It signals only children it spawned itself and
// only while Node has not yet reaped them, so a recycled PID can never be hit.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, writeFileSync } from "node:fs";
import { startTime } from "./proc.js";

export interface Managed {
  name: string;
  pid: number;
  child: ChildProcess;
  /** Resolves when the process has exited (never rejects). */
  exited: Promise<void>;
}

export interface StartedProcess {
  name: string;
  pid: number;
  /** From /proc: tells this process from a later one that got the same PID. */
  startTime: number;
  command: string;
}

/** processes.json: the harness and every process it started, so leftovers can be found if it dies. */
export interface ProcessRecord {
  harness: { pid: number; startTime: number };
  processes: StartedProcess[];
}

export interface SpawnOptions {
  cwd: string;
  /** File that receives the process's stdout and stderr. */
  outputFile: string;
}

export class Supervisor {
  private readonly live = new Set<Managed>();
  /** Every process ever started by this supervisor, for the run's processes.json. */
  readonly started: StartedProcess[] = [];
  private readonly onExit = () => this.killAllSync();

  /** @param recordFile where the list of started processes is kept, rewritten at each start */
  constructor(private readonly recordFile?: string) {
    // Last line of defence: whatever way the harness exits, no child outlives it.
    process.on("exit", this.onExit);
  }

  spawn(name: string, command: string, args: string[], opts: SpawnOptions): Managed {
    const out = openSync(opts.outputFile, "a");
    let child: ChildProcess;
    try {
      // detached: its own process group, so a Ctrl-C at the terminal reaches only the
      // harness, which then stops the run in order.
      child = spawn(command, args, { cwd: opts.cwd, stdio: ["ignore", out, out], detached: true });
    } finally {
      closeSync(out);
    }
    if (child.pid === undefined) {
      throw new Error(`could not start ${command}`);
    }
    const managed: Managed = {
      name,
      pid: child.pid,
      child,
      exited: new Promise<void>((resolve) => {
        if (isAlive(child)) child.once("exit", () => resolve());
        else resolve();
      }),
    };
    child.once("error", () => undefined); // reported through `exited`; never an unhandled error
    managed.exited.then(() => this.live.delete(managed));
    this.live.add(managed);
    this.started.push({ name, pid: child.pid, startTime: startTime(child.pid) ?? -1, command: [command, ...args].join(" ") });
    if (this.recordFile) {
      const record: ProcessRecord = { harness: { pid: process.pid, startTime: startTime(process.pid) ?? -1 }, processes: this.started };
      writeFileSync(this.recordFile, JSON.stringify(record, null, 2) + "\n");
    }
    return managed;
  }

  isAlive(m: Managed): boolean {
    return isAlive(m.child);
  }

  /** Sends a signal if the process is still ours and alive; returns whether it was sent. */
  signal(m: Managed, sig: NodeJS.Signals): boolean {
    if (!isAlive(m.child)) return false;
    try {
      return m.child.kill(sig);
    } catch {
      return false;
    }
  }

  /** Stops a process: resume it if paused, ask it to stop, then SIGKILL after a grace period. */
  async stop(m: Managed, graceMs = 3000): Promise<void> {
    if (!isAlive(m.child)) return;
    this.signal(m, "SIGCONT");
    this.signal(m, "SIGTERM");
    const timer = setTimeout(() => this.signal(m, "SIGKILL"), graceMs);
    await m.exited;
    clearTimeout(timer);
  }

  async kill(m: Managed): Promise<void> {
    this.signal(m, "SIGKILL");
    await m.exited;
  }

  async stopAll(graceMs = 3000): Promise<void> {
    await Promise.all([...this.live].map((m) => this.stop(m, graceMs)));
  }

  /** Synchronous SIGKILL of everything still alive, for process exit and crashes. */
  killAllSync(): void {
    for (const m of this.live) this.signal(m, "SIGKILL");
  }

  /** Call once the run is over: stops everything and detaches the exit hook. */
  async close(): Promise<void> {
    await this.stopAll();
    process.off("exit", this.onExit);
  }
}

function isAlive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}
