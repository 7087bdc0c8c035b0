import type { IncomingMessage, ServerResponse } from "node:http";
import { LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";
import { assignRequestId } from "./request-id";

/**
 * The paths Parley serves (REST's with a conversation id at most, never a caller's other text);
 * any other is logged as OTHER_PATH (a path is the caller's text).
 */
const ROUTES =
  /^\/(graphql(\/[^?#]*)?|healthz|readyz|metrics|v1\/(openapi\.json|sms\/(create|send|update|numbers|conversations(\/conv_[0-9a-f]{32})?)))\/?(?=[?#]|$)/i;
const OTHER_PATH = "[other path]";

// One per process: a flood of refused requests is one flood, whichever request it is.
const refusals = new LogThrottle();

/**
 * The bindings of a request's logger: only these fields, so headers (and the API keys in them)
 * are never logged; the logger's `req` serializer drops the URL's query string (a GET operation's
 * variables). Named as pino-http named them, so log lines keep their shape.
 */
export function requestBindings(
  requestId: string,
  req: IncomingMessage,
): { req: { id: string; method: string | undefined; url: string | undefined } } {
  const url = req.url === undefined || ROUTES.test(req.url) ? req.url : OTHER_PATH;
  return { req: { id: requestId, method: req.method, url } };
}

/**
 * Writes the request's access-log line, at info, once the response is sent or the connection
 * closes: the line pino-http wrote (`request completed`, `request aborted`, or `request errored`
 * for a 5xx), with `res.statusCode` and `responseTime` in ms. `requestLogger` carries the
 * request's bindings (see requestBindings). Callers skip this when info is disabled.
 */
export function logAccessWhenDone(requestLogger: Logger, req: IncomingMessage, res: ServerResponse): void {
  const startedAt = Date.now();
  const done = () => {
    res.off("finish", done).off("close", done);
    const responseTime = Date.now() - startedAt;
    const statusCode = res.statusCode;
    // The cause of a 5xx, if any, was logged where it happened (throttled): this line is only the request's.
    const message =
      statusCode >= 500 ? "request errored" : !req.readableAborted && res.writableEnded ? "request completed" : "request aborted";
    // Refusals of requests without a valid key or over a budget are counted, not each written: anyone can send them.
    if (statusCode === 401 || statusCode === 429)
      refusals.log(
        "info",
        `${message}:${statusCode}`,
        { res: { statusCode }, responseTime },
        message,
        { res: { statusCode } },
        requestLogger,
      );
    else requestLogger.info({ res: { statusCode }, responseTime }, message);
  };
  res.on("finish", done).on("close", done);
}

/**
 * The start of every HTTP request: its id (echoed as `x-request-id`), its logger — a child made on
 * first use, since most requests never log — and, when `logged` and info is enabled, its
 * access-log line.
 */
export function beginRequest(
  logger: Logger,
  req: IncomingMessage,
  res: ServerResponse,
  logged = true,
): { requestId: string; requestLogger: () => Logger } {
  const requestId = assignRequestId(req, res);
  let child: Logger | undefined;
  const requestLogger = () => (child ??= logger.child(requestBindings(requestId, req)));
  if (logged && logger.isLevelEnabled("info")) logAccessWhenDone(requestLogger(), req, res);
  return { requestId, requestLogger };
}
