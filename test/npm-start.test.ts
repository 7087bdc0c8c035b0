import { type ChildProcess, execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { readRunningPort } from "../src/database/embedded-postgres";
import { freePort } from "./support/free-port";
import { eventually } from "./support/eventually";

/*
 * `npm start` as a newcomer runs it, on an embedded PostgreSQL in a folder of its own: Ctrl-C
 * (SIGINT to the terminal's whole process group) prints one line and stops the server after
 * Parley; a second start with dist/ current serves within 5 s; a start on a taken port says so
 * in one line; a server a killed process left running is adopted by the next start.
 */

jest.setTimeout(240_000);

const ROOT = path.resolve(__dirname, "..");

let root: string;
let dir: string;
let pgPort: number;
const running = new Set<ChildProcess>();

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "parley-npm-start-"));
  // As root the server runs as `postgres`, which must be able to reach the data folder.
  fs.chmodSync(root, 0o755);
  dir = path.join(root, "postgres");
  pgPort = await freePort();
  // A clean clone has no dist/: the first build may take a while, and is not what is timed.
  const built = await exec(process.execPath, ["scripts/build.js", "--if-stale"]);
  expect(built.code).toBe(0);
});

// A test that fails midway leaves no Parley behind for the next: each still running drains as on Ctrl-C.
afterEach(async () => {
  const left = [...running];
  const closed = left.map((child) => new Promise((resolve) => child.once("close", resolve)));
  for (const child of left) kill(child, "SIGINT");
  const late = setTimeout(() => left.forEach((child) => kill(child, "SIGKILL")), 20_000);
  await Promise.all(closed);
  clearTimeout(late);
});

afterAll(async () => {
  for (const child of running) kill(child, "SIGKILL");
  const pidFile = path.join(dir, "postmaster.pid");
  if (readRunningPort(dir) !== undefined) {
    process.kill(Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]), "SIGINT");
    for (let i = 0; i < 100 && fs.existsSync(pidFile); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  fs.rmSync(root, { recursive: true, force: true });
});

function environment(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "development",
    LOG_LEVEL: "info",
    PORT: String(port),
    EMBEDDED_POSTGRES_DIR: dir,
    EMBEDDED_POSTGRES_PORT: String(pgPort),
  };
  delete env.DATABASE_URL;
  return env;
}

function exec(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(command, args, { cwd: ROOT, env, timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr }),
    );
  });
}

/** Signals the child's whole process group, as a terminal does. */
function kill(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

interface Started {
  child: ChildProcess;
  output: () => { stdout: string; stderr: string };
  servingAfterMs: number;
  exited: Promise<string>;
}

/** `npm start` in a process group of its own (the terminal's), resolved once it serves. */
async function npmStart(port: number): Promise<Started> {
  const startedAt = performance.now();
  const child = spawn("npm", ["start"], { cwd: ROOT, env: environment(port), detached: true, stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  // Once every process holding its output (npm, and the node it runs) has exited. npm itself dies
  // of the terminal's SIGINT; Parley, which it started, drains and exits on its own.
  const exited = new Promise<string>((resolve) =>
    child.once("close", (code, signal) => {
      running.delete(child);
      resolve(code === 0 || signal === "SIGINT" ? "stopped" : `exited with ${code ?? signal}`);
    }),
  );
  const printed = (text: string) =>
    eventually(
      async () => {
        if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${stdout}\n${stderr}`);
        expect(stdout).toContain(text);
      },
      { timeoutMs: 120_000, intervalMs: 20 },
    );
  await printed("Parley is serving");
  const servingAfterMs = performance.now() - startedAt;
  // The worker's runner says it is ready just after: the start is over once it has.
  await printed("Worker connected and looking for jobs");
  return { child, output: () => ({ stdout, stderr }), servingAfterMs, exited };
}

/** What a process printed after `mark` characters of its stdout. */
const linesAfter = (text: string, mark: number) =>
  text
    .slice(mark)
    .split("\n")
    .filter((line) => line.trim() !== "");

describe("npm start on the embedded PostgreSQL", () => {
  it("Ctrl-C prints one line and stops PostgreSQL after Parley; a second start with dist/ current serves within 5 s", async () => {
    const port = await freePort();
    const first = await npmStart(port);
    // The demo account's banner (printed once serving) names the key's id, which key:list shows and key:revoke takes.
    await eventually(async () =>
      expect(first.output().stdout).toMatch(
        /API key id {4}key_[0-9a-f]{32} {3}\(npm run --silent cli -- key:list --account acct_[0-9a-f]{32}\)\n/,
      ),
    );
    expect(readRunningPort(dir)).toBe(pgPort);

    const mark = first.output().stdout.length;
    kill(first.child, "SIGINT");
    expect(await first.exited).toBe("stopped");
    const after = linesAfter(first.output().stdout, mark);
    expect(after).toHaveLength(1);
    expect(JSON.parse(after[0])).toMatchObject({ msg: "draining", signal: "SIGINT" });
    expect(first.output().stderr).toBe("");
    expect(readRunningPort(dir)).toBeUndefined();
    expect(fs.existsSync(path.join(dir, "postmaster.pid"))).toBe(false);

    // dist/ is current: no compiler runs, and the server is back within 5 s.
    const mainJs = fs.statSync(path.join(ROOT, "dist/src/main.js")).mtimeMs;
    const second = await npmStart(port);
    expect(second.servingAfterMs).toBeLessThan(5_000);
    expect(fs.statSync(path.join(ROOT, "dist/src/main.js")).mtimeMs).toBe(mainJs);

    // A start on the taken port says so in one line, before touching the database.
    const taken = await exec(process.execPath, ["dist/src/main.js"], environment(port));
    expect(taken).toEqual({
      code: 1,
      stdout: "",
      stderr: `Parley failed to start: port ${port} is already in use (another Parley running? stop it, or set PORT to a free port)\n`,
    });

    kill(second.child, "SIGINT");
    expect(await second.exited).toBe("stopped");
    expect(readRunningPort(dir)).toBeUndefined();
  });

  it("a server left running by a killed process is adopted by the next start and stopped with it; db:stop stops one alone", async () => {
    const port = await freePort();
    const killed = await npmStart(port);
    kill(killed.child, "SIGKILL");
    await killed.exited;
    // The server is in a session of its own: it outlives the process group.
    expect(readRunningPort(dir)).toBe(pgPort);

    const adopter = await npmStart(port);
    const warning = adopter
      .output()
      .stdout.split("\n")
      .find((line) => line.includes("left running"));
    expect(JSON.parse(warning!)).toMatchObject({ level: 40, port: pgPort, dir });
    kill(adopter.child, "SIGINT");
    expect(await adopter.exited).toBe("stopped");
    expect(readRunningPort(dir)).toBeUndefined();

    const orphaned = await npmStart(port);
    kill(orphaned.child, "SIGKILL");
    await orphaned.exited;
    expect(readRunningPort(dir)).toBe(pgPort);
    const stopped = await exec("npm", ["run", "--silent", "db:stop"], environment(port));
    expect(stopped.code).toBe(0);
    expect(JSON.parse(stopped.stdout)).toMatchObject({ stopped: true, dir, port: pgPort });
    expect(readRunningPort(dir)).toBeUndefined();
    const again = await exec("npm", ["run", "--silent", "db:stop"], environment(port));
    expect(JSON.parse(again.stdout)).toEqual({ stopped: false, dir, running: false });
  });
});

describe("scripts/build.js --if-stale", () => {
  it("compiles nothing when dist/ was built from the sources as they are, and again once one changes", async () => {
    const record = path.join(ROOT, "dist/.build-inputs.json");
    const before = fs.readFileSync(record, "utf8");
    const startedAt = performance.now();
    expect((await exec(process.execPath, ["scripts/build.js", "--if-stale"])).code).toBe(0);
    expect(performance.now() - startedAt).toBeLessThan(1_500);
    expect(fs.readFileSync(record, "utf8")).toBe(before);

    // A source saved since: its time differs from the record's, so the next start compiles.
    const source = path.join(ROOT, "src/main.ts");
    const { atime, mtime } = fs.statSync(source);
    fs.utimesSync(source, atime, new Date(mtime.getTime() + 1_000));
    try {
      expect((await exec(process.execPath, ["scripts/build.js", "--if-stale"])).code).toBe(0);
      expect(fs.readFileSync(record, "utf8")).not.toBe(before);
    } finally {
      // Back as it was; the output is the same compiled from the same text, so the record is too.
      fs.utimesSync(source, atime, mtime);
      fs.writeFileSync(record, before);
    }
  });
});
