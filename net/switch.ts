// The network switch: a userspace TCP forwarder between every client, node and sentinel,
// with a rule per directed link. Node i listens privately on its own loopback address; the
// switch listens on that address's public port and forwards. Nodes open their outgoing
// connections from their own address (bind-source-addr), so the switch knows who is calling;
// anything from another address is the harness's clients.
//
// The forwarding is an engine's (switch-engine.ts): switchd, the forwarder in C, when it is
// built, else forwarder.ts on a worker thread. Changes resolve once the engine has applied them,
// so a fault that the history says has started has started on every open connection.
import type { Component, Link, Rule } from "../core/network.js";
import { NativeEngine, nativeBuilt, SWITCHD } from "./native-engine.js";
import type { EngineName, SwitchEngine } from "./switch-engine.js";
import { SwitchRules, type SwitchPort } from "./switch-rules.js";
import { ThreadEngine } from "./thread-engine.js";

export interface SwitchOptions {
  /** The forwarder: by default the one REDLINE_SWITCH names, else native when switchd is built. */
  engine?: EngineName;
}

export class Switch {
  private readonly rules = new SwitchRules();
  private readonly forwarder: SwitchEngine;

  /** `seed`: of the jitter of delays. */
  constructor(seed: number, options: SwitchOptions = {}) {
    this.forwarder = chooseEngine(options.engine) === "native" ? new NativeEngine(seed) : new ThreadEngine(seed);
  }

  /** Which forwarder runs: "native" (switchd) or "js" (forwarder.ts on a thread). */
  get engine(): EngineName {
    return this.forwarder.name;
  }

  /** Starts forwarding for a node. */
  async add(port: SwitchPort): Promise<void> {
    this.rules.addNode(port);
    await this.forwarder.request({ op: "add", port });
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
    await this.forwarder.request({ op: "set", links, rule });
  }

  /** Every link passes again; resolves once it does on open connections. */
  async heal(): Promise<void> {
    this.rules.heal();
    await this.forwarder.request({ op: "heal" });
  }

  /** Links that do not pass right now, with their rules. */
  faulty(): Array<{ link: Link; rule: Rule }> {
    return this.rules.faulty();
  }

  /** Stops the engine: its listeners and connections close with it. */
  async close(): Promise<void> {
    await this.forwarder.close();
  }
}

function chooseEngine(asked: EngineName | undefined): EngineName {
  const env = process.env.REDLINE_SWITCH;
  if (asked === undefined && env) {
    if (env !== "js" && env !== "native") throw new Error(`REDLINE_SWITCH is "js" or "native", not ${JSON.stringify(env)}`);
    asked = env;
  }
  if (asked === "native" && !nativeBuilt()) {
    throw new Error(
      `switch: the native forwarder is not built (no ${SWITCHD}): "npm run build" builds it where a C compiler (cc) is installed; or use the js engine (REDLINE_SWITCH=js)`,
    );
  }
  return asked ?? (nativeBuilt() ? "native" : "js");
}
