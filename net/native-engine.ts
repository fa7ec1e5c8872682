// The native engine: switchd (native/switchd.c), the forwarder in C, as a child process taking
// requests on stdin and answering on stdout, a line each (the protocol is described at the head
// of switchd.c). It costs less CPU per forwarded message than the JavaScript engine.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { existsSync } from "node:fs";
import type { Socket } from "node:net";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import type { Component } from "../core/network.js";
import { Calls, type Request, type SwitchEngine } from "./switch-engine.js";

/** Where the build (scripts/build-switchd.mjs) puts switchd. */
export const SWITCHD = fileURLToPath(new URL("./native/switchd", import.meta.url));

export function nativeBuilt(): boolean {
  return existsSync(SWITCHD);
}

export class NativeEngine implements SwitchEngine {
  readonly name = "native";
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly calls: Calls;
  private readonly exited: Promise<void>;

  /** `seed`: of the jitter of delays. */
  constructor(seed: number) {
    // A process group of its own (detached), so that a Ctrl-C at the terminal reaches only the
    // harness, which needs the switch to stop the run in order. It cannot outlive the harness:
    // switchd exits when its stdin closes, and with its parent.
    this.child = spawn(SWITCHD, [String(seed >>> 0)], { stdio: ["pipe", "pipe", "inherit"], detached: true });
    const handles = [this.child, this.child.stdin, this.child.stdout] as unknown as Array<Pick<Socket, "ref" | "unref">>;
    this.calls = new Calls((busy) => {
      for (const h of handles) {
        if (busy) h.ref();
        else h.unref();
      }
    });
    // Idle, switchd holds nothing up: the process exits as if the switch were not there.
    for (const h of handles) h.unref();
    this.exited = new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.once("error", () => this.child.pid === undefined && resolve()); // it never started
    });
    this.child.on("error", (err) => this.calls.fail(new Error(`switchd: ${err.message}`)));
    this.child.on("exit", (code, signal) => this.calls.fail(new Error(`switchd exited (${signal ?? `code ${code}`}): the switch no longer forwards`)));
    this.child.stdin.on("error", () => undefined); // a write after switchd died: its exit says why
    let partial = "";
    this.child.stdout.setEncoding("utf8");
    this.child.stdout.on("data", (data: string) => {
      const lines = (partial + data).split("\n");
      partial = lines.pop()!;
      for (const line of lines) this.reply(line);
    });
  }

  /** The PID of switchd, while it was started. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  async request(request: Request): Promise<void> {
    const words = encode(request);
    return this.calls.call((id) => this.child.stdin.write(`${request.op} ${id}${words}\n`));
  }

  async close(): Promise<void> {
    this.calls.fail(new Error("switch closed"));
    this.child.kill("SIGKILL"); // by PID, and only while Node has not reaped it
    await this.exited;
  }

  private reply(line: string): void {
    const match = /^(?:ok (\d+)|err (\d+) (.*))$/.exec(line);
    const message = match?.[3];
    if (match && this.calls.answer(Number(match[1] ?? match[2]), message === undefined ? undefined : `switchd: ${message}`)) return;
    // Out of step with switchd: no later answer could be trusted either.
    this.calls.fail(new Error(`switchd: unexpected reply ${JSON.stringify(line)}`));
    this.child.kill("SIGKILL");
  }
}

/** The words of a request after its op and id. */
function encode(request: Request): string {
  switch (request.op) {
    case "add": {
      const { id, host, publicPort, privatePort } = request.port;
      return ` ${word(id)} ${host} ${publicPort} ${privatePort}`;
    }
    case "set": {
      const { rule, links } = request;
      const [ms, jitterMs] = rule.kind === "delay" ? [rule.ms, rule.jitterMs] : [0, 0];
      return ` ${rule.kind} ${ms} ${jitterMs}${links.map(([from, to]) => ` ${word(from)}>${word(to)}`).join("")}`;
    }
    case "heal":
      return "";
  }
}

/** A component as switchd takes it: 1 to 63 printable ASCII characters (! to ~) other than ">". */
function word(component: Component): string {
  if (!/^[!-=?-~]{1,63}$/.test(component)) {
    throw new Error(`switchd: a component is 1 to 63 printable ASCII characters other than ">", not ${JSON.stringify(component)}`);
  }
  return component;
}
