// Channels and patterns, and who is subscribed to them.
import { stringMatch } from "./glob.js";
import { bulk, type Reply } from "./resp/reply.js";

export interface Subscriber {
  deliver(items: Reply[]): void;
}

export class PubSub {
  private readonly channels = new Map<string, Set<Subscriber>>();
  private readonly patterns = new Map<string, Set<Subscriber>>();

  add(s: Subscriber, name: string, pattern: boolean): void {
    const table = pattern ? this.patterns : this.channels;
    if (!table.has(name)) table.set(name, new Set());
    table.get(name)!.add(s);
  }

  remove(s: Subscriber, name: string, pattern: boolean): void {
    const table = pattern ? this.patterns : this.channels;
    table.get(name)?.delete(s);
    if (table.get(name)?.size === 0) table.delete(name);
  }

  removeAll(s: Subscriber): void {
    for (const table of [this.channels, this.patterns]) {
      for (const [name, set] of table) {
        set.delete(s);
        if (set.size === 0) table.delete(name);
      }
    }
  }

  get subscribers(): number {
    const all = new Set<Subscriber>();
    for (const table of [this.channels, this.patterns]) for (const set of table.values()) for (const s of set) all.add(s);
    return all.size;
  }

  /** Delivers a message; returns how many subscriptions received it, as PUBLISH replies. */
  publish(channel: string, message: Buffer): number {
    const ch = Buffer.from(channel, "latin1");
    let receivers = 0;
    for (const s of this.channels.get(channel) ?? []) {
      s.deliver([bulk("message"), bulk(ch), bulk(message)]);
      receivers++;
    }
    for (const [pattern, subs] of this.patterns) {
      if (!stringMatch(Buffer.from(pattern, "latin1"), ch)) continue;
      for (const s of subs) {
        s.deliver([bulk("pmessage"), bulk(Buffer.from(pattern, "latin1")), bulk(ch), bulk(message)]);
        receivers++;
      }
    }
    return receivers;
  }
}
