import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

/** A real Parley process (`npm run worker` or `npm start`, through ts-node) on a test database. */
export interface WorkerProcess {
  child: ChildProcess;
  /** Everything it has logged so far (JSON lines). */
  output(): string;
  /** Resolves once the worker is running. */
  ready: Promise<void>;
  /** SIGTERM (drain) or SIGKILL, and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startWorkerProcess(databaseUrl: string, env: Record<string, string> = {}): WorkerProcess {
  return startProcess("src/worker-main.ts", "Parley worker is running", databaseUrl, env);
}

/** A real `npm start` process (API and, unless RUN_WORKER=false, a worker) on `port`. */
export function startGatewayProcess(databaseUrl: string, port: number, env: Record<string, string> = {}): WorkerProcess {
  return startProcess("src/main.ts", "Parley is serving", databaseUrl, { PORT: String(port), ...env });
}

function startProcess(script: string, readyText: string, databaseUrl: string, env: Record<string, string>): WorkerProcess {
  const child = spawn(path.join(ROOT, "node_modules/.bin/ts-node"), ["--transpile-only", script], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NODE_ENV: "test",
      LOG_LEVEL: "info",
      WORKER_POLL_INTERVAL_MS: "100",
      WORKER_HEARTBEAT_INTERVAL_MS: "300",
      WORKER_STALE_AFTER_MS: "1500",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes(readyText)) resolve();
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code) => reject(new Error(`worker exited (${code}) before it was ready:\n${output}`)));
  });
  ready.catch(() => undefined);
  return {
    child,
    output: () => output,
    ready,
    stop: async (signal = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
