import type { AddressInfo } from "node:net";
import type { Logger as QueryLogger } from "typeorm";
import type { Config } from "./config";
import { type Database, openDatabase } from "./database/open-database";
import { createHttpApp, type HttpApp } from "./http/create-http-app";
import { EventBus } from "./events/event-bus";
import type { Logger } from "./logging/logger";
import type { WebhookSenderOptions } from "./services/outbound/webhook-sender";
import { poolOf } from "./database/data-source";
import { createServices, type Services } from "./services/services";
import { startWorker, type Worker, type WorkerOptions } from "./workflows/worker";
import { assertPortFree, listen } from "./http/listen";
import { Metrics } from "./metrics/metrics";
import { metricsExposure, type MetricsServer, startMetricsServer } from "./metrics/metrics-endpoint";
import { tracingOn } from "./tracing/tracing";

/** Worker settings a deployment or a test may tune. */
export type WorkerTuning = Pick<
  WorkerOptions,
  "concurrency" | "pollInterval" | "relayIntervalMs" | "heartbeatIntervalMs" | "staleWorkerAfterMs" | "analyzeIntervalMs"
>;

export interface Parley {
  database: Database;
  services: Services;
  http: HttpApp;
  worker: Worker | undefined;
  /** Hears every process's events and hands them to this process's subscribers. */
  events: EventBus;
  /** The HTTP port actually bound (useful with PORT=0). */
  port: number;
  /** This instance's metrics (undefined with METRICS=false). */
  metrics: Metrics | undefined;
  /** The port `/metrics` is served on by a server of its own (METRICS_PORT), if any. */
  metricsPort: number | undefined;
  /** Drains HTTP, then the worker, then closes the database. */
  stop(): Promise<void>;
}

export interface StartOptions {
  config: Config;
  logger: Logger;
  worker?: WorkerTuning;
  webhook?: WebhookSenderOptions;
  /** Sees every statement of the API's pool (tests count them). */
  queryLogger?: QueryLogger;
}

/** Starts everything `npm start` runs: database and migrations, the HTTP API and a worker. */
export async function startParley({ config, logger, worker: workerOptions, webhook, queryLogger }: StartOptions): Promise<Parley> {
  // Before anything is started: a second `npm start` says so in one line, at once.
  await assertPortFree(config.port, "PORT");
  if (config.metrics.port !== undefined) await assertPortFree(config.metrics.port, "METRICS_PORT");
  const exposure = metricsExposure(config);
  const metrics = exposure === "off" ? undefined : new Metrics();
  if (exposure === "withheld")
    logger.warn(
      "metrics are not served: in production /metrics needs METRICS_PORT (a private port) or METRICS_TOKEN (see docs/operations.md)",
    );
  const database = await openDatabase(config, logger, { queryLogger });
  const apiPool = poolOf(database.dataSource);
  metrics?.watchPool("main", apiPool);
  metrics?.watchQueue(apiPool);
  const services = createServices(database.dataSource, {
    webhook: { ...config.webhook, ...webhook },
    apiKeys: { cacheTtlMs: config.authCacheTtlMs },
    rateLimit: config.rateLimit,
    logger,
  });
  let worker: Worker | undefined;
  let http: HttpApp | undefined;
  let metricsServer: MetricsServer | undefined;
  const events = new EventBus({ connectionString: database.url, pool: poolOf(database.dataSource), logger, timeouts: config.database });
  try {
    await events.start();
    if (config.runWorker) {
      worker = await startWorker({
        connectionString: database.url,
        services,
        logger,
        timeouts: config.database,
        ...config.worker,
        ...workerOptions,
        metrics,
      });
      const relay = worker.relay;
      services.workflows.onWorkEnqueued((work) => relay.nudge(work));
    }
    http = await createHttpApp({
      dataSource: database.dataSource,
      services,
      logger,
      landingPage: config.nodeEnv !== "production",
      introspection: config.introspection,
      hideSuggestions: config.nodeEnv === "production",
      limits: config.limits,
      trustProxy: config.trustProxy,
      events: events.pubSub,
      subscriptions: config.subscriptions,
      // Open connections learn of a key revoked elsewhere as soon as a new request would.
      keyCheckIntervalMs: Math.max(config.authCacheTtlMs, 1_000),
      readinessTimeoutMs: config.readinessTimeoutMs,
      requestTimeoutMs: config.httpRequestTimeoutMs,
      metrics,
      metricsEndpoint: exposure === "api" ? { token: config.metrics.token } : undefined,
      traced: tracingOn(),
    });
    await listen(http.server, config.port, "PORT");
    if (metrics && exposure === "port")
      metricsServer = await startMetricsServer({ port: config.metrics.port ?? 0, metrics, token: config.metrics.token, logger });
  } catch (error) {
    await metricsServer?.stop().catch(() => undefined);
    await http?.stop().catch(() => undefined);
    await worker?.stop().catch(() => undefined);
    await events.stop();
    await database.close();
    throw error;
  }
  const httpApp = http;
  return {
    database,
    services,
    http: httpApp,
    worker,
    events,
    port: (httpApp.server.address() as AddressInfo).port,
    metrics,
    metricsPort: metricsServer?.port,
    stop: async () => {
      await metricsServer?.stop();
      await httpApp.stop();
      logger.debug("http stopped");
      await worker?.stop();
      logger.debug("worker stopped");
      await services.events.drained();
      await events.stop();
      await database.close();
      logger.debug("database closed");
    },
  };
}
