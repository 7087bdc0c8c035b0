import { Pool } from "pg";
import { closeDataSource, createDataSource } from "../src/database/data-source";
import { SERVICE_UNAVAILABLE_MESSAGE } from "../src/http/graphql/service-unavailable";
import { createLogger } from "../src/logging/logger";
import { parsePublicId } from "../src/services/shared/public-id";
import { createServices } from "../src/services/services";
import { eventually, sleep } from "./support/eventually";
import { freePort } from "./support/free-port";
import { randomNumber } from "./support/harness";
import { acknowledged, expectAcknowledgedStored, type LoadCall, startLoad } from "./support/load";
import { type OwnPostgres, startOwnPostgres } from "./support/own-postgres";
import { startGatewayProcess, type WorkerProcess } from "./support/worker-process";

/*
 * PostgreSQL restarted under load, fast and then immediate shutdown, under a real `npm start`
 * process in production mode. The server is this file's own: the other files' server never stops.
 */

jest.setTimeout(240_000);

let postgres: OwnPostgres;
let gateway: WorkerProcess;
let baseUrl: string;
let db: Pool;
let apiKey: string;
let agentNumber: string;

beforeAll(async () => {
  postgres = await startOwnPostgres();
  const port = await freePort();
  // No other process could release a stopped runner's jobs in time: this one must, at once.
  gateway = startGatewayProcess(postgres.url, port, { NODE_ENV: "production", WORKER_STALE_AFTER_MS: "600000" });
  await gateway.ready;
  baseUrl = `http://127.0.0.1:${port}`;
  const dataSource = createDataSource({ url: postgres.url, poolSize: 2 });
  await dataSource.initialize();
  try {
    const services = createServices(dataSource, { logger: createLogger("silent") });
    const account = await services.accounts.create("Restart test");
    agentNumber = (await services.accounts.addAgentNumber(account.id, randomNumber())).number;
    apiKey = (await services.apiKeys.create(account.id)).apiKey;
  } finally {
    await closeDataSource(dataSource);
  }
  db = new Pool({ connectionString: postgres.url, max: 2 });
  // Its idle connections die with the server; the next query opens new ones.
  db.on("error", () => undefined);
});
afterAll(async () => {
  await gateway?.stop("SIGTERM");
  await db?.end();
  await postgres?.close();
});

interface Outage {
  mode: "fast" | "immediate";
  /** When the server had stopped, and when it was told to start again (performance.now()). */
  downAt: number;
  restartAt: number;
  readiness: Array<{ status: number; ms: number }>;
  /** performance.now() once the gateway answered a create with 200 again. */
  servingAt: number;
}

async function readyz(): Promise<{ status: number; ms: number }> {
  const startedAt = performance.now();
  const response = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, ms: performance.now() - startedAt };
}

/** Stops the server for ~2 s (probing /readyz meanwhile), starts it, and waits until the gateway serves again by itself. */
async function outage(mode: Outage["mode"], calls: readonly LoadCall[]): Promise<Outage> {
  await postgres.stop(mode);
  const downAt = performance.now();
  const readiness = [];
  for (let i = 0; i < 8; i++) {
    readiness.push(await readyz());
    await sleep(250);
  }
  const restartAt = performance.now();
  await postgres.start();
  await eventually(async () => expect((await readyz()).status).toBe(200), { timeoutMs: 20_000, intervalMs: 100 });
  const servingAt = await eventually(
    async () => {
      const served = calls.find((call) => call.sentAt > restartAt && call.status === 200);
      expect(served).toBeDefined();
      return served!.sentAt + served!.ms;
    },
    { timeoutMs: 20_000, intervalMs: 100 },
  );
  return { mode, downAt, restartAt, readiness, servingAt };
}

/**
 * A conversation whose timeout timer is being fired when this returns: its TIMEOUT_END insert
 * sleeps 3 s (once), so its job holds its worker.
 */
async function slowTimer(): Promise<string> {
  await db.query(`
    CREATE OR REPLACE FUNCTION slow_timeout_end() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN PERFORM pg_sleep(3); RETURN NEW; END $$;
    CREATE OR REPLACE TRIGGER slow_timeout_end BEFORE INSERT ON sms_message
      FOR EACH ROW WHEN (NEW.kind = 'TIMEOUT_END' AND NEW.body = 'Slow bye') EXECUTE FUNCTION slow_timeout_end();
  `);
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: apiKey },
    body: JSON.stringify({
      query:
        "mutation($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { conversationId userErrors { code } } }",
      variables: {
        input: { userNumber: randomNumber(), agentNumber, message: "hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Slow bye" },
      },
    }),
  });
  const { data } = (await response.json()) as { data: { createSmsConversation: { conversationId: string } } };
  await eventually(
    async () => {
      const { rows } = await db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep'");
      expect(rows[0].n).toBe(1);
    },
    { timeoutMs: 10_000 },
  );
  return parsePublicId("conversation", data.createSmsConversation.conversationId)!;
}

describe("PostgreSQL restarted under load", () => {
  it("answers 503 SERVICE_UNAVAILABLE with Retry-After meanwhile, loses nothing acknowledged, and serves again by itself", async () => {
    const load = startLoad({ baseUrl, apiKey, agentNumber, concurrency: 4, pauseMs: 100, timerEvery: 10, newConversationEvery: 7 });
    await sleep(1_000);
    const logFrom = gateway.output().length;
    const loggedFrom = performance.now();
    const outages = [await outage("fast", load.calls)];
    await sleep(1_000);
    // A timer job in flight when the server goes: its worker cannot record the outcome, and
    // graphile-worker stops that runner. Its insert sleeps, so the job is surely running then.
    const slow = await slowTimer();
    outages.push(await outage("immediate", load.calls));
    await sleep(1_000);
    const calls = await load.stop();
    const outageLog = gateway.output().slice(logFrom);
    const loggedMs = performance.now() - loggedFrom;

    // Every call was answered, within a few seconds: 200, or 503 SERVICE_UNAVAILABLE with Retry-After.
    expect(calls.length).toBeLessThan(1_000);
    for (const call of calls) {
      expect(call.ms).toBeLessThan(5_000);
      if (call.status === 200) continue;
      expect({ status: call.status, retryAfter: call.retryAfter, errors: call.errors }).toEqual({
        status: 503,
        retryAfter: "2",
        errors: [expect.objectContaining({ message: SERVICE_UNAVAILABLE_MESSAGE, extensions: { code: "SERVICE_UNAVAILABLE" } })],
      });
    }
    for (const { downAt, restartAt, readiness, servingAt } of outages) {
      // Calls answered while the server was down were all refused as unavailable.
      const during = calls.filter((call) => call.sentAt >= downAt && call.sentAt + call.ms <= restartAt);
      expect(during.length).toBeGreaterThan(5);
      for (const call of during) expect(call.status).toBe(503);
      for (const probe of readiness) {
        expect(probe.status).toBe(503);
        expect(probe.ms).toBeLessThan(1_500);
      }
      // Serving again within a few seconds of the server's return, and since then never refused.
      expect(servingAt - restartAt).toBeLessThan(15_000);
    }

    // Nothing acknowledged is lost, and every acknowledged conversation's workflow gets set up.
    const acked = acknowledged(calls);
    expect(acked.length).toBeGreaterThan(20);
    await expectAcknowledgedStored(db, calls);
    await eventually(
      async () => {
        const { rows } = await db.query("SELECT count(*)::int AS n FROM workflow WHERE id = ANY($1) AND status = 'PENDING'", [
          acked.map((call) => parsePublicId("workflow", call.workflowId!)),
        ]);
        expect(rows[0].n).toBe(0);
      },
      { timeoutMs: 20_000 },
    );
    // Every acknowledged timer fires, exactly once, restarts or not. A timer job whose task failed
    // while PostgreSQL went or came back is retried with graphile-worker's backoff (e^attempts s:
    // 7 s before a third attempt, 20 s before a fourth), so the wait covers that, not one poll.
    const timers = acked.filter((call) => call.input.timeOut !== undefined);
    expect(timers.length).toBeGreaterThan(0);
    const conversationIds = timers.map((call) => parsePublicId("conversation", call.conversationId!));
    await withTimerJobsOnFailure(conversationIds, () =>
      eventually(
        async () => {
          const { rows } = await db.query(
            `SELECT c.id, c.status, (SELECT count(*)::int FROM sms_message m WHERE m.conversation_id = c.id AND m.kind = 'TIMEOUT_END') AS ends
           FROM sms_conversation c WHERE c.id = ANY($1)`,
            [conversationIds],
          );
          expect(rows).toHaveLength(timers.length);
          for (const row of rows) expect(row).toEqual({ id: row.id, status: "TIMED_OUT", ends: 1 });
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      ),
    );

    // The timer whose job the restart interrupted fired too, once: the worker runner was started again.
    await eventually(
      async () => {
        const { rows } = await db.query(
          "SELECT c.status, array_agg(m.kind::text ORDER BY m.created_at) AS kinds FROM sms_conversation c JOIN sms_message m ON m.conversation_id = c.id WHERE c.id = $1 GROUP BY c.id",
          [slow],
        );
        expect(rows).toEqual([{ status: "TIMED_OUT", kinds: ["NORMAL", "TIMEOUT_END"] }]);
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    // (Read now: graphile-worker may stop that runner only after the load has ended.)
    expect(gateway.output().slice(logFrom)).toContain("worker runner stopped by itself; starting another");

    // The log holds a line per kind of failure per interval, not one (with a stack) per attempt.
    // (graphile-worker prints the stack of each of its workers that was polling when it stopped its runner.)
    const lines = outageLog.split("\n").filter((line) => line.trim() !== "");
    const accessLog = (line: string) => line.includes('"msg":"request completed"') || line.includes('"msg":"request errored"');
    const failureLines = lines.filter((line) => line.startsWith("{") && !accessLog(line) && !line.includes('"level":30'));
    const stacks = lines.filter((line) =>
      line.startsWith("{") ? !accessLog(line) && line.includes("\\n    at ") : /^(Trace: )?\w*Error\b/.test(line),
    );
    const perKind = new Map<string, number>();
    for (const line of failureLines) {
      const { msg, reason, kind } = JSON.parse(line) as { msg: string; reason?: string; kind?: string };
      const key = `${msg.replace(/ \(repeated\)$/, "")} | ${reason ?? kind ?? ""}`;
      perKind.set(key, (perKind.get(key) ?? 0) + 1);
    }
    // At most a line per 10 s interval, plus the first one.
    const intervals = Math.ceil(loggedMs / 10_000) + 1;
    expect([...perKind].filter(([, count]) => count > intervals)).toEqual([]);
    const refused = calls.filter((call) => call.status === 503).length;
    expect(refused).toBeGreaterThan(50);
    expect(failureLines.length).toBeLessThan(refused);
    expect(stacks.length).toBeLessThan(10);
  });
});

/** Runs `check`; if it fails, the failure also shows the conversations' timer jobs as graphile-worker holds them, and the server's last log lines. */
async function withTimerJobsOnFailure(conversationIds: Array<string | null>, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    const { rows: jobs } = await db.query(
      `SELECT key, task_identifier, attempts, max_attempts, last_error, locked_at, locked_by, run_at, now() AS now
       FROM graphile_worker.jobs WHERE key LIKE ANY($1)`,
      [conversationIds.map((id) => `%${id}%`)],
    );
    throw new Error(
      `${(error as Error).message}\ntheir timer jobs: ${JSON.stringify(jobs)}\nserver log, last lines:\n${gateway.output().slice(-6000)}`,
      { cause: error },
    );
  }
}
