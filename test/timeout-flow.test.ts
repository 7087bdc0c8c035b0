import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { eventually, sleep } from "./support/eventually";
import { CONVERSATION, CREATE } from "./support/operations";
import { refusePoisonedMessages } from "./support/poisoned-messages";

/*
 * The silence-timeout flow end to end: API and worker in one process (as `npm start` runs
 * them), timeouts of one or two seconds, and the rows checked as well as the API's answers.
 */

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: true });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});

async function send(input: Record<string, unknown>, target: TestAccount = account) {
  const { body } = await harness.graphql(CREATE, { input: { agentNumber: target.agentNumbers[0], ...input } }, { apiKey: target.apiKey });
  expect(body.errors).toBeUndefined();
  const payload = body.data!.createSmsConversation;
  expect(payload.userErrors).toEqual([]);
  return payload;
}

async function conversation(id: string, target: TestAccount = account) {
  const { body } = await harness.graphql(CONVERSATION, { id, first: 100 }, { apiKey: target.apiKey });
  return body.data!.smsConversation;
}

const messagesOf = async (conversationId: string) => {
  const { rows } = await harness.db.query(
    `SELECT m.sender, m.kind, m.body, m.delivery_status, m.created_at FROM sms_message m
     JOIN sms_conversation c ON c.id = m.conversation_id
     WHERE 'conv_' || replace(c.id::text, '-', '') = $1 ORDER BY m.created_at`,
    [conversationId],
  );
  return rows;
};

describe("the silence-timeout flow", () => {
  it("after an AGENT message sends the warning at warningTime, then the timeout message at timeOut, and ends the conversation", async () => {
    const created = await send({
      userNumber: randomNumber(),
      message: "How can I help?",
      sender: "AGENT",
      timeOut: 2,
      warningTime: 1,
      warningMessage: "Are you still there?",
      timeoutMessage: "Closing this conversation.",
    });
    const sentAt = Date.parse(created.conversation.createdAt);
    expect(Date.parse(created.conversation.warningAt) - sentAt).toBeGreaterThanOrEqual(900);
    expect(Date.parse(created.conversation.timeoutAt) - Date.parse(created.conversation.warningAt)).toBe(1000);
    expect(created.conversation.workflow.pendingTimer).toEqual({ kind: "WARNING", fireAt: created.conversation.warningAt });

    const ended = await eventually(async () => {
      const current = await conversation(created.conversationId);
      expect(current.status).toBe("TIMED_OUT");
      return current;
    });

    expect(ended).toMatchObject({ warningAt: null, timeoutAt: null, timedOutAt: expect.any(String) });
    expect(ended.workflow).toMatchObject({ status: "COMPLETED", pendingTimer: null, lastError: null });
    expect(ended.messages.edges.map((e: any) => [e.node.sender, e.node.kind, e.node.body, e.node.deliveryStatus])).toEqual([
      ["AGENT", "NORMAL", "How can I help?", null],
      ["AGENT", "TIMEOUT_WARNING", "Are you still there?", "QUEUED"],
      ["AGENT", "TIMEOUT_END", "Closing this conversation.", "QUEUED"],
    ]);
    const rows = await messagesOf(created.conversationId);
    expect(rows[1].created_at.getTime() - rows[0].created_at.getTime()).toBeGreaterThanOrEqual(950);
    expect(rows[2].created_at.getTime() - rows[0].created_at.getTime()).toBeGreaterThanOrEqual(1950);
    expect(Date.parse(ended.timedOutAt)).toBeGreaterThanOrEqual(sentAt + 1950);
  });

  it("is cancelled by a USER reply: no warning, no end, no pending timer", async () => {
    const userNumber = randomNumber();
    const created = await send({ userNumber, message: "Hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });
    expect(created.conversation.timeoutAt).not.toBeNull();
    const reply = await send({ userNumber, message: "I'm here" });
    expect(reply.conversation).toMatchObject({ warningAt: null, timeoutAt: null });
    expect(reply.conversation.workflow.pendingTimer).toBeNull();

    await sleep(1600);
    const current = await conversation(created.conversationId);
    expect(current.status).toBe("ACTIVE");
    expect((await messagesOf(created.conversationId)).map((m) => m.kind)).toEqual(["NORMAL", "NORMAL"]);
    // The cancelled timer's job ran, found nothing due and is gone from graphile-worker's queue.
    await eventually(async () => {
      const { rows } = await harness.db.query("SELECT count(*)::int AS n FROM graphile_worker.jobs WHERE key LIKE $1", [`timer:%`]);
      expect(rows[0].n).toBe(0);
    });
    expect((await messagesOf(created.conversationId)).map((m) => m.kind)).toEqual(["NORMAL", "NORMAL"]);
  });

  it("queues no new job while the queued one still wakes the timer in time: a USER reply leaves it, an AGENT turn restarting the timers reuses it", async () => {
    const userNumber = randomNumber();
    const created = await send({ userNumber, message: "Hi", sender: "AGENT", timeOut: 600, warningTime: 300 });
    const id = (
      await harness.db.query("SELECT id FROM sms_conversation WHERE 'conv_' || replace(id::text, '-', '') = $1", [created.conversationId])
    ).rows[0].id;
    const timerJobs = async () => {
      const { rows } = await harness.db.query("SELECT key, run_at FROM graphile_worker.jobs WHERE key LIKE $1 ORDER BY key", [
        `timer:${id}:%`,
      ]);
      return rows.map((row) => ({ key: row.key as string, runAt: (row.run_at as Date).toISOString() }));
    };
    const queued = [
      { key: `timer:${id}:timeout`, runAt: created.conversation.timeoutAt },
      { key: `timer:${id}:warning`, runAt: created.conversation.warningAt },
    ];
    await eventually(async () => expect(await timerJobs()).toEqual(queued));

    const reply = await send({ userNumber, message: "I'm here", warningMessage: "Still with us?" });
    expect(reply.conversation).toMatchObject({ warningAt: null, timeoutAt: null });
    const again = await send({ userNumber, message: "Anything else?", sender: "AGENT" });
    expect(Date.parse(again.conversation.timeoutAt)).toBeGreaterThan(Date.parse(created.conversation.timeoutAt));
    await sleep(300);
    expect(await timerJobs()).toEqual(queued);
    const { rows: outbox } = await harness.db.query("SELECT count(*)::int AS n FROM workflow_outbox WHERE job_key LIKE $1", [
      `timer:${id}:%`,
    ]);
    expect(outbox).toEqual([{ n: 0 }]);

    // A job that runs before its timer is due queues itself again for the timer's time, and sends nothing.
    await harness.db.query("UPDATE graphile_worker._private_jobs SET run_at = now() WHERE key = $1", [`timer:${id}:warning`]);
    await eventually(async () =>
      expect(await timerJobs()).toEqual([queued[0], { key: `timer:${id}:warning`, runAt: again.conversation.warningAt }]),
    );
    expect((await messagesOf(created.conversationId)).map((m) => m.kind)).toEqual(["NORMAL", "NORMAL", "NORMAL"]);
    expect((await conversation(created.conversationId)).status).toBe("ACTIVE");
  });

  it("is restarted by a new AGENT message: the timeout counts from the latest one", async () => {
    const userNumber = randomNumber();
    const first = await send({ userNumber, message: "one", sender: "AGENT", timeOut: 2, timeoutMessage: "Bye" });
    await sleep(1200);
    const second = await send({ userNumber, message: "two", sender: "AGENT" });
    expect(Date.parse(second.conversation.timeoutAt)).toBeGreaterThan(Date.parse(first.conversation.timeoutAt) + 1000);

    await sleep(Date.parse(first.conversation.timeoutAt) - Date.now() + 400);
    expect((await conversation(first.conversationId)).status).toBe("ACTIVE");
    const ended = await eventually(async () => {
      const current = await conversation(first.conversationId);
      expect(current.status).toBe("TIMED_OUT");
      return current;
    });
    expect(Date.parse(ended.timedOutAt)).toBeGreaterThanOrEqual(Date.parse(second.conversation.timeoutAt) - 50);
    expect((await messagesOf(first.conversationId)).map((m) => m.body)).toEqual(["one", "two", "Bye"]);
  });

  it("uses the number's smsConfig when the conversation has no override, and the override when it has one", async () => {
    const configured = await harness.createAccount({
      smsConfig: { timeOut: 1, timeoutMessage: "Number says bye", warningMessage: "unused" },
    });
    const plain = await send({ userNumber: randomNumber(), message: "a", sender: "AGENT" }, configured);
    const overridden = await send(
      { userNumber: randomNumber(), message: "b", sender: "AGENT", timeoutMessage: "Conversation says bye" },
      configured,
    );
    const longer = await send({ userNumber: randomNumber(), message: "c", sender: "AGENT", timeOut: 60 }, configured);
    expect(plain.conversation.effectiveTimeoutConfig.timeOut).toEqual({ value: 1, source: "NUMBER_CONFIG" });
    expect(longer.conversation.effectiveTimeoutConfig.timeOut).toEqual({ value: 60, source: "CONVERSATION" });

    await eventually(async () => {
      expect((await conversation(plain.conversationId, configured)).status).toBe("TIMED_OUT");
      expect((await conversation(overridden.conversationId, configured)).status).toBe("TIMED_OUT");
    });
    expect((await messagesOf(plain.conversationId)).map((m) => m.body)).toEqual(["a", "Number says bye"]);
    expect((await messagesOf(overridden.conversationId)).map((m) => m.body)).toEqual(["b", "Conversation says bye"]);
    const stillActive = await conversation(longer.conversationId, configured);
    expect(stillActive.status).toBe("ACTIVE");
    expect(stillActive.workflow.pendingTimer).toEqual({ kind: "TIMEOUT", fireAt: stillActive.timeoutAt });
  });

  it("ends without sending anything when no timeout message is set, and the next message starts a new conversation", async () => {
    const userNumber = randomNumber();
    const created = await send({ userNumber, message: "hello", sender: "AGENT", timeOut: 1 });
    await eventually(async () => expect((await conversation(created.conversationId)).status).toBe("TIMED_OUT"));
    expect((await messagesOf(created.conversationId)).map((m) => m.kind)).toEqual(["NORMAL"]);

    const next = await send({ userNumber, message: "back again" });
    expect(next.conversationId).not.toBe(created.conversationId);
    expect(next.archivedConversation).toBeNull();
    expect(next.conversation.status).toBe("ACTIVE");
  });

  it("never fires for a conversation archived by newConversation", async () => {
    const userNumber = randomNumber();
    const old = await send({ userNumber, message: "old", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });
    const fresh = await send({ userNumber, message: "new", newConversation: true });
    expect(fresh.archivedConversation.id).toBe(old.conversationId);
    await sleep(1600);
    const archived = await conversation(old.conversationId);
    expect(archived).toMatchObject({ status: "ARCHIVED", timeoutAt: null, timedOutAt: null });
    expect((await messagesOf(old.conversationId)).map((m) => m.body)).toEqual(["old"]);
  });

  it("puts a job that ran early back at the timer's time, through the outbox, without sending anything", async () => {
    const created = await send({ userNumber: randomNumber(), message: "hi", sender: "AGENT", timeOut: 600, timeoutMessage: "Bye" });
    const { rows } = await harness.db.query("SELECT id FROM sms_conversation WHERE account_id = $1", [account.id]);
    const conversationId = rows[0].id;

    const outcome = await harness.parley.services.timeoutFlow.fireTimer({ workflowId: null, conversationId, kind: "TIMEOUT" as never });
    expect(outcome).toEqual({ kind: "rescheduled", fireAt: new Date(created.conversation.timeoutAt) });
    expect((await messagesOf(created.conversationId)).map((m) => m.kind)).toEqual(["NORMAL"]);
    expect((await conversation(created.conversationId)).status).toBe("ACTIVE");
  });
});

describe("a timer whose job fails on its last attempt", () => {
  it("leaves the workflow FAILED with the error and the conversation as it was, until a later timer succeeds", async () => {
    const restore = await refusePoisonedMessages(harness.db, "the provider refused it");
    try {
      const created = await send({ userNumber: randomNumber(), message: "Bye?", sender: "AGENT", timeOut: 2, timeoutMessage: "poison" });
      const conversationUuid = created.conversationId.replace(/^conv_(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
      // Once relayed, its job may run once only: that attempt is its last.
      await eventually(async () => {
        const { rowCount } = await harness.db.query(
          "UPDATE graphile_worker._private_jobs SET max_attempts = 1 WHERE key = $1 AND attempts = 0",
          [`timer:${conversationUuid}:timeout`],
        );
        expect(rowCount).toBe(1);
      });

      const failed = await eventually(
        async () => {
          const current = await conversation(created.conversationId);
          expect(current.workflow.status).toBe("FAILED");
          return current;
        },
        { timeoutMs: 10_000 },
      );
      expect(failed.workflow).toMatchObject({ lastError: "the provider refused it" });
      expect(failed.status).toBe("ACTIVE");
      expect((await messagesOf(created.conversationId)).map((message) => message.kind)).toEqual(["NORMAL"]);

      // A later timer that succeeds shows the workflow running again.
      await send({
        userNumber: failed.userNumber,
        message: "Still with me?",
        sender: "AGENT",
        timeOut: 60,
        warningTime: 1,
        warningMessage: "Hello?",
      });
      const recovered = await eventually(
        async () => {
          const current = await conversation(created.conversationId);
          expect(current.workflow).toMatchObject({ status: "RUNNING", lastError: null });
          return current;
        },
        { timeoutMs: 10_000 },
      );
      expect(recovered.status).toBe("ACTIVE");
    } finally {
      await restore();
    }
  });
});
