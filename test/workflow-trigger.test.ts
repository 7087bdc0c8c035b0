import { createLogger } from "../src/logging/logger";
import { startWorker } from "../src/workflows/worker";
import { type Harness, randomNumber, startHarness } from "./support/harness";
import { eventually } from "./support/eventually";
import { CONVERSATION, CREATE } from "./support/operations";

describe("the workflow trigger", () => {
  describe("with the worker running in the API process (as npm start does)", () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness({ runWorker: true });
    });
    afterAll(() => harness.close());

    it("sets the workflow of a new conversation up: RUNNING, one run counted, no job left", async () => {
      const account = await harness.createAccount();
      const created = await harness.graphql(
        CREATE,
        { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "hi" } },
        { apiKey: account.apiKey },
      );
      const { conversationId, workflowId } = created.body.data!.createSmsConversation;

      await eventually(async () => {
        const { body } = await harness.graphql(CONVERSATION, { id: conversationId }, { apiKey: account.apiKey });
        expect(body.data!.smsConversation.workflow).toMatchObject({
          id: workflowId,
          status: "RUNNING",
          attempts: 1,
          lastError: null,
          pendingTimer: null,
        });
      });
      expect((await harness.db.query("SELECT count(*)::int AS n FROM workflow_outbox")).rows[0].n).toBe(0);
      // graphile-worker deletes a job once it has succeeded.
      expect((await harness.db.query("SELECT count(*)::int AS n FROM graphile_worker.jobs")).rows[0].n).toBe(0);
    });
  });

  describe("when no worker runs while the API answers", () => {
    let harness: Harness;
    beforeAll(async () => {
      harness = await startHarness({ runWorker: false });
    });
    afterAll(() => harness.close());

    it("keeps every acknowledged conversation's workflow PENDING until a worker starts, then sets each up exactly once", async () => {
      const account = await harness.createAccount();
      for (let i = 0; i < 5; i++) {
        await harness.graphql(
          CREATE,
          { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: `m${i}` } },
          { apiKey: account.apiKey },
        );
      }
      // The PENDING workflow row is the trigger: a first USER message needs no job or outbox row.
      expect((await harness.db.query("SELECT count(*)::int AS n FROM workflow WHERE status = 'PENDING'")).rows[0].n).toBe(5);
      expect((await harness.db.query("SELECT count(*)::int AS n FROM workflow_outbox")).rows[0].n).toBe(0);

      // A worker started later (another process, after a crash or a deploy) picks everything up.
      const worker = await startWorker({
        connectionString: harness.database.url,
        services: harness.parley.services,
        logger: createLogger("silent"),
        pollInterval: 100,
        relayIntervalMs: 50,
      });
      try {
        await eventually(async () => {
          const { rows } = await harness.db.query("SELECT status, attempts, count(*)::int AS n FROM workflow GROUP BY status, attempts");
          expect(rows).toEqual([{ status: "RUNNING", attempts: 1, n: 5 }]);
        });
        expect((await harness.db.query("SELECT count(*)::int AS n FROM graphile_worker.jobs")).rows[0].n).toBe(0);
      } finally {
        await worker.stop();
      }
    });

    it("sets up PENDING workflows in batches; concurrent workers take disjoint ones and skip locked ones", async () => {
      const account = await harness.createAccount();
      for (let i = 0; i < 7; i++) {
        await harness.graphql(
          CREATE,
          { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: `x${i}` } },
          { apiKey: account.apiKey },
        );
      }
      const { workflows } = harness.parley.services;
      // A workflow another worker is setting up right now is skipped, not waited for.
      const busy = await harness.db.connect();
      try {
        await busy.query("BEGIN");
        await busy.query("SELECT id FROM workflow WHERE status = 'PENDING' ORDER BY created_at LIMIT 1 FOR UPDATE");
        const counts = await Promise.all([workflows.setUpPending(3), workflows.setUpPending(3), workflows.setUpPending(3)]);
        expect(counts.reduce((sum, n) => sum + n, 0)).toBe(6);
      } finally {
        await busy.query("ROLLBACK");
        busy.release();
      }
      expect(await workflows.setUpPending(3)).toBe(1);
      expect(await workflows.setUpPending(3)).toBe(0);
      const { rows } = await harness.db.query(
        `SELECT w.status, w.attempts, count(*)::int AS n FROM workflow w JOIN sms_conversation c ON c.id = w.conversation_id
         WHERE c.account_id = $1 GROUP BY w.status, w.attempts`,
        [account.id],
      );
      expect(rows).toEqual([{ status: "RUNNING", attempts: 1, n: 7 }]);
    });
  });
});
