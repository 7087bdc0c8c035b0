import { Pool } from "pg";
import { createLogger } from "../src/logger";
import { OutboxRelay } from "../src/workflows/outbox-relay";
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

    it("relays the first job into graphile-worker, which sets the workflow up", async () => {
      const account = await harness.createAccount();
      const created = await harness.graphql(
        CREATE,
        { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "hi" } },
        { apiKey: account.apiKey },
      );
      const { conversationId, workflowId } = created.body.data!.createSmsConversation;

      await eventually(async () => {
        const { body } = await harness.graphql(CONVERSATION, { id: conversationId }, { apiKey: account.apiKey });
        expect(body.data!.smsConversation.workflow).toMatchObject({ id: workflowId, status: "RUNNING", attempts: 1, lastError: null, pendingTimer: null });
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

    it("keeps every acknowledged conversation's job until a worker starts, then runs each exactly once", async () => {
      const account = await harness.createAccount();
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const { body } = await harness.graphql(
          CREATE,
          { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: `m${i}` } },
          { apiKey: account.apiKey },
        );
        ids.push(body.data!.createSmsConversation.conversationId);
      }
      expect((await harness.db.query("SELECT count(*)::int AS n FROM workflow_outbox WHERE task NOT LIKE 'event.%'")).rows[0].n).toBe(5);
      expect((await harness.db.query("SELECT count(*)::int AS n FROM workflow WHERE status = 'PENDING'")).rows[0].n).toBe(5);

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
          const { rows } = await harness.db.query("SELECT status, count(*)::int AS n FROM workflow GROUP BY status");
          expect(rows).toEqual([{ status: "RUNNING", n: 5 }]);
        });
        expect((await harness.db.query("SELECT count(*)::int AS n FROM workflow_outbox")).rows[0].n).toBe(0);
        expect((await harness.db.query("SELECT count(*)::int AS n FROM graphile_worker.jobs")).rows[0].n).toBe(0);
      } finally {
        await worker.stop();
      }
    });

    it("moves the outbox into graphile-worker in one transaction, the setups of a batch as one job", async () => {
      const account = await harness.createAccount();
      for (let i = 0; i < 3; i++) {
        await harness.graphql(
          CREATE,
          { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: `x${i}` } },
          { apiKey: account.apiKey },
        );
      }
      const { rows: outbox } = await harness.db.query("SELECT workflow_id FROM workflow_outbox WHERE task NOT LIKE 'event.%' ORDER BY id");
      expect(outbox).toHaveLength(3);
      // Subscribers' events ride the same outbox: a message added and a conversation updated each.
      const { rows: events } = await harness.db.query("SELECT task FROM workflow_outbox WHERE task LIKE 'event.%' ORDER BY id");
      expect(events.map((row) => row.task)).toEqual(Array(3).fill(["event.sms_message_added", "event.sms_conversation_updated"]).flat());

      // The relay alone, with no runner: the job must wait in graphile-worker's queue.
      const pool = new Pool({ connectionString: harness.database.url, max: 2 });
      const relay = new OutboxRelay({ pool, logger: createLogger("silent") });
      try {
        expect(await relay.relayOnce()).toBe(9);
        expect(await relay.relayOnce()).toBe(0);
      } finally {
        await pool.end();
      }
      const { rows: jobs } = await harness.db.query(
        `SELECT t.identifier, j.payload FROM graphile_worker._private_jobs j
         JOIN graphile_worker._private_tasks t ON t.id = j.task_id`,
      );
      expect(jobs).toEqual([{ identifier: "conversation.setup", payload: { workflowIds: outbox.map((row) => row.workflow_id) } }]);
      expect((await harness.db.query("SELECT count(*)::int AS n FROM workflow_outbox")).rows[0].n).toBe(0);
    });
  });
});
