// Outcome mapping, driven through real ioredis against tiny scripted servers, so the
// test sees exactly the errors ioredis produces for each situation.
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { Redis } from "ioredis";
import { classifyError, NotSentError } from "../../core/outcome.js";
import { createClient, ensureReady } from "../../harness/client.js";
import { waitReady } from "../../harness/workers.js";

const bulk = (s: string) => `$${Buffer.byteLength(s)}\r\n${s}\r\n`;

/** A server that answers the connection handshake and then does `onCommand` for each command. */
async function scripted(onCommand: (socket: Socket, line: string) => void): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on("error", () => undefined);
    socket.on("data", (buf) => {
      // Commands arrive as RESP arrays; the command name is the first bulk string.
      for (const chunk of buf.toString().split(/(?=\*\d+\r\n)/)) {
        const name = chunk.split("\r\n")[2]?.toLowerCase() ?? "";
        if (name === "info") socket.write(bulk("loading:0\r\nrole:master"));
        else if (name === "hello") socket.write("*2\r\n$5\r\nproto\r\n:3\r\n");
        else if (name === "client" || name === "select") socket.write("+OK\r\n");
        else if (name) onCommand(socket, name);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const address = server.address();
  return { server, port: typeof address === "object" && address ? address.port : 0 };
}

async function outcomeOf(onCommand: (socket: Socket, name: string) => void): Promise<ReturnType<typeof classifyError> | "ok"> {
  const { server, port } = await scripted(onCommand);
  const client = createClient({ kind: "direct", host: "127.0.0.1", port }, { timeoutMs: 300 });
  try {
    await waitReady(client, 2000);
    await client.set("k", "v");
    return "ok";
  } catch (err) {
    return classifyError(err);
  } finally {
    client.disconnect();
    server.close();
  }
}

describe("outcome mapping (real ioredis)", () => {
  it("a reply is ok", async () => {
    assert.equal(await outcomeOf((s) => s.write("+OK\r\n")), "ok");
  });

  for (const reply of [
    "READONLY You can't write against a read only replica.",
    "NOREPLICAS Not enough good replicas to write.",
    "WRONGTYPE Operation against a key holding the wrong kind of value",
    "LOADING Redis is loading the dataset in memory",
    "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
    "CLUSTERDOWN The cluster is down",
  ]) {
    it(`a -${reply.split(" ")[0]} error reply is fail`, async () => {
      assert.deepEqual(await outcomeOf((s) => s.write(`-${reply}\r\n`)), { type: "fail", error: reply });
    });
  }

  it("EXECABORT from a transaction is fail", async () => {
    const { server, port } = await scripted((s, name) => {
      if (name === "multi") s.write("+OK\r\n");
      else if (name === "exec") s.write("-EXECABORT Transaction discarded because of previous errors.\r\n");
      else s.write("-ERR unknown command\r\n");
    });
    const client = createClient({ kind: "direct", host: "127.0.0.1", port }, { timeoutMs: 300 });
    try {
      await waitReady(client, 2000);
      const err = await client.multi().set("k", "v").exec().then(
        () => undefined,
        (e: unknown) => e,
      );
      assert.equal(classifyError(err).type, "fail");
    } finally {
      client.disconnect();
      server.close();
    }
  });

  it("a command that gets no reply in time is info", async () => {
    const outcome = await outcomeOf(() => undefined);
    assert.notEqual(outcome, "ok");
    assert.equal((outcome as { type: string }).type, "info");
    assert.match((outcome as { error: string }).error, /timed out/);
  });

  it("a connection closed after the command was sent is info", async () => {
    const outcome = await outcomeOf((s) => s.destroy());
    assert.notEqual(outcome, "ok");
    assert.equal((outcome as { type: string }).type, "info");
  });

  it("a command not sent because the client is not connected is fail", async () => {
    const client = new Redis({ port: 1, lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    client.on("error", () => undefined);
    const err = await client.set("k", "v").then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.deepEqual(classifyError(err).type, "fail");
    assert.throws(() => ensureReady(client), NotSentError);
    assert.equal(classifyError(new NotSentError("not connected")).type, "fail");
    client.disconnect();
  });

  it("anything unrecognised is info, the safe answer", () => {
    assert.equal(classifyError(new Error("something new")).type, "info");
    assert.equal(classifyError("a string").type, "info");
  });
});
