import "reflect-metadata";
import { loadConfig } from "./config";
import { openDatabase } from "./database/open-database";
import { createLogger } from "./logging/logger";
import { keepServingOnUncaughtErrors } from "./process-guards";
import { createServices } from "./services/services";
import { exitOnStartupFailure, stopOnSignals } from "./shutdown";
import { startWorker } from "./workflows/worker";

/**
 * `npm run worker`: a worker alone (graphile-worker runner, outbox relay, heartbeat), so a
 * deployment can run N API processes and M workers against one database.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel).child({ process: "worker" });
  keepServingOnUncaughtErrors(logger);
  const database = await openDatabase(config, logger);
  const services = createServices(database.dataSource, { webhook: config.webhook, logger });
  const worker = await startWorker({ connectionString: database.url, services, logger, timeouts: config.database, ...config.worker });
  // Deliveries and schedules written by this process's timer jobs are relayed at once, not at the next poll.
  services.workflows.onWorkEnqueued((work) => worker.relay.nudge(work));
  stopOnSignals(async () => {
    await worker.stop();
    await services.events.drained();
    await database.close();
  }, logger);
  logger.info("Parley worker is running");
}

main().catch(exitOnStartupFailure("Parley worker"));
