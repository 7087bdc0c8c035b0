import type { IncomingMessage } from "node:http";

/**
 * The address a request comes from, which unauthenticated requests are counted by: the
 * socket's peer, or — behind a proxy (`trustProxy`) — the last `X-Forwarded-For` entry, the one
 * that proxy appended (earlier entries are the client's to forge).
 */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  if (trustProxy) {
    const header = req.headers["x-forwarded-for"];
    const last = (Array.isArray(header) ? header.join(",") : header)?.split(",").pop()?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? "unknown";
}
