// First: the OpenTelemetry SDK (when OTEL_TRACES_EXPORTER asks for it) must patch http and pg before anything loads them.
import "./tracing/start-tracing";
import "reflect-metadata";
import { loadConfig } from "./config";
import { createDemoAccountIfEmpty, demoAccountWanted, demoBanner } from "./demo-account";
import { createLogger } from "./logging/logger";
import { startParley } from "./parley";
import { keepServingOnUncaughtErrors } from "./process-guards";
import { exitOnStartupFailure, stopOnSignals } from "./shutdown";
import { stopTracing } from "./tracing/tracing";

/** `npm start`: the API and a worker in one process, on DATABASE_URL or the embedded PostgreSQL. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  keepServingOnUncaughtErrors(logger);
  const parley = await startParley({ config, logger });
  stopOnSignals(async () => {
    await parley.stop();
    await stopTracing();
  }, logger);
  logger.info(
    {
      port: parley.port,
      database: config.databaseUrl ? "DATABASE_URL" : `embedded (${config.embeddedPostgresDir})`,
      worker: config.runWorker,
      ...(parley.metricsPort === undefined ? {} : { metricsPort: parley.metricsPort }),
    },
    `Parley is serving http://localhost:${parley.port}/graphql`,
  );
  if (demoAccountWanted(config)) {
    const demo = await createDemoAccountIfEmpty(parley.services);
    if (demo) process.stdout.write(demoBanner(demo, parley.port) + "\n");
  }
}

main().catch(exitOnStartupFailure("Parley"));
