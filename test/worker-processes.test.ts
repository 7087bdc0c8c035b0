import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { eventually } from "./support/eventually";
import { CREATE } from "./support/operations";
import { startWorkerProcess, type WorkerProcess } from "./support/worker-process";

/*
 * Workers as a deployment runs them: separate `npm run worker` processes sharing one database
 * with an API process that runs no worker.
 */

jest.setTimeout(60_000);

let harness: Harness;
let account: TestAccount;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.stop("SIGKILL")));
  workers = [];
});

function worker(env?: Record<string, string>): WorkerProcess {
  const process = startWorkerProcess(harness.database.url, env);
  workers.push(process);
  return process;
}

async function create(input: Record<string, unknown>): Promise<string> {
  const { body } = await harness.graphql(CREATE, { input: { agentNumber: account.agentNumbers[0], ...input } }, { apiKey: account.apiKey });
  expect(body.data!.createSmsConversation.userErrors).toEqual([]);
  return body.data!.createSmsConversation.conversationId;
}

const firedCount = (output: string) => output.split("\n").filter((line) => line.includes(" fired for conversation ")).length;

describe("worker processes", () => {
  it("two workers on one database send each warning and each timeout exactly once", async () => {
    const [a, b] = [worker(), worker()];
    await Promise.all([a.ready, b.ready]);

    const count = 30;
    for (let i = 0; i < count; i++) {
      await create({
        userNumber: randomNumber(),
        message: `hello ${i}`,
        sender: "AGENT",
        warningTime: 1,
        timeOut: 2,
        warningMessage: "Still there?",
        timeoutMessage: "Bye",
      });
    }

    await eventually(
      async () => {
        const { rows } = await harness.db.query(
          "SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1 AND status = 'TIMED_OUT'",
          [account.id],
        );
        expect(rows[0].n).toBe(count);
      },
      { timeoutMs: 20_000 },
    );
    const { rows } = await harness.db.query(
      `SELECT c.id, array_agg(m.kind::text ORDER BY m.created_at) AS kinds
       FROM sms_conversation c JOIN sms_message m ON m.conversation_id = c.id
       WHERE c.account_id = $1 GROUP BY c.id`,
      [account.id],
    );
    expect(rows).toHaveLength(count);
    for (const row of rows) expect(row.kinds).toEqual(["NORMAL", "TIMEOUT_WARNING", "TIMEOUT_END"]);
    // A worker logs a timer after its transaction commits: the last lines may still be on their way.
    await eventually(async () => expect(firedCount(a.output()) + firedCount(b.output())).toBe(2 * count));
    // Both processes took part: the timers were shared, not run by one of them alone.
    expect(firedCount(a.output())).toBeGreaterThan(0);
    expect(firedCount(b.output())).toBeGreaterThan(0);
  });

  it("loses no timer when its worker is killed with SIGKILL mid-job: another worker recovers the job and runs it", async () => {
    // Hold the timeout job in flight: its message insert sleeps, so the job stays locked.
    await harness.db.query(`
      CREATE OR REPLACE FUNCTION slow_timeout_end() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_sleep(2); RETURN NEW; END $$;
      CREATE TRIGGER slow_timeout_end BEFORE INSERT ON sms_message
        FOR EACH ROW WHEN (NEW.kind = 'TIMEOUT_END') EXECUTE FUNCTION slow_timeout_end();
    `);
    const doomed = worker();
    await doomed.ready;
    const id = await create({ userNumber: randomNumber(), message: "hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });

    await eventually(async () => {
      const { rows } = await harness.db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep'");
      expect(rows[0].n).toBe(1);
    });
    await doomed.stop("SIGKILL");
    await harness.db.query("DROP TRIGGER slow_timeout_end ON sms_message");
    // The killed worker's statement either commits (PostgreSQL finishes an autocommit statement whose
    // client is gone) or not; either way its job stays locked by the dead worker.
    await eventually(async () => {
      const { rows } = await harness.db.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event = 'PgSleep'");
      expect(rows[0].n).toBe(0);
    });
    const { rows: locked } = await harness.db.query("SELECT locked_by FROM graphile_worker._private_jobs WHERE locked_by IS NOT NULL");
    expect(locked).toHaveLength(1);

    const rescuer = worker();
    await rescuer.ready;
    await eventually(
      async () => {
        const { rows } = await harness.db.query("SELECT status FROM sms_conversation WHERE account_id = $1", [account.id]);
        expect(rows).toEqual([{ status: "TIMED_OUT" }]);
        // The dead worker's job was released, run again (firing the timer, or finding it fired) and done.
        const { rows: jobs } = await harness.db.query("SELECT count(*)::int AS n FROM graphile_worker._private_jobs");
        expect(jobs).toEqual([{ n: 0 }]);
      },
      { timeoutMs: 15_000 },
    );
    const { rows: messages } = await harness.db.query("SELECT kind, body FROM sms_message WHERE account_id = $1 ORDER BY created_at", [
      account.id,
    ]);
    expect(messages).toEqual([
      { kind: "NORMAL", body: "hi" },
      { kind: "TIMEOUT_END", body: "Bye" },
    ]);
    expect(rescuer.output()).toContain("released the jobs of workers that stopped beating");
    expect(id).toMatch(/^conv_/);
  });

  it("drains on SIGTERM: the worker finishes and exits 0", async () => {
    const drained = worker();
    await drained.ready;
    await drained.stop("SIGTERM");
    expect(drained.child.exitCode).toBe(0);
    expect(drained.output()).toContain('"msg":"draining"');
  });
});
