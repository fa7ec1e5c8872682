// The bundled Sentinel against a real redis-sentinel: SENTINEL's subcommands refused as Redis
// 7.0 refuses them (a container's unknown subcommand or wrong count, SET and DEBUG's options).
// Both monitor a master that is not there; replies are compared byte for byte.
import { rmSync } from "node:fs";
import { freePort } from "../../targets/ports.js";
import { Both } from "../support/differential.js";
import { TestNode } from "../support/nodes.js";
import { RawClient } from "../support/raw-client.js";

describe("differential: Sentinel's command errors", function () {
  this.timeout(30_000);
  let sentinels: TestNode[] = [];
  let both: Both;

  before(async () => {
    const absent = await freePort();
    for (const kind of ["redis", "bundled"] as const) {
      const port = await freePort();
      sentinels.push(new TestNode(kind, `${kind}-sentinel`, "127.0.0.1", port, port, {}, [`sentinel monitor m 127.0.0.1 ${absent} 1`]));
    }
    await Promise.all(sentinels.map((s) => s.start()));
    both = new Both(await RawClient.connect(sentinels[0].port), await RawClient.connect(sentinels[1].port));
  });
  after(async () => {
    both?.close();
    await Promise.all(sentinels.map((s) => s.kill()));
    for (const s of sentinels) rmSync(s.dir, { recursive: true, force: true });
    sentinels = [];
  });

  it("an unknown subcommand, or the wrong number of arguments for one", async () => {
    await both.same("SENTINEL", "bogus");
    await both.same("sentinel", Buffer.from("bogus\xff\n", "latin1"), "x");
    await both.same("SENTINEL", "x".repeat(200));
    for (const call of [["masters", "x"], ["master"], ["master", "a", "b"], ["get-master-addr-by-name"], ["reset"], ["set", "m"], ["set", "m", "quorum"], ["flushconfig", "x"], ["ckquorum"], ["replicas"], ["remove"], ["monitor", "a"], ["failover"], ["is-master-down-by-addr", "a"], ["myid", "x"]]) {
      await both.same("SENTINEL", ...call);
    }
  });

  it("SET and DEBUG: an unknown option or one without a value, then a bad value", async () => {
    for (const call of [["set", "m", "quorum", "1", "x"], ["set", "m", "bogus", "1"], ["set", "m", "quorum", "007"], ["set", "m", "quorum", "0"], ["set", "nosuch", "quorum", "1"], ["set", "m", "quorum", "1"]]) {
      await both.same("SENTINEL", ...call);
    }
    for (const call of [["debug", "ping-period"], ["debug", "constructor", "1"], ["debug", "ping-period", "0"], ["debug", "ping-period", "-1"], ["debug", "ping-period", "1000", "x"]]) {
      await both.same("SENTINEL", ...call);
    }
  });
});
