import type { IncomingMessage, ServerResponse } from "node:http";

/** Largest unread body of a refused request that is discarded to keep its connection open. */
const MAX_DISCARDED_BODY_BYTES = 64 * 1024;

/**
 * For a request answered without its body being read: Node discards a small one to keep the
 * connection; a larger or unsized one closes it rather than be drained.
 */
export function closeUnlessSmallBody(req: IncomingMessage, res: ServerResponse): void {
  if (!(Number(req.headers["content-length"]) <= MAX_DISCARDED_BODY_BYTES)) res.setHeader("connection", "close");
}
