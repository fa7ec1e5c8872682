// The test command (`npm test`, `npm run test:<suite>`): installs what the tests need when it can,
// builds, runs the suites with mocha, and ends with the plain line "N passed, N failed, N skipped".
// In CI (CI=true) a missing tool, a Redis other than 7.0.x, or a skipped test that is not on
// test/allowed-skips.json fails the run: a green CI must not hide a check that never ran.
//
// usage: node scripts/test.mjs [unit|browser|differential|integration ...] [mocha options]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CI = process.env.CI === "true";
const SUITES = ["unit", "browser", "differential", "integration"];
const CHROMIUM = process.env.REDLINE_CHROMIUM ?? "/usr/bin/chromium";

/** What the tests run, and the Debian package that brings each. */
const TOOLS = [
  { what: "redis-server", found: () => onPath("redis-server"), pkg: "redis-server" },
  { what: "redis-sentinel", found: () => onPath("redis-sentinel"), pkg: "redis-sentinel" },
  { what: "redis-cli", found: () => onPath("redis-cli"), pkg: "redis-tools" },
  { what: `chromium (${CHROMIUM})`, found: () => existsSync(CHROMIUM), pkg: "chromium" },
  { what: "xmllint", found: () => onPath("xmllint"), pkg: "libxml2-utils" },
  { what: "tmux", found: () => onPath("tmux"), pkg: "tmux" },
  { what: "a C compiler (cc), for switchd", found: () => onPath("cc"), pkg: "gcc" },
];

// Leading suite names, then options for mocha (npm run test:unit -- --grep spec).
const args = process.argv.slice(2).filter((a) => a !== "--");
const first = args.findIndex((a) => !SUITES.includes(a));
const words = first < 0 ? args : args.slice(0, first);
const mochaOptions = first < 0 ? [] : args.slice(first);
if (mochaOptions.length > 0 && !mochaOptions[0].startsWith("-")) {
  console.error(`test: unknown suite '${mochaOptions[0]}'; expected any of ${SUITES.join(", ")}, then mocha's options`);
  process.exit(2);
}
const suites = words.length > 0 ? words : SUITES;

const problems = [];
installMissingTools();
checkRedisVersion();
run("npm", ["run", "build"], "the build failed");
const summary = runMocha(suites);
report(summary);

function onPath(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** apt-get as root, or through sudo when it needs no password; otherwise names the packages. */
function installMissingTools() {
  const missing = TOOLS.filter((t) => !t.found());
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map((t) => t.pkg))];
  const root = process.getuid?.() === 0;
  const sudo = !root && spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status === 0;
  const line = `apt-get install -y ${packages.join(" ")}`;
  if (onPath("apt-get") && (root || sudo)) {
    console.log(`test: installing ${packages.join(", ")} (${missing.map((t) => t.what).join(", ")})`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    const apt = (...args) => spawnSync(sudo ? "sudo" : "apt-get", sudo ? ["-n", "apt-get", ...args] : args, { stdio: ["ignore", "ignore", "inherit"], env }).status === 0;
    if (apt("update", "-qq") && apt("install", "-y", "-qq", ...packages)) return;
    console.log(`test: could not install ${packages.join(" ")}`);
  } else {
    console.log(`test: missing ${missing.map((t) => t.what).join(", ")}; install them with: sudo ${line}`);
  }
  const still = TOOLS.filter((t) => !t.found()).map((t) => t.what);
  if (still.length === 0) return;
  if (CI) problems.push(`missing in CI: ${still.join(", ")}`);
  else console.log(`test: the tests that need ${still.join(", ")} will be skipped`);
}

/** The byte-level differential tests and the RDB tests assume Redis 7.0, the version the reference documents. */
function checkRedisVersion() {
  const out = spawnSync("redis-server", ["--version"], { encoding: "utf8" });
  const version = /v=(\d+\.\d+\.\d+)/.exec(out.stdout ?? "")?.[1];
  if (version === undefined) return; // no redis-server: said above
  if (version.startsWith("7.0.")) {
    console.log(`test: redis-server ${version}`);
    return;
  }
  const text = `redis-server ${version} is not 7.0.x: the differential tests compare against Redis 7.0 byte for byte`;
  if (CI) problems.push(text);
  else console.log(`test: ${text}; expect differences`);
}

function run(command, args, failure) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) {
    console.log(`test: ${failure}`);
    console.log("0 passed, 1 failed, 0 skipped");
    process.exit(1);
  }
}

function runMocha(names) {
  const dir = mkdtempSync(join(tmpdir(), "redline-test-summary-"));
  const file = join(dir, "summary.json");
  const specs = names.map((s) => `dist/test/${s}/**/*.test.js`);
  const mocha = join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
  const result = spawnSync(process.execPath, [mocha, "--reporter", join(ROOT, "scripts", "mocha-summary-reporter.cjs"), ...specs, ...mochaOptions], {
    cwd: ROOT,
    stdio: "inherit",
    env: { ...process.env, REDLINE_TEST_SUMMARY: file },
  });
  let summary;
  try {
    summary = JSON.parse(readFileSync(file, "utf8"));
  } catch {
    // mocha died before its end (a file that does not load, a crash): that is a failure.
    summary = { passed: 0, failed: [{ title: `mocha ended (${result.signal ?? `exit ${result.status}`}) before its summary`, file: "" }], pending: [] };
  }
  rmSync(dir, { recursive: true, force: true });
  if (result.status !== 0 && summary.failed.length === 0) summary.failed.push({ title: `mocha exited ${result.status ?? result.signal}`, file: "" });
  return summary;
}

/** Skipped tests: allowed ones are listed with their reason; any other fails a CI run. */
function report({ passed, failed, pending }) {
  const allowed = JSON.parse(readFileSync(join(ROOT, "test", "allowed-skips.json"), "utf8")).skips;
  const reasonOf = (t) => allowed.find((a) => a.title === t.title)?.reason;
  const listed = pending.filter((t) => reasonOf(t) !== undefined);
  const unlisted = pending.filter((t) => reasonOf(t) === undefined);
  for (const t of listed) console.log(`test: skipped (allowed): ${t.title}: ${reasonOf(t)}`);
  for (const t of unlisted) console.log(`test: skipped: ${t.title}${CI ? " (not on test/allowed-skips.json: fails in CI)" : ""}`);
  if (CI && unlisted.length > 0) problems.push(`${unlisted.length} skipped test(s) not on test/allowed-skips.json`);
  for (const p of problems) console.log(`test: FAILED: ${p}`);
  const failures = failed.length + problems.length;
  console.log(`${passed} passed, ${failures} failed, ${pending.length} skipped`);
  process.exit(failures > 0 ? 1 : 0);
}
