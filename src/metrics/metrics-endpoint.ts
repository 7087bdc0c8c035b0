import { hash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Config } from "../config";
import type { Logger } from "../logging/logger";
import { listen } from "../http/listen";
import type { Metrics } from "./metrics";

/**
 * Where a process serves `/metrics`: `off` (METRICS=false); on its own `port` (METRICS_PORT);
 * on the API's PORT (`api`); or `withheld`: production without METRICS_PORT or METRICS_TOKEN,
 * where the public port must not answer anyone with the process's figures (traffic, operation
 * names, pools, backlog), nor let anyone make it count the queue.
 */
export type MetricsExposure = "off" | "port" | "api" | "withheld";

export function metricsExposure(config: Pick<Config, "metrics" | "nodeEnv">): MetricsExposure {
  if (!config.metrics.enabled) return "off";
  if (config.metrics.port !== undefined) return "port";
  if (config.nodeEnv === "production" && config.metrics.token === undefined) return "withheld";
  return "api";
}

/**
 * `GET /metrics` in Prometheus's text format, on Node's request and response. With a token, a
 * request without `authorization: Bearer <token>` is answered 401 (compared in constant time).
 */
export function metricsHandler(
  metrics: Metrics,
  token: string | undefined,
  logger: Logger,
): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const expected = token === undefined ? undefined : digest(token);
  return (req, res) => {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.writeHead(405, { allow: "GET, HEAD", "content-type": "text/plain; charset=utf-8" }).end("Method not allowed\n");
      return;
    }
    if (expected && !bearerMatches(req.headers.authorization, expected)) {
      res
        .writeHead(401, { "www-authenticate": 'Bearer realm="metrics"', "content-type": "text/plain; charset=utf-8" })
        .end("Unauthorized\n");
      return;
    }
    metrics.scrape().then(
      ({ contentType, body }) => {
        res.writeHead(200, { "content-type": contentType, "cache-control": "no-store" }).end(req.method === "HEAD" ? undefined : body);
      },
      (error: unknown) => {
        logger.error({ err: error }, "metrics could not be collected");
        res.writeHead(500, { "content-type": "text/plain; charset=utf-8" }).end("Metrics could not be collected\n");
      },
    );
  };
}

export interface MetricsServer {
  port: number;
  stop(): Promise<void>;
}

/** A small HTTP server of its own answering `/metrics` only (METRICS_PORT), on every interface like PORT. */
export async function startMetricsServer(options: {
  port: number;
  metrics: Metrics;
  token: string | undefined;
  logger: Logger;
}): Promise<MetricsServer> {
  const handle = metricsHandler(options.metrics, options.token, options.logger);
  const server = http.createServer({ requestTimeout: 10_000, headersTimeout: 10_000 }, (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === "/metrics") handle(req, res);
    else res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found: metrics are at /metrics\n");
  });
  await listen(server, options.port, "METRICS_PORT");
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function digest(text: string): Buffer {
  return hash("sha256", text, "buffer");
}

function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match !== null && timingSafeEqual(digest(match[1]), expected);
}
