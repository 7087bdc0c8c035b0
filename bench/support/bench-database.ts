import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../src/database/embedded-postgres";
import { freePort } from "../../test/support/free-port";
import { runAdminSql, withDatabase } from "../../test/support/test-database";

export { freePort };

export interface BenchDatabase {
  url: string;
  /** Creates another fresh database on the same server (dropped by close()) and returns its URL. */
  another(name: string): Promise<string>;
  /** The embedded server's postmaster, whose process tree is PostgreSQL's CPU; undefined with BENCH_DATABASE_URL. */
  postmasterPid: number | undefined;
  close(): Promise<void>;
}

/** A fresh database: on BENCH_DATABASE_URL's server, else an embedded PostgreSQL in a temp folder. */
export async function createBenchDatabase(name = `parley_bench_${process.pid}`): Promise<BenchDatabase> {
  const created: string[] = [];
  const create = async (admin: string, database: string) => {
    await runAdminSql(admin, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await runAdminSql(admin, `CREATE DATABASE ${database}`);
    created.push(database);
    return withDatabase(admin, database);
  };
  const dropAll = async (admin: string) => {
    for (const database of created) await runAdminSql(admin, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  };
  if (process.env.BENCH_DATABASE_URL) {
    const admin = process.env.BENCH_DATABASE_URL;
    return {
      url: await create(admin, name),
      another: (other) => create(admin, other),
      postmasterPid: undefined,
      close: () => dropAll(admin),
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "parley-bench-"));
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, "data");
  const server = await startEmbeddedPostgres({
    dir: dataDir,
    port: await freePort(),
    database: name,
    // Lets `npm run bench` count statements per request.
    postgresFlags: ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "max_connections=200"],
  });
  const admin = withDatabase(server.url, "postgres");
  return {
    url: server.url,
    another: (other) => create(admin, other),
    postmasterPid: Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]),
    close: async () => {
      await dropAll(admin);
      await server.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
