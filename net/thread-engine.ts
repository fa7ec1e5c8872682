// The JavaScript engine: forwarder.ts on a worker thread (switch-thread.ts), with an event loop
// and a core of its own instead of a share of the harness's.
import { Worker } from "node:worker_threads";
import { Calls, type Request, type SwitchEngine } from "./switch-engine.js";
import type { Reply, ThreadData } from "./switch-thread.js";

export class ThreadEngine implements SwitchEngine {
  readonly name = "js";
  private readonly thread: Worker;
  private readonly calls: Calls;

  /** `seed`: of the jitter of delays. */
  constructor(seed: number) {
    const workerData: ThreadData = { seed };
    this.thread = new Worker(new URL("./switch-thread.js", import.meta.url), { workerData });
    this.calls = new Calls((busy) => (busy ? this.thread.ref() : this.thread.unref()));
    // Idle, the thread holds nothing up: the process exits as if the switch were not there.
    this.thread.unref();
    this.thread.on("message", ({ id, error }: Reply) => this.calls.answer(id, error));
    this.thread.on("error", (err) => this.calls.fail(err));
    this.thread.on("exit", (code) => this.calls.fail(new Error(`switch thread exited (${code})`)));
  }

  request(request: Request): Promise<void> {
    return this.calls.call((id) => this.thread.postMessage({ id, request }));
  }

  async close(): Promise<void> {
    this.calls.fail(new Error("switch closed"));
    await this.thread.terminate();
  }
}
