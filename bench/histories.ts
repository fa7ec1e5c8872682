// Generated register histories for benchmarks: concurrent clients whose ops take effect
// at a point inside their interval, so the history is linearizable by construction.
// Plans live in typed arrays so that generating a million ops does not cost more memory
// than the history itself.
import type { Op } from "../history/op.js";
import { Rng } from "../core/rng.js";

export interface Shape {
  name: string;
  clients: number;
  keys: number;
  ops: number;
  /** Mean op latency relative to the gap between a client's ops: larger means more overlap. */
  overlap: number;
  /** Fraction of writes whose outcome is unknown (info). */
  infoRate: number;
}

export function generateRegisterHistory(shape: Shape, seed = 1): Op[] {
  const rng = new Rng(seed);
  const n = shape.ops;
  const call = new Float64Array(n);
  const ret = new Float64Array(n);
  const point = new Float64Array(n);
  const key = new Int32Array(n);
  const flags = new Uint8Array(n); // 1 write, 2 info
  const clientFree = new Float64Array(shape.clients);
  for (let i = 0; i < n; i++) {
    const client = i % shape.clients;
    call[i] = clientFree[client] + Math.floor(rng.next() * 1000);
    const latency = 1 + Math.floor(rng.next() * 2000 * shape.overlap);
    ret[i] = call[i] + latency;
    clientFree[client] = ret[i] + 1;
    key[i] = rng.int(shape.keys);
    point[i] = call[i] + rng.next() * latency;
    flags[i] = (rng.next() < 0.5 ? 1 : 0) | (rng.next() < shape.infoRate ? 2 : 0);
  }
  // Apply in linearization-point order to learn what each read returned.
  const readValue = new Float64Array(n).fill(-1); // -1: the key was never written (nil)
  const current = new Float64Array(shape.keys).fill(-1);
  const byPoint = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => point[a] - point[b]);
  for (const i of byPoint) {
    if (flags[i] & 1) current[key[i]] = i + 1;
    else readValue[i] = current[key[i]];
  }
  // Events: invocation 2i, completion 2i+1, sorted by time.
  const byTime = Uint32Array.from({ length: 2 * n }, (_, e) => e).sort((a, b) => timeOf(a) - timeOf(b) || a - b);
  function timeOf(e: number): number {
    return e & 1 ? ret[e >>> 1] : call[e >>> 1];
  }
  // A client whose write ended in info continues as a new process, as in a real run.
  const process = new Int32Array(n);
  const retired = new Int32Array(shape.clients);
  for (let i = 0; i < n; i++) {
    const c = i % shape.clients;
    process[i] = c + retired[c] * shape.clients;
    if (flags[i] & 2 && flags[i] & 1) retired[c]++;
  }
  const ops: Op[] = new Array(2 * n);
  byTime.forEach((e, index) => {
    const i = e >>> 1;
    const write = (flags[i] & 1) === 1;
    const f = write ? "write" : "read";
    const k = `k${key[i]}`;
    if ((e & 1) === 0) {
      ops[index] = { index, time: call[i], process: process[i], type: "invoke", f, key: k, value: write ? i + 1 : null };
    } else {
      const type = write && flags[i] & 2 ? "info" : "ok";
      const value = write ? i + 1 : readValue[i] < 0 ? null : readValue[i];
      ops[index] = { index, time: ret[i], process: process[i], type, f, key: k, value };
    }
  });
  return ops;
}
