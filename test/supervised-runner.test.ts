import { parsePublicId } from "../src/services/shared/public-id";
import { startWorker, type Worker } from "../src/workflows/worker";
import { capturedLogger } from "./support/captured-logger";
import { eventually } from "./support/eventually";
import { type Harness, randomNumber, startHarness } from "./support/harness";
import { CREATE } from "./support/operations";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

/*
 * The worker's runner when the database's answer to a job lookup is lost: PostgreSQL locked the
 * job for this runner and the connection closed before the runner heard of it. The runner lives
 * and beats on, so neither graphile-worker (4 hours) nor the heartbeat (a stale worker) would
 * ever release that job: the runner must.
 */

jest.setTimeout(60_000);

let harness: Harness;
let proxy: TcpProxy;
let worker: Worker | undefined;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
  proxy = await startTcpProxy(harness.database.url);
});
afterAll(async () => {
  await worker?.stop();
  await proxy?.close();
  await harness?.close();
});

describe("the supervised runner", () => {
  it("runs a timer whose job lookup's answer was lost: that runner is replaced and the job released", async () => {
    const logs = capturedLogger("warn");
    worker = await startWorker({
      // Only the worker goes through the proxy; the API and the tasks' services do not.
      connectionString: proxy.url,
      services: harness.parley.services,
      logger: logs.logger,
      pollInterval: 100,
      relayIntervalMs: 50,
      // No heartbeat could release the job in this test's time: the runner itself must.
      staleWorkerAfterMs: 600_000,
    });
    const account = await harness.createAccount();
    const lost = proxy.loseAnswer("get_job", "UPDATE 1");
    const { body } = await harness.graphql(
      CREATE,
      {
        input: {
          userNumber: randomNumber(),
          agentNumber: account.agentNumbers[0],
          message: "How can I help?",
          sender: "AGENT",
          timeOut: 5,
          warningTime: 1,
          warningMessage: "Are you still there?",
        },
      },
      { apiKey: account.apiKey },
    );
    expect(body.data!.createSmsConversation.userErrors).toEqual([]);
    const conversationId = parsePublicId("conversation", body.data!.createSmsConversation.conversationId as string)!;

    await lost;
    // The lost lookup locked the warning's job. Released, it runs within about a second; left
    // locked, the warning would only go out with the timeout's job, 5 s after the message.
    const warnings = () =>
      harness.db.query<{ body: string; after_ms: number }>(
        `SELECT m.body, extract(epoch FROM m.created_at - c.created_at) * 1000 AS after_ms
         FROM sms_message m JOIN sms_conversation c ON c.id = m.conversation_id
         WHERE c.id = $1 AND m.kind = 'TIMEOUT_WARNING'`,
        [conversationId],
      );
    const [warning] = await eventually(
      async () => {
        const { rows } = await warnings();
        expect(rows.map((row) => row.body)).toEqual(["Are you still there?"]);
        return rows;
      },
      { timeoutMs: 15_000 },
    );
    expect(Number(warning.after_ms)).toBeLessThan(4_000);
    expect(logs.text()).toContain("worker runner stopped by itself; starting another");

    // The replacement runner goes on: the timeout fires, the conversation times out, no job is left locked.
    await eventually(
      async () => {
        const { rows } = await harness.db.query<{ status: string }>("SELECT status FROM sms_conversation WHERE id = $1", [conversationId]);
        expect(rows).toEqual([{ status: "TIMED_OUT" }]);
      },
      { timeoutMs: 15_000 },
    );
    expect((await warnings()).rows).toHaveLength(1);
    expect((await harness.db.query("SELECT count(*)::int AS n FROM graphile_worker.jobs")).rows[0].n).toBe(0);
  });
});
