// Replies as values; resp/encode.ts turns them into RESP2 or RESP3 bytes. Commands build
// replies with these helpers and never write bytes themselves, so one command serves both
// protocols (RESP2 folds maps, sets, doubles, booleans and nulls into its own types).

export type Reply =
  | { t: "simple"; s: string }
  | { t: "error"; s: string }
  | { t: "int"; n: number | bigint }
  | { t: "bulk"; b: Buffer | null }
  | { t: "array"; items: Reply[] | null }
  /** RESP3 map; RESP2 sends it as a flat array. */
  | { t: "map"; entries: Array<[Reply, Reply]> }
  /** RESP3 set; RESP2 sends it as an array. */
  | { t: "set"; items: Reply[] }
  /** RESP3 double; RESP2 sends it as a bulk string. */
  | { t: "double"; n: number }
  /** RESP3 null; RESP2 sends `nullAs` (a nil bulk string or a nil array). */
  | { t: "null"; nullAs: "bulk" | "array" }
  /** RESP3 boolean; RESP2 sends an integer 1 / 0. */
  | { t: "bool"; v: boolean }
  /** RESP3 push (pub/sub messages); RESP2 sends an array. */
  | { t: "push"; items: Reply[] }
  /** RESP3 verbatim string (INFO, CLIENT LIST); RESP2 sends a bulk string. */
  | { t: "verbatim"; format: string; s: string };

export const OK: Reply = { t: "simple", s: "OK" };
export const QUEUED: Reply = { t: "simple", s: "QUEUED" };
export const NIL: Reply = { t: "bulk", b: null };
export const NIL_ARRAY: Reply = { t: "array", items: null };

export const simple = (s: string): Reply => ({ t: "simple", s });
/** `s` is a byte string (latin1): client bytes echoed in it go back as they came. */
export const error = (s: string): Reply => ({ t: "error", s });
export const int = (n: number | bigint): Reply => ({ t: "int", n });
export const bulk = (b: Buffer | string | null): Reply => ({ t: "bulk", b: typeof b === "string" ? Buffer.from(b) : b });
export const array = (items: Reply[] | null): Reply => ({ t: "array", items });
export const bulks = (items: Array<Buffer | string | null>): Reply => array(items.map(bulk));
export const map = (entries: Array<[Reply, Reply]>): Reply => ({ t: "map", entries });
export const set = (items: Reply[]): Reply => ({ t: "set", items });
export const double = (n: number): Reply => ({ t: "double", n });
export const nil = (nullAs: "bulk" | "array" = "bulk"): Reply => ({ t: "null", nullAs });
export const bool = (v: boolean): Reply => ({ t: "bool", v });
export const push = (items: Reply[]): Reply => ({ t: "push", items });
export const verbatim = (s: string, format = "txt"): Reply => ({ t: "verbatim", format, s });

/** Redis's standard error texts, word for word. */
export const ERR = {
  wrongType: "WRONGTYPE Operation against a key holding the wrong kind of value",
  notInteger: "ERR value is not an integer or out of range",
  notFloat: "ERR value is not a valid float",
  syntax: "ERR syntax error",
  noSuchKey: "ERR no such key",
  overflow: "ERR increment or decrement would overflow",
  arity: (name: string) => `ERR wrong number of arguments for '${name}' command`,
  noAuth: "NOAUTH Authentication required.",
  wrongPass: "WRONGPASS invalid username-password pair or user is disabled.",
  execAbort: "EXECABORT Transaction discarded because of previous errors.",
} as const;
