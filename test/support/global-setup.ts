import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../src/database/embedded-postgres";
import { migrateDatabase } from "../../src/database/open-database";
import { createLogger } from "../../src/logging/logger";
import { freePort } from "./free-port";
import { runAdminSql, withDatabase } from "./test-database";

declare global {
  var parleyTestTeardown: (() => Promise<void>) | undefined;
}

/**
 * One PostgreSQL for the run (TEST_DATABASE_URL's server, else an embedded one in a temporary
 * folder) and one migrated template database; every test file clones its own database from it.
 */
export default async function globalSetup(): Promise<void> {
  const logger = createLogger("silent");
  let adminUrl: string;
  let stopServer = async () => {};
  if (process.env.TEST_DATABASE_URL) {
    adminUrl = process.env.TEST_DATABASE_URL;
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-test-"));
    fs.chmodSync(dir, 0o755);
    const server = await startEmbeddedPostgres({ dir: path.join(dir, "data"), port: await freePort(), database: "postgres" });
    adminUrl = server.url;
    stopServer = async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }

  const template = `parley_template_${process.pid}`;
  await runAdminSql(adminUrl, `DROP DATABASE IF EXISTS ${template}`);
  await runAdminSql(adminUrl, `CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(adminUrl, template);
  await migrateDatabase(templateUrl, logger);

  process.env.PARLEY_TEST_ADMIN_URL = adminUrl;
  process.env.PARLEY_TEST_TEMPLATE = template;
  globalThis.parleyTestTeardown = async () => {
    await runAdminSql(adminUrl, `DROP DATABASE IF EXISTS ${template} WITH (FORCE)`).catch(() => undefined);
    await stopServer();
  };
}
