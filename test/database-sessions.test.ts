import { Client } from "pg";
import { loadConfig } from "../src/config";
import { writerPoolOf } from "../src/database/data-source";
import { MIGRATION_LOCK, openDatabase } from "../src/database/open-database";
import { createLogger } from "../src/logging/logger";
import { sleep } from "./support/eventually";
import { runAdminSql, withDatabase } from "./support/test-database";

/*
 * The API's database sessions are bounded; the migrations that run before them are not.
 */

const adminUrl = () => process.env.PARLEY_TEST_ADMIN_URL!;

describe("openDatabase", () => {
  it("bounds the API's sessions, but not the migrations: one waiting longer than the statement timeout for another process's migrations still runs", async () => {
    const name = `parley_sessions_${process.pid}`;
    await runAdminSql(adminUrl(), `DROP DATABASE IF EXISTS ${name}`);
    await runAdminSql(adminUrl(), `CREATE DATABASE ${name}`);
    const url = withDatabase(adminUrl(), name);
    const other = new Client({ connectionString: url });
    await other.connect();
    try {
      // Another process is migrating: it holds the migration lock for a while.
      await other.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK]);
      const config = loadConfig({
        DATABASE_URL: url,
        DATABASE_STATEMENT_TIMEOUT_MS: "50",
        DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: "1500",
        DATABASE_CONNECT_TIMEOUT_MS: "800",
      });
      const opening = openDatabase(config, createLogger("silent"));
      await sleep(300);
      await other.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK]);
      const database = await opening;
      try {
        const [{ statement_timeout }] = await database.dataSource.query("SHOW statement_timeout");
        const [{ idle_in_transaction_session_timeout }] = await database.dataSource.query("SHOW idle_in_transaction_session_timeout");
        expect({ statement_timeout, idle_in_transaction_session_timeout }).toEqual({
          statement_timeout: "50ms",
          idle_in_transaction_session_timeout: "1500ms",
        });
        await expect(database.dataSource.query("SELECT pg_sleep(0.5)")).rejects.toMatchObject({ code: "57014" });

        // The write path's sessions have the same bounds, and plan its statement once; every other session plans as PostgreSQL chooses.
        const writer = writerPoolOf(database.dataSource);
        const settings = "SELECT current_setting('statement_timeout') AS timeout, current_setting('plan_cache_mode') AS plans";
        expect((await writer.query(settings)).rows).toEqual([{ timeout: "50ms", plans: "force_generic_plan" }]);
        expect(await database.dataSource.query(settings)).toEqual([{ timeout: "50ms", plans: "auto" }]);
      } finally {
        await database.close();
      }
      // Every migration ran: Parley's and graphile-worker's.
      const { rows } = await other.query("SELECT count(*)::int AS n FROM typeorm_migrations");
      expect(rows[0].n).toBeGreaterThanOrEqual(7);
      const { rows: worker } = await other.query("SELECT count(*)::int AS n FROM graphile_worker.migrations");
      expect(worker[0].n).toBeGreaterThan(0);
    } finally {
      await other.end();
      await runAdminSql(adminUrl(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });
});
