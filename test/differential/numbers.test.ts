// The bundled server against a real redis-server: integer arguments and options read as Redis
// 7.0 reads them (string2ll: a whole long long, no leading zero, no '+', no "-0"), and the
// bounds of each integer option. Replies are compared byte for byte.
import { Both, ServerPair } from "../support/differential.js";

/** Integers at and around the edges of what string2ll takes, and the forms it refuses. */
const EDGES = ["0", "1", "-1", "007", "-0", "+1", " 1", "1 ", "1.0", "", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "99999999999999999999"];

describe("differential: integer arguments and options", function () {
  this.timeout(30_000);
  let pair: ServerPair;
  let both: Both;

  before(async () => {
    pair = await ServerPair.start();
  });
  after(() => pair.stop());
  beforeEach(async () => {
    const { real, ours } = await pair.clients();
    both = new Both(real, ours);
  });
  afterEach(() => both.close());

  it("WAIT reads numreplicas and its timeout as long longs (19 digits too)", async () => {
    for (const n of EDGES) await both.same("WAIT", n, "1"); // no replica: a wait for one ends after 1 ms
    for (const t of EDGES) await both.same("WAIT", "0", t);
  });

  it("REPLICAOF's port is a long long within 0..65535; REPLCONF listening-port any long long", async () => {
    // The valid ports (0, 1) are left out: they would make the server a replica.
    for (const port of [...EDGES, "65536"].filter((p) => p !== "0" && p !== "1")) await both.same("REPLICAOF", "127.0.0.1", port);
    for (const port of EDGES) await both.same("REPLCONF", "listening-port", port);
  });
});
