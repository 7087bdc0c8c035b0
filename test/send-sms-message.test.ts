import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/logging/logger";
import { type Parley, startParley } from "../src/parley";
import { verifyWebhookSignature } from "../src/services/outbound/webhook-signature";
import { parsePublicId } from "../src/services/shared/public-id";
import { eventually, sleep } from "./support/eventually";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE, SEND } from "./support/operations";

/*
 * sendSmsMessage end to end: the answer, and the rows it leaves (message, conversation, timers,
 * outbox). Without a worker first, so the outbox rows stay to be read; then with one, and a real
 * webhook receiver on 127.0.0.1 that the sent message reaches signed.
 */

const rows = async (harness: Harness, sql: string, params: unknown[] = []) => (await harness.db.query(sql, params)).rows;

/** Every message of the account, oldest first, with what delivery made of it. */
const messagesOf = (harness: Harness, accountId: string) =>
  rows(
    harness,
    `SELECT m.id, m.conversation_id, m.sender, m.kind, m.body, m.message_sid, m.idempotency_key, m.delivery_status
     FROM sms_message m WHERE m.account_id = $1 ORDER BY m.created_at`,
    [accountId],
  );

/** The delivery jobs written for the account's messages (each a workflow_outbox row until a relay moves it). */
const deliveryJobsOf = (harness: Harness, accountId: string) =>
  rows(
    harness,
    `SELECT o.job_key, o.payload FROM workflow_outbox o JOIN sms_message m ON o.job_key = 'webhook:' || m.id
     WHERE o.task = 'delivery.webhook' AND m.account_id = $1`,
    [accountId],
  );

const count = async (harness: Harness, sql: string, params: unknown[]) => (await rows(harness, sql, params))[0].n as number;

function sender(getHarness: () => Harness) {
  return (account: TestAccount, input: Record<string, unknown>, apiKey = account.apiKey) =>
    getHarness().graphql(
      SEND,
      { input: { agentNumber: account.agentNumbers[0], agentMessage: "Hello from the agent", ...input } },
      { apiKey },
    );
}

describe("sendSmsMessage (no worker: the rows as the request left them)", () => {
  let harness: Harness;
  let account: TestAccount;
  const send = sender(() => harness);

  beforeAll(async () => {
    harness = await startHarness({ runWorker: false });
  });
  afterAll(() => harness.close());
  beforeEach(async () => {
    account = await harness.createAccount();
  });

  it("records an AGENT message QUEUED for delivery in a new conversation, starts its timers and answers its ids", async () => {
    const userNumber = randomNumber();
    const { body } = await send(account, {
      userNumber,
      agentMessage: "Your order shipped",
      requestData: { order: 42 },
      timeOut: 600,
      warningTime: 300,
      warningMessage: "Still there?",
      timeoutMessage: "Bye",
    });

    expect(body.errors).toBeUndefined();
    const payload = body.data!.sendSmsMessage;
    expect(payload.userErrors).toEqual([]);
    expect(payload.conversationId).toMatch(/^conv_[0-9a-f]{32}$/);
    expect(payload.workflowId).toMatch(/^wf_[0-9a-f]{32}$/);
    expect(payload.message).toEqual({
      id: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
      sender: "AGENT",
      kind: "NORMAL",
      body: "Your order shipped",
      messageSid: null,
      deliveryStatus: "QUEUED",
      createdAt: expect.any(String),
    });
    expect(payload.conversation).toMatchObject({
      id: payload.conversationId,
      userNumber,
      agentNumber: account.agentNumbers[0],
      status: "ACTIVE",
      requestData: { order: 42 },
      timeoutConfig: { timeOut: 600, warningTime: 300, timeoutMessage: "Bye", warningMessage: "Still there?" },
      workflow: { id: payload.workflowId, status: "PENDING" },
    });
    expect(payload.archivedConversation).toBeNull();

    // The timers count from the message.
    const sentAt = Date.parse(payload.message.createdAt);
    expect(Date.parse(payload.conversation.warningAt) - sentAt).toBeCloseTo(300_000, -2);
    expect(Date.parse(payload.conversation.timeoutAt) - sentAt).toBeCloseTo(600_000, -2);

    const conversationId = parsePublicId("conversation", payload.conversationId);
    expect(await messagesOf(harness, account.id)).toEqual([
      {
        id: parsePublicId("message", payload.message.id),
        conversation_id: conversationId,
        sender: "AGENT",
        kind: "NORMAL",
        body: "Your order shipped",
        message_sid: null,
        idempotency_key: null,
        delivery_status: "QUEUED",
      },
    ]);
    const timerJobs = await rows(
      harness,
      "SELECT job_key, remove_job, run_at FROM workflow_outbox WHERE task = 'conversation.timer' AND job_key LIKE $1 ORDER BY job_key",
      [`timer:${conversationId}:%`],
    );
    expect(timerJobs.map((job) => [job.job_key, job.remove_job])).toEqual([
      [`timer:${conversationId}:timeout`, false],
      [`timer:${conversationId}:warning`, false],
    ]);
    expect(timerJobs.map((job) => job.run_at.toISOString())).toEqual([payload.conversation.timeoutAt, payload.conversation.warningAt]);
    // No webhook: the message waits QUEUED for an SMS provider, with no delivery job.
    expect(await deliveryJobsOf(harness, account.id)).toEqual([]);
  });

  it("writes one delivery.webhook job for the message, in the same transaction, when the account has a webhook", async () => {
    await harness.parley.services.accounts.setWebhook(account.id, "http://127.0.0.1:9/never-called");
    const { body } = await send(account, { userNumber: randomNumber() });
    const payload = body.data!.sendSmsMessage;
    expect(payload.userErrors).toEqual([]);

    const messageId = parsePublicId("message", payload.message.id);
    expect(await deliveryJobsOf(harness, account.id)).toEqual([{ job_key: `webhook:${messageId}`, payload: { messageId } }]);
    const [{ xmins }] = await rows(
      harness,
      `SELECT ARRAY[(SELECT xmin::text FROM sms_message WHERE id = $1), (SELECT xmin::text FROM workflow_outbox WHERE job_key = 'webhook:' || $1)] AS xmins`,
      [messageId],
    );
    expect(new Set(xmins).size).toBe(1);
  });

  it("continues the pair's active conversation, and with newConversation archives it and starts a new one", async () => {
    const userNumber = randomNumber();
    const created = (
      await harness.graphql(
        CREATE,
        { input: { agentNumber: account.agentNumbers[0], userNumber, message: "Hi, where is my order?" } },
        { apiKey: account.apiKey },
      )
    ).body.data!.createSmsConversation;

    const resumed = (await send(account, { userNumber, agentMessage: "It shipped" })).body.data!.sendSmsMessage;
    expect(resumed.userErrors).toEqual([]);
    expect(resumed.conversationId).toBe(created.conversationId);
    expect(resumed.workflowId).toBe(created.workflowId);

    const restarted = (await send(account, { userNumber, agentMessage: "New topic", newConversation: true })).body.data!.sendSmsMessage;
    expect(restarted.userErrors).toEqual([]);
    expect(restarted.conversationId).not.toBe(created.conversationId);
    expect(restarted.archivedConversation).toMatchObject({ id: created.conversationId, status: "ARCHIVED" });

    const messages = await messagesOf(harness, account.id);
    expect(messages.map((m) => [m.conversation_id, m.sender, m.body, m.delivery_status])).toEqual([
      [parsePublicId("conversation", created.conversationId), "USER", "Hi, where is my order?", null],
      [parsePublicId("conversation", created.conversationId), "AGENT", "It shipped", "QUEUED"],
      [parsePublicId("conversation", restarted.conversationId), "AGENT", "New topic", "QUEUED"],
    ]);
    const statuses = await rows(harness, "SELECT status FROM sms_conversation WHERE account_id = $1 ORDER BY created_at", [account.id]);
    expect(statuses.map((row) => row.status)).toEqual(["ARCHIVED", "ACTIVE"]);
  });

  it.each([
    ["omitted", { agentMessage: undefined }],
    ["null", { agentMessage: null }],
    ["empty", { agentMessage: "" }],
  ])("refuses an agentMessage %s with INVALID_INPUT saying Parley does not generate replies, and writes nothing", async (_, input) => {
    const { status, body } = await send(account, { userNumber: randomNumber(), ...input });

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const payload = body.data!.sendSmsMessage;
    expect(payload).toMatchObject({ conversationId: null, workflowId: null, message: null, conversation: null });
    expect(payload.userErrors).toEqual([{ code: "INVALID_INPUT", field: ["input", "agentMessage"], message: expect.any(String) }]);
    expect(payload.userErrors[0].message).toMatch(/^agentMessage is required/);
    expect(payload.userErrors[0].message).toMatch(/Parley does not generate replies/);
    expect(await messagesOf(harness, account.id)).toEqual([]);
    expect(await count(harness, "SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [account.id])).toBe(0);
  });

  it("refuses an agentMessage holding NUL with INVALID_INPUT naming the text rule, without quoting it, and writes nothing", async () => {
    const { body } = await send(account, { userNumber: randomNumber(), agentMessage: "SECRET\u0000" });
    const payload = body.data!.sendSmsMessage;
    expect(payload.userErrors).toEqual([
      { code: "INVALID_INPUT", field: ["input", "agentMessage"], message: expect.stringContaining("without NUL") },
    ]);
    expect(JSON.stringify(body)).not.toContain("SECRET");
    expect(await messagesOf(harness, account.id)).toEqual([]);
  });

  it("refuses a warningTime not below the timeOut in force with INVALID_TIMEOUT_CONFIG, and writes nothing", async () => {
    const { body } = await send(account, { userNumber: randomNumber(), timeOut: 60, warningTime: 60 });
    expect(body.data!.sendSmsMessage.userErrors).toEqual([
      { code: "INVALID_TIMEOUT_CONFIG", field: ["input", "warningTime"], message: expect.stringContaining("must be less than timeOut") },
    ]);
    expect(await messagesOf(harness, account.id)).toEqual([]);
  });

  it.each([
    ["over 255 characters", "k".repeat(256)],
    ["with a space", "my key"],
    ["empty", ""],
  ])("refuses an idempotencyKey %s with INVALID_INPUT, without quoting it, and writes nothing", async (_, idempotencyKey) => {
    const { body } = await send(account, { userNumber: randomNumber(), idempotencyKey });
    const [error] = body.data!.sendSmsMessage.userErrors;
    expect(error).toMatchObject({ code: "INVALID_INPUT", field: ["input", "idempotencyKey"] });
    expect(idempotencyKey === "" || !error.message.includes(idempotencyKey)).toBe(true);
    expect(await messagesOf(harness, account.id)).toEqual([]);
  });

  it("accepts an idempotencyKey of 255 visible ASCII characters and stores it on the message", async () => {
    const idempotencyKey = "K".repeat(254) + "~";
    const { body } = await send(account, { userNumber: randomNumber(), idempotencyKey });
    expect(body.data!.sendSmsMessage.userErrors).toEqual([]);
    expect((await messagesOf(harness, account.id)).map((m) => m.idempotency_key)).toEqual([idempotencyKey]);
  });

  it("answers a repeat of an idempotencyKey with the first call's ids and message, and writes nothing more", async () => {
    await harness.parley.services.accounts.setWebhook(account.id, "http://127.0.0.1:9/never-called");
    const input = { userNumber: randomNumber(), agentMessage: "Once only", idempotencyKey: "7f1c0a4e-send-1", timeOut: 600 };
    const first = (await send(account, input)).body.data!.sendSmsMessage;
    expect(first.userErrors).toEqual([]);
    const before = await rows(harness, "SELECT updated_at, timeout_at FROM sms_conversation WHERE account_id = $1", [account.id]);

    // Its other fields are ignored, as a messageSid repeat's are.
    const repeat = (await send(account, { ...input, timeOut: 900, requestData: { again: true } })).body.data!.sendSmsMessage;
    expect(repeat.userErrors).toEqual([]);
    expect(repeat.conversationId).toBe(first.conversationId);
    expect(repeat.workflowId).toBe(first.workflowId);
    expect(repeat.message).toEqual(first.message);

    const messages = await messagesOf(harness, account.id);
    expect(messages.map((m) => [m.body, m.idempotency_key])).toEqual([["Once only", "7f1c0a4e-send-1"]]);
    expect(await deliveryJobsOf(harness, account.id)).toHaveLength(1);
    expect(await rows(harness, "SELECT updated_at, timeout_at FROM sms_conversation WHERE account_id = $1", [account.id])).toEqual(before);
  });

  it.each([
    ["a different agentMessage", { agentMessage: "Something else" }],
    ["a different user number", { userNumber: randomNumber() }],
  ])("refuses a repeat of an idempotencyKey with %s: IDEMPOTENCY_KEY_CONFLICT, nothing written", async (_, change) => {
    const input = { userNumber: randomNumber(), agentMessage: "Once only", idempotencyKey: "conflict-key" };
    const first = (await send(account, input)).body.data!.sendSmsMessage;
    expect(first.userErrors).toEqual([]);

    const { body } = await send(account, { ...input, ...change });
    const payload = body.data!.sendSmsMessage;
    expect(payload).toMatchObject({ conversationId: null, workflowId: null, message: null });
    expect(payload.userErrors).toEqual([
      { code: "IDEMPOTENCY_KEY_CONFLICT", field: ["input", "idempotencyKey"], message: expect.stringContaining("already used") },
    ]);
    expect(payload.userErrors[0].message).not.toContain("conflict-key");
    expect((await messagesOf(harness, account.id)).map((m) => m.body)).toEqual(["Once only"]);
    expect(await count(harness, "SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [account.id])).toBe(1);
  });

  it("keeps idempotency keys apart from messageSids: a createSmsConversation messageSid equal to a send's key is no repeat", async () => {
    const userNumber = randomNumber();
    await harness.graphql(
      CREATE,
      {
        input: {
          agentNumber: account.agentNumbers[0],
          userNumber,
          message: "Hello from the agent",
          sender: "AGENT",
          messageSid: "shared-1",
        },
      },
      { apiKey: account.apiKey },
    );
    const payload = (await send(account, { userNumber, idempotencyKey: "shared-1" })).body.data!.sendSmsMessage;
    expect(payload.userErrors).toEqual([]);
    expect((await messagesOf(harness, account.id)).map((m) => [m.message_sid, m.idempotency_key, m.delivery_status])).toEqual([
      ["shared-1", null, null],
      [null, "shared-1", "QUEUED"],
    ]);
  });

  /** A second API process on the same database, for the duration of `use`. */
  async function withOtherProcess(use: (other: Parley) => Promise<void>) {
    const config = {
      ...loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
      databaseUrl: harness.database.url,
      port: 0,
      runWorker: false,
    };
    const other = await startParley({ config, logger: createLogger("silent") });
    try {
      await use(other);
    } finally {
      await other.stop();
    }
  }

  /** `input` sent 10 times at once, alternately through the harness's process and `other`. */
  async function sendTenTimes(other: Parley, input: Record<string, unknown>) {
    const through = async (baseUrl: string) => {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: account.apiKey },
        body: JSON.stringify({ query: SEND, variables: { input } }),
      });
      const { data, errors } = (await response.json()) as { data?: { sendSmsMessage: Record<string, any> }; errors?: unknown[] };
      expect(errors).toBeUndefined();
      return data!.sendSmsMessage;
    };
    return Promise.all(Array.from({ length: 10 }, (_, i) => through(i % 2 ? harness.baseUrl : `http://127.0.0.1:${other.port}`)));
  }

  /** Statements of the test database waiting for a lock. */
  const waitingForLocks = async () =>
    count(harness, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", []);

  /** sendTenTimes while the test holds the account's conversations' row locks, released once a statement of each process waits for them. */
  async function sendTenTimesOnceBothWait(other: Parley, input: Record<string, unknown>) {
    const lock = await harness.db.connect();
    try {
      await lock.query("BEGIN");
      await lock.query("SELECT FROM sms_conversation WHERE account_id = $1 FOR UPDATE", [account.id]);
      const sending = sendTenTimes(other, input);
      await eventually(async () => expect(await waitingForLocks()).toBeGreaterThanOrEqual(2));
      await lock.query("COMMIT");
      return await sending;
    } finally {
      lock.release();
    }
  }

  /** Every answer names the one message sent, recorded and handed to the webhook once. */
  async function expectSentOnce(payloads: Array<Record<string, any>>, input: { agentMessage: string; idempotencyKey: string }) {
    expect(payloads.flatMap((payload) => payload.userErrors)).toEqual([]);
    expect(new Set(payloads.map((payload) => payload.conversationId)).size).toBe(1);
    expect(new Set(payloads.map((payload) => payload.workflowId)).size).toBe(1);
    expect(new Set(payloads.map((payload) => payload.message.id)).size).toBe(1);
    const sent = (await messagesOf(harness, account.id)).filter((m) => m.sender === "AGENT");
    expect(sent.map((m) => [m.body, m.idempotency_key])).toEqual([[input.agentMessage, input.idempotencyKey]]);
    expect(await deliveryJobsOf(harness, account.id)).toHaveLength(1);
    expect(await count(harness, "SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [account.id])).toBe(1);
  }

  const concurrentInput = () => ({
    agentNumber: account.agentNumbers[0],
    userNumber: randomNumber(),
    agentMessage: "Exactly once",
    idempotencyKey: "concurrent-1",
    timeOut: 600,
  });

  // The repeats race for the pair first: the losers run again, and replay.
  it("10 concurrent repeats of an idempotencyKey starting a conversation, through two processes, send one message and answer one set of ids", async () => {
    await harness.parley.services.accounts.setWebhook(account.id, "http://127.0.0.1:9/never-called");
    const input = concurrentInput();
    await withOtherProcess(async (other) => expectSentOnce(await sendTenTimes(other, input), input));
  });

  // Both processes' statements read the key unused while they wait for the conversation's lock:
  // the second to write meets the key's unique index, and is run again as a replay.
  it("10 concurrent repeats of an idempotencyKey in an active conversation, through two processes, send one message and answer one set of ids", async () => {
    await harness.parley.services.accounts.setWebhook(account.id, "http://127.0.0.1:9/never-called");
    const input = concurrentInput();
    await harness.graphql(
      CREATE,
      { input: { agentNumber: input.agentNumber, userNumber: input.userNumber, message: "Hi" } },
      { apiKey: account.apiKey },
    );
    await withOtherProcess(async (other) => expectSentOnce(await sendTenTimesOnceBothWait(other, input), input));
  });

  it("keeps accounts apart: another account's agent number is not found, and the same key in two accounts sends twice", async () => {
    const other = await harness.createAccount();
    const userNumber = randomNumber();

    const foreign = (await send(account, { userNumber, agentNumber: other.agentNumbers[0] })).body.data!.sendSmsMessage;
    expect(foreign.userErrors).toEqual([
      { code: "AGENT_NUMBER_NOT_FOUND", field: ["input", "agentNumber"], message: "the agent number is not registered to this account" },
    ]);
    expect(await messagesOf(harness, account.id)).toEqual([]);
    expect(await messagesOf(harness, other.id)).toEqual([]);

    const mine = (await send(account, { userNumber, idempotencyKey: "same-key" })).body.data!.sendSmsMessage;
    const theirs = (await send(other, { userNumber, idempotencyKey: "same-key" })).body.data!.sendSmsMessage;
    expect([mine.userErrors, theirs.userErrors]).toEqual([[], []]);
    expect(theirs.conversationId).not.toBe(mine.conversationId);
    expect(theirs.message.id).not.toBe(mine.message.id);
    expect(await messagesOf(harness, account.id)).toHaveLength(1);
    expect(await messagesOf(harness, other.id)).toHaveLength(1);
  });

  it("answers a call without a valid key with UNAUTHENTICATED and writes nothing", async () => {
    const { status, body } = await send(account, { userNumber: randomNumber() }, "prl_not-a-key");
    expect(status).toBe(401);
    expect(body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(await messagesOf(harness, account.id)).toEqual([]);
  });
});

interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  rawBody: string;
}

/** A webhook receiver on 127.0.0.1 answering 200 and keeping every request. */
async function startReceiver() {
  const requests: ReceivedRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      requests.push({ headers: request.headers, rawBody: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/parley`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("sendSmsMessage with a worker: delivery to the account's webhook", () => {
  let harness: Harness;
  let account: TestAccount;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const send = sender(() => harness);

  beforeAll(async () => {
    harness = await startHarness({ runWorker: true });
  });
  afterAll(() => harness.close());
  beforeEach(async () => {
    account = await harness.createAccount();
    receiver = await startReceiver();
  });
  afterEach(() => receiver.close());

  it("POSTs the sent message as a signed sms.outbound event once, marks it SENT, and a repeat of its idempotencyKey sends nothing", async () => {
    const { secret } = await harness.parley.services.accounts.setWebhook(account.id, receiver.url);
    const userNumber = randomNumber();
    const input = { userNumber, agentMessage: "Your code is 1234", idempotencyKey: "deliver-once" };
    const sent = (await send(account, input)).body.data!.sendSmsMessage;
    expect(sent.userErrors).toEqual([]);

    const messageId = parsePublicId("message", sent.message.id)!;
    await eventually(async () => {
      expect(receiver.requests).toHaveLength(1);
      expect((await rows(harness, "SELECT delivery_status FROM sms_message WHERE id = $1", [messageId]))[0].delivery_status).toBe("SENT");
    });
    const [request] = receiver.requests;
    expect(verifyWebhookSignature(secret!, request.headers["parley-signature"] as string, request.rawBody)).toBe(true);
    const event = JSON.parse(request.rawBody);
    expect(event).toEqual({
      id: request.headers["parley-event-id"],
      type: "sms.outbound",
      createdAt: sent.message.createdAt,
      data: {
        messageId: sent.message.id,
        conversationId: sent.conversationId,
        kind: "NORMAL",
        from: account.agentNumbers[0],
        to: userNumber,
        body: "Your code is 1234",
      },
    });

    const repeat = (await send(account, input)).body.data!.sendSmsMessage;
    expect(repeat.userErrors).toEqual([]);
    expect(repeat.message).toMatchObject({ id: sent.message.id, deliveryStatus: "SENT" });
    await sleep(500);
    expect(receiver.requests).toHaveLength(1);
    expect(await count(harness, "SELECT count(*)::int AS n FROM webhook_delivery_attempt WHERE message_id = $1", [messageId])).toBe(1);
    expect(await messagesOf(harness, account.id)).toHaveLength(1);
  });
});
