// One RESP2/RESP3 reply (as RawClient returns it, latin1) read into a tree, for comparisons that
// are not byte for byte: replies whose element order is unspecified, or that hold a value that
// differs between two servers by nature (a TTL in milliseconds, a connection id).

export interface RespNode {
  /** The type byte: + - : $ * % ~ > _ # , ( = !, or "<" for RawClient's "<closed>" / "<timeout>". */
  type: string;
  /** The header line after the type byte (a length, a number, a simple string's text). */
  head: string;
  /** The payload of a bulk (or verbatim, or blob error) reply. */
  body?: string;
  /** The elements of an aggregate; a map's keys and values alternate. */
  children?: RespNode[];
  /** The node's exact bytes. */
  raw: string;
}

const AGGREGATES = new Set(["*", "%", "~", ">", "|"]);
const BLOBS = new Set(["$", "=", "!"]);

/** The tree of one complete reply; throws if `reply` is not exactly one reply. */
export function parseReply(reply: string): RespNode {
  if (reply.startsWith("<")) return { type: "<", head: reply, raw: reply };
  const [node, end] = parseAt(reply, 0);
  if (end !== reply.length) throw new Error(`trailing bytes after a reply: ${JSON.stringify(reply.slice(end, end + 40))}`);
  return node;
}

function parseAt(text: string, at: number): [RespNode, number] {
  const lineEnd = text.indexOf("\r\n", at);
  if (lineEnd < 0) throw new Error(`an unterminated reply line at ${at}`);
  const type = text[at];
  const head = text.slice(at + 1, lineEnd);
  let pos = lineEnd + 2;
  if (BLOBS.has(type) && Number(head) >= 0) {
    const body = text.slice(pos, pos + Number(head));
    pos += Number(head) + 2;
    return [{ type, head, body, raw: text.slice(at, pos) }, pos];
  }
  if (AGGREGATES.has(type) && Number(head) >= 0) {
    const children: RespNode[] = [];
    const count = type === "%" || type === "|" ? 2 * Number(head) : Number(head);
    for (let i = 0; i < count; i++) {
      const [child, next] = parseAt(text, pos);
      children.push(child);
      pos = next;
    }
    return [{ type, head, children, raw: text.slice(at, pos) }, pos];
  }
  return [{ type, head, raw: text.slice(at, pos) }, pos];
}

/** The elements of an aggregate as a sorted list of their bytes (for set-like replies). */
export function sortedElements(node: RespNode): string[] {
  return (node.children ?? []).map((c) => c.raw).sort();
}

/** The field/value pairs of a map reply (RESP3 %) or of a flat RESP2 array of pairs, sorted. */
export function sortedPairs(node: RespNode): string[] {
  const children = node.children ?? [];
  const pairs: string[] = [];
  for (let i = 0; i + 1 < children.length; i += 2) pairs.push(children[i].raw + children[i + 1].raw);
  return pairs.sort();
}

/** Bytes (latin1) quoted, every byte outside printable ASCII as \\xHH, cut to `max` bytes for a report. */
export function showReply(reply: string, max = 400): string {
  const cut = reply.length > max ? reply.slice(0, max) : reply;
  const shown = '"' + cut.replace(/[^\x20-\x7e]|["\\]/g, (c) => (c === '"' || c === "\\" ? "\\" + c : c === "\r" ? "\\r" : c === "\n" ? "\\n" : "\\x" + c.charCodeAt(0).toString(16).padStart(2, "0"))) + '"';
  return reply.length > max ? `${shown}... (${reply.length} bytes)` : shown;
}
