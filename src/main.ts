import "reflect-metadata";
import { ConfigError, loadConfig } from "./config";
import { createDemoAccountIfEmpty, demoBanner } from "./demo-account";
import { createLogger } from "./logger";
import { startParley } from "./parley";

/** `npm start`: the API and a worker in one process, on DATABASE_URL or the embedded PostgreSQL. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const parley = await startParley({ config, logger });
  logger.info(
    { port: parley.port, database: config.databaseUrl ? "DATABASE_URL" : `embedded (${config.embeddedPostgresDir})`, worker: config.runWorker },
    `Parley is serving http://localhost:${parley.port}/graphql`,
  );
  if (!config.databaseUrl) {
    const demo = await createDemoAccountIfEmpty(parley.services);
    if (demo) process.stdout.write(demoBanner(demo, parley.port) + "\n");
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining");
    parley.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(`Parley failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exit(1);
});
