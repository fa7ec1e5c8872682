// Generated register histories for benchmarks: concurrent clients whose ops take effect
// at a point inside their interval, so the history is linearizable by construction.
import type { Op } from "../history/op.js";
import { Rng } from "../harness/rng.js";

export interface Shape {
  name: string;
  clients: number;
  keys: number;
  ops: number;
  /** Mean op latency relative to the gap between a client's ops: larger means more overlap. */
  overlap: number;
  /** Fraction of ops whose outcome is unknown (info). */
  infoRate: number;
}

export function generateRegisterHistory(shape: Shape, seed = 1): Op[] {
  const rng = new Rng(seed);
  const values = new Map<string, number | null>();
  const clientFree = new Array<number>(shape.clients).fill(0);
  const planned: Array<{ process: number; key: string; write: boolean; call: number; ret: number; point: number; info: boolean; value: number }> = [];
  for (let i = 0; i < shape.ops; i++) {
    const client = i % shape.clients;
    const call = clientFree[client] + Math.floor(rng.next() * 1000);
    const latency = 1 + Math.floor(rng.next() * 2000 * shape.overlap);
    const ret = call + latency;
    clientFree[client] = ret + 1;
    planned.push({
      process: client,
      key: `k${rng.int(shape.keys)}`,
      write: rng.next() < 0.5,
      call,
      ret,
      point: call + rng.next() * latency,
      info: rng.next() < shape.infoRate,
      value: i + 1,
    });
  }
  // Apply in linearization-point order to learn what each read returned.
  const reads = new Map<number, number | null>();
  const order = planned.map((_, i) => i).sort((a, b) => planned[a].point - planned[b].point);
  for (const i of order) {
    const p = planned[i];
    if (p.write) values.set(p.key, p.value);
    else reads.set(i, values.get(p.key) ?? null);
  }
  const events: Array<{ time: number; op: Omit<Op, "index"> }> = [];
  const processOf = new Array<number>(shape.clients).fill(0).map((_, c) => c);
  planned.forEach((p, i) => {
    const process = processOf[p.process];
    const f = p.write ? "write" : "read";
    events.push({ time: p.call, op: { time: p.call, process, type: "invoke", f, key: p.key, value: p.write ? p.value : null } });
    if (p.info && p.write) {
      events.push({ time: p.ret, op: { time: p.ret, process, type: "info", f, key: p.key, value: p.value } });
      processOf[p.process] += shape.clients; // a process that got info is retired
    } else {
      events.push({ time: p.ret, op: { time: p.ret, process, type: "ok", f, key: p.key, value: p.write ? p.value : reads.get(i) } });
    }
  });
  events.sort((a, b) => a.time - b.time);
  return events.map((e, index) => ({ ...e.op, index }) as Op);
}
