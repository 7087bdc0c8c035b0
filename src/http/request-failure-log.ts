import { isDatabaseUnavailable } from "../errors/database-unavailable";
import { errorKind, LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";

// One per process: a flood of failing requests is one flood, whichever request's logger writes it.
const throttle = new LogThrottle();

/**
 * Logs an error a request met that its caller cannot fix, through the request's logger and
 * throttled per kind: an unavailable database as a warning naming the reason (no stack), counted
 * after the first per interval; anything else — an INTERNAL_SERVER_ERROR, whose request id the
 * caller may quote — in full the first time per interval, and after that as one line per request
 * (its request id and the error's kind, without the stack already written).
 */
export function logRequestFailure(logger: Logger, message: string, error: unknown, fields: Record<string, unknown> = {}): void {
  if (isDatabaseUnavailable(error)) {
    throttle.failure("warn", "request failed: database unavailable", error, fields, logger);
  } else if (!throttle.failure("error", message, error, fields, logger)) {
    logger.error({ ...fields, kind: errorKind(error) }, `${message} (as logged in full before)`);
  }
}
