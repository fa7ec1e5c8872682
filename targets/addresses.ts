// Loopback addresses for a run's nodes. Every node gets its own address, so that the switch
// can tell callers apart by source address; each run picks its own 127.a.b.0/24 (all of
// 127.0.0.0/8 is loopback on Linux), so parallel runs never share an address. 127.0.0.1,
// where unbound client sockets come from, is never handed out.
import { randomInt } from "node:crypto";
import { freePort } from "./ports.js";

export interface NodeAddressing {
  host: string;
  /** Where clients and other nodes reach the node: the switch. */
  publicPort: number;
  /** Where the node itself listens, reached directly only by the switch and the harness. */
  privatePort: number;
}

const FIRST_HOST = 10;

export async function allocateAddresses(count: number): Promise<NodeAddressing[]> {
  const subnet = `127.${randomInt(1, 255)}.${randomInt(0, 256)}`;
  const nodes: NodeAddressing[] = [];
  for (let i = 0; i < count; i++) {
    const host = `${subnet}.${FIRST_HOST + i}`;
    const publicPort = await freePort(host);
    let privatePort = await freePort(host);
    while (privatePort === publicPort) privatePort = await freePort(host);
    nodes.push({ host, publicPort, privatePort });
  }
  return nodes;
}
