// The bundled server against a real redis-server: integer arguments and options read as Redis
// 7.0 reads them (string2ll: a whole long long, no leading zero, no '+', no "-0"), and the
// bounds of each integer option. Replies are compared byte for byte.
import { Both, ServerPair } from "../support/differential.js";

/** Integers at and around the edges of what string2ll takes, and the forms it refuses. */
const EDGES = ["0", "1", "-1", "007", "-0", "+1", " 1", "1 ", "1.0", "", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "99999999999999999999"];

describe("differential: integer arguments and options", function () {
  this.timeout(30_000);
  // One connection to each server for the whole file: no case here leaves it in a transaction, subscribed or a replica.
  let pair: ServerPair | undefined;
  let both: Both;
  before(async () => {
    pair = await ServerPair.start();
    const { real, ours } = await pair.clients();
    both = new Both(real, ours);
  });
  after(() => {
    both?.close();
    pair?.stop();
  });

  /** Runs `body`, then sets the options back to their values before it (the same on both servers). */
  async function keepingOptions(names: string[], body: () => Promise<void>): Promise<void> {
    const before = await Promise.all(names.map((name) => both.same("CONFIG", "GET", name)));
    try {
      await body();
    } finally {
      for (const reply of before) {
        const [, name, , value] = reply.split("\r\n").slice(1);
        await both.same("CONFIG", "SET", name, value);
      }
    }
  }

  it("WAIT reads numreplicas and its timeout as long longs (19 digits too)", async () => {
    for (const n of EDGES) await both.same("WAIT", n, "1"); // no replica: a wait for one ends after 1 ms
    for (const t of EDGES) await both.same("WAIT", "0", t);
  });

  it("CONFIG SET of each integer option at its bounds and past them; what string2ll refuses", async () => {
    const bounds: Array<[string, bigint, bigint]> = [
      ["hz", 0n, 2n ** 31n - 1n],
      ["timeout", 0n, 2n ** 31n - 1n],
      ["repl-diskless-sync-delay", 0n, 2n ** 31n - 1n],
      ["replica-priority", 0n, 2n ** 31n - 1n],
      ["repl-backlog-ttl", 0n, 2n ** 63n - 1n],
      ["repl-ping-replica-period", 1n, 2n ** 31n - 1n],
      ["repl-timeout", 1n, 2n ** 31n - 1n],
      ["replica-announce-port", 0n, 65535n],
      ["min-replicas-to-write", 0n, 2n ** 31n - 1n],
      ["min-replicas-max-lag", 0n, 2n ** 31n - 1n],
      // maxclients's upper bound is left out: Redis refuses more clients than the open-file limit allows.
      ["maxclients", 1n, 1n],
    ];
    await keepingOptions(bounds.map(([name]) => name), async () => {
      for (const [name, min, max] of bounds) {
        for (const value of [min - 1n, min, max, max + 1n]) await both.same("CONFIG", "SET", name, String(value));
        for (const value of EDGES) await both.same("CONFIG", "SET", name, value);
        await both.same("CONFIG", "GET", name);
      }
      await both.same("CONFIG", "SET", "maxclients", "4294967296");
    });
  });

  it("CONFIG SET of a memory option reads it as memtoull: units in any case, leading zeros, no sign or space, wrapping past 2^64", async () => {
    const values = [...EDGES, "1048576", "1mb", "1MB", "1Mb", "1048576b", "1024KB", "1k", "2g", "1gb", "0001mb", "kb", "mb", "1 mb", "1mb ", "-1mb", "+1mb", "1tb", "1.5mb", "2mb\0x", "9007199254740993gb", "18446744073709551615", "18446744073709551616", "1".repeat(127), "1".repeat(128)];
    const names = ["proto-max-bulk-len", "client-query-buffer-limit", "repl-backlog-size"];
    await keepingOptions(names, async () => {
      for (const name of names) {
        for (const value of values) {
          await both.same("CONFIG", "SET", name, value);
          await both.same("CONFIG", "GET", name);
        }
      }
    });
  });

  it("REPLICAOF's port is a long long within 0..65535; REPLCONF listening-port any long long", async () => {
    // The valid ports (0, 1) are left out: they would make the server a replica.
    for (const port of [...EDGES, "65536"].filter((p) => p !== "0" && p !== "1")) await both.same("REPLICAOF", "127.0.0.1", port);
    for (const port of EDGES) await both.same("REPLCONF", "listening-port", port);
  });
});
