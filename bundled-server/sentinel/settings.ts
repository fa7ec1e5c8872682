// The `sentinel ...` lines of a Sentinel's config file (sentinelHandleConfiguration): the
// masters to monitor with their options, and the state a Sentinel writes back (myid, epochs,
// known replicas and sentinels) so that a restarted Sentinel is the same Sentinel.

export interface MonitoredMaster {
  name: string;
  host: string;
  port: number;
  quorum: number;
  downAfter?: number;
  failoverTimeout?: number;
  parallelSyncs?: number;
  authPass?: string;
  authUser?: string;
  configEpoch?: number;
  leaderEpoch?: number;
  knownReplicas?: Array<{ host: string; port: number }>;
  knownSentinels?: Array<{ host: string; port: number; runid: string }>;
}

export interface SentinelSettings {
  myid?: string;
  currentEpoch: number;
  announceIp: string;
  announcePort: number;
  /** bind-source-addr: where the Sentinel's own connections leave from. */
  sourceAddress: string | undefined;
  masters: MonitoredMaster[];
}

export class SentinelConfigError extends Error {}

const count = (text: string, what: string, min = 0): number => {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new SentinelConfigError(`${what} must be an integer >= ${min}, got '${text}'`);
  return Number(text);
};

/** Reads `sentinel <directive> <args...>` lines (each given without the leading `sentinel`). */
export function parseSentinelDirectives(directives: string[][], sourceAddress: string | undefined): SentinelSettings {
  const settings: SentinelSettings = { currentEpoch: 0, announceIp: "", announcePort: 0, sourceAddress, masters: [] };
  const master = (name: string | undefined, directive: string): MonitoredMaster => {
    const m = settings.masters.find((x) => x.name === name);
    if (!m) throw new SentinelConfigError(`sentinel ${directive}: no such master '${name ?? ""}' (a 'sentinel monitor' line must come first)`);
    return m;
  };
  for (const [directive = "", ...args] of directives) {
    const d = directive.toLowerCase();
    const need = (n: number) => {
      if (args.length !== n) throw new SentinelConfigError(`sentinel ${directive}: expected ${n} arguments, got ${args.length}`);
    };
    switch (d) {
      case "monitor":
        need(4);
        if (settings.masters.some((m) => m.name === args[0])) throw new SentinelConfigError(`sentinel monitor: duplicate master name '${args[0]}'`);
        settings.masters.push({ name: args[0], host: args[1], port: count(args[2], "port"), quorum: count(args[3], "quorum", 1) });
        break;
      case "down-after-milliseconds":
        need(2);
        master(args[0], d).downAfter = count(args[1], d, 1);
        break;
      case "failover-timeout":
        need(2);
        master(args[0], d).failoverTimeout = count(args[1], d, 1);
        break;
      case "parallel-syncs":
        need(2);
        master(args[0], d).parallelSyncs = count(args[1], d, 1);
        break;
      case "auth-pass":
        need(2);
        master(args[0], d).authPass = args[1];
        break;
      case "auth-user":
        need(2);
        master(args[0], d).authUser = args[1];
        break;
      case "config-epoch":
        need(2);
        master(args[0], d).configEpoch = count(args[1], d);
        break;
      case "leader-epoch":
        need(2);
        master(args[0], d).leaderEpoch = count(args[1], d);
        break;
      case "known-replica":
      case "known-slave":
        need(3);
        (master(args[0], d).knownReplicas ??= []).push({ host: args[1], port: count(args[2], "port") });
        break;
      case "known-sentinel":
        need(4);
        (master(args[0], d).knownSentinels ??= []).push({ host: args[1], port: count(args[2], "port"), runid: args[3] });
        break;
      case "myid":
        need(1);
        if (!/^[0-9a-f]{40}$/.test(args[0])) throw new SentinelConfigError(`sentinel myid: expected 40 hex characters, got '${args[0]}'`);
        settings.myid = args[0];
        break;
      case "current-epoch":
        need(1);
        settings.currentEpoch = count(args[0], d);
        break;
      case "announce-ip":
        need(1);
        settings.announceIp = args[0];
        break;
      case "announce-port":
        need(1);
        settings.announcePort = count(args[0], d);
        break;
      case "deny-scripts-reconfig":
      case "resolve-hostnames":
      case "announce-hostnames":
        break; // accepted, nothing to do for a loopback-only server
      default:
        throw new SentinelConfigError(`Unrecognized sentinel configuration statement 'sentinel ${directive}'`);
    }
  }
  return settings;
}
