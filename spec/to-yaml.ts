// Writing a resolved spec back as YAML: test.yaml in the run folder, from which the run can be
// replayed (seed included).
import { Document, visit } from "yaml";
import type { Spec } from "../core/spec.js";
import { workloadNamed } from "../workloads/index.js";

/**
 * The fully resolved spec as kebab-case YAML (seed included, so the run can be replayed).
 * Sections that do not apply to the topology are left out, since parseSpec refuses them.
 */
export function specToYaml(spec: Spec): string {
  const { topology: t, sentinel: s, replication: rep, workload: w, nemesis: n } = spec;
  const doc = new Document({
    name: spec.name,
    seed: spec.seed,
    target: spec.target,
    topology: { type: t.type, replicas: t.replicas, sentinels: t.sentinels },
    ...(t.type === "sentinel"
      ? {
          sentinel: {
            quorum: s.quorum,
            "down-after-milliseconds": s.downAfterMs,
            "failover-timeout": s.failoverTimeoutMs,
            "parallel-syncs": s.parallelSyncs,
          },
        }
      : {}),
    ...(t.type !== "standalone"
      ? {
          replication: {
            "min-replicas-to-write": rep.minReplicasToWrite,
            "min-replicas-max-lag": rep.minReplicasMaxLag,
            "replica-priority": rep.replicaPriority,
          },
        }
      : {}),
    ...(spec.requirepass === undefined ? {} : { requirepass: spec.requirepass }),
    persistence: spec.persistence,
    workload: {
      type: w.type,
      keys: w.keys,
      concurrency: w.concurrency,
      rate: w.rate,
      "timeout-ms": w.timeoutMs,
      "wait-replicas": w.waitReplicas,
      "wait-timeout-ms": w.waitTimeoutMs,
    },
    nemesis: {
      faults: n.faults,
      mode: n.mode,
      targets: n.targets,
      interval: n.intervalS,
      duration: n.durationS,
      intervals: n.intervalsS,
      durations: n.durationsS,
      partitions: n.partitions,
      "lag-ms": n.lag.ms,
      "lag-jitter-ms": n.lag.jitterMs,
      "lag-links": n.lag.links,
    },
    expect: { loss: spec.expect.loss, ...(workloadNamed(w.type).readsReplicas ? { "replica-reads": spec.expect.replicaReads } : {}) },
    "time-limit": spec.timeLimitS,
    "setup-timeout": spec.setupTimeoutS,
    linearizability: { "time-limit": spec.linearizability.timeLimitS, "memory-limit-mb": spec.linearizability.memoryLimitMb },
    ...(spec.bugs.length > 0 ? { bugs: spec.bugs } : {}),
    checkers: spec.checkers,
    "results-dir": spec.resultsDir,
  });
  // Short lists read better inline: `faults: [kill, pause]`.
  visit(doc, {
    Seq(_, node) {
      node.flow = true;
    },
  });
  return doc.toString();
}
