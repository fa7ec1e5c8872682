// How an ioredis outcome becomes a history completion (docs/design.md, "Outcome mapping").
// The rule: `fail` only when the command certainly had no effect; anything that may have
// reached the server and been applied is `info`.

export interface ErrorCompletion {
  type: "fail" | "info";
  error: string;
}

/** Thrown by the client wrapper when it did not send a command because no connection was ready. */
export class NotSentError extends Error {
  override name = "NotSentError";
}

/** Thrown by a workload that knows its op had no effect (a cas whose precondition did not hold). */
export class DefiniteFailure extends Error {
  override name = "DefiniteFailure";
}

const NOT_SENT_MESSAGES = [
  // ioredis rejects before writing when the socket is not writable and the offline queue is off.
  "Stream isn't writeable and enableOfflineQueue options is false",
];

export function classifyError(err: unknown): ErrorCompletion {
  const e = err instanceof Error ? err : new Error(String(err));
  const error = e.message.split("\n")[0];
  // A server error reply (READONLY, NOREPLICAS, WRONGTYPE, LOADING, MASTERDOWN, EXECABORT, ...):
  // the server refused the command, so it did not happen.
  if (e.name === "ReplyError") return { type: "fail", error };
  if (e instanceof NotSentError || e instanceof DefiniteFailure || NOT_SENT_MESSAGES.includes(e.message)) {
    return { type: "fail", error };
  }
  // Timeouts, closed connections, retries exhausted, protocol errors: it may have happened.
  return { type: "info", error };
}
