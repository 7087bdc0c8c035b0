import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { freePort } from "./free-port";

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * A PostgreSQL server of a test's own (startEmbeddedPostgres in a temporary folder, on a free
 * port), which the test may stop and start again: never the server the other test files share.
 * It runs in a child process (see own-postgres-child.ts).
 */
export interface OwnPostgres {
  /** The `parley` database on it. */
  url: string;
  /**
   * Stops the server as `pg_ctl stop -m fast` does (SIGINT: sessions are ended with 57P01) or
   * `-m immediate` (SIGQUIT: everything ends at once; crash recovery at the next start), and
   * waits until it has exited.
   */
  stop(mode: "fast" | "immediate"): Promise<void>;
  /** Starts it again on the same folder and port. */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

export async function startOwnPostgres(): Promise<OwnPostgres> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "parley-own-pg-"));
  // As root the server runs as the `postgres` user, which must reach its folder.
  fs.chmodSync(root, 0o755);
  const child = spawn(path.join(ROOT, "node_modules/.bin/ts-node"), ["--transpile-only", path.join(__dirname, "own-postgres-child.ts")], {
    cwd: ROOT,
    env: { ...process.env, PG_DIR: path.join(root, "data"), PG_PORT: String(await freePort()) },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const replies: Array<(line: Record<string, unknown>) => void> = [];
  readline.createInterface({ input: child.stdout }).on("line", (line) => replies.shift()?.(JSON.parse(line) as Record<string, unknown>));
  const nextReply = () =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      replies.push(resolve);
      void exited.then(() => reject(new Error(`the PostgreSQL child exited:\n${stderr}`)));
    });

  const started = await nextReply();
  const command = async (line: string) => {
    const reply = nextReply();
    child.stdin.write(`${line}\n`);
    const answer = await reply;
    if (typeof answer.error === "string") throw new Error(answer.error);
  };

  return {
    url: String(started.url),
    stop: (mode) => command(`stop ${mode}`),
    start: () => command("start"),
    async close() {
      child.stdin.end();
      await exited;
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}
