// What forwards for the switch: an engine takes the facade's requests and answers each once
// the change applies to every open connection. Two engines: switchd, the forwarder in C, run as
// a child process (native-engine.ts), and forwarder.ts on a worker thread (thread-engine.ts),
// the fallback where switchd could not be built.
import type { Link, Rule } from "../core/network.js";
import type { SwitchPort } from "./switch-rules.js";

export type Request = { op: "add"; port: SwitchPort } | { op: "set"; links: readonly Link[]; rule: Rule } | { op: "heal" };

export type EngineName = "js" | "native";

export interface SwitchEngine {
  readonly name: EngineName;
  /** Resolves once the change applies to every open connection. */
  request(request: Request): Promise<void>;
  /** Stops forwarding: listeners and connections close; later requests fail. */
  close(): Promise<void>;
}

/** Requests in flight, answered by id; after a failure every request, waiting or new, fails with it. */
export class Calls {
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private nextId = 0;
  private failure: Error | undefined;

  /** `busy` is told when the first request starts waiting and when the last one is answered, so the engine keeps the process alive only meanwhile. */
  constructor(private readonly busy: (busy: boolean) => void) {}

  /** Sends a request with a new id; resolves or rejects with its answer. */
  call(send: (id: number) => void): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (this.pending.size === 0) this.busy(true);
    const answered = new Promise<void>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    try {
      send(id);
    } catch (err) {
      this.answer(id, err instanceof Error ? err.message : String(err)); // never sent: never answered
    }
    return answered;
  }

  /** The answer to request `id`: `error` is the message it failed with. False when no request `id` waits. */
  answer(id: number, error?: string): boolean {
    const call = this.pending.get(id);
    if (!call) return false;
    this.pending.delete(id);
    if (this.pending.size === 0) this.busy(false);
    if (error === undefined) call.resolve();
    else call.reject(new Error(error));
    return true;
  }

  fail(err: Error): void {
    this.failure ??= err;
    if (this.pending.size === 0) return;
    for (const call of this.pending.values()) call.reject(this.failure);
    this.pending.clear();
    this.busy(false);
  }
}
