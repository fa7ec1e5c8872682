// Configuration as redis.conf has it: `name value...` lines in a file, `--name value...` on
// the command line (the command line wins), the same names in CONFIG GET / SET. An unknown
// option is refused with its name, as redis-server does.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { BUG_NAMES } from "./bugs.js";
import { LLONG_MAX, string2ll } from "./commands/args.js";

interface Option {
  default: string;
  /** Returns an error text for a bad value (Redis's words, for CONFIG SET). */
  check?: (value: string) => string | undefined;
  /** Settable with CONFIG SET (the others need a restart). */
  mutable: boolean;
  /** What is kept of a value that passed the check (as given when absent). */
  store?: (value: string) => string;
  /** What CONFIG SET then leaves of a stored value (the option's apply function in Redis), when it changes it. */
  applied?: (stored: string) => string;
}

// Value kinds: a check with Redis's words for a bad value, and what is stored of a good one
// (Redis reads yes/no and enums in any case, and keeps memory sizes in bytes). Numbers are read
// as config.c's numericParseString reads them, then held to the option's bounds as
// numericBoundaryCheck does (every bound here is within a long long, so its unsigned and signed
// checks agree).
type Kind = Pick<Option, "check" | "store">;
const INT_MAX = 2n ** 31n - 1n;
const UINT_MAX = 2n ** 32n - 1n;
/** LONG_MAX on a 64-bit server (time_t options, proto-max-bulk-len). */
const LONG_MAX = LLONG_MAX;
const between = (min: bigint, max: bigint) => `argument must be between ${min} and ${max} inclusive`;
/** An integer option: string2ll's whole long long, within [min, max]. */
const integer = (min: bigint, max: bigint): Kind => ({
  check: (v) => {
    const n = string2ll(Buffer.from(v));
    return n === null ? "argument couldn't be parsed into an integer" : n < min || n > max ? between(min, max) : undefined;
  },
});
const yesNo: Kind = { check: (v) => (/^(yes|no)$/i.test(v) ? undefined : "argument must be 'yes' or 'no'"), store: (v) => v.toLowerCase() };
const oneOf = (...values: string[]): Kind => ({
  check: (v) => (values.includes(v.toLowerCase()) ? undefined : `argument(s) must be one of the following: ${values.join(", ")}`),
  store: (v) => v.toLowerCase(),
});
/** A memory option: memtoull's bytes, within [min, LLONG_MAX] (LONG_MAX is the same on a 64-bit server). */
const memory = (min: bigint): Kind => ({
  check: (v) => {
    const n = parseMemory(v);
    return n === undefined ? "argument must be a memory value" : n < min ? between(min, LLONG_MAX) : undefined;
  },
  store: (v) => String(parseMemory(v)),
});
const hostPort: Kind = { check: (v) => (v === "" || /^\S+ \d{1,5}$/.test(v) ? undefined : "argument must be '<host> <port>'") };
const bugs: Kind = {
  check: (v) => {
    const unknown = v.split(/[\s,]+/).filter((b) => b && !BUG_NAMES.includes(b));
    return unknown.length ? `unknown bug switch '${unknown[0]}'; known: ${BUG_NAMES.join(", ")}` : undefined;
  },
};

const OPTIONS: Record<string, Option> = {
  port: { default: "6379", ...integer(0n, 65535n), mutable: false },
  bind: { default: "127.0.0.1", mutable: false },
  "bind-source-addr": { default: "", mutable: true },
  requirepass: { default: "", mutable: true },
  masterauth: { default: "", mutable: true },
  dir: { default: ".", mutable: true },
  logfile: { default: "", mutable: false },
  daemonize: { default: "no", ...oneOf("no"), mutable: false },
  "protected-mode": { default: "no", ...yesNo, mutable: true },
  save: { default: "", mutable: true },
  appendonly: { default: "no", ...yesNo, mutable: true },
  appendfilename: { default: "appendonly.aof", mutable: false },
  /** Where a replica keeps the RDB of its last full sync, and where the server looks for one at startup. */
  dbfilename: { default: "dump.rdb", mutable: true },
  appendfsync: { default: "everysec", ...oneOf("everysec", "always", "no"), mutable: true },
  databases: { default: "16", ...oneOf("16"), mutable: false },
  /** Redis takes any int and caps it to 1..500. */
  hz: { default: "10", ...integer(0n, INT_MAX), mutable: true, store: (v) => String(Math.min(Math.max(Number(v), 1), 500)) },
  timeout: { default: "0", ...integer(0n, INT_MAX), mutable: true },
  maxclients: { default: "10000", ...integer(1n, UINT_MAX), mutable: true },
  "proto-max-bulk-len": { default: "536870912", ...memory(1024n * 1024n), mutable: true },
  "client-query-buffer-limit": { default: "1073741824", ...memory(1024n * 1024n), mutable: true },
  "repl-diskless-sync-delay": { default: "5", ...integer(0n, INT_MAX), mutable: true },
  "replica-priority": { default: "100", ...integer(0n, INT_MAX), mutable: true },
  /** `host port` at startup; REPLICAOF changes it at run time. */
  replicaof: { default: "", ...hostPort, mutable: false },
  masteruser: { default: "", mutable: true },
  /** CONFIG SET raises it to 16kb (resizeReplicationBacklog); a smaller one at startup stays. */
  "repl-backlog-size": { default: "1048576", ...memory(1n), mutable: true, applied: (v) => (BigInt(v) < 16384n ? "16384" : v) },
  /** A time_t: up to LONG_MAX. */
  "repl-backlog-ttl": { default: "3600", ...integer(0n, LONG_MAX), mutable: true },
  "repl-ping-replica-period": { default: "10", ...integer(1n, INT_MAX), mutable: true },
  "repl-timeout": { default: "60", ...integer(1n, INT_MAX), mutable: true },
  "repl-diskless-sync": { default: "yes", ...yesNo, mutable: true },
  "replica-read-only": { default: "yes", ...yesNo, mutable: true },
  "replica-serve-stale-data": { default: "yes", ...yesNo, mutable: true },
  "replica-announce-ip": { default: "", mutable: true },
  "replica-announce-port": { default: "0", ...integer(0n, 65535n), mutable: true },
  "min-replicas-to-write": { default: "0", ...integer(0n, INT_MAX), mutable: true },
  "min-replicas-max-lag": { default: "10", ...integer(0n, INT_MAX), mutable: true },
  /** DEBUG: refused (no, as Redis's default), allowed (yes), or allowed from loopback addresses (local). */
  "enable-debug-command": { default: "no", ...oneOf("no", "yes", "local"), mutable: false },
  /** Deliberate faults for checker tests (bugs.ts); empty in any honest run. */
  bug: { default: "", ...bugs, mutable: false },
};

/** Redis's older names, still accepted everywhere the new ones are. */
const ALIASES: Record<string, string> = {
  slaveof: "replicaof",
  "slave-priority": "replica-priority",
  "slave-read-only": "replica-read-only",
  "slave-serve-stale-data": "replica-serve-stale-data",
  "slave-announce-ip": "replica-announce-ip",
  "slave-announce-port": "replica-announce-port",
  "min-slaves-to-write": "min-replicas-to-write",
  "min-slaves-max-lag": "min-replicas-max-lag",
  "repl-ping-slave-period": "repl-ping-replica-period",
};

const canonical = (name: string): string => ALIASES[name.toLowerCase()] ?? name.toLowerCase();
/** Whether a canonical name is an option (an own property: "constructor" is not one). */
const known = (name: string): boolean => Object.hasOwn(OPTIONS, name);

export class ConfigError extends Error {}

/** The configuration as commands see it (CONFIG GET / SET / REWRITE). */
export interface ServerConfig {
  get(name: string): string | undefined;
  /** CONFIG SET's pairs (names as byte strings, latin1), all or none: the error reply's text, or undefined when all were set. */
  setAll(pairs: Array<[name: string, value: string]>): string | undefined;
  names(): string[];
  /** CONFIG REWRITE with these current values besides the configured ones; returns an error text, or undefined when done. */
  rewrite(current: Record<string, string>): string | undefined;
}

export class Config implements ServerConfig {
  private readonly values = new Map<string, string>();
  /** `sentinel ...` lines, without the word `sentinel`: a Sentinel's masters and state. */
  readonly sentinelDirectives: string[][] = [];
  /** `--sentinel` on the command line, or `sentinel` lines in the file: run as a Sentinel. */
  sentinelMode = false;
  /** The config file, which a Sentinel rewrites with its state. */
  file: string | undefined;
  private readonly numbers = new Map<string, number>();

  constructor(entries: Array<[string, string]> = []) {
    for (const [name, option] of Object.entries(OPTIONS)) this.values.set(name, option.default);
    for (const [name, value] of entries) {
      if (!known(name)) throw new ConfigError(`unknown option '${name}'`);
      const problem = this.check(name, value);
      if (problem) throw new ConfigError(`Invalid argument '${value}' for '${name}' - ${problem}`);
      this.values.set(name, OPTIONS[name].store?.(value) ?? value);
    }
  }

  get(name: string): string | undefined {
    return this.values.get(canonical(name));
  }

  /**
   * CONFIG SET as Redis 7.0 does it: an unknown name is reported first, then the first
   * immutable or repeated one, then the first bad value; nothing is set unless all are good.
   */
  setAll(pairs: Array<[name: string, value: string]>): string | undefined {
    const unknown = pairs.find(([name]) => !known(canonical(name)));
    // The name as %s prints it: up to a NUL byte.
    if (unknown) return `ERR Unknown option or number of arguments for CONFIG SET - '${unknown[0].split("\0")[0]}'`;
    const failed = (name: string, why: string) => `ERR CONFIG SET failed (possibly related to argument '${name}') - ${why}`;
    const keys = pairs.map(([name]) => canonical(name));
    for (let i = 0; i < pairs.length; i++) {
      if (!OPTIONS[keys[i]].mutable) return failed(pairs[i][0], "can't set immutable config");
      if (keys.indexOf(keys[i]) < i) return failed(pairs[i][0], "duplicate parameter");
    }
    for (let i = 0; i < pairs.length; i++) {
      const problem = this.check(keys[i], pairs[i][1]);
      if (problem) return failed(pairs[i][0], problem);
    }
    pairs.forEach(([, value], i) => {
      const option = OPTIONS[keys[i]];
      const stored = option.store?.(value) ?? value;
      this.values.set(keys[i], option.applied?.(stored) ?? stored);
      this.numbers.delete(keys[i]);
    });
    return undefined;
  }

  names(): string[] {
    return [...this.values.keys()];
  }

  /** Numeric options are read on hot paths (every write checks min-replicas): parsed once per value. */
  int(name: string): number {
    const key = canonical(name);
    let n = this.numbers.get(key);
    if (n === undefined) this.numbers.set(key, (n = Number(parseMemory(this.values.get(key) ?? "0") ?? 0)));
    return n;
  }

  yes(name: string): boolean {
    return this.get(name) === "yes";
  }

  /**
   * CONFIG REWRITE as Redis 7.0 does it: every option line of the file takes the option's current
   * value (`current` overrides, e.g. replicaof from the replication state), repeated lines go,
   * options changed from their default that the file lacks are appended, and comments, blank
   * lines and `sentinel` lines stay. A master keeps no replicaof line, so a promoted replica
   * restarts as a master. Returns an error text, or undefined once the file is replaced.
   */
  rewrite(current: Record<string, string>): string | undefined {
    if (!this.file) return "The server is running without a config file";
    const values = new Map([...this.values, ...Object.entries(current)]);
    let text: string;
    try {
      text = readFileSync(this.file, "utf8");
    } catch (err) {
      return `Rewriting config file: ${(err as Error).message}`;
    }
    const lines: string[] = [];
    const written = new Set<string>();
    for (const raw of text.replace(/\n$/, "").split("\n")) {
      const words = raw.trim().startsWith("#") ? undefined : splitWords(raw.trim());
      const name = words?.[0] === undefined ? undefined : canonical(words[0]);
      if (name === undefined || !(name in OPTIONS)) {
        lines.push(raw);
        continue;
      }
      if (written.has(name)) continue;
      written.add(name);
      if (name === "replicaof" && values.get(name) === "") continue;
      lines.push(configLine(name, values.get(name)!));
    }
    const added = Object.keys(OPTIONS).filter((name) => !written.has(name) && values.get(name) !== OPTIONS[name].default);
    if (added.length > 0) lines.push("# Generated by CONFIG REWRITE", ...added.map((name) => configLine(name, values.get(name)!)));
    try {
      // Aside and renamed over, so a crash mid-write never leaves half a config file.
      const aside = `${this.file}.rewrite-${process.pid}`;
      writeFileSync(aside, lines.join("\n") + "\n");
      renameSync(aside, this.file);
    } catch (err) {
      return `Rewriting config file: ${(err as Error).message}`;
    }
    return undefined;
  }

  /** What is wrong with a value for a known option, if anything. */
  private check(name: string, value: string): string | undefined {
    return OPTIONS[name].check?.(value);
  }
}

const MEMORY_UNITS = new Map(Object.entries({ "": 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n }));

/**
 * `1gb`, `512mb`, `64k`, `10b`, plain bytes: util.c memtoull, as Redis reads memory sizes. The
 * value is a C string (up to a NUL); digits (leading zeros, or none: 0) under 128 of them, then
 * a unit in any case; no sign, no space. Past 2^64-1 the digits saturate (strtoull) and the
 * product wraps around; the result is read as a long long, as numericParseString keeps it.
 */
export function parseMemory(text: string): bigint | undefined {
  const m = /^(\d{0,127})([a-z]*)$/i.exec(text.split("\0")[0]);
  const unit = m && MEMORY_UNITS.get(m[2].toLowerCase());
  if (!unit) return undefined;
  const digits = m[1] === "" ? 0n : BigInt(m[1]);
  return BigInt.asIntN(64, (digits > ULLONG_MAX ? ULLONG_MAX : digits) * unit);
}

const ULLONG_MAX = 2n ** 64n - 1n;

/**
 * Reads the server's arguments as redis-server does: an optional config file first, then
 * `--name value...` pairs. Problems name the file and line, or the argument.
 */
export function loadConfig(argv: string[]): Config {
  const entries: Array<[string, string]> = [];
  const sentinel: string[][] = [];
  let sentinelFlag = false;
  let rest = argv;
  const file = rest.length > 0 && !rest[0].startsWith("--") ? rest[0] : undefined;
  if (file) {
    for (const line of readConfigFile(file)) {
      if (line.words[0].toLowerCase() === "sentinel") sentinel.push(line.words.slice(1));
      else entries.push(entry(line.words[0], line.words.slice(1), line.where));
    }
    rest = rest.slice(1);
  }
  for (let i = 0; i < rest.length; ) {
    const name = rest[i];
    if (!name.startsWith("--")) throw new ConfigError(`argument ${i + 1} '${name}': expected --option value`);
    const values: string[] = [];
    for (i++; i < rest.length && !rest[i].startsWith("--"); i++) values.push(rest[i]);
    if (name === "--sentinel" && values.length === 0) sentinelFlag = true;
    else entries.push(entry(name.slice(2), values, `argument '${name}'`));
  }
  const config = new Config(entries);
  config.file = file;
  config.sentinelDirectives.push(...sentinel);
  config.sentinelMode = sentinelFlag || sentinel.length > 0;
  return config;
}

function readConfigFile(file: string): Array<{ words: string[]; where: string }> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError(`${file}: cannot read: ${(err as Error).message}`);
  }
  const lines: Array<{ words: string[]; where: string }> = [];
  text.split("\n").forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const words = splitWords(line);
    if (words === undefined) throw new ConfigError(`${file}:${i + 1}: unbalanced quotes`);
    lines.push({ words, where: `${file}:${i + 1}` });
  });
  return lines;
}

function entry(rawName: string, values: string[], where: string): [string, string] {
  const name = canonical(rawName);
  if (!known(name)) throw new ConfigError(`${where}: Bad directive or wrong number of arguments: unknown option '${rawName}'`);
  return [name, values.join(" ")];
}

/** An option as a config file line: an empty value as "", one with quotes or backslashes quoted. */
function configLine(name: string, value: string): string {
  if (value === "") return `${name} ""`;
  return /["'\\]/.test(value) ? `${name} "${value.replace(/(["\\])/g, "\\$1")}"` : `${name} ${value}`;
}

/** Words with "double" or 'single' quotes, as redis.conf lines are split. */
function splitWords(line: string): string[] | undefined {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(line)) !== null) {
    if (line.slice(consumed, m.index).trim() !== "") return undefined;
    words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3]));
    consumed = re.lastIndex;
  }
  return /["']/.test(line.slice(consumed)) ? undefined : words;
}
