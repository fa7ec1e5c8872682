// The bundled server against a real redis-server: protocol, errors, connection commands,
// transactions and pub/sub. Replies are compared byte for byte.
import assert from "node:assert/strict";
import { waitFor } from "../helpers.js";
import { Both, ServerPair } from "../support/differential.js";
import { encodeRequest } from "../support/raw-client.js";

describe("differential: protocol and connection", function () {
  this.timeout(30_000);
  let pair: ServerPair;
  let both: Both;

  before(async () => {
    pair = await ServerPair.start();
  });
  after(() => pair?.stop()); // undefined when `before` failed: its error is the one to see
  beforeEach(async () => {
    const { real, ours } = await pair.clients();
    both = new Both(real, ours);
    await both.same("FLUSHALL");
  });
  afterEach(() => both?.close());

  it("PING, ECHO, unknown commands and arity errors", async () => {
    await both.same("PING");
    await both.same("PING", "hello");
    await both.same("ECHO", "x y");
    await both.same("NOSUCHCOMMAND", "a", "b");
    await both.same("GET");
    await both.same("ECHO");
    await both.same("PING", "a", "b");
  });

  it("errors echo the client's bytes as sent: up to a NUL byte, within Redis's lengths, CR and LF as spaces (trimmed at the end of a formatted error)", async () => {
    const bytes = (text: string) => Buffer.from(text, "latin1");
    await both.same(bytes("\xff*2"));
    await both.same(bytes("x\xff"), bytes("\xfe\xfd"), bytes("a\0b"), "c\r\nd");
    await both.same("x".repeat(200), "a".repeat(50), "b".repeat(50), "c".repeat(50), "d");
    await both.same("x", ...Array.from({ length: 30 }, (_, i) => `a${i}`));
    await both.same("MULTI");
    await both.same(bytes("nosuch\xff"));
    await both.same("EXEC");
    await both.same("CONFIG", bytes("\xffb\r\n"));
    await both.same("CLIENT", "y".repeat(200));
    await both.same("HELLO", "3", bytes("x\xff\0y"));
    await both.same("CONFIG", "SET", bytes("x\xff\n"), "1");
    await both.same("CLIENT", "KILL", "TYPE", bytes("x\xff\n"));
    await both.same("SET", "k", "v");
    await both.same("EXPIRE", "k", "10", bytes("\nab\xff\n"));
    await both.sameRaw(bytes("\xff*2\r\nrpush k1 \xff\xfe\r\nx\xfe y\r\n"));
    await both.sameRaw(""); // the replies after the first
    await both.sameRaw("");
  });

  it("inline commands, with quotes", async () => {
    await both.sameRaw("PING\r\n");
    await both.sameRaw("SET k \"a b\\x41\"\r\n");
    await both.sameRaw("GET k\r\n");
    await both.sameRaw("ECHO 'it''s'\r\n");
  });

  for (const [what, bytes] of [
    ["an invalid multibulk length", "*x\r\n"],
    ["an invalid bulk length", "*1\r\n$x\r\n"],
    ["a missing $", "*1\r\n+PING\r\n"],
    ["unbalanced quotes", 'ECHO "abc\r\n'],
  ]) {
    it(`a protocol error (${what}) gets Redis's text, then the connection closes`, async () => {
      await both.sameRaw(bytes);
      await both.sameRaw("PING\r\n"); // both closed: "<closed>"
    });
  }

  it("QUIT answers after the replies pipelined before it, then the connection closes", async () => {
    await both.sameRaw("PING\r\nQUIT\r\n"); // +PONG
    await both.sameRaw(""); // +OK
    await both.sameRaw(""); // "<closed>"
  });

  it("SELECT and the 16 databases", async () => {
    await both.same("SET", "k", "0");
    await both.same("SELECT", "3");
    await both.same("GET", "k");
    await both.same("SET", "k", "3");
    await both.same("SELECT", "16");
    await both.same("SELECT", "x");
    await both.same("SELECT", "0");
    await both.same("GET", "k");
  });

  it("MULTI / EXEC, queued errors and EXECABORT, DISCARD", async () => {
    await both.same("MULTI");
    await both.same("SET", "a", "1");
    await both.same("INCR", "a");
    await both.same("LPUSH", "a", "x"); // fails at EXEC with WRONGTYPE, the rest still runs
    await both.same("EXEC");
    await both.same("MULTI");
    await both.same("SET", "b", "1");
    await both.same("NOSUCH"); // an error while queueing dooms the transaction
    await both.same("EXEC");
    await both.same("GET", "b");
    await both.same("EXEC");
    await both.same("DISCARD");
    await both.same("MULTI");
    await both.same("MULTI");
    await both.same("DISCARD");
  });

  it("MULTI queues SELECT, AUTH, UNWATCH and SUBSCRIBE for EXEC (the database holds after it); PSYNC and SYNC are refused", async () => {
    await both.same("MULTI");
    await both.same("SELECT", "1");
    await both.same("SET", "k", "v");
    await both.same("SELECT", "99");
    await both.same("AUTH", "nopass");
    await both.same("UNWATCH");
    await both.same("EXEC");
    await both.same("GET", "k");
    await both.same("SELECT", "0");
    await both.same("GET", "k");
    await both.same("MULTI");
    await both.same("PSYNC", "?", "-1");
    await both.same("SYNC");
    await both.same("EXEC");
    // One element per command in EXEC's header, but SUBSCRIBE answers once per channel.
    await both.same("MULTI");
    await both.same("SUBSCRIBE", "a", "b");
    await both.same("PING");
    await both.same("EXEC"); // *2, subscribe a, subscribe b
    await both.sameRaw(""); // PING's reply, pub/sub-shaped
  });

  it("DEBUG is refused without enable-debug-command, before the password check, and dooms a transaction", async () => {
    await both.same("DEBUG", "SLEEP", "0");
    await both.same("DEBUG");
    await both.same("MULTI");
    await both.same("DEBUG", "SET-ACTIVE-EXPIRE", "0");
    await both.same("EXEC");
  });

  it("a refused EXEC discards the transaction and says why (EXECABORT ... because of)", async () => {
    await both.same("EXEC", "x");
    await both.same("MULTI");
    await both.same("SET", "a", "1");
    await both.same("EXEC", "x");
    await both.same("EXEC"); // no transaction any more
    await both.same("GET", "a");
  });

  it("container commands refuse an unknown subcommand or a wrong argument count before running, inside MULTI too", async () => {
    await both.same("CONFIG");
    await both.same("Config", "bogus\r\nx");
    await both.same("CONFIG", "GET");
    await both.same("CONFIG", "SET", "hz");
    await both.same("CONFIG", "SET", "hz", "10", "timeout");
    await both.same("CONFIG", "RESETSTAT", "x");
    await both.same("CLIENT", "BOGUS");
    await both.same("CLIENT", "ID", "x");
    await both.same("CLIENT", "SETNAME");
    await both.same("CLIENT", "KILL");
    await both.same("COMMAND", "BOGUS");
    await both.same("COMMAND", "COUNT", "x");
    await both.same("COMMAND", "GETKEYS", "get");
    await both.same("COMMAND", "GETKEYS", "nosuch", "a");
    await both.same("COMMAND", "GETKEYS", "ping", "a");
    await both.same("COMMAND", "GETKEYS", "get", "a", "b");
    await both.same("COMMAND", "GETKEYS", "mset", "a", "1", "b", "2");
    await both.same("COMMAND", "LIST", "x");
    await both.same("MULTI");
    await both.same("CLIENT", "SETNAME");
    await both.same("EXEC");
  });

  it("COMMAND GETKEYS knows the session commands and a container's subcommands; a keyless command says so before its arity is checked", async () => {
    for (const call of [["quit", "0"], ["watch", "k"], ["WATCH", "k", "j"], ["watch"], ["multi", "x"], ["exec"], ["hello", "3"], ["auth", "a"], ["select", "x", "y"], ["subscribe", "a"], ["unwatch"], ["reset"], ["psync", "a", "b"]]) {
      await both.same("COMMAND", "GETKEYS", ...call);
    }
    for (const call of [["config", "a"], ["config", "get"], ["CONFIG", "GET", "x", "y"], ["config"], ["client", "bogus", "x"], ["command", "getkeys"], ["command", "nosuch", "get", "k"], ["get"], ["get", "k", "j"], ["blpop", "a", "b", "0"]]) {
      await both.same("COMMAND", "GETKEYS", ...call);
    }
  });

  it("CONFIG SET: Redis's error texts, unknown names first, all or nothing; hz capped, yes / no and sizes read as Redis reads them", async () => {
    await both.same("CONFIG", "SET", "hz", "x");
    await both.same("CONFIG", "SET", "hz", "10", "nosuch", "1", "daemonize", "no");
    await both.same("CONFIG", "SET", "daemonize", "no");
    await both.same("CONFIG", "SET", "constructor", "1");
    await both.same("CONFIG", "SET", "hz", "11", "HZ", "12");
    await both.same("CONFIG", "SET", "hz", "20", "replica-read-only", "maybe");
    await both.same("CONFIG", "GET", "hz");
    await both.same("CONFIG", "SET", "timeout", "-1");
    await both.same("CONFIG", "SET", "maxclients", "0");
    await both.same("CONFIG", "SET", "appendfsync", "sometimes");
    await both.same("CONFIG", "SET", "proto-max-bulk-len", "1");
    await both.same("CONFIG", "SET", "proto-max-bulk-len", "x");
    await both.same("CONFIG", "SET", "hz", "0", "replica-read-only", "YES", "proto-max-bulk-len", "2mb");
    await both.same("CONFIG", "GET", "hz");
    await both.same("CONFIG", "GET", "replica-read-only");
    await both.same("CONFIG", "GET", "proto-max-bulk-len");
    await both.same("CONFIG", "SET", "hz", "501");
    await both.same("CONFIG", "GET", "hz");
    await both.same("CONFIG", "SET", "hz", "10", "proto-max-bulk-len", "512mb");
  });

  it("CLIENT KILL and CLIENT LIST filters: Redis's errors, and no client matched", async () => {
    await both.same("CLIENT", "KILL", "SKIPME", "maybe");
    await both.same("CLIENT", "KILL", "ID", "0");
    await both.same("CLIENT", "KILL", "ID", "x");
    await both.same("CLIENT", "KILL", "ID", "999999999");
    await both.same("CLIENT", "KILL", "ID", "1", "TYPE");
    await both.same("CLIENT", "KILL", "USER", "bob");
    await both.same("CLIENT", "KILL", "USER", "default", "ID", "999999999");
    await both.same("CLIENT", "KILL", "TYPE", "bogus");
    await both.same("CLIENT", "KILL", "TYPE", "Master");
    await both.same("CLIENT", "KILL", "1.2.3.4:5");
    await both.same("CLIENT", "LIST", "x");
    await both.same("CLIENT", "LIST", "ID", "x");
    await both.same("CLIENT", "LIST", "ID", "999999999");
    await both.same("CLIENT", "LIST", "TYPE", "bogus");
    await both.same("CLIENT", "LIST", "TYPE", "pubsub");
    await both.same("CLIENT", "LIST", "TYPE", "normal", "x");
  });

  it("SELECT and HELLO read their numbers as Redis does; HELLO SETNAME is checked, an empty name clears it", async () => {
    for (const index of ["01", "+1", "-1", "2147483648", "-2147483649", "99999999999999999999", "16"]) await both.same("SELECT", index);
    for (const version of ["3.0", "03", "99999999999999999999", "-1"]) await both.same("HELLO", version);
    await both.same("HELLO", "2", "SETNAME", "a b");
    await both.same("CLIENT", "SETNAME", "named");
    // The HELLO reply itself has the connection's id; compare what follows it.
    await Promise.all([both.real.call("HELLO", "2", "SETNAME", ""), both.ours.call("HELLO", "2", "SETNAME", "")]);
    await both.same("CLIENT", "GETNAME");
  });

  it("WATCH aborts EXEC when the key changed, and not otherwise", async () => {
    const { real, ours } = await pair.clients();
    const other = new Both(real, ours);
    await both.same("WATCH", "w");
    await other.same("SET", "w", "changed");
    await both.same("MULTI");
    await both.same("SET", "w", "mine");
    await both.same("EXEC");
    await both.same("WATCH", "w");
    await both.same("MULTI");
    await both.same("SET", "w", "mine");
    await both.same("EXEC");
    await both.same("MULTI");
    await both.same("WATCH", "x");
    await both.same("DISCARD");
    other.close();
  });

  it("a BLPOP client that disconnects is unblocked at once, and a later push stays in the list", async () => {
    const { real, ours } = await pair.clients();
    const blocked = new Both(real, ours);
    const request = encodeRequest(["BLPOP", "bk", "0"]);
    const replies = Promise.all([real.send(request), ours.send(request)]);
    await waitFor("the bundled server to block the BLPOP client", 5000, () => pair.bundled.blockedOnKeys === 1);
    blocked.close();
    assert.deepEqual(await replies, ["<closed>", "<closed>"]);
    await waitFor("the bundled server to see the BLPOP client go", 5000, () => pair.bundled.blockedOnKeys === 0);
    await both.same("RPUSH", "bk", "x");
    await both.same("LLEN", "bk");
  });

  it("pub/sub: subscribe, publish, pattern messages, unsubscribe", async () => {
    const { real, ours } = await pair.clients();
    const pub = new Both(real, ours);
    await both.same("SUBSCRIBE", "news", "sport");
    await both.sameRaw(""); // the second subscribe confirmation
    await both.same("PSUBSCRIBE", "n*");
    await both.same("GET", "x"); // not allowed while subscribed (RESP2)
    await both.same("PING");
    await pub.same("PUBLISH", "news", "hello");
    await both.sameRaw(""); // message
    await both.sameRaw(""); // pmessage
    await both.same("UNSUBSCRIBE", "news");
    await both.same("UNSUBSCRIBE"); // the one channel left: no order to disagree on
    await both.same("PUNSUBSCRIBE");
    await pub.same("PUBLISH", "news", "nobody");
    pub.close();
  });

  it("while subscribed (RESP2), the checks before the pub/sub context come first: unknown command, arity, subcommand; EXEC is aborted", async () => {
    await both.same("SUBSCRIBE", "a");
    await both.same("NOSUCHCOMMAND", "x");
    await both.same("GET");
    await both.same("CONFIG", "NOPE");
    await both.same("EXEC");
    await both.same("MULTI");
    await both.same("PING");
  });

  it("RESET ends subscriptions and a transaction without a reply for each", async () => {
    await both.same("SUBSCRIBE", "a");
    await both.same("PSUBSCRIBE", "b*");
    await both.same("RESET");
    await both.same("PING"); // +PONG: no longer subscribed
    await both.same("WATCH", "w");
    await both.same("MULTI");
    await both.same("RESET");
    await both.same("EXEC");
  });

  it("AUTH without a password configured", async () => {
    await both.same("AUTH", "x");
    await both.same("AUTH", "default", "x");
  });

  it("HELLO 3 switches to RESP3 (maps, nulls, doubles)", async () => {
    await both.same("HELLO", "4");
    await both.same("HELLO", "x");
    await both.same("SET", "k", "v");
    // The HELLO reply itself differs in server details; compare what follows it.
    await Promise.all([both.real.call("HELLO", "3"), both.ours.call("HELLO", "3")]);
    await both.same("GET", "nokey");
    await both.same("GET", "k");
    await both.same("CONFIG", "GET", "appendonly");
  });
});

describe("differential: AUTH with requirepass", function () {
  this.timeout(30_000);
  let pair: ServerPair;
  before(async () => {
    pair = await ServerPair.start([["requirepass", "s3cret"]]);
  });
  after(() => pair?.stop()); // undefined when `before` failed: its error is the one to see

  it("NOAUTH, WRONGPASS, then access", async () => {
    const { real, ours } = await pair.clients();
    const both = new Both(real, ours);
    await both.same("GET", "k");
    await both.same("DEBUG", "SLEEP", "0");
    await both.same("AUTH", "wrong");
    await both.same("AUTH", "s3cret");
    await both.same("GET", "k");
    both.close();
  });
});
