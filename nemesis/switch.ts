// The network switch: a userspace TCP forwarder between every client, node and sentinel,
// with a rule per directed link. Node i listens privately on its own loopback address; the
// switch listens on that address's public port and forwards. Nodes open their outgoing
// connections from their own address (bind-source-addr), so the switch knows who is calling;
// anything from another address is the harness's clients.
//
// The forwarding runs on a thread of its own (switch-thread.ts); this facade is what the
// harness holds. Changes resolve once the thread has applied them, so a fault that the
// history says has started has started on every open connection.
import { Worker } from "node:worker_threads";
import type { Component, Link } from "./links.js";
import { SwitchRules, type Rule, type SwitchPort } from "./switch-rules.js";
import type { Reply, Request, ThreadData } from "./switch-thread.js";

export class Switch {
  private readonly rules = new SwitchRules();
  private readonly thread: Worker;
  private readonly pending = new Map<number, { resolve: () => void; reject: (err: Error) => void }>();
  private nextId = 0;
  /** Why the thread can take no more requests. */
  private failure: Error | undefined;

  /** `seed`: of the jitter of delays. */
  constructor(seed: number) {
    const workerData: ThreadData = { seed };
    this.thread = new Worker(new URL("./switch-thread.js", import.meta.url), { workerData });
    // Idle, the thread holds nothing up: the process exits as if the switch were not there.
    this.thread.unref();
    this.thread.on("message", ({ id, error }: Reply) => {
      const call = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) this.thread.unref();
      if (error === undefined) call?.resolve();
      else call?.reject(new Error(error));
    });
    this.thread.on("error", (err) => this.fail(err));
    this.thread.on("exit", (code) => this.fail(new Error(`switch thread exited (${code})`)));
  }

  /** Starts forwarding for a node. */
  async add(port: SwitchPort): Promise<void> {
    this.rules.addNode(port);
    await this.request({ op: "add", port });
  }

  /** The component behind a source address. */
  identify(address: string | undefined): Component {
    return this.rules.identify(address);
  }

  rule(from: Component, to: Component): Rule {
    return this.rules.rule(from, to);
  }

  /** Sets the rule of each link; resolves once it applies to open connections. */
  async set(links: readonly Link[], rule: Rule): Promise<void> {
    this.rules.set(links, rule);
    await this.request({ op: "set", links, rule });
  }

  /** Every link passes again; resolves once it does on open connections. */
  async heal(): Promise<void> {
    this.rules.heal();
    await this.request({ op: "heal" });
  }

  /** Links that do not pass right now, with their rules. */
  faulty(): Array<{ link: Link; rule: Rule }> {
    return this.rules.faulty();
  }

  /** Stops the thread: its listeners and connections close with it. */
  async close(): Promise<void> {
    this.fail(new Error("switch closed"));
    await this.thread.terminate();
  }

  private request(request: Request): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    // Kept alive while the harness waits for an answer.
    if (this.pending.size === 0) this.thread.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread.postMessage({ id, request });
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const call of this.pending.values()) call.reject(this.failure);
    this.pending.clear();
  }
}
