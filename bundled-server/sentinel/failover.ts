// The failover state machine (sentinelFailoverStateMachine): wait_start (election) ->
// select_slave -> send_slaveof_noone -> wait_promotion -> reconf_slaves -> update_config,
// with Redis's timeouts and abort rules. Promotion and reconfiguration progress are seen in
// INFO (sentinel.ts); this module acts on time.
import type { Instance, Master } from "./instance.js";
import type { Selection } from "./select.js";

/** What the state machine needs from the Sentinel that runs it (sentinel.ts). */
export interface FailoverHost {
  readonly myid: string;
  readonly timings: { readonly "election-timeout": number; readonly "slave-reconf-timeout": number };
  /** The leader elected for this master in an epoch, if any (sentinelGetLeader). */
  leaderOf(master: Master, epoch: number): string | undefined;
  /** The replica to promote now (sentinelSelectSlave). */
  selectReplica(master: Master, now: number): Selection;
  /** Points an instance at a master (undefined host: REPLICAOF NO ONE); false when its link is down. */
  sendSlaveOf(ri: Instance, host: string | undefined, port: number): boolean;
  /** Logs and publishes an event (sentinelEvent). */
  event(type: string, ri: Instance | undefined, message: string): void;
  /** The master entry now points at another address (sentinelResetMasterAndChangeAddress). */
  resetMasterAndChangeAddress(master: Master, host: string, port: number): void;
}

export function failoverStateMachine(sentinel: FailoverHost, master: Master, now: number): void {
  switch (master.failoverState) {
    case "wait_start":
      return waitStart(sentinel, master, now);
    case "select_slave":
      return selectSlave(sentinel, master, now);
    case "send_slaveof_noone":
      return sendSlaveOfNoOne(sentinel, master, now);
    case "wait_promotion":
      if (now - master.failoverStateChangeTime > master.failoverTimeout) abort(sentinel, master, "-failover-abort-slave-timeout");
      return;
    case "reconf_slaves":
      reconfNextReplica(sentinel, master, now);
      return detectEnd(sentinel, master, now);
    default:
      return;
  }
}

function setState(master: Master, state: Master["failoverState"], now: number): void {
  master.failoverState = state;
  master.failoverStateChangeTime = now;
}

function waitStart(sentinel: FailoverHost, master: Master, now: number): void {
  const leader = sentinel.leaderOf(master, master.failoverEpoch);
  const elected = leader !== undefined && leader.toLowerCase() === sentinel.myid;
  if (!elected && !master.forceFailover) {
    const electionTimeout = Math.min(sentinel.timings["election-timeout"], master.failoverTimeout);
    if (now - master.failoverStartTime > electionTimeout) abort(sentinel, master, "-failover-abort-not-elected");
    return;
  }
  sentinel.event("+elected-leader", master, master.describe());
  setState(master, "select_slave", now);
  sentinel.event("+failover-state-select-slave", master, master.describe());
}

function selectSlave(sentinel: FailoverHost, master: Master, now: number): void {
  const { chosen } = sentinel.selectReplica(master, now);
  if (!chosen) {
    abort(sentinel, master, "-failover-abort-no-good-slave");
    return;
  }
  sentinel.event("+selected-slave", chosen, chosen.describe());
  chosen.promoted = true;
  master.promotedSlave = chosen;
  setState(master, "send_slaveof_noone", now);
  sentinel.event("+failover-state-send-slaveof-noone", chosen, chosen.describe());
}

function sendSlaveOfNoOne(sentinel: FailoverHost, master: Master, now: number): void {
  const replica = master.promotedSlave!;
  if (replica.disconnected) {
    if (now - master.failoverStateChangeTime > master.failoverTimeout) abort(sentinel, master, "-failover-abort-slave-timeout");
    return;
  }
  if (!sentinel.sendSlaveOf(replica, undefined, 0)) return;
  sentinel.event("+failover-state-wait-promotion", replica, replica.describe());
  setState(master, "wait_promotion", now);
}

/** Points at most parallel-syncs replicas at a time at the promoted one. */
function reconfNextReplica(sentinel: FailoverHost, master: Master, now: number): void {
  const promoted = master.promotedSlave!;
  let inProgress = [...master.slaves.values()].filter((r) => r.reconfSent || r.reconfInprog).length;
  for (const r of master.slaves.values()) {
    if (r.promoted || r.reconfDone) continue;
    if (r.reconfSent && now - r.reconfSentTime > sentinel.timings["slave-reconf-timeout"]) {
      sentinel.event("-slave-reconf-sent-timeout", r, r.describe());
      r.reconfSent = false;
      r.reconfDone = true;
      inProgress--;
      continue;
    }
    if (r.reconfSent || r.reconfInprog) continue;
    if (inProgress >= master.parallelSyncs) break;
    if (r.sDown || r.disconnected) continue;
    if (sentinel.sendSlaveOf(r, promoted.host, promoted.port)) {
      r.reconfSent = true;
      r.reconfSentTime = now;
      sentinel.event("+slave-reconf-sent", r, r.describe());
      inProgress++;
    }
  }
}

function detectEnd(sentinel: FailoverHost, master: Master, now: number): void {
  const timedOut = now - master.failoverStateChangeTime > master.failoverTimeout;
  if (timedOut) sentinel.event("+failover-end-for-timeout", master, master.describe());
  const pending = [...master.slaves.values()].filter((r) => !r.promoted && !r.reconfDone && !r.sDown);
  if (pending.length > 0 && !timedOut) return;
  sentinel.event("+failover-end", master, master.describe());
  setState(master, "update_config", now);
  if (timedOut) {
    const promoted = master.promotedSlave!;
    for (const r of pending) {
      if (r.reconfSent) continue;
      if (sentinel.sendSlaveOf(r, promoted.host, promoted.port)) {
        r.reconfSent = true;
        sentinel.event("+slave-reconf-sent-be", r, r.describe());
      }
    }
  }
}

/** update_config: the promoted replica is the master now, under the master's name. */
export function switchToPromoted(sentinel: FailoverHost, master: Master): void {
  const p = master.promotedSlave!;
  sentinel.event("+switch-master", master, `${master.monitorName} ${master.host} ${master.port} ${p.host} ${p.port}`);
  sentinel.resetMasterAndChangeAddress(master, p.host, p.port);
}

/** Possible only before the promotion: the replicas are left as they are and the next attempt waits. */
function abort(sentinel: FailoverHost, master: Master, event: string): void {
  sentinel.event(event, master, master.describe());
  if (master.promotedSlave) master.promotedSlave.promoted = false;
  master.promotedSlave = undefined;
  master.forceFailover = false;
  master.failoverState = "none";
  master.failoverStateChangeTime = Date.now();
}
