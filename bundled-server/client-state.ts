// A client as commands and CLIENT LIST see it: a connection (session.ts), or a client that
// is not one (the AOF's replay, the link to this node's master).

/** Per-connection state that commands may read or change. */
export interface ClientState {
  readonly id: number;
  name: string | null;
  /** Selected database index. */
  db: number;
  /** 2 or 3, set by HELLO. */
  resp: 2 | 3;
  authenticated: boolean;
  readonly addr: string;
  readonly laddr: string;
  readonly createdAt: number;
  lastCommand: string;
  /** master_repl_offset after this client's last write: what WAIT waits for. */
  woff: number;
  /** This client's line in CLIENT LIST. */
  listEntry(now: number): string;
  /** Closes the connection (CLIENT KILL). */
  kill(): void;
  /** For CLIENT KILL TYPE: a replica's connection is `replica`, the link to this node's master `master`. */
  kind(): "normal" | "pubsub" | "replica" | "master";
}

/** A client that is not a connection of its own: the AOF's replay, the link to this node's master. */
export function internalClient(addr: string, kind: ReturnType<ClientState["kind"]>, kill: () => void): ClientState {
  return {
    id: 0,
    name: null,
    db: 0,
    resp: 2,
    authenticated: true,
    addr,
    laddr: addr,
    createdAt: 0,
    lastCommand: "",
    woff: 0,
    listEntry: () => `id=0 addr=${addr} laddr=${addr} fd=-1 name= age=0 idle=0 flags=${kind === "master" ? "M" : "N"} db=0 cmd=NULL user=default resp=2`,
    kill,
    kind: () => kind,
  };
}
