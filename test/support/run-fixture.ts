// A run folder made by hand, as a sentinel split-brain run leaves it: test.yaml, a set
// workload's history with partitions of the primary and its clients, the failovers in the
// sentinels' logs (or in an observer's events.jsonl), acknowledged adds of the old primary
// missing from the final read, each node's config and log, and results.json from the real
// checkers. Deterministic for a seed; sized from a few hundred ops to the 100,000 of the
// report benchmark. For the report's tests and `npm run bench:report`.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";
import { runCheckersWith } from "../../harness/check.js";
import { Rng } from "../../core/rng.js";
import { FILES, type RunResults } from "../../core/run-folder.js";
import { setChecker } from "../../checkers/set.js";
import { statsChecker } from "../../checkers/stats.js";
import { opToLine } from "../../history/jsonl.js";
import type { Op } from "../../history/op.js";

export interface FixtureOptions {
  /** Client ops (invocations), the final read included. */
  ops?: number;
  /** Client workers. */
  concurrency?: number;
  /** Ops per second over all workers. */
  rate?: number;
  seed?: number;
  name?: string;
  /** Where failovers are recorded: the sentinels' logs (as every run has them) or an observer's events.jsonl. */
  failoverRecord?: "logs" | "events";
  /** Put markup and quotes into keys, values, errors and the test name. */
  evil?: boolean;
  /** Fraction of ops that fail / time out (info). */
  failRate?: number;
  infoRate?: number;
  /** No partitions (and so no failover and no loss): a valid run. */
  calm?: boolean;
}

export const EVIL = `<script>alert("x")</script> & 'q' "><img src=x onerror=alert(2)>`;

const STARTED = Date.parse("2026-11-24T07:47:45.921Z");
const NS = 1e9;
const ADDR: Record<string, string> = { n1: "127.0.0.11:30001", n2: "127.0.0.12:30002", n3: "127.0.0.13:30003", s1: "127.0.0.14:30004", s2: "127.0.0.15:30005", s3: "127.0.0.16:30006" };

export interface Fixture {
  dir: string;
  results: RunResults;
  history: Op[];
  /** Partitions as [start, end] ns, and the failover of each: ODOWN, switch, conversion of the old primary. */
  partitions: { start: number; end: number; odown: number; switch: number; convert: number; from: string; to: string }[];
  lost: number;
}

export async function makeRunFixture(dir: string, opts: FixtureOptions = {}): Promise<Fixture> {
  const ops = opts.ops ?? 600;
  const concurrency = opts.concurrency ?? 5;
  const rate = opts.rate ?? 100;
  const rng = new Rng(opts.seed ?? 7);
  const name = opts.name ?? (opts.evil ? `split ${EVIL}` : "bundled-sentinel-set-partition");
  const key = opts.evil ? `s0 ${EVIL}` : "s0";
  const failRate = opts.failRate ?? 0.01;
  const infoRate = opts.infoRate ?? 0.005;
  mkdirSync(dir, { recursive: true });

  const seconds = ops / rate;
  // A partition of the primary with its clients every 20 s (one in the middle of a short run).
  const partitions: Fixture["partitions"] = [];
  const period = Math.min(20, seconds);
  const nodes = ["n1", "n3", "n2"];
  for (let start = 1 + period * 0.3, i = 0; !opts.calm && start + period * 0.4 < 1 + seconds; start += period, i++) {
    const from = nodes[i % 3];
    const to = nodes[(i + 1) % 3];
    const s = start * NS;
    const len = period * 0.4 * NS;
    partitions.push({ start: s, end: s + len, odown: s + 0.2 * len, switch: s + 0.3 * len, convert: s + len + 0.5 * NS, from, to });
  }
  const primaryAt = (t: number) => {
    let p = "n1";
    for (const x of partitions) if (t >= x.switch && t >= x.convert) p = x.to;
    return p;
  };
  /** The node that acknowledges at t: the old primary keeps its clients until it is converted. */
  const servedBy = (t: number) => {
    for (const x of partitions) if (t >= x.start && t < x.convert) return x.from;
    return primaryAt(t);
  };
  const lostAt = (t: number) => partitions.some((x) => t >= x.start && t < x.convert);

  // Plan each worker's ops, then merge them in time order.
  type Planned = { process: number; invoke: number; complete: number; type: "ok" | "fail" | "info"; value: number; node: string; error?: string };
  const planned: Planned[] = [];
  const clientOps = ops - 1;
  const gap = (concurrency / rate) * NS;
  let value = 0;
  for (let w = 0; w < concurrency; w++) {
    let process = w;
    let t = NS + w * (gap / concurrency);
    for (let i = w; i < clientOps; i += concurrency) {
      const r = rng.next();
      const type = r < infoRate ? "info" : r < infoRate + failRate ? "fail" : "ok";
      const latency = type === "info" ? 0.5 * NS : (0.2 + rng.next() * rng.next() * 8) * 1e6;
      const invoke = t;
      const complete = invoke + latency;
      planned.push({
        process,
        invoke,
        complete,
        type,
        value: ++value,
        node: servedBy(complete),
        error: type === "fail" ? (opts.evil ? `READONLY ${EVIL}` : "READONLY You can't write against a read only replica.") : type === "info" ? "Command timed out" : undefined,
      });
      if (type === "info") process += concurrency;
      t = Math.max(complete, invoke + gap * (0.5 + rng.next()));
    }
  }
  const lines: Omit<Op, "index">[] = [];
  for (const p of planned) {
    lines.push({ time: p.invoke, process: p.process, type: "invoke", f: "add", key, value: p.value });
    const done: Omit<Op, "index"> = { time: p.complete, process: p.process, type: p.type, f: "add", key, value: p.value };
    if (p.type !== "info") done.node = p.node;
    if (p.error) done.error = p.error;
    lines.push(done);
  }
  for (const x of partitions) {
    const sides = [[x.from, "clients"], ["n1", "n2", "n3", "s1", "s2", "s3"].filter((n) => n !== x.from)];
    lines.push({
      time: x.start,
      process: "nemesis",
      type: "info",
      f: "start",
      value: { fault: "partition", shape: "primary-with-clients", sides, cut: [`${x.from}->n2`], summary: opts.evil ? `${EVIL}: ${sides.map((s) => s.join(" ")).join(" | ")}` : `primary-with-clients: ${sides.map((s) => s.join(" ")).join(" | ")}` },
    });
    lines.push({ time: x.end, process: "nemesis", type: "info", f: "stop", value: { fault: "partition", shape: "primary-with-clients" } });
  }
  const workloadEnd = Math.max(...planned.map((p) => p.complete));
  // The final read after the heal: every add that happened, less the old primaries' acknowledgements.
  const finalProcess = Math.max(...planned.map((p) => p.process)) + 1;
  const readAt = workloadEnd + 2 * NS;
  const present = planned.filter((p) => (p.type === "ok" || (p.type === "info" && p.value % 2 === 0)) && !lostAt(p.complete)).map((p) => p.value);
  lines.push({ time: readAt, process: finalProcess, type: "invoke", f: "read", key });
  lines.push({ time: readAt + 3e6, process: finalProcess, type: "ok", f: "read", key, value: present, node: primaryAt(readAt) });
  lines.sort((a, b) => a.time - b.time);
  const history: Op[] = lines.map((l, index) => ({ index, ...l, time: Math.round(l.time) }) as Op);
  writeFileSync(join(dir, FILES.history), history.map(opToLine).join(""));

  const spec = {
    name,
    seed: opts.seed ?? 7,
    target: "bundled",
    topology: { type: "sentinel", replicas: 2, sentinels: 3 },
    sentinel: { quorum: 2, "down-after-milliseconds": 2000, "failover-timeout": 10000, "parallel-syncs": 1 },
    replication: { "min-replicas-to-write": 0, "min-replicas-max-lag": 10, "replica-priority": [100, 100] },
    persistence: "none",
    workload: { type: "set", keys: 1, concurrency, rate, "timeout-ms": 500 },
    nemesis: { faults: [opts.calm ? "none" : "partition"], mode: "random", targets: ["primary"], interval: period * 0.6, duration: period * 0.4, partitions: ["primary-with-clients"] },
    "time-limit": seconds,
    checkers: [],
    "results-dir": "results",
  };
  writeFileSync(join(dir, FILES.spec), stringify(spec));

  // Nodes: configs with announced addresses, logs; sentinels log their events (bundled format).
  const iso = (ns: number) => new Date(STARTED + ns / 1e6).toISOString();
  const sentinelLines: { t: number; line: string }[] = [{ t: 0.5 * NS, line: `+monitor master mymaster ${ADDR.n1.replace(":", " ")} quorum 2` }];
  for (const x of partitions) {
    const [f, to] = [ADDR[x.from].replace(":", " "), ADDR[x.to].replace(":", " ")];
    sentinelLines.push(
      { t: x.odown, line: `+odown master mymaster ${f} #quorum 3/2` },
      { t: x.odown + 1e6, line: `+try-failover master mymaster ${f}` },
      { t: x.switch, line: `+switch-master mymaster ${f} ${to}` },
      { t: x.convert, line: `+convert-to-slave slave ${ADDR[x.from]} ${f} @ mymaster ${to}` },
    );
  }
  for (const id of ["n1", "n2", "n3", "s1", "s2", "s3"]) {
    const nodeDir = join(dir, "nodes", id);
    mkdirSync(join(nodeDir, "data"), { recursive: true });
    const [host, port] = ADDR[id].split(":");
    if (id.startsWith("n")) {
      writeFileSync(join(nodeDir, `${id}.conf`), `port ${Number(port) + 100}\nbind ${host}\nreplica-announce-ip ${host}\nreplica-announce-port ${port}\n`);
      writeFileSync(join(nodeDir, "redis.log"), `1:M ${iso(0.2 * NS)} * redline bundled server ready to accept connections on ${host}:${Number(port) + 100}\n`);
    } else {
      writeFileSync(join(nodeDir, `${id}.conf`), `port ${port}\nbind ${host}\nsentinel monitor mymaster ${ADDR.n1.replace(":", " ")} 2\n`);
      const log = opts.failoverRecord === "events" ? [] : sentinelLines.map((l) => `1:M ${iso(l.t)} ${l.line}`);
      writeFileSync(join(nodeDir, "sentinel.log"), log.join("\n") + "\n");
    }
  }
  if (opts.failoverRecord === "events") {
    const events: unknown[] = [
      { kind: "nodes", time: 0, nodes: Object.entries(ADDR).map(([id, a]) => ({ id, kind: id.startsWith("s") ? "sentinel" : "data", host: a.split(":")[0], port: Number(a.split(":")[1]) })), masterName: "mymaster" },
      { kind: "observer", time: 0.1 * NS, state: "start" },
      ...sentinelLines.map((l) => {
        const [event, ...rest] = l.line.split(" ");
        return { kind: "sentinel-event", time: Math.round(l.t), node: "s1", event, message: rest.join(" ") };
      }),
    ];
    writeFileSync(join(dir, "events.jsonl"), events.map((e) => JSON.stringify(e)).join("\n") + "\n");
  }

  const checked = await runCheckersWith(history, [setChecker, statsChecker]);
  const counts: Record<string, number> = { invoke: 0, ok: 0, fail: 0, info: 0, nemesis: 0 };
  for (const op of history) counts[op.process === "nemesis" ? "nemesis" : op.type]++;
  const results: RunResults = {
    name,
    seed: spec.seed,
    valid: checked.valid,
    startedAt: new Date(STARTED).toISOString(),
    finishedAt: new Date(STARTED + (readAt + 1e9) / 1e6).toISOString(),
    opCounts: counts,
    checkers: checked.checkers,
  };
  writeFileSync(join(dir, FILES.results), JSON.stringify(results, null, 2) + "\n");
  const lost = (results.checkers.set.details.lost as unknown[]).length;
  return { dir, results, history, partitions, lost };
}
