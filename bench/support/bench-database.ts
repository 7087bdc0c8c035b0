import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../src/database/embedded-postgres";
import { freePort } from "../../test/support/free-port";
import { runAdminSql, withDatabase } from "../../test/support/test-database";

export { freePort };

export interface BenchDatabase {
  url: string;
  close(): Promise<void>;
}

/** A fresh database: on BENCH_DATABASE_URL's server, else an embedded PostgreSQL in a temp folder. */
export async function createBenchDatabase(name = `parley_bench_${process.pid}`): Promise<BenchDatabase> {
  if (process.env.BENCH_DATABASE_URL) {
    const admin = process.env.BENCH_DATABASE_URL;
    await runAdminSql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await runAdminSql(admin, `CREATE DATABASE ${name}`);
    return { url: withDatabase(admin, name), close: () => runAdminSql(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-"));
  fs.chmodSync(dir, 0o755);
  const server = await startEmbeddedPostgres({
    dir: path.join(dir, "data"),
    port: await freePort(),
    database: name,
    // Lets `npm run bench` count statements per request.
    postgresFlags: ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "max_connections=200"],
  });
  return {
    url: server.url,
    close: async () => {
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
