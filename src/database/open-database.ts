import { runMigrations as runWorkerMigrations } from "graphile-worker";
import type { DataSource, Logger as QueryLogger } from "typeorm";
import { closeDataSource, createDataSource } from "./data-source";
import type { Config } from "../config";
import type { Logger } from "../logging/logger";
import { createWorkerLogger } from "../logging/worker-logger";
import { startEmbeddedPostgres } from "./embedded-postgres";

export interface Database {
  /** Connection string in use (never logged: it may hold a password). */
  url: string;
  dataSource: DataSource;
  /** Closes the pool, then stops the embedded PostgreSQL if this process started it. */
  close(): Promise<void>;
}

// Any fixed number: serialises schema migrations of processes starting at the same time.
export const MIGRATION_LOCK = 7_246_133;

/**
 * Connects to DATABASE_URL or the embedded PostgreSQL and brings both schemas up to date. The
 * DataSource returned has the API's session bounds (Config.database); migrations run before, on
 * connections of their own without them.
 */
export async function openDatabase(
  config: Pick<Config, "databaseUrl" | "embeddedPostgresDir" | "embeddedPostgresPort" | "database">,
  logger: Logger,
  { migrate = true, queryLogger }: { migrate?: boolean; queryLogger?: QueryLogger } = {},
): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dir: config.embeddedPostgresDir, port: config.embeddedPostgresPort, logger });
  const url = config.databaseUrl ?? embedded!.url;
  const dataSource = createDataSource({ url, queryLogger, timeouts: config.database });
  try {
    if (migrate) await migrateDatabase(url, logger);
    await dataSource.initialize();
  } catch (error) {
    await closeDataSource(dataSource);
    await embedded?.stop();
    throw error;
  }
  return {
    url,
    dataSource,
    close: async () => {
      await closeDataSource(dataSource);
      await embedded?.stop();
    },
  };
}

/**
 * Runs Parley's TypeORM migrations and installs graphile-worker's schema, on connections of their
 * own: no statement timeout may cut a migration (one that rewrites a large table runs for minutes).
 */
export async function migrateDatabase(url: string, logger: Logger): Promise<void> {
  const dataSource = createDataSource({ url, poolSize: 2 });
  await dataSource.initialize();
  try {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      const applied = await dataSource.runMigrations({ transaction: "all" });
      if (applied.length > 0) logger.info({ migrations: applied.map((m) => m.name) }, "applied migrations");
      await runWorkerMigrations({ connectionString: url, logger: createWorkerLogger(logger) });
    } finally {
      await runner.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => undefined);
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}
