import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { startEmbeddedPostgres } from "../../src/database/embedded-postgres";

export interface BenchDatabase {
  url: string;
  close(): Promise<void>;
}

/** A fresh database: on BENCH_DATABASE_URL's server, else an embedded PostgreSQL in a temp folder. */
export async function createBenchDatabase(name = `parley_bench_${process.pid}`): Promise<BenchDatabase> {
  if (process.env.BENCH_DATABASE_URL) {
    const admin = process.env.BENCH_DATABASE_URL;
    await query(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await query(admin, `CREATE DATABASE ${name}`);
    const url = new URL(admin);
    url.pathname = `/${name}`;
    return { url: url.toString(), close: () => query(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
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

async function query(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
