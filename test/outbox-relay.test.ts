import { runMigrations } from "graphile-worker";
import { Pool } from "pg";
import { createLogger } from "../src/logging/logger";
import { OutboxRelay } from "../src/workflows/outbox-relay";
import { eventually, sleep } from "./support/eventually";
import { type Harness, randomNumber, startHarness } from "./support/harness";
import { CREATE } from "./support/operations";

const SETUPS_ONLY = { outbox: false, setups: true };

describe("the outbox relay", () => {
  let harness: Harness;
  let pool: Pool;
  let relay: OutboxRelay;
  /** Passes that read the outbox: each takes a connection from the relay's own pool. */
  let outboxReads = 0;

  beforeAll(async () => {
    // No worker of the API's own: this test drives its relay itself.
    harness = await startHarness({ runWorker: false });
    await runMigrations({ connectionString: harness.database.url, logger: undefined });
  });
  beforeEach(() => {
    pool = new Pool({ connectionString: harness.database.url, max: 2 });
    pool.on("acquire", () => outboxReads++);
    relay = new OutboxRelay({ pool, logger: createLogger("silent"), workflows: harness.parley.services.workflows, pollIntervalMs: 300 });
    outboxReads = 0;
  });
  afterEach(async () => {
    await relay.stop();
    await pool.end();
  });
  afterAll(() => harness.close());

  /** Nudges as a busy API does after every new conversation, until `done` settles. */
  async function nudgeSetupsUntil<T>(done: Promise<T>): Promise<T> {
    let settled = false;
    const result = done.finally(() => (settled = true));
    while (!settled) {
      relay.nudge(SETUPS_ONLY);
      await sleep(5);
    }
    return result;
  }

  /** A timer row as another process's API writes it; returns its job key. */
  async function writeOutboxRow(): Promise<string> {
    const jobKey = `test:${randomNumber()}`;
    await harness.db.query(
      `INSERT INTO workflow_outbox (task, payload, run_at, job_key, remove_job) VALUES ('conversation.timer', '{}', now() + interval '1 hour', $1, false)`,
      [jobKey],
    );
    return jobKey;
  }

  async function expectJob(jobKey: string): Promise<void> {
    const { rows } = await harness.db.query("SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key = $1", [jobKey]);
    expect(rows[0].n).toBe(1);
  }

  async function pendingWorkflows(count: number): Promise<void> {
    const account = await harness.createAccount();
    for (let i = 0; i < count; i++) {
      const { body } = await harness.graphql(
        CREATE,
        { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "hi" } },
        { apiKey: account.apiKey },
      );
      expect(body.data!.createSmsConversation.userErrors).toEqual([]);
    }
  }

  it("puts a row's traceparent in its job's payload, and leaves a row without one as written", async () => {
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    await harness.db.query(
      `INSERT INTO workflow_outbox (task, payload, run_at, job_key, remove_job, traceparent) VALUES
         ('conversation.timer', '{"kind":"TIMEOUT"}', now() + interval '1 hour', 'test:traced', false, $1),
         ('conversation.timer', '{"kind":"WARNING"}', now() + interval '1 hour', 'test:untraced', false, NULL)`,
      [traceparent],
    );
    await relay.relayOnce();
    const { rows } = await harness.db.query(
      "SELECT key, payload FROM graphile_worker._private_jobs WHERE key IN ('test:traced', 'test:untraced') ORDER BY key",
    );
    expect(rows).toEqual([
      { key: "test:traced", payload: { kind: "TIMEOUT", traceparent } },
      { key: "test:untraced", payload: { kind: "WARNING" } },
    ]);
    expect((await harness.db.query("SELECT count(*)::int AS n FROM workflow_outbox")).rows).toEqual([{ n: 0 }]);
  });

  it("sets new workflows up while nudges bring only setups, and reads the outbox only once per poll interval meanwhile", async () => {
    await pendingWorkflows(3);
    relay.start();
    const startedAt = Date.now();
    await nudgeSetupsUntil(
      eventually(async () => {
        const { rows } = await harness.db.query("SELECT count(*)::int AS n FROM workflow WHERE status = 'PENDING'");
        expect(rows[0].n).toBe(0);
      }),
    );
    // And some more nudging, long enough for several poll intervals.
    await nudgeSetupsUntil(sleep(1_000));
    const elapsed = Date.now() - startedAt;
    // A pass every ~10 ms reading the outbox each time would be ~100 reads.
    expect(outboxReads).toBeLessThanOrEqual(Math.ceil(elapsed / 300) + 1);
  });

  it("still relays a row another process wrote, within the poll interval, while nudges bring only setups", async () => {
    relay.start();
    await sleep(50);
    const jobKey = await writeOutboxRow();
    const writtenAt = Date.now();
    await nudgeSetupsUntil(eventually(() => expectJob(jobKey), { timeoutMs: 2_000, intervalMs: 10 }));
    // The poll interval (300 ms), plus a pass and this test's own polling.
    expect(Date.now() - writtenAt).toBeLessThan(300 + 250);
    expect((await harness.db.query("SELECT count(*)::int AS n FROM workflow_outbox")).rows[0].n).toBe(0);
  });

  it("reads the outbox at once when a nudge brings outbox rows", async () => {
    relay = new OutboxRelay({ pool, logger: createLogger("silent"), workflows: harness.parley.services.workflows, pollIntervalMs: 60_000 });
    relay.start();
    await eventually(async () => expect(outboxReads).toBe(1)); // the first pass always reads it
    const jobKey = await writeOutboxRow();
    relay.nudge({ outbox: true, setups: false });
    await eventually(() => expectJob(jobKey), { timeoutMs: 2_000 });
  });
});
