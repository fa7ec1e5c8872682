// What the switch knows: who is behind each address and the rule of each directed link. The
// facade (harness thread) and the JS engine's switch thread each keep one, changed by the same
// calls, so the harness can read rules without a round trip (switchd keeps its own, in C).
import { CLIENTS, PASS, type Component, type Link, type Rule } from "../core/network.js";

export interface SwitchPort {
  id: Component;
  host: string;
  /** Where the switch listens for this node. */
  publicPort: number;
  /** Where the node itself listens. */
  privatePort: number;
}

export class SwitchRules {
  private readonly byAddress = new Map<string, Component>();
  private readonly rules = new Map<string, Rule>();

  addNode(port: SwitchPort): void {
    // A run's traffic never leaves the machine: the switch forwards to loopback addresses only.
    if (!/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(port.host)) throw new Error(`switch: refusing non-loopback address ${port.host}`);
    this.byAddress.set(port.host, port.id);
  }

  /** The component behind a source address. */
  identify(address: string | undefined): Component {
    return (address && this.byAddress.get(address.replace(/^::ffff:/, ""))) || CLIENTS;
  }

  rule(from: Component, to: Component): Rule {
    return this.rules.get(key(from, to)) ?? PASS;
  }

  set(links: readonly Link[], rule: Rule): void {
    for (const [from, to] of links) {
      if (rule.kind === "pass") this.rules.delete(key(from, to));
      else this.rules.set(key(from, to), rule);
    }
  }

  heal(): void {
    this.rules.clear();
  }

  /** Links that do not pass right now, with their rules. */
  faulty(): Array<{ link: Link; rule: Rule }> {
    return [...this.rules.entries()].map(([k, rule]) => ({ link: k.split("\u0000") as unknown as Link, rule }));
  }
}

function key(from: Component, to: Component): string {
  return `${from}\u0000${to}`;
}
