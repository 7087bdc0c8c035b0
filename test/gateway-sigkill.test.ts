import { parsePublicId } from "../src/services/shared/public-id";
import { eventually } from "./support/eventually";
import { freePort } from "./support/free-port";
import { type Harness, startHarness, type TestAccount } from "./support/harness";
import { acknowledged, expectAcknowledgedStored, startLoad } from "./support/load";
import { startGatewayProcess, type WorkerProcess } from "./support/worker-process";

/*
 * A real `npm start` process (API and worker) killed with SIGKILL while it answers concurrent
 * createSmsConversation calls: whatever it acknowledged is durable, and a new process finishes
 * the work (workflow setups, timers).
 */

jest.setTimeout(120_000);

let harness: Harness;
let account: TestAccount;
const processes: WorkerProcess[] = [];

beforeAll(async () => {
  // This harness only provides the database and an account; the gateways are real processes.
  harness = await startHarness({ runWorker: false });
  account = await harness.createAccount();
});
afterAll(async () => {
  await Promise.all(processes.map((process) => process.stop("SIGKILL")));
  await harness.close();
});

async function gateway(): Promise<{ process: WorkerProcess; baseUrl: string }> {
  const port = await freePort();
  const process = startGatewayProcess(harness.database.url, port);
  processes.push(process);
  await process.ready;
  return { process, baseUrl: `http://127.0.0.1:${port}` };
}

describe("an npm start process killed with SIGKILL under load", () => {
  it("loses no acknowledged create; a new process sets up their workflows and fires their timers once", async () => {
    const doomed = await gateway();
    const load = startLoad({
      baseUrl: doomed.baseUrl,
      apiKey: account.apiKey,
      agentNumber: account.agentNumbers[0],
      concurrency: 6,
      pauseMs: 20,
      timerEvery: 10,
    });
    await eventually(async () => expect(acknowledged(load.calls).length).toBeGreaterThan(100), { timeoutMs: 20_000, intervalMs: 20 });
    await doomed.process.stop("SIGKILL");
    const calls = await load.stop();
    const acked = acknowledged(calls);
    expect(calls.length).toBeLessThan(1_000);
    // The kill cut calls in flight: those were never acknowledged.
    expect(calls.some((call) => call.status === "connection failed")).toBe(true);

    await expectAcknowledgedStored(harness.db, calls);

    const successor = await gateway();
    const workflowIds = acked.map((call) => parsePublicId("workflow", call.workflowId!));
    await eventually(
      async () => {
        const { rows } = await harness.db.query("SELECT status, count(*)::int AS n FROM workflow WHERE id = ANY($1) GROUP BY status", [
          workflowIds,
        ]);
        expect(rows.filter((row) => row.status === "PENDING")).toEqual([]);
        expect(rows.reduce((sum, row) => sum + row.n, 0)).toBe(acked.length);
      },
      { timeoutMs: 15_000 },
    );
    const timers = acked.filter((call) => call.input.timeOut !== undefined);
    expect(timers.length).toBeGreaterThan(0);
    await eventually(
      async () => {
        const { rows } = await harness.db.query(
          `SELECT c.status, (SELECT count(*)::int FROM sms_message m WHERE m.conversation_id = c.id AND m.kind = 'TIMEOUT_END') AS ends
           FROM sms_conversation c WHERE c.id = ANY($1)`,
          [timers.map((call) => parsePublicId("conversation", call.conversationId!))],
        );
        expect(rows).toHaveLength(timers.length);
        for (const row of rows) expect(row).toEqual({ status: "TIMED_OUT", ends: 1 });
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );

    // A caller retrying what was never answered, with the same messageSid, gets an answer and one message.
    const unanswered = calls.filter((call) => call.status !== 200);
    expect(unanswered.length).toBeGreaterThan(0);
    for (const call of unanswered) {
      const { status, body } = await successorCreate(successor.baseUrl, call.input);
      expect(status).toBe(200);
      expect(body.data.createSmsConversation.userErrors).toEqual([]);
    }
    const { rows } = await harness.db.query(
      "SELECT message_sid, count(*)::int AS n FROM sms_message WHERE message_sid = ANY($1) GROUP BY message_sid",
      [calls.map((call) => call.input.messageSid)],
    );
    expect(rows).toHaveLength(acked.length + unanswered.length);
    expect(rows.filter((row) => row.n !== 1)).toEqual([]);
  });
});

async function successorCreate(baseUrl: string, input: Record<string, unknown>) {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: account.apiKey },
    body: JSON.stringify({
      query:
        "mutation($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { conversationId userErrors { code } } }",
      variables: { input },
    }),
  });
  return { status: response.status, body: (await response.json()) as { data: { createSmsConversation: { userErrors: unknown[] } } } };
}
