// Resolving a spec: each field's given value, else its default (which may read other fields,
// e.g. replicas on the topology), assembled into the typed Spec.
import {
  EXPECT_LOSS,
  EXPECT_REPLICA_READS,
  LAG_LINKS,
  NEMESES,
  NEMESIS_MODES,
  NEMESIS_TARGETS,
  PARTITION_SHAPES,
  PERSISTENCE,
  TARGETS,
  TOPOLOGIES,
  type Spec,
} from "../core/spec.js";
import { FIELD_BY_PATH, type Field, type Resolved, type Scalar, type Value } from "./fields.js";
import type { Given } from "./inputs.js";

/** The spec the given values make, defaults filled in. */
export function resolveSpec(given: ReadonlyMap<string, Given>): Spec {
  return buildSpec(new Resolver(given));
}

class Resolver implements Resolved {
  private readonly cache = new Map<string, Value | undefined>();

  constructor(private readonly given: ReadonlyMap<string, Given>) {}

  value(path: string): Value | undefined {
    if (this.cache.has(path)) return this.cache.get(path);
    const field = FIELD_BY_PATH.get(path);
    if (!field) throw new Error(`spec-parse: no field ${path}`);
    const value = this.given.get(path)?.value ?? this.fallback(field);
    this.cache.set(path, value);
    return value;
  }

  private fallback(field: Field): Value | undefined {
    const value = typeof field.default === "function" ? field.default(this) : field.default;
    return Array.isArray(value) ? [...value] : value; // a copy: the table's lists are shared
  }

  // Typed getters. The schema check guarantees the types, so a mismatch is a bug here.
  num(path: string): number {
    const v = this.value(path);
    if (typeof v !== "number") throw new Error(`spec-parse: ${path} is not a number`);
    return v;
  }

  str(path: string): string {
    const v = this.value(path);
    if (typeof v !== "string") throw new Error(`spec-parse: ${path} is not a string`);
    return v;
  }

  optStr(path: string): string | undefined {
    return this.value(path) === undefined ? undefined : this.str(path);
  }

  numbers(path: string): number[] {
    return this.list(path).map((v) => {
      if (typeof v !== "number") throw new Error(`spec-parse: ${path} has a non-number`);
      return v;
    });
  }

  strs(path: string): string[] {
    return this.list(path).map(String);
  }

  oneOf<T extends string>(values: readonly T[], path: string): T {
    const v = this.str(path);
    const found = values.find((x) => x === v);
    if (found === undefined) throw new Error(`spec-parse: ${path} is not one of ${values.join(", ")}`);
    return found;
  }

  someOf<T extends string>(values: readonly T[], path: string): T[] {
    return this.strs(path).map((v) => {
      const found = values.find((x) => x === v);
      if (found === undefined) throw new Error(`spec-parse: ${path} has a value not in ${values.join(", ")}`);
      return found;
    });
  }

  private list(path: string): Scalar[] {
    const v = this.value(path);
    if (!Array.isArray(v)) throw new Error(`spec-parse: ${path} is not a list`);
    return v;
  }
}

/** replica-priority for every replica, in order; entries not given default to 100. */
function padPriorities(given: number[], replicas: number): number[] {
  return given.length >= replicas ? given : [...given, ...Array<number>(replicas - given.length).fill(100)];
}

function buildSpec(r: Resolver): Spec {
  const replicas = r.num("topology.replicas");
  const requirepass = r.optStr("requirepass");
  return {
    name: r.str("name"),
    seed: r.num("seed"),
    target: r.oneOf(TARGETS, "target"),
    topology: { type: r.oneOf(TOPOLOGIES, "topology.type"), replicas, sentinels: r.num("topology.sentinels") },
    sentinel: {
      quorum: r.num("sentinel.quorum"),
      downAfterMs: r.num("sentinel.down-after-milliseconds"),
      failoverTimeoutMs: r.num("sentinel.failover-timeout"),
      parallelSyncs: r.num("sentinel.parallel-syncs"),
    },
    replication: {
      minReplicasToWrite: r.num("replication.min-replicas-to-write"),
      minReplicasMaxLag: r.num("replication.min-replicas-max-lag"),
      replicaPriority: padPriorities(r.numbers("replication.replica-priority"), replicas),
    },
    // Absent, not undefined, so a resolved spec deep-equals its YAML round trip.
    ...(requirepass === undefined ? {} : { requirepass }),
    persistence: r.oneOf(PERSISTENCE, "persistence"),
    workload: {
      type: r.str("workload.type"),
      keys: r.num("workload.keys"),
      concurrency: r.num("workload.concurrency"),
      rate: r.num("workload.rate"),
      timeoutMs: r.num("workload.timeout-ms"),
      waitReplicas: r.num("workload.wait-replicas"),
      waitTimeoutMs: r.num("workload.wait-timeout-ms"),
    },
    nemesis: {
      faults: r.someOf(NEMESES, "nemesis.faults"),
      mode: r.oneOf(NEMESIS_MODES, "nemesis.mode"),
      targets: r.someOf(NEMESIS_TARGETS, "nemesis.targets"),
      intervalS: r.num("nemesis.interval"),
      durationS: r.num("nemesis.duration"),
      intervalsS: r.numbers("nemesis.intervals"),
      durationsS: r.numbers("nemesis.durations"),
      partitions: r.someOf(PARTITION_SHAPES, "nemesis.partitions"),
      lag: { ms: r.num("nemesis.lag-ms"), jitterMs: r.num("nemesis.lag-jitter-ms"), links: r.oneOf(LAG_LINKS, "nemesis.lag-links") },
    },
    expect: { loss: r.oneOf(EXPECT_LOSS, "expect.loss"), replicaReads: r.oneOf(EXPECT_REPLICA_READS, "expect.replica-reads") },
    timeLimitS: r.num("time-limit"),
    setupTimeoutS: r.num("setup-timeout"),
    linearizability: { timeLimitS: r.num("linearizability.time-limit"), memoryLimitMb: r.num("linearizability.memory-limit-mb") },
    bugs: r.strs("bugs"),
    checkers: r.strs("checkers"),
    resultsDir: r.str("results-dir"),
  };
}
