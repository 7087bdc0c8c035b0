import { isDatabaseUnavailable } from "../errors/database-unavailable";
import { LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";

// One per process: a flood of failing requests is one flood, whichever request's logger writes it.
const throttle = new LogThrottle();

/**
 * Logs an error a request met that its caller cannot fix, through the request's logger and
 * throttled per kind: an unavailable database as a warning naming the reason (no stack), anything
 * else as an error in full — the first of each kind per interval, with a count of the rest.
 */
export function logRequestFailure(logger: Logger, message: string, error: unknown, fields: Record<string, unknown> = {}): void {
  if (isDatabaseUnavailable(error)) throttle.failure("warn", "request failed: database unavailable", error, fields, logger);
  else throttle.failure("error", message, error, fields, logger);
}
