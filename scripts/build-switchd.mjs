// Compiles switchd, the switch's forwarder in C (net/native/switchd.c), next to the compiled
// engine that starts it (dist/net/native/). Without a C compiler the build still succeeds:
// the switch then forwards with its JavaScript engine, which is slower.
import { spawnSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../net/native/switchd.c", import.meta.url));
const output = fileURLToPath(new URL("../dist/net/native/switchd", import.meta.url));
const cc = process.env.CC || "cc";

if (process.platform !== "linux") {
  console.log("switchd: not built (it needs Linux); the switch will use the slower JS forwarder");
  process.exit(0);
}
mkdirSync(dirname(output), { recursive: true });
// Built aside and renamed into place, so that a switchd running meanwhile is never overwritten.
const built = `${output}.${process.pid}`;
const result = spawnSync(cc, ["-std=c11", "-O2", "-Wall", "-Wextra", "-o", built, source], { stdio: "inherit" });
if (result.error && result.error.code === "ENOENT") {
  console.log(`switchd: no C compiler (${cc}); the switch will use the slower JS forwarder`);
  process.exit(0);
}
if (result.error || result.status !== 0) {
  rmSync(built, { force: true });
  console.error(`switchd: ${cc} failed to compile ${source}${result.error ? `: ${result.error.message}` : ""}`);
  process.exit(1);
}
renameSync(built, output);
