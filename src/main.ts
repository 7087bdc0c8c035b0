import "reflect-metadata";
import { loadConfig } from "./config";
import { createDemoAccountIfEmpty, demoAccountWanted, demoBanner } from "./demo-account";
import { createLogger } from "./logging/logger";
import { startParley } from "./parley";
import { keepServingOnUncaughtErrors } from "./process-guards";
import { exitOnStartupFailure, stopOnSignals } from "./shutdown";

/** `npm start`: the API and a worker in one process, on DATABASE_URL or the embedded PostgreSQL. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  keepServingOnUncaughtErrors(logger);
  const parley = await startParley({ config, logger });
  stopOnSignals(() => parley.stop(), logger);
  logger.info(
    {
      port: parley.port,
      database: config.databaseUrl ? "DATABASE_URL" : `embedded (${config.embeddedPostgresDir})`,
      worker: config.runWorker,
    },
    `Parley is serving http://localhost:${parley.port}/graphql`,
  );
  if (demoAccountWanted(config)) {
    const demo = await createDemoAccountIfEmpty(parley.services);
    if (demo) process.stdout.write(demoBanner(demo, parley.port) + "\n");
  }
}

main().catch(exitOnStartupFailure("Parley"));
