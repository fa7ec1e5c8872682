// The switch with plain TCP: an echo server behind it, clients and "nodes" in front. Every
// case runs against both engines; switchd's own control channel is tested at the end.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { createInterface } from "node:readline";
import { sameProcess, startTime } from "../../targets/proc.js";
import { freePort } from "../../targets/ports.js";
import { CLIENTS } from "../../core/network.js";
import { NativeEngine, nativeBuilt, SWITCHD } from "../../net/native-engine.js";
import { Switch } from "../../net/switch.js";
import type { EngineName } from "../../net/switch-engine.js";
import { waitFor } from "../helpers.js";

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

/** The node n1: an echo server on a private port of NODE. */
async function echoNode(): Promise<Omit<Rig, "sw"> & { privatePort: number }> {
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
  return { echo, publicPort, privatePort, seen, nodeSide };
}

async function rig(engine: EngineName): Promise<Rig> {
  const node = await echoNode();
  const sw = new Switch(1, { engine });
  await sw.add({ id: "n1", host: NODE, publicPort: node.publicPort, privatePort: node.privatePort });
  await sw.add({ id: "n2", host: OTHER, publicPort: await freePort(OTHER), privatePort: await freePort(OTHER) });
  return { sw, ...node };
}

function connect(port: number, localAddress?: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = createConnection({ host: NODE, port, localAddress }, () => resolve(s));
    s.once("error", reject);
  });
}

/** Generous: on a loaded machine bytes are late, and only a switch that loses them misses it. */
const DEADLINE_MS = 10_000;

/** What a socket has received since `inbox` was called, and a wait for more. */
function inbox(s: Socket): { readonly text: string; until(expected: string): Promise<string> } {
  let got = "";
  s.on("data", (d: Buffer) => (got += d.toString()));
  return {
    get text() {
      return got;
    },
    /** Resolves with what arrived once it is as long as `expected`; rejects after the deadline saying what came. */
    until(expected: string): Promise<string> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (got.length < expected.length) return;
          clearTimeout(timer);
          s.off("data", check);
          resolve(got);
        };
        const timer = setTimeout(() => {
          s.off("data", check);
          reject(new Error(`waited ${DEADLINE_MS} ms for ${JSON.stringify(expected)}, got ${JSON.stringify(got)}`));
        }, DEADLINE_MS);
        s.on("data", check);
        check();
      });
    },
  };
}

/** Sends `text` through the switch and resolves with its echo, within the deadline. */
async function echoed(s: Socket, text: string): Promise<string> {
  const box = inbox(s);
  s.write(text);
  return box.until(text);
}

/** Resolves once the socket has closed; rejects after the deadline. */
function closed(s: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    if (s.destroyed) return resolve();
    const t = setTimeout(() => reject(new Error(`the connection still open after ${DEADLINE_MS} ms`)), DEADLINE_MS);
    s.once("close", () => {
      clearTimeout(t);
      resolve();
    });
  });
}

/**
 * Proof that the switch has had its chance to forward what was written before: a round trip of
 * the node n2 to n1, on a link that passes, made after it. Held bytes are checked after this,
 * not after a fixed time.
 */
async function otherLinkPasses(r: Rig): Promise<void> {
  const probe = await connect(r.publicPort, OTHER);
  try {
    assert.equal(await echoed(probe, "probe"), "probe");
  } finally {
    probe.destroy();
  }
}

function skipUnlessBuilt(this: Mocha.Context): void {
  if (nativeBuilt()) return;
  console.log(`      switchd is not built (no ${SWITCHD}): skipped`);
  this.skip();
}

for (const engine of ["native", "js"] as const) describe(`switch (${engine} engine)`, () => {
  let r: Rig;
  if (engine === "native") before(skipUnlessBuilt);
  beforeEach(async () => (r = await rig(engine)));
  afterEach(async () => {
    await r.sw.close();
    r.echo.close();
  });

  it("forwards in both directions and keeps the caller's address", async () => {
    const s = await connect(r.publicPort, OTHER);
    assert.equal(await echoed(s, "hello"), "hello");
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
    const box = inbox(s);
    s.write("lost?");
    await otherLinkPasses(r);
    assert.equal(box.text, "", "held while the link drops");
    assert.equal(s.destroyed, false);
    await r.sw.heal();
    assert.equal(await box.until("lost?"), "lost?");
    s.destroy();
  });

  it("drop of the return direction alone also stalls the answers", async () => {
    const s = await connect(r.publicPort);
    await r.sw.set([["n1", CLIENTS]], { kind: "drop" });
    const box = inbox(s);
    s.write("ping");
    await otherLinkPasses(r);
    assert.equal(box.text, "", "held while the return link drops");
    await r.sw.set([["n1", CLIENTS]], { kind: "pass" });
    assert.equal(await box.until("ping"), "ping");
    s.destroy();
  });

  it("a new connection under drop hangs rather than being refused", async () => {
    await r.sw.set([[CLIENTS, "n1"]], { kind: "drop" });
    const s = await connect(r.publicPort);
    const box = inbox(s);
    s.write("x");
    await otherLinkPasses(r);
    assert.equal(box.text, "");
    assert.equal(s.destroyed, false, "refused");
    s.destroy();
  });

  it("reset closes open connections and refuses new ones", async () => {
    const s = await connect(r.publicPort);
    await r.sw.set([[CLIENTS, "n1"]], { kind: "reset" });
    await closed(s);
    const again = createConnection({ host: NODE, port: r.publicPort });
    again.on("error", () => undefined);
    await closed(again);
  });

  it("rules are per link: a node's link can be cut while the clients' passes", async () => {
    await r.sw.set([["n2", "n1"]], { kind: "drop" });
    const fromNode = await connect(r.publicPort, OTHER);
    const fromClient = await connect(r.publicPort);
    const nodeBox = inbox(fromNode);
    fromNode.write("a");
    assert.equal(await echoed(fromClient, "b"), "b");
    assert.equal(nodeBox.text, "", "the node's bytes held while the clients' came back");
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
    // The receiver is behind once the echo has answered a megabyte that the paused client has not read.
    await waitFor("the echo to answer a megabyte the client has not read", DEADLINE_MS, () => {
      const echo = r.nodeSide[0];
      return echo !== undefined && (echo.bytesRead >= 1 << 20 || echo.writableNeedDrain);
    });
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
    assert.equal(await echoed(s, "hi"), "hi"); // the engine has the connection open
    await r.sw.set([[CLIENTS, "n1"]], { kind: "reset" });
    // No turn of the event loop since the answer: the RST came before it, so this write fails at once.
    s.write("x");
    assert.ok(s.errored, "the connection was still open when set() resolved");
  });

  it("passes a half close on after the bytes before it, delayed too", async () => {
    await r.sw.set([[CLIENTS, "n1"]], { kind: "delay", ms: 100, jitterMs: 20 });
    const s = await connect(r.publicPort);
    let got = "";
    s.on("data", (d: Buffer) => (got += d.toString()));
    s.end("bye"); // the echo ends its side once it has ours: both halves closed through the switch
    await closed(s);
    assert.equal(got, "bye");
  });

  it("close stops the engine and frees the public port", async () => {
    await r.sw.close();
    const again = createServer();
    await new Promise<void>((resolve, reject) => again.once("error", reject).listen(r.publicPort, NODE, resolve));
    again.close();
    await assert.rejects(r.sw.heal(), /switch closed/);
  });

  it("a node that goes away takes its forwarded connections down", async () => {
    const s = await connect(r.publicPort);
    assert.equal(await echoed(s, "x"), "x");
    for (const c of r.nodeSide) c.resetAndDestroy(); // the node dies: its kernel resets the connection
    await closed(s);
  });
});

/** switchd started by hand, to talk its control protocol directly. */
function switchd() {
  const child = spawn(SWITCHD, ["1"], { stdio: ["pipe", "pipe", "inherit"] });
  const replies = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    exited,
    /** Sends one line and resolves with the next reply. */
    async ask(line: string): Promise<string> {
      child.stdin.write(`${line}\n`);
      const next = await replies.next();
      assert.equal(next.done, false, `switchd closed its stdout after ${JSON.stringify(line)}`);
      return next.value as string;
    },
  };
}

describe("switchd", () => {
  before(skipUnlessBuilt);

  it("answers garbage with what it expected, and keeps working", async () => {
    const d = switchd();
    const node = await echoNode();
    try {
      const garbage: Array<[string, RegExp]> = [
        ["", /^err - expected a request: add, set or heal$/],
        ["hello world", /^err - expected add, set or heal, got "hello"$/],
        ["set", /^err - expected a request id \(1 to 15 digits\) after set$/],
        ["heal 1 2", /^err 1 expected: heal <id>$/],
        ["set 2 drop", /^err 2 expected: set <id> pass\|drop\|reset\|delay/],
        ["set 3 pause 0 0 clients>n1", /^err 3 expected pass, drop, reset or delay, got "pause"$/],
        ["set 4 delay -5 0 clients>n1", /^err 4 expected a delay in ms \(0 to 86400000\), got "-5"$/],
        ["set 5 drop 0 0 clients>n1 n1", /^err 5 expected a link <from>><to> between components, got "n1"$/],
        ["add 6 n1 127.0.0.1 99999 1", /^err 6 expected a public port \(1 to 65535\), got "99999"$/],
        ["add 7 n1 127.0.0.1", /^err 7 expected: add <id> <component> <host> <publicPort> <privatePort>$/],
        ["heal\u0001 8", /^err - expected a line of text, got a control character$/],
        ["x".repeat(70_000), /^err - expected a line of at most 65536 bytes$/],
      ];
      for (const [line, reply] of garbage) assert.match(await d.ask(line), reply);
      // Nothing half done: the set with a bad last link changed no rule.
      assert.equal(await d.ask(`add 9 n1 ${NODE} ${node.publicPort} ${node.privatePort}`), "ok 9");
      const s = await connect(node.publicPort);
      assert.equal(await echoed(s, "still here"), "still here");
      s.destroy();
    } finally {
      d.child.stdin.end();
      await d.exited;
      node.echo.close();
    }
  });

  it("refuses to listen or forward beyond loopback", async () => {
    const d = switchd();
    try {
      for (const host of ["10.0.0.1", "0.0.0.0", "::1", "localhost"]) {
        assert.match(await d.ask(`add 1 n1 ${host} 4000 4001`), new RegExp(`^err 1 refusing ${host}: expected an IPv4 loopback address \\(127\\.0\\.0\\.0/8\\)$`));
      }
    } finally {
      d.child.stdin.end();
      await d.exited;
    }
  });

  it("says why it cannot listen", async () => {
    const d = switchd();
    const taken = createServer();
    const port = await freePort(NODE);
    await new Promise<void>((resolve) => taken.listen(port, NODE, resolve));
    try {
      assert.equal(await d.ask(`add 1 n1 ${NODE} ${port} 4001`), `err 1 cannot listen on ${NODE}:${port}: Address already in use`);
    } finally {
      d.child.stdin.end();
      await d.exited;
      taken.close();
    }
  });

  it("exits when its parent closes its stdin", async () => {
    const d = switchd();
    assert.equal(await d.ask("heal 1"), "ok 1");
    d.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([d.exited, new Promise((resolve) => (timer = setTimeout(() => resolve("still running"), DEADLINE_MS)))]);
    clearTimeout(timer);
    if (code === "still running") d.child.kill("SIGKILL");
    assert.equal(code, 0);
  });

  it("close() leaves no switchd process", async () => {
    const engine = new NativeEngine(1);
    await engine.request({ op: "heal" });
    const pid = engine.pid!;
    const since = startTime(pid);
    assert.ok(since !== undefined && sameProcess(pid, since));
    await engine.close();
    assert.equal(sameProcess(pid, since), false, `switchd (PID ${pid}) still runs`);
  });

  it("a crash of switchd fails waiting and later requests, saying so", async () => {
    const engine = new NativeEngine(1);
    await engine.request({ op: "heal" });
    process.kill(engine.pid!, "SIGKILL");
    const waiting = engine.request({ op: "heal" }); // sent before the exit can be noticed: it waits
    await assert.rejects(waiting, /^Error: switchd exited \(SIGKILL\): the switch no longer forwards$/);
    await assert.rejects(engine.request({ op: "heal" }), /switchd exited \(SIGKILL\)/);
    await engine.close();
  });
});

describe("switch engine choice", () => {
  const saved = process.env.REDLINE_SWITCH;
  afterEach(() => {
    if (saved === undefined) delete process.env.REDLINE_SWITCH;
    else process.env.REDLINE_SWITCH = saved;
  });

  it("is native when switchd is built, else js; REDLINE_SWITCH and the option choose", async () => {
    delete process.env.REDLINE_SWITCH;
    const byDefault = new Switch(1);
    assert.equal(byDefault.engine, nativeBuilt() ? "native" : "js");
    await byDefault.close();
    process.env.REDLINE_SWITCH = "js";
    const fromEnv = new Switch(1);
    assert.equal(fromEnv.engine, "js");
    await fromEnv.close();
    // The option wins over REDLINE_SWITCH, which is then not even read.
    process.env.REDLINE_SWITCH = "c";
    const overEnv = new Switch(1, { engine: "js" });
    assert.equal(overEnv.engine, "js");
    await overEnv.close();
    if (nativeBuilt()) {
      process.env.REDLINE_SWITCH = "js";
      const native = new Switch(1, { engine: "native" });
      assert.equal(native.engine, "native");
      await native.close();
    }
  });

  it("rejects an unknown REDLINE_SWITCH", () => {
    process.env.REDLINE_SWITCH = "c";
    assert.throws(() => new Switch(1), /^Error: REDLINE_SWITCH is "js" or "native", not "c"$/);
  });
});
