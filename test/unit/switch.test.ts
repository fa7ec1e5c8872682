// The switch with plain TCP: an echo server behind it, clients and "nodes" in front.
import assert from "node:assert/strict";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { freePort } from "../../harness/targets/ports.js";
import { CLIENTS } from "../../nemesis/links.js";
import { Switch } from "../../nemesis/switch.js";

const NODE = "127.77.0.11";
const OTHER = "127.77.0.12";

interface Rig {
  sw: Switch;
  echo: Server;
  publicPort: number;
  seen: string[];
  /** The node's ends of forwarded connections. */
  nodeSide: Socket[];
}

async function rig(): Promise<Rig> {
  const privatePort = await freePort(NODE);
  const publicPort = await freePort(NODE);
  const seen: string[] = [];
  const nodeSide: Socket[] = [];
  const echo = createServer((s) => {
    seen.push(s.remoteAddress!);
    nodeSide.push(s);
    s.on("error", () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(privatePort, NODE, r));
  const sw = new Switch(1);
  await sw.add({ id: "n1", host: NODE, publicPort, privatePort });
  await sw.add({ id: "n2", host: OTHER, publicPort: await freePort(OTHER), privatePort: await freePort(OTHER) });
  return { sw, echo, publicPort, seen, nodeSide };
}

function connect(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: NODE, port, localAddress }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Resolves with what the socket receives within `ms`. */
function receive(s: Socket, ms: number): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    const onData = (d: Buffer) => (got += d.toString());
    s.on("data", onData);
    setTimeout(() => {
      s.off("data", onData);
      resolve(got);
    }, ms);
  });
}

function closed(s: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    s.once("close", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

describe("switch", () => {
  let r: Rig;
  beforeEach(async () => (r = await rig()));
  afterEach(async () => {
    await r.sw.close();
    r.echo.close();
  });

  it("forwards in both directions and keeps the caller's address", async () => {
    const s = await connect(r.publicPort, OTHER);
    s.write("hello");
    assert.equal(await receive(s, 100), "hello");
    assert.deepEqual(r.seen, [OTHER]);
    s.destroy();
  });

  it("knows nodes by their address and everything else as the clients", () => {
    assert.equal(r.sw.identify(OTHER), "n2");
    assert.equal(r.sw.identify(`::ffff:${NODE}`), "n1");
    assert.equal(r.sw.identify("127.0.0.1"), CLIENTS);
  });

  it("drop stalls an open connection without closing it; the bytes arrive after the heal", async () => {
    const s = await connect(r.publicPort);
    await r.sw.set([[CLIENTS, "n1"]], { kind: "drop" });
    s.write("lost?");
    assert.equal(await receive(s, 200), "");
    assert.equal(s.destroyed, false);
    const after = receive(s, 200); // listening first: the bytes may come before the heal's ack
    await r.sw.heal();
    assert.equal(await after, "lost?");
    s.destroy();
  });

  it("drop of the return direction alone also stalls the answers", async () => {
    const s = await connect(r.publicPort);
    await r.sw.set([["n1", CLIENTS]], { kind: "drop" });
    s.write("ping");
    assert.equal(await receive(s, 200), "");
    const after = receive(s, 200);
    await r.sw.set([["n1", CLIENTS]], { kind: "pass" });
    assert.equal(await after, "ping");
    s.destroy();
  });

  it("a new connection under drop hangs rather than being refused", async () => {
    await r.sw.set([[CLIENTS, "n1"]], { kind: "drop" });
    const s = await connect(r.publicPort);
    s.write("x");
    assert.equal(await receive(s, 200), "");
    assert.equal(await closed(s, 50), false);
    s.destroy();
  });

  it("reset closes open connections and refuses new ones", async () => {
    const s = await connect(r.publicPort);
    await r.sw.set([[CLIENTS, "n1"]], { kind: "reset" });
    assert.equal(await closed(s, 500), true);
    const again = createConnection({ host: NODE, port: r.publicPort });
    again.on("error", () => undefined);
    assert.equal(await closed(again, 500), true);
  });

  it("rules are per link: a node's link can be cut while the clients' passes", async () => {
    await r.sw.set([["n2", "n1"]], { kind: "drop" });
    const fromNode = await connect(r.publicPort, OTHER);
    const fromClient = await connect(r.publicPort);
    fromNode.write("a");
    fromClient.write("b");
    assert.equal(await receive(fromClient, 150), "b");
    assert.equal(await receive(fromNode, 50), "");
    fromNode.destroy();
    fromClient.destroy();
  });

  it("delay holds every chunk for about the delay, in order", async () => {
    const s = await connect(r.publicPort);
    await r.sw.set([[CLIENTS, "n1"]], { kind: "delay", ms: 150, jitterMs: 20 });
    const started = Date.now();
    for (let i = 0; i < 5; i++) s.write(String(i));
    let got = "";
    await new Promise<void>((resolve) =>
      s.on("data", (d) => {
        got += d.toString();
        if (got.length === 5) resolve();
      }),
    );
    assert.equal(got, "01234");
    assert.ok(Date.now() - started >= 125, `delivered after ${Date.now() - started} ms`);
    s.destroy();
  });

  it("carries bulk data intact through a receiver slower than the sender", async () => {
    const s = await connect(r.publicPort);
    const sent = Buffer.alloc(8 << 20, 0).map((_, i) => (i * 31 + (i >> 12)) & 0xff);
    s.pause(); // the echo's answers back up through the switch until read
    s.write(sent);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const chunks: Buffer[] = [];
    let got = 0;
    await new Promise<void>((resolve) => {
      s.on("data", (d: Buffer) => {
        chunks.push(d);
        got += d.length;
        if (got >= sent.length) resolve();
      });
      s.resume();
    });
    assert.ok(Buffer.concat(chunks).equals(sent), "the bytes arrived altered");
    s.destroy();
  });

  it("set resolves once the rule holds on open connections: a reset has hit the caller by then", async () => {
    const s = await connect(r.publicPort);
    s.on("error", () => undefined);
    s.write("hi");
    assert.equal(await receive(s, 100), "hi"); // the switch thread has the connection open
    await r.sw.set([[CLIENTS, "n1"]], { kind: "reset" });
    // No turn of the event loop since the answer: the RST came before it, so this write fails at once.
    s.write("x");
    assert.ok(s.errored, "the connection was still open when set() resolved");
  });

  it("close stops the thread and frees the public port", async () => {
    await r.sw.close();
    const again = createServer();
    await new Promise<void>((resolve, reject) => again.once("error", reject).listen(r.publicPort, NODE, resolve));
    again.close();
    await assert.rejects(r.sw.heal(), /switch closed/);
  });

  it("a node that goes away takes its forwarded connections down", async () => {
    const s = await connect(r.publicPort);
    s.write("x");
    assert.equal(await receive(s, 100), "x");
    for (const c of r.nodeSide) c.resetAndDestroy(); // the node dies: its kernel resets the connection
    assert.equal(await closed(s, 500), true);
  });
});
