import { randomUUID } from "node:crypto";
import {
  asConversationTimerPayload,
  asDeliverWebhookPayload,
  TimerKind,
  timerJobKey,
  timerJobKeySql,
  WorkflowTask,
} from "../src/services/workflows/workflow-contract";
import { type Harness, randomNumber, startHarness } from "./support/harness";
import { CREATE } from "./support/operations";

/*
 * The workflow contract: what the writers (TypeScript and SQL) put in a job is what the worker's
 * tasks accept, and a job key is the same whichever side computes it.
 */

describe("the workflow contract", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false });
  });
  afterAll(() => harness.close());

  it("computes a timer's job key in SQL exactly as in TypeScript", async () => {
    const conversationId = randomUUID();
    for (const kind of [TimerKind.WARNING, TimerKind.TIMEOUT]) {
      const { rows } = await harness.db.query(`SELECT ${timerJobKeySql("$1::uuid", "$2::text")} AS key`, [conversationId, kind]);
      expect(rows[0].key).toBe(timerJobKey(conversationId, kind));
    }
  });

  it("accepts the timer payloads the write path records, and refuses anything else with the expected shape", async () => {
    const account = await harness.createAccount();
    const input = {
      userNumber: randomNumber(),
      agentNumber: account.agentNumbers[0],
      message: "hi",
      sender: "AGENT",
      timeOut: 600,
      warningTime: 60,
    };
    const { body } = await harness.graphql(CREATE, { input }, { apiKey: account.apiKey });
    expect(body.data!.createSmsConversation.userErrors).toEqual([]);
    const { rows } = await harness.db.query("SELECT payload FROM workflow_outbox WHERE task = $1 AND NOT remove_job", [
      WorkflowTask.CONVERSATION_TIMER,
    ]);
    expect(rows.map((row) => asConversationTimerPayload(row.payload).kind).sort()).toEqual([TimerKind.TIMEOUT, TimerKind.WARNING]);

    for (const bad of [
      null,
      {},
      { conversationId: "x", kind: "WARNING", workflowId: null },
      { conversationId: randomUUID(), kind: "LATER", workflowId: null },
    ]) {
      expect(() => asConversationTimerPayload(bad)).toThrow(
        "expected { workflowId: uuid | null, conversationId: uuid, kind: WARNING | TIMEOUT }",
      );
    }
    const messageId = randomUUID();
    expect(asDeliverWebhookPayload({ messageId })).toEqual({ messageId });
    expect(() => asDeliverWebhookPayload({ messageId: 42 })).toThrow("expected { messageId: uuid }");
  });
});
