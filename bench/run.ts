import "reflect-metadata";
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { Pool } from "pg";
import { loadConfig } from "../src/config";
import { openDatabase } from "../src/database/open-database";
import { createLogger } from "../src/logging/logger";
import { toPublicId } from "../src/services/shared/public-id";
import { createServices } from "../src/services/services";
import {
  POSTGRAPHILE_READ_ONE,
  POSTGRAPHILE_READ_PAGE,
  READ_LABELS,
  READ_ONE,
  READ_PAGE,
  type ReadKind,
  type SchemaForm,
  messageCounts,
} from "./read-queries";
import { createBenchDatabase, freePort, percentile } from "./support/bench-database";

/*
 * `npm run bench`: createSmsConversation throughput against a raw-SQL floor, and the two reads
 * against two peers. Parley runs as `npm start` does (one process: API + worker; production mode)
 * on a fresh, seeded and ANALYZEd database (embedded, or BENCH_DATABASE_URL). autocannon loads it
 * for BENCH_DURATION seconds (default 20) per scenario at 10 and 50 connections, alternating floor
 * and Parley runs of scenario 1 so that machine drift hits both, each server warmed up first on
 * what it is measured on (Parley on scenarios 1 and 2). Scenario 2's latency is also reported per
 * turn (USER, AGENT). Scenario 1 is also run on an
 * unseeded database — what a new deployment has: freshly migrated, no seed, no ANALYZE — by a
 * Parley process of its own, after the same warm-up on that database (so the measured run is
 * the database's first BENCH_WARM_UP + BENCH_DURATION seconds of traffic); twice, each time on a
 * new database, between the two seeded runs (seeded, unseeded, unseeded, seeded): its ratio is of
 * the two means.
 * The reads (bench/read-queries.ts) run on Parley, a hand-written graphql-yoga + pg server
 * (bench/peers/yoga-server.ts) and PostGraphile 5 (bench/peers/postgraphile-server.ts), each
 * warmed up and its answer checked first, alternating Parley, yoga, PostGraphile twice per read
 * and connection count; the ratio divides Parley's mean by the faster peer's.
 * BENCH_ONLY=reads or BENCH_ONLY=writes runs only that part (default: both).
 */
const ROOT = path.resolve(__dirname, "..");
const DURATION = Number(process.env.BENCH_DURATION ?? 20);
const SEED_CONVERSATIONS = Number(process.env.BENCH_SEED ?? 20_000);
/**
 * Seconds of load before measuring, for each server. V8 keeps compiling the hot path well past
 * the first few seconds: after 5 s Parley's compiler threads still cost ~60 µs per request and
 * its first measured run read ~10 % slower than later ones; after 15 s they are down to ~20 µs.
 */
const WARM_UP_SECONDS = Number(process.env.BENCH_WARM_UP ?? 15);
const AGENT = "+15555550100";
const ONLY = process.env.BENCH_ONLY ?? "";
if (!["", "reads", "writes"].includes(ONLY)) throw new Error("BENCH_ONLY must be reads or writes (or unset: both)");
const SEEDED_DATABASE = "parley_bench";

const CREATE =
  "mutation($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { conversationId workflowId userErrors { code message } } }";

/** One request autocannon sends, and optionally its kind: a load reports the latency of each kind apart (see Result.byKind). */
type Req = { headers?: Record<string, string>; body: string; kind?: string };

interface Result {
  name: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  peakRssMb: number;
  statementsPerRequest?: number;
  /** CPU time per request (µs) of the server process, of all local PostgreSQL processes, and of autocannon (this process). */
  cpu: { server: number; postgres: number; load: number };
  /** The first erroneous response body, to say what went wrong. */
  sampleError?: string;
  /** Latency per request kind, in ms, timed from the request's setup (just before it is written) to its response. */
  byKind?: Record<string, { n: number; p50: number; p99: number }>;
}

/** Parley's processes (the seeded and the unseeded ones) and the highest RSS any of them reached in a load so far. */
const parleyPids = new Set<number>();
let parleyPeakRssMb = 0;

/** The Node flags `npm start` runs Parley with (package.json's start script: `node <flags> dist/src/main.js`). */
const START_FLAGS = (JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: { start: string } }).scripts.start
  .split(/\s+/)
  .filter((word) => word.startsWith("--"));

/**
 * Starts a server process (compiled JavaScript as is, with `npm start`'s Node flags; TypeScript
 * through ts-node) and resolves once `readyUrl` answers.
 */
async function start(script: string, env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const register = script.endsWith(".ts") ? ["-r", "ts-node/register/transpile-only"] : START_FLAGS;
  const child = spawn(process.execPath, [...register, script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let output = "";
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited (${child.exitCode}):\n${output}`);
    const up = await fetch(readyUrl, { method: "POST", body: "{}" }).then(
      () => true,
      () => false,
    );
    if (up) return child;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  child.kill("SIGKILL");
  throw new Error(`${script} did not start:\n${output}`);
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/** /proc/<pid>/stat fields after the command name (field 3 is index 0), or null when the process is gone. */
function statFields(pid: number | string): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  } catch {
    return null;
  }
}

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
function cpuSeconds(pid: number): number {
  const fields = statFields(pid);
  return fields ? (Number(fields[11]) + Number(fields[12])) / 100 : 0;
}

/**
 * CPU seconds of the local PostgreSQL server: the postmaster, its live children (backends,
 * autovacuum, WAL writer…) and, through the postmaster's cutime/cstime, the children that have
 * exited. Only the bench's own server when it is embedded (`postmaster`): other servers on the
 * machine are not its cost. With BENCH_DATABASE_URL, every local server; 0 when it is remote.
 */
let postmaster: number | undefined;
function postgresCpuSeconds(): number {
  const postgres = new Map<number, string[]>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== "postgres") continue;
    } catch {
      continue;
    }
    const fields = statFields(entry);
    if (fields) postgres.set(Number(entry), fields);
  }
  let ticks = 0;
  for (const [pid, fields] of postgres) {
    if (postmaster !== undefined && pid !== postmaster && Number(fields[1]) !== postmaster) continue;
    const isPostmaster = postmaster === undefined ? !postgres.has(Number(fields[1])) : pid === postmaster;
    ticks += Number(fields[11]) + Number(fields[12]) + (isPostmaster ? Number(fields[13]) + Number(fields[14]) : 0);
  }
  return ticks / 100;
}

/** Peak resident memory of a process while `during` runs, sampled every 100 ms. */
async function peakRss<T>(pid: number, during: () => Promise<T>): Promise<[T, number]> {
  let peak = 0;
  const sample = () => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) peak = Math.max(peak, Number(match[1]) / 1024);
    } catch {
      // process gone
    }
  };
  const timer = setInterval(sample, 100);
  try {
    return [await during(), peak];
  } finally {
    clearInterval(timer);
  }
}

async function load(
  name: string,
  pid: number,
  url: string,
  connections: number,
  request: () => Req,
  isError: (body: string) => boolean,
  duration = DURATION,
): Promise<Result> {
  let errors = 0;
  let sampleError: string | undefined;
  const latencies = new Map<string, number[]>();
  const [server0, postgres0, load0] = [cpuSeconds(pid), postgresCpuSeconds(), process.cpuUsage()];
  const [result, peak] = await peakRss(pid, () =>
    autocannon({
      url,
      connections,
      duration,
      requests: [
        {
          method: "POST",
          // autocannon gives each request a fresh context, set up just before it is written.
          setupRequest: (req, context: { kind?: string; setUpAt?: number }) => {
            const { headers, body, kind } = request();
            context.kind = kind;
            context.setUpAt = performance.now();
            return { ...req, headers: { ...req.headers, "content-type": "application/json", ...headers }, body };
          },
          onResponse: (_status, body, context: { kind?: string; setUpAt?: number }) => {
            if (context.kind !== undefined && context.setUpAt !== undefined) {
              const list = latencies.get(context.kind) ?? latencies.set(context.kind, []).get(context.kind)!;
              list.push(performance.now() - context.setUpAt);
            }
            if (!isError(body)) return;
            errors++;
            sampleError ??= body.slice(0, 300);
          },
        },
      ],
    }),
  );
  if (parleyPids.has(pid)) parleyPeakRssMb = Math.max(parleyPeakRssMb, peak);
  const perRequest = (seconds: number) => (1e6 * seconds) / Math.max(1, result.requests.total);
  const load1 = process.cpuUsage(load0);
  return {
    name,
    connections,
    cpu: {
      server: perRequest(cpuSeconds(pid) - server0),
      postgres: perRequest(postgresCpuSeconds() - postgres0),
      load: perRequest((load1.user + load1.system) / 1e6),
    },
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors,
    peakRssMb: peak,
    sampleError,
    byKind: latencies.size === 0 ? undefined : Object.fromEntries([...latencies].map(([kind, list]) => [kind, percentiles(list)])),
  };
}

function percentiles(list: number[]): { n: number; p50: number; p99: number } {
  const sorted = [...list].sort((a, b) => a - b);
  return { n: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

const gqlError = (body: string) => body.includes('"errors"') || /"userErrors":\[\{/.test(body);

/** Statements run so far in database `database` (pg_stat_statements counts every database of the server). */
async function statementCount(pool: Pool, database: string): Promise<number> {
  const { rows } = await pool.query(
    "SELECT coalesce(sum(calls), 0)::bigint AS n FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1)",
    [database],
  );
  return Number(rows[0].n);
}

/** Seconds until the workflow backlog (outbox rows, PENDING workflows, due jobs) of a database is 0; Infinity after 120 s. */
async function drain(pool: Pool): Promise<number> {
  const start = Date.now();
  for (;;) {
    const { rows } = await pool.query(
      `SELECT (SELECT count(*) FROM workflow_outbox) + (SELECT count(*) FROM workflow WHERE status = 'PENDING')
         + (SELECT count(*) FROM graphile_worker.jobs WHERE run_at <= now()) AS backlog`,
    );
    if (Number(rows[0].backlog) === 0) return (Date.now() - start) / 1000;
    if (Date.now() - start > 120_000) return Infinity;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A freshly migrated database (no seed, no ANALYZE) with the bench's account, its key and agent number. */
async function migratedDatabase(url: string): Promise<{ apiKey: string }> {
  const db = await openDatabase({ ...loadConfig({ NODE_ENV: "production" }), databaseUrl: url }, createLogger("warn"));
  try {
    const services = createServices(db.dataSource);
    const account = await services.accounts.create("bench", [AGENT]);
    return { apiKey: (await services.apiKeys.create(account.id)).apiKey };
  } finally {
    await db.close();
  }
}

/** How often the tables new conversations write to were analyzed, by Parley (ANALYZE) and by autovacuum. */
async function analyses(url: string): Promise<string> {
  const pool = new Pool({ connectionString: url, max: 1 });
  try {
    const { rows } = await pool.query(
      `SELECT relname, analyze_count, autoanalyze_count FROM pg_stat_user_tables
       WHERE relname IN ('sms_conversation', 'sms_message', 'workflow') ORDER BY relname`,
    );
    return rows.map((r) => `${r.relname} ${r.analyze_count} + ${r.autoanalyze_count}`).join(", ");
  } finally {
    await pool.end();
  }
}

async function main(): Promise<void> {
  const database = await createBenchDatabase(SEEDED_DATABASE);
  postmaster = database.postmasterPid;
  const logger = createLogger("warn");
  const db = await openDatabase({ ...loadConfig({ NODE_ENV: "production" }), databaseUrl: database.url }, logger);
  const services = createServices(db.dataSource);
  const pool = new Pool({ connectionString: database.url, max: 2 });
  const children: ChildProcess[] = [];
  try {
    await pool.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
    const account = await services.accounts.create("bench", [AGENT]);
    const { apiKey } = await services.apiKeys.create(account.id);
    const [number] = await pool.query("SELECT id FROM agent_number WHERE number = $1", [AGENT]).then((r) => r.rows);

    // Volume first, then VACUUM ANALYZE: a database that has served for a while (scenario 1 also
    // runs on one that has not, see unseededRun).
    await pool.query(
      `INSERT INTO sms_conversation (id, account_id, agent_number_id, agent_number, user_number, status, created_at, updated_at)
       SELECT gen_random_uuid(), $1, $2, $3, '+1888' || lpad(g::text, 7, '0'), 'ACTIVE', now() - make_interval(secs => g), now() - make_interval(secs => g)
       FROM generate_series(1, $4) g`,
      [account.id, number.id, AGENT, SEED_CONVERSATIONS],
    );
    await pool.query("INSERT INTO workflow (id, conversation_id, status) SELECT gen_random_uuid(), id, 'RUNNING' FROM sms_conversation");
    await pool.query(
      `INSERT INTO sms_message (id, conversation_id, account_id, sender, kind, body, created_at)
       SELECT gen_random_uuid(), c.id, c.account_id, 'USER', 'NORMAL', 'seed ' || k, c.created_at + make_interval(secs => k)
       FROM sms_conversation c, generate_series(1, 25) k`,
    );
    await pool.query("VACUUM ANALYZE");
    // The seed's dirty pages are written now, not by a checkpoint during a measured run.
    await pool
      .query("CHECKPOINT")
      .catch((error: Error) => console.log(`no CHECKPOINT after seeding (${error.message}): the first runs may pay for it`));
    const [one] = (await pool.query("SELECT id FROM sms_conversation ORDER BY created_at DESC LIMIT 1")).rows;
    const conversationId = toPublicId("conversation", one.id);
    const pairs = Array.from({ length: 1000 }, (_, i) => `+1888${String(i + 1).padStart(7, "0")}`);

    // As `npm start` runs it: compiled first.
    execFileSync("npm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
    const startParley = async (databaseUrl: string, port: number) => {
      const child = await start(
        "dist/src/main.js",
        {
          NODE_ENV: "production",
          LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "warn",
          DATABASE_URL: databaseUrl,
          PORT: String(port),
          // Every operation limit is on; the rate limits are off (one key and one address make every request), unless asked for.
          RATE_LIMIT_POINTS: process.env.BENCH_RATE_LIMIT_POINTS ?? "0",
          RATE_LIMIT_ANONYMOUS_POINTS: "0",
        },
        `http://127.0.0.1:${port}/healthz`,
      );
      children.push(child);
      parleyPids.add(child.pid!);
      return child;
    };
    const parleyPort = await freePort();
    const parley = await startParley(database.url, parleyPort);
    const parleyUrl = `http://127.0.0.1:${parleyPort}/graphql`;
    const auth = { authorization: apiKey };

    const results: Result[] = [];
    const drains: string[] = [];
    const unseededAnalyses: string[] = [];
    const layerResults: Result[] = [];
    let n = 0;
    const newUser = () => `+1777${String(n++).padStart(7, "0")}`;
    const createNew = () => ({
      headers: auth,
      body: JSON.stringify({ query: CREATE, variables: { input: { userNumber: newUser(), agentNumber: AGENT, message: "hello" } } }),
    });
    console.log(`${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "unknown CPU"}, Node ${process.version}`);

    if (ONLY !== "reads") {
      const floorPort = await freePort();
      const floor = await start(
        "bench/floor-server.ts",
        { DATABASE_URL: database.url, PORT: String(floorPort), ACCOUNT_ID: account.id, AGENT_NUMBER_ID: number.id, AGENT_NUMBER: AGENT },
        `http://127.0.0.1:${floorPort}/`,
      );
      children.push(floor);
      const floorUrl = `http://127.0.0.1:${floorPort}/`;
      const floorNew = () => ({ body: JSON.stringify({ userNumber: newUser(), message: "hello" }) });
      let turn = 0;
      const continueTurn = () => {
        const i = turn++;
        const agent = i % 2 === 1;
        return {
          kind: agent ? "AGENT" : "USER",
          headers: auth,
          body: JSON.stringify({
            query: CREATE,
            variables: {
              input: {
                userNumber: pairs[Math.floor(i / 2) % pairs.length],
                agentNumber: AGENT,
                message: agent ? "How can I help?" : "hi",
                sender: agent ? "AGENT" : "USER",
                timeOut: 3600,
              },
            },
          }),
        };
      };

      // Parley is warmed up on both scenarios it is measured on, as each server is on both reads:
      // scenario 2's AGENT turns and timers run code that scenario 1 does not.
      console.log("warming up Parley (scenarios 1 and 2) and the floor on writes");
      await load("warm-up", parley.pid!, parleyUrl, 10, createNew, gqlError, WARM_UP_SECONDS);
      await load("warm-up", parley.pid!, parleyUrl, 10, continueTurn, gqlError, WARM_UP_SECONDS);
      await load("warm-up", floor.pid!, floorUrl, 10, floorNew, (body) => body.includes('"error"'), WARM_UP_SECONDS);
      await drain(pool);

      /** Scenario 1 on a new database by a new process: warm-up, then the measured run (see the header). */
      const unseededRun = async (connections: number, round: number): Promise<Result> => {
        const name = `parley_bench_unseeded_${connections}_${round}`;
        const url = await database.another(name);
        const { apiKey: unseededKey } = await migratedDatabase(url);
        const port = await freePort();
        const child = await startParley(url, port);
        const unseededPool = new Pool({ connectionString: url, max: 1 });
        try {
          const create = () => ({ headers: { authorization: unseededKey }, body: createNew().body });
          await load("warm-up", child.pid!, `http://127.0.0.1:${port}/graphql`, connections, create, gqlError, WARM_UP_SECONDS);
          const before = await statementCount(pool, name);
          const result = await load(
            "1. new conversations, unseeded db",
            child.pid!,
            `http://127.0.0.1:${port}/graphql`,
            connections,
            create,
            gqlError,
          );
          result.statementsPerRequest = ((await statementCount(pool, name)) - before) / (result.rps * DURATION);
          drains.push(
            `after scenario 1 unseeded at ${connections} connections: backlog drained in ${(await drain(unseededPool)).toFixed(1)} s`,
          );
          unseededAnalyses.push(
            `unseeded db ${round + 1} at ${connections} connections, analyses by Parley + autovacuum: ${await analyses(url)}`,
          );
          return result;
        } finally {
          await unseededPool.end();
          await stop(child);
          children.splice(children.indexOf(child), 1);
        }
      };
      for (const connections of [10, 50]) {
        results.push(
          await load("floor: new conversation (raw pg)", floor.pid!, floorUrl, connections, floorNew, (body) => body.includes('"error"')),
        );
        const seededRun = async (): Promise<Result> => {
          const before = await statementCount(pool, SEEDED_DATABASE);
          const created = await load("1. new conversations", parley.pid!, parleyUrl, connections, createNew, gqlError);
          const statements = (await statementCount(pool, SEEDED_DATABASE)) - before;
          created.statementsPerRequest = statements / (created.rps * DURATION);
          drains.push(`after scenario 1 at ${connections} connections: backlog drained in ${(await drain(pool)).toFixed(1)} s`);
          return created;
        };
        // Seeded, unseeded, unseeded, seeded: a machine that speeds up or slows down steadily
        // through the four runs moves both means alike (alternating A B A B would favour A).
        results.push(await seededRun());
        results.push(await unseededRun(connections, 0));
        results.push(await unseededRun(connections, 1));
        results.push(await seededRun());
        results.push(
          await load("floor: new conversation (raw pg)", floor.pid!, floorUrl, connections, floorNew, (body) => body.includes('"error"')),
        );
        const beforeContinue = await statementCount(pool, SEEDED_DATABASE);
        const continued = await load("2. continuing (USER/AGENT + timeOut)", parley.pid!, parleyUrl, connections, continueTurn, gqlError);
        continued.statementsPerRequest = ((await statementCount(pool, SEEDED_DATABASE)) - beforeContinue) / (continued.rps * DURATION);
        results.push(continued);
        drains.push(`after scenario 2 at ${connections} connections: backlog drained in ${(await drain(pool)).toFixed(1)} s`);
      }

      // Where the time goes: each run adds one layer to the one before.
      const layers: Array<[string, () => { headers?: Record<string, string>; body: string }]> = [
        ["HTTP: refused without a key (401)", () => ({ body: JSON.stringify({ query: "{ __typename }" }) })],
        ["+ auth, limits, GraphQL: { __typename }", () => ({ headers: auth, body: JSON.stringify({ query: "{ __typename }" }) })],
        [
          "+ validation (input refused: no SQL)",
          () => ({
            headers: auth,
            body: JSON.stringify({ query: CREATE, variables: { input: { userNumber: "bad", agentNumber: AGENT, message: "x" } } }),
          }),
        ],
        ["+ SQL and trigger: the whole mutation", createNew],
      ];
      for (const [name, request] of layers)
        layerResults.push(await load(name, parley.pid!, parleyUrl, 10, request, () => false, Math.min(DURATION, 10)));
      await stop(floor);
      children.splice(children.indexOf(floor), 1);
    }

    /** The reads: Parley and its two peers, each answering in its schema's form (bench/read-queries.ts). */
    const readResults: Array<Result & { server: string; read: ReadKind }> = [];
    if (ONLY !== "writes") {
      const yogaPort = await freePort();
      const yoga = await start(
        "bench/peers/yoga-server.ts",
        { NODE_ENV: "production", DATABASE_URL: database.url, PORT: String(yogaPort) },
        `http://127.0.0.1:${yogaPort}/graphql`,
      );
      children.push(yoga);
      const postgraphilePort = await freePort();
      const postgraphile = await start(
        "bench/peers/postgraphile-server.ts",
        { NODE_ENV: "production", GRAPHILE_ENV: "production", DATABASE_URL: database.url, PORT: String(postgraphilePort) },
        `http://127.0.0.1:${postgraphilePort}/graphql`,
      );
      children.push(postgraphile);

      const parleyRequest = (read: ReadKind) => () => ({
        headers: auth,
        body:
          read === "one" ? JSON.stringify({ query: READ_ONE, variables: { id: conversationId } }) : JSON.stringify({ query: READ_PAGE }),
      });
      const postgraphileBodies: Record<ReadKind, string> = {
        one: JSON.stringify({ query: POSTGRAPHILE_READ_ONE, variables: { id: one.id, accountId: account.id } }),
        page: JSON.stringify({ query: POSTGRAPHILE_READ_PAGE, variables: { accountId: account.id } }),
      };
      const servers: Array<{ name: string; pid: number; url: string; form: SchemaForm; request: (read: ReadKind) => () => Req }> = [
        { name: "Parley", pid: parley.pid!, url: parleyUrl, form: "parley", request: parleyRequest },
        { name: "yoga + pg", pid: yoga.pid!, url: `http://127.0.0.1:${yogaPort}/graphql`, form: "parley", request: parleyRequest },
        {
          name: "PostGraphile 5",
          pid: postgraphile.pid!,
          url: `http://127.0.0.1:${postgraphilePort}/graphql`,
          form: "postgraphile",
          request: (read) => () => ({ body: postgraphileBodies[read] }),
        },
      ];
      const reads: ReadKind[] = ["one", "page"];

      // A broken server fails here, loudly, rather than being measured answering errors.
      for (const server of servers) {
        for (const read of reads) {
          const { headers, body } = server.request(read)();
          const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
          const counts = messageCounts(server.form, read, await response.text());
          const expected = read === "one" ? [20] : Array<number>(50).fill(1);
          if (typeof counts === "string" || counts.join() !== expected.join())
            throw new Error(
              `${server.name} answered ${READ_LABELS[read]} with ${typeof counts === "string" ? counts : `message counts [${counts.join()}]`}, not [${expected.length === 1 ? expected[0] : "50 × 1"}]`,
            );
        }
      }

      console.log("warming up Parley and its peers on the reads");
      for (const server of servers) {
        let i = 0;
        const [first, second] = [server.request("one"), server.request("page")];
        await load("warm-up", server.pid, server.url, 10, () => (i++ % 2 === 0 ? first() : second()), gqlError, WARM_UP_SECONDS);
      }
      for (const connections of [10, 50])
        for (const read of reads)
          for (let round = 0; round < 2; round++)
            for (const server of servers) {
              const before = await statementCount(pool, SEEDED_DATABASE);
              const result = await load(
                `${read === "one" ? "3. smsConversation(id)" : "4. smsConversations(50)"}: ${server.name}`,
                server.pid,
                server.url,
                connections,
                server.request(read),
                gqlError,
              );
              result.statementsPerRequest = ((await statementCount(pool, SEEDED_DATABASE)) - before) / (result.rps * DURATION);
              results.push(result);
              readResults.push({ ...result, server: server.name, read });
            }
    }

    const fmt = (r: Result) =>
      `${r.name.padEnd(40)} ${String(r.connections).padStart(4)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(6)} ${String(r.p99).padStart(6)} ${String(r.non2xx).padStart(6)} ${String(r.errors).padStart(6)} ${r.peakRssMb.toFixed(0).padStart(7)} ${r.statementsPerRequest === undefined ? "      " : r.statementsPerRequest.toFixed(2).padStart(6)}   ${[r.cpu.server, r.cpu.postgres, r.cpu.load].map((us) => us.toFixed(0).padStart(5)).join(" ")}`;
    console.log(
      `\n${"scenario".padEnd(40)} conn    req/s  p50ms  p99ms non2xx gqlerr  rss MB  stmt/req  CPU µs/req: server postgres autocannon`,
    );
    for (const r of results) console.log(fmt(r));
    for (const r of results) if (r.sampleError) console.log(`first error of "${r.name}" at ${r.connections}: ${r.sampleError}`);
    for (const line of drains) console.log(line);
    for (const line of unseededAnalyses) console.log(line);
    if (ONLY !== "reads") {
      for (const connections of [10, 50]) {
        const floors = results.filter((r) => r.connections === connections && r.name.startsWith("floor"));
        const mean = (name: string): Result["cpu"] & { rps: number; p99: number } => {
          const runs = results.filter((r) => r.connections === connections && r.name === name);
          const of = (value: (r: Result) => number) => runs.reduce((sum, r) => sum + value(r), 0) / runs.length;
          return {
            rps: of((r) => r.rps),
            p99: of((r) => r.p99),
            server: of((r) => r.cpu.server),
            postgres: of((r) => r.cpu.postgres),
            load: of((r) => r.cpu.load),
          };
        };
        const seeded = mean("1. new conversations");
        const unseeded = mean("1. new conversations, unseeded db");
        const continuing = mean("2. continuing (USER/AGENT + timeOut)");
        const floorRps = floors.reduce((sum, r) => sum + r.rps, 0) / floors.length;
        const floorP99 = floors.reduce((sum, r) => sum + r.p99, 0) / floors.length;
        console.log(
          `ratio Parley / floor, scenario 1 at ${connections} connections: ${(seeded.rps / floorRps).toFixed(2)} (${seeded.rps.toFixed(0)} / ${floorRps.toFixed(0)} req/s)`,
        );
        console.log(
          `ratio Parley / floor, scenario 2 at ${connections} connections: ${(continuing.rps / floorRps).toFixed(2)} (${continuing.rps.toFixed(0)} / ${floorRps.toFixed(0)} req/s; p99 ${continuing.p99.toFixed(0)} ms, the floor's ${floorP99.toFixed(0)} ms)`,
        );
        const turns = results.find((r) => r.connections === connections && r.name.startsWith("2."))?.byKind;
        if (turns) {
          console.log(
            `scenario 2 at ${connections} connections by turn (ms from setup to response): ${Object.entries(turns)
              .sort(([a], [b]) => b.localeCompare(a))
              .map(([kind, t]) => `${kind} p50 ${t.p50.toFixed(1)} p99 ${t.p99.toFixed(1)}`)
              .join("; ")}`,
          );
        }
        console.log(
          `ratio unseeded / seeded, scenario 1 at ${connections} connections (means of two runs): ${(unseeded.rps / seeded.rps).toFixed(2)} (${unseeded.rps.toFixed(0)} / ${seeded.rps.toFixed(0)} req/s;` +
            ` CPU µs/req server ${unseeded.server.toFixed(0)} / ${seeded.server.toFixed(0)}, postgres ${unseeded.postgres.toFixed(0)} / ${seeded.postgres.toFixed(0)}, autocannon ${unseeded.load.toFixed(0)} / ${seeded.load.toFixed(0)})`,
        );
      }
    }
    if (ONLY !== "writes") {
      console.log(`\nreads: mean of the two runs of each server (rss: the higher peak)`);
      console.log(`${"read".padEnd(48)} conn ${"server".padEnd(15)}    req/s  p50ms  p99ms  server CPU µs/req  rss MB`);
      const ratios: string[] = [];
      for (const connections of [10, 50])
        for (const read of ["one", "page"] as const) {
          const means = ["Parley", "yoga + pg", "PostGraphile 5"].map((server) => {
            const runs = readResults.filter((r) => r.connections === connections && r.read === read && r.server === server);
            const mean = (value: (r: Result) => number) => runs.reduce((sum, r) => sum + value(r), 0) / runs.length;
            const row = {
              server,
              rps: mean((r) => r.rps),
              p50: mean((r) => r.p50),
              p99: mean((r) => r.p99),
              cpu: mean((r) => r.cpu.server),
            };
            console.log(
              `${READ_LABELS[read].padEnd(48)} ${String(connections).padStart(4)} ${server.padEnd(15)} ${row.rps.toFixed(0).padStart(8)} ${row.p50.toFixed(1).padStart(6)} ${row.p99.toFixed(1).padStart(6)} ${row.cpu.toFixed(0).padStart(18)} ${Math.max(
                ...runs.map((r) => r.peakRssMb),
              )
                .toFixed(0)
                .padStart(7)}`,
            );
            return row;
          });
          const [parleyMean, ...peers] = means;
          const faster = peers.reduce((a, b) => (b.rps > a.rps ? b : a));
          ratios.push(
            `ratio Parley / faster peer, ${READ_LABELS[read]} at ${connections} connections: ${(parleyMean.rps / faster.rps).toFixed(2)} (${parleyMean.rps.toFixed(0)} / ${faster.rps.toFixed(0)} req/s, ${faster.server})`,
          );
        }
      for (const line of ratios) console.log(line);
    }
    console.log(`Parley peak RSS across the whole bench: ${parleyPeakRssMb.toFixed(0)} MB`);
    if (layerResults.length > 0) {
      console.log(`\nlayer costs (10 connections): each row adds one layer`);
      let previous = 0;
      for (const r of layerResults) {
        const costUs = 1e6 / r.rps;
        console.log(
          `${r.name.padEnd(40)} ${r.rps.toFixed(0).padStart(8)} req/s  ${costUs.toFixed(0).padStart(6)} µs/req  (+${(costUs - previous).toFixed(0)} µs)  non-2xx ${r.non2xx}`,
        );
        previous = costUs;
      }
    }
  } finally {
    await Promise.all(children.map(stop));
    await pool.end();
    await db.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
