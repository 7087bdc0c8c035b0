/**
 * SQLSTATEs that say the server cannot take this session's work now: it shuts down or restarts
 * (admin shutdown, crash shutdown, cannot connect now) or is full (too many connections). The
 * whole 08 class (connection exception) counts too.
 */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300"]);

/** Socket and resolver errors of a host that cannot be reached (Node's error codes). */
const UNREACHABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "EHOSTDOWN",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
]);

/** What the statements of a connection that heard nothing from the server in time fail with (see apiSessionOptions). */
export const NO_ANSWER_MESSAGE = "no answer from the database in time";

/** pg and pg-pool's errors that carry no code, and Parley's own, by their fixed messages (prefixes), and what each means. */
const UNAVAILABLE_MESSAGES: ReadonlyArray<readonly [string, string]> = [
  ["timeout exceeded when trying to connect", "pool wait timeout"],
  ["Connection terminated due to connection timeout", "connect timeout"],
  ["timeout expired", "connect timeout"],
  ["Query read timeout", "no answer"],
  [NO_ANSWER_MESSAGE, "no answer"],
  ["Connection terminated", "connection lost"],
  ["Client has encountered a connection error and is not queryable", "connection lost"],
  ["Client was closed and is not queryable", "connection lost"],
];

/** How deep wrapped errors are followed (GraphQL error → TypeORM error → pg error → cause). */
const MAX_DEPTH = 6;

/**
 * Why `error` means that the database cannot be reached or cannot take work right now — a
 * retryable condition, not a fault of the request or of the code — or undefined if it does not.
 * The reason is short and fixed (a code such as `ECONNREFUSED`, `57P01`, or `pool wait timeout`):
 * it names the kind of failure in logs and never holds request data. Follows wrapped errors
 * (`originalError`, `driverError`, `cause`, AggregateError's `errors`).
 *
 * The one place that decides what "the database is unavailable" means: the API's 503 answers,
 * readiness and the throttled logs of every background loop all ask here.
 */
export function databaseUnavailableReason(error: unknown): string | undefined {
  return reasonOf(error, 0);
}

/** Whether `error` means the database cannot be reached or cannot take work right now (see databaseUnavailableReason). */
export function isDatabaseUnavailable(error: unknown): boolean {
  return databaseUnavailableReason(error) !== undefined;
}

function reasonOf(error: unknown, depth: number): string | undefined {
  if (depth > MAX_DEPTH || typeof error !== "object" || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === "string") {
    if (UNAVAILABLE_SQLSTATES.has(code) || /^08[0-9A-Z]{3}$/.test(code)) return code;
    if (UNREACHABLE_CODES.has(code)) return code;
  }
  if (error instanceof Error && typeof message === "string") {
    for (const [prefix, reason] of UNAVAILABLE_MESSAGES) if (message.startsWith(prefix)) return reason;
  }
  const wrapped = error as { originalError?: unknown; driverError?: unknown; cause?: unknown; errors?: unknown };
  for (const inner of [wrapped.originalError, wrapped.driverError, wrapped.cause]) {
    const reason = reasonOf(inner, depth + 1);
    if (reason) return reason;
  }
  if (Array.isArray(wrapped.errors)) {
    for (const inner of wrapped.errors) {
      const reason = reasonOf(inner, depth + 1);
      if (reason) return reason;
    }
  }
  return undefined;
}
