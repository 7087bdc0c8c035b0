import path from "node:path";
import { DataSource } from "typeorm";
import { createDataSource } from "./src/database/data-source";
import { connectionUrl, readRunningPort } from "./src/database/embedded-postgres";

/*
 * The DataSource of TypeORM's migration CLI (`npm run migration:run`, `migration:generate`); the
 * application's is made by src/database/data-source.ts.
 */

/**
 * For TypeORM's CLI (`npm run migration:run`): DATABASE_URL, else the embedded PostgreSQL
 * that `npm start` is running.
 */
function cliUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const dir = path.resolve(process.env.EMBEDDED_POSTGRES_DIR || ".data/postgres");
  const port = readRunningPort(dir);
  if (port === undefined) {
    throw new Error(`Set DATABASE_URL, or start the embedded PostgreSQL in ${dir} with \`npm start\` first.`);
  }
  return connectionUrl(port, "parley");
}

export default new Proxy(Object.create(DataSource.prototype) as DataSource, {
  // Lazy, so importing this file for createDataSource never needs a database.
  get(_target, property) {
    cached ??= createDataSource({ url: cliUrl() });
    const value: unknown = Reflect.get(cached, property, cached);
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(cached) : value;
  },
});
let cached: DataSource | undefined;
