// A target whose nodes are local processes started from redis.conf-style config files:
// real redis-server / redis-sentinel (target `redis`) or the bundled server (target
// `bundled`). One data dir and one log per node inside the run folder, every link through
// the network switch: each node on its own loopback address, listening privately, reached
// through the switch's public port, opening its own connections from its address and
// announcing the public one.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Spec, TargetName, TopologyName } from "../core/spec.js";
import type { Managed, Supervisor } from "./supervisor.js";
import { SetupError } from "../core/exit-codes.js";
import { adminCall, waitUntil } from "./admin.js";
import { Rng } from "../core/rng.js";
import type { Link, Rule } from "../core/network.js";
import type {
  AdminAddress,
  Capability,
  Endpoint,
  FailoverAgent,
  FailoverControl,
  FailoverMode,
  NetworkControl,
  NodeAddress,
  ProcessControl,
  Roles,
  Target,
} from "../core/target.js";
import { Switch } from "../net/switch.js";
import { allocateAddresses } from "./addresses.js";
import type { TargetDescriptor } from "./descriptor.js";
import { MASTER_NAME, replicationProblem, sentinelPrimary, sentinelProblem, type Layout } from "./topology.js";

/** How to start a data node and a sentinel: a program and the arguments before the config file. */
export interface Programs {
  server: Program;
  sentinel: Program;
}

export interface Program {
  /** The bundled server, which takes the `bug` option (real redis-server refuses it). */
  bundled?: boolean;
  bin: string;
  /** Arguments before the config file. */
  before: string[];
  /** Arguments after the config file. */
  after: string[];
}

interface Node extends NodeAddress {
  /** The port the node itself listens on, behind the switch. */
  privatePort: number;
  dir: string;
  configFile: string;
  process?: Managed;
  paused: boolean;
}

/** Processes started here: signals for process faults, the switch for network faults, Sentinel for failovers. */
export function processCapabilities(topology: TopologyName): Capability[] {
  return topology === "sentinel" ? ["process", "network", "failover"] : ["process", "network"];
}

/** A target of processes started from `programs` (which throws a SetupError when they are not here). */
export function processTargetDescriptor(name: TargetName, programs: () => Programs): TargetDescriptor {
  return {
    name,
    capabilities: (spec) => processCapabilities(spec.topology.type),
    preflight: () => void programs(),
    create: (spec, runDir, supervisor) => new ProcessTarget(spec, runDir, supervisor, programs()),
  };
}

export class ProcessTarget implements Target, ProcessControl, NetworkControl, FailoverControl {
  readonly capabilities: readonly Capability[];
  readonly nodes: Node[] = [];
  readonly password?: string;
  readonly network: Switch;
  private readonly setupTimeoutMs: number;

  constructor(
    private readonly spec: Spec,
    private readonly runDir: string,
    private readonly supervisor: Supervisor,
    private readonly programs: Programs,
  ) {
    this.password = spec.requirepass;
    this.setupTimeoutMs = spec.setupTimeoutS * 1000;
    this.network = new Switch(new Rng(spec.seed).forkSeed());
    this.capabilities = processCapabilities(spec.topology.type);
  }

  async setup(): Promise<void> {
    const { topology } = this.spec;
    const dataCount = 1 + topology.replicas;
    const addresses = await allocateAddresses(dataCount + topology.sentinels);
    addresses.forEach((address, i) =>
      this.addNode(i < dataCount ? `n${i + 1}` : `s${i - dataCount + 1}`, i < dataCount ? "data" : "sentinel", address),
    );
    for (const n of this.nodes) {
      await this.network.add({ id: n.id, host: n.host, publicPort: n.port, privatePort: n.privatePort });
    }

    const [primary, ...replicas] = this.dataNodes();
    this.writeDataConfig(primary);
    replicas.forEach((r, i) => this.writeDataConfig(r, primary, this.spec.replication.replicaPriority[i] ?? 100));
    await Promise.all(this.dataNodes().map((n) => this.startNode(n)));
    await this.waitFor("replicas in sync with the primary", () => replicationProblem(this.layout(), this.admin(primary)));

    if (topology.type !== "sentinel") return;
    for (const s of this.sentinelNodes()) this.writeSentinelConfig(s, primary);
    await Promise.all(this.sentinelNodes().map((n) => this.startNode(n)));
    await this.waitFor("sentinels knowing the primary, its replicas and each other", () =>
      sentinelProblem(this.layout(), this.admin(primary)),
    );
  }

  endpoint(): Endpoint {
    if (this.spec.topology.type === "sentinel") {
      return {
        kind: "sentinel",
        masterName: MASTER_NAME,
        sentinels: this.sentinelNodes().map((s) => ({ host: s.host, port: s.port })),
      };
    }
    const primary = this.dataNodes()[0];
    return { kind: "direct", host: primary.host, port: primary.port };
  }

  replicaEndpoints(): Endpoint[] {
    const endpoint = this.endpoint();
    if (endpoint.kind === "sentinel") return [{ ...endpoint, role: "slave" }];
    return this.dataNodes()
      .slice(1)
      .map((r) => ({ kind: "direct", host: r.host, port: r.port }));
  }

  async roles(): Promise<Roles | undefined> {
    const primary = await this.currentPrimary();
    // Mid-failover the sentinels may disagree: then no node can be named primary or replica.
    if (!primary) return undefined;
    const replicas = this.dataNodes().filter((n) => n.id !== primary.id).map((n) => n.id);
    return { shards: [{ id: MASTER_NAME, primary: primary.id, replicas }], sentinels: this.sentinelNodes().map((n) => n.id) };
  }

  isRunning(id: string): boolean {
    const node = this.node(id);
    return node.process !== undefined && this.supervisor.isAlive(node.process) && !node.paused;
  }

  async kill(id: string): Promise<void> {
    const node = this.node(id);
    if (node.process) await this.supervisor.kill(node.process);
    node.paused = false;
  }

  async restart(id: string): Promise<void> {
    const node = this.node(id);
    if (node.process && this.supervisor.isAlive(node.process)) return;
    await this.startNode(node);
  }

  async pause(id: string): Promise<void> {
    const node = this.node(id);
    if (node.process && this.supervisor.signal(node.process, "SIGSTOP")) node.paused = true;
  }

  async resume(id: string): Promise<void> {
    const node = this.node(id);
    if (node.process) this.supervisor.signal(node.process, "SIGCONT");
    node.paused = false;
  }

  async setLinks(links: readonly Link[], rule: Rule): Promise<void> {
    await this.network.set(links, rule);
  }

  /** Every running sentinel, for the one shard they watch. */
  async failoverAgents(): Promise<FailoverAgent[]> {
    return this.sentinelNodes()
      .filter((n) => this.isRunning(n.id))
      .map((n) => ({ node: n.id, shard: MASTER_NAME }));
  }

  /** SENTINEL FAILOVER: Sentinel has one kind of forced failover, not Cluster's FORCE or TAKEOVER. */
  async failover(agent: FailoverAgent, mode: FailoverMode = "default"): Promise<string> {
    if (mode !== "default") throw new Error(`Sentinel cannot fail over in mode ${mode}`);
    return String(await adminCall(this.admin(this.node(agent.node)), ["SENTINEL", "FAILOVER", agent.shard]));
  }

  async heal(): Promise<void> {
    await this.network.heal();
    for (const n of this.nodes) if (n.paused) await this.resume(n.id);
    for (const n of this.nodes) await this.restart(n.id);
    if (this.spec.topology.type !== "sentinel") {
      await this.waitFor("replicas in sync after the heal", () =>
        replicationProblem(this.layout(), this.admin(this.dataNodes()[0])),
      );
      return;
    }
    await this.waitFor("sentinels agreeing on one primary with every replica in sync after the heal", async () => {
      const primary = await sentinelPrimary(this.layout());
      if (!primary) return "sentinels do not agree on a primary";
      return (await replicationProblem(this.layout(), primary)) ?? (await sentinelProblem(this.layout(), primary));
    });
  }

  async teardown(): Promise<void> {
    await Promise.all(this.nodes.map((n) => (n.process ? this.supervisor.stop(n.process) : undefined)));
    await this.network.close();
  }

  nodeAt(host: string, port: number): string | undefined {
    return this.nodes.find((n) => n.port === port && host.replace(/^::ffff:/, "") === n.host)?.id;
  }

  private async currentPrimary(): Promise<Node | undefined> {
    if (this.spec.topology.type === "sentinel") {
      const p = await sentinelPrimary(this.layout());
      return p ? this.node(p.id!) : undefined;
    }
    return this.dataNodes()[0];
  }

  private addNode(id: string, kind: Node["kind"], address: { host: string; publicPort: number; privatePort: number }): void {
    const dir = join(this.runDir, "nodes", id);
    mkdirSync(join(dir, "data"), { recursive: true });
    const { host, publicPort: port, privatePort } = address;
    this.nodes.push({ id, kind, host, port, privatePort, dir, configFile: join(dir, `${id}.conf`), paused: false });
  }

  /** Listening privately on its own address, leaving from it, announcing the switch's port. */
  private networkConfig(node: Node): string[] {
    return [`port ${node.privatePort}`, `bind ${node.host}`, `bind-source-addr ${node.host}`];
  }

  private writeDataConfig(node: Node, primaryOf?: Node, priority = 100): void {
    const { replication, persistence } = this.spec;
    const lines = [
      ...this.networkConfig(node),
      `replica-announce-ip ${node.host}`,
      `replica-announce-port ${node.port}`,
      "protected-mode no",
      "daemonize no",
      `dir ${join(node.dir, "data")}`,
      `logfile ${join(node.dir, "redis.log")}`,
      'save ""',
      `appendonly ${persistence === "appendonly" ? "yes" : "no"}`,
      // Full syncs start at once instead of after Redis's default 5 s wait for more replicas.
      "repl-diskless-sync-delay 0",
      `replica-priority ${priority}`,
      `min-replicas-to-write ${replication.minReplicasToWrite}`,
      `min-replicas-max-lag ${replication.minReplicasMaxLag}`,
    ];
    if (this.password) lines.push(`requirepass ${this.password}`, `masterauth ${this.password}`);
    if (this.spec.bugs.length > 0) lines.push(`bug ${this.spec.bugs.join(",")}`);
    if (primaryOf) lines.push(`replicaof ${primaryOf.host} ${primaryOf.port}`);
    writeFileSync(node.configFile, lines.join("\n") + "\n");
  }

  private writeSentinelConfig(node: Node, primary: Node): void {
    const s = this.spec.sentinel;
    const lines = [
      ...this.networkConfig(node),
      `sentinel announce-ip ${node.host}`,
      `sentinel announce-port ${node.port}`,
      "protected-mode no",
      "daemonize no",
      `dir ${join(node.dir, "data")}`,
      `logfile ${join(node.dir, "sentinel.log")}`,
      `sentinel monitor ${MASTER_NAME} ${primary.host} ${primary.port} ${s.quorum}`,
      `sentinel down-after-milliseconds ${MASTER_NAME} ${s.downAfterMs}`,
      `sentinel failover-timeout ${MASTER_NAME} ${s.failoverTimeoutMs}`,
      `sentinel parallel-syncs ${MASTER_NAME} ${s.parallelSyncs}`,
    ];
    if (this.password) lines.push(`sentinel auth-pass ${MASTER_NAME} ${this.password}`);
    // Sentinel bug switches live in the sentinels; a data-node switch does nothing there.
    if (this.spec.bugs.length > 0 && this.programs.sentinel.bundled) lines.push(`bug ${this.spec.bugs.join(",")}`);
    writeFileSync(node.configFile, lines.join("\n") + "\n");
  }

  /** Starts a node with its config file and waits until it answers PING. */
  private async startNode(node: Node): Promise<void> {
    const program = node.kind === "sentinel" ? this.programs.sentinel : this.programs.server;
    const args = [...program.before, node.configFile, ...program.after];
    const managed = this.supervisor.spawn(node.id, program.bin, args, { cwd: node.dir, outputFile: join(node.dir, "stdout.log") });
    node.process = managed;
    node.paused = false;
    await this.waitFor(`${node.id} answering PING`, async () => {
      if (!this.supervisor.isAlive(managed)) throw new SetupError(`${node.id} exited at startup:\n${this.logTail(node)}`);
      await adminCall(this.admin(node), ["PING"], 500);
      return undefined;
    });
  }

  private async waitFor(what: string, probe: () => Promise<string | undefined>): Promise<void> {
    try {
      await waitUntil(what, this.setupTimeoutMs, probe);
    } catch (err) {
      throw new SetupError((err as Error).message);
    }
  }

  private logTail(node: Node): string {
    for (const file of ["redis.log", "sentinel.log", "stdout.log"]) {
      try {
        const text = readFileSync(join(node.dir, file), "utf8").trim();
        if (text) return text.split("\n").slice(-8).join("\n");
      } catch {
        // that log was never written
      }
    }
    return "(no log output)";
  }

  private layout(): Layout {
    return { data: this.dataNodes().map((n) => this.admin(n)), sentinels: this.sentinelNodes().map((n) => this.admin(n)) };
  }

  /** How the harness reaches a node for INFO and control: directly, past the switch. */
  adminAddress(id: string): AdminAddress {
    return this.admin(this.node(id));
  }

  /** The harness talks to nodes directly, past the switch, so that faults never blind it. */
  private admin(node: Node): AdminAddress {
    const password = node.kind === "data" ? this.password : undefined;
    return { id: node.id, host: node.host, port: node.privatePort, announcedPort: node.port, password };
  }

  private dataNodes(): Node[] {
    return this.nodes.filter((n) => n.kind === "data");
  }

  private sentinelNodes(): Node[] {
    return this.nodes.filter((n) => n.kind === "sentinel");
  }

  private node(id: string): Node {
    const node = this.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`no node ${id}`);
    return node;
  }
}
