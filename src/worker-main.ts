// First: the OpenTelemetry SDK (when OTEL_TRACES_EXPORTER asks for it) must patch http and pg before anything loads them.
import "./tracing/start-tracing";
import "reflect-metadata";
import { loadConfig } from "./config";
import { poolOf } from "./database/data-source";
import { openDatabase } from "./database/open-database";
import { assertPortFree } from "./http/listen";
import { createLogger } from "./logging/logger";
import { Metrics } from "./metrics/metrics";
import { metricsExposure, startMetricsServer } from "./metrics/metrics-endpoint";
import { keepServingOnUncaughtErrors } from "./process-guards";
import { createServices } from "./services/services";
import { exitOnStartupFailure, stopOnSignals } from "./shutdown";
import { stopTracing } from "./tracing/tracing";
import { startWorker } from "./workflows/worker";

/**
 * `npm run worker`: a worker alone (graphile-worker runner, outbox relay, heartbeat), so a
 * deployment can run N API processes and M workers against one database. It serves its metrics
 * on METRICS_PORT only: it has no other HTTP server.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel).child({ process: "worker" });
  keepServingOnUncaughtErrors(logger);
  const metricsPort = metricsExposure(config) === "port" ? config.metrics.port : undefined;
  if (metricsPort !== undefined) await assertPortFree(metricsPort, "METRICS_PORT");
  const metrics = metricsPort === undefined ? undefined : new Metrics();
  const database = await openDatabase(config, logger);
  metrics?.watchPool("main", poolOf(database.dataSource));
  metrics?.watchQueue(poolOf(database.dataSource));
  const services = createServices(database.dataSource, { webhook: config.webhook, logger });
  const worker = await startWorker({
    connectionString: database.url,
    services,
    logger,
    timeouts: config.database,
    ...config.worker,
    metrics,
  });
  // Deliveries and schedules written by this process's timer jobs are relayed at once, not at the next poll.
  services.workflows.onWorkEnqueued((work) => worker.relay.nudge(work));
  const metricsServer =
    metrics && metricsPort !== undefined
      ? await startMetricsServer({ port: metricsPort, metrics, token: config.metrics.token, logger })
      : undefined;
  stopOnSignals(async () => {
    await metricsServer?.stop();
    await worker.stop();
    await services.events.drained();
    await database.close();
    await stopTracing();
  }, logger);
  logger.info(metricsServer ? { metricsPort: metricsServer.port } : {}, "Parley worker is running");
}

main().catch(exitOnStartupFailure("Parley worker"));
