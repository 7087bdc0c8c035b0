import { CREATED_MESSAGE } from "../src/resolvers/sms-conversation.resolver";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { refusePoisonedMessages } from "./support/poisoned-messages";
import { CONVERSATION, CREATE } from "./support/operations";

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  // No worker: these tests look at the workflow before anything sets it up.
  harness = await startHarness({ runWorker: false });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});

const create = (input: Record<string, unknown>, apiKey = account.apiKey) =>
  harness.graphql(CREATE, { input: { agentNumber: account.agentNumbers[0], ...input } }, { apiKey });

const rows = async (sql: string, params: unknown[] = []) => (await harness.db.query(sql, params)).rows;
const conversationsOf = (accountId: string) =>
  rows("SELECT * FROM sms_conversation WHERE account_id = $1 ORDER BY created_at", [accountId]);

describe("createSmsConversation", () => {
  it("creates a conversation, its first message and its workflow, PENDING until a worker sets it up", async () => {
    const userNumber = randomNumber();
    const { body } = await create({
      userNumber,
      message: "Hi there",
      messageSid: "SM1",
      currPathwayId: "123e4567-e89b-12d3-a456-426614174000",
      currPathwayVersion: "v1.0",
      currentNodeId: "start",
      requestData: { plan: "gold", tags: ["a"] },
    });

    const payload = body.data!.createSmsConversation;
    expect(body.errors).toBeUndefined();
    expect(payload.userErrors).toEqual([]);
    expect(payload.message).toBe(CREATED_MESSAGE);
    expect(payload.conversationId).toMatch(/^conv_[0-9a-f]{32}$/);
    expect(payload.workflowId).toMatch(/^wf_[0-9a-f]{32}$/);
    expect(payload.conversation).toMatchObject({
      id: payload.conversationId,
      userNumber,
      agentNumber: account.agentNumbers[0],
      status: "ACTIVE",
      currPathwayId: "123e4567-e89b-12d3-a456-426614174000",
      currPathwayVersion: "v1.0",
      currentNodeId: "start",
      requestData: { plan: "gold", tags: ["a"] },
      workflow: { id: payload.workflowId, status: "PENDING" },
      archivedAt: null,
    });
    expect(payload.archivedConversation).toBeNull();

    const [conversation] = await conversationsOf(account.id);
    expect(conversation).toMatchObject({
      user_number: userNumber,
      status: "ACTIVE",
      current_node_id: "start",
      request_data: { plan: "gold", tags: ["a"] },
    });
    expect(await rows("SELECT sender, kind, body, message_sid FROM sms_message WHERE conversation_id = $1", [conversation.id])).toEqual([
      { sender: "USER", kind: "NORMAL", body: "Hi there", message_sid: "SM1" },
    ]);
    const [workflow] = await rows("SELECT * FROM workflow WHERE conversation_id = $1", [conversation.id]);
    expect(`wf_${workflow.id.replace(/-/g, "")}`).toBe(payload.workflowId);
    // The PENDING row is the workflow's trigger (the worker sets up every PENDING workflow): no job row is needed.
    expect(workflow).toMatchObject({ status: "PENDING", attempts: 0 });
    expect(await rows("SELECT count(*)::int AS n FROM workflow_outbox WHERE workflow_id = $1", [workflow.id])).toEqual([{ n: 0 }]);
  });

  it("gives the rows it writes time-ordered ids: UUID version 7, their time the row's, later rows' ids greater", async () => {
    const first = (await create({ userNumber: randomNumber(), message: "first" })).body.data!.createSmsConversation;
    const second = (await create({ userNumber: randomNumber(), message: "second" })).body.data!.createSmsConversation;

    const written = await rows(
      `SELECT c.id AS conversation, m.id AS message, w.id AS workflow, floor(extract(epoch FROM m.created_at) * 1000)::bigint AS ms
       FROM sms_conversation c JOIN sms_message m ON m.conversation_id = c.id JOIN workflow w ON w.conversation_id = c.id
       WHERE c.account_id = $1 ORDER BY m.created_at`,
      [account.id],
    );
    expect(written.map((row) => row.conversation.replace(/-/g, ""))).toEqual(
      [first.conversationId, second.conversationId].map((id) => id.slice(5)),
    );
    for (const row of written) {
      for (const id of [row.conversation, row.message, row.workflow]) {
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        // The first 48 bits are the time in ms, that of the row within 100 ms.
        expect(Math.abs(parseInt(id.replace(/-/g, "").slice(0, 12), 16) - Number(row.ms))).toBeLessThan(100);
      }
    }
    for (const kind of ["conversation", "message", "workflow"]) expect(written[1][kind] > written[0][kind]).toBe(true);
  });

  it("continues the active conversation: appends the message and keeps one workflow", async () => {
    const userNumber = randomNumber();
    const first = (await create({ userNumber, message: "one" })).body.data!.createSmsConversation;
    const second = (await create({ userNumber, message: "two", sender: "AGENT", currentNodeId: "n2" })).body.data!.createSmsConversation;

    expect(second.userErrors).toEqual([]);
    expect(second.conversationId).toBe(first.conversationId);
    expect(second.workflowId).toBe(first.workflowId);
    expect(second.conversation.currentNodeId).toBe("n2");
    const conversations = await conversationsOf(account.id);
    expect(conversations).toHaveLength(1);
    expect(
      await rows("SELECT sender, body FROM sms_message WHERE conversation_id = $1 ORDER BY created_at", [conversations[0].id]),
    ).toEqual([
      { sender: "USER", body: "one" },
      { sender: "AGENT", body: "two" },
    ]);
    expect(await rows("SELECT count(*)::int AS n FROM workflow WHERE conversation_id = $1", [conversations[0].id])).toEqual([{ n: 1 }]);
  });

  it("answers each of several mutations in one request with the conversation as that call left it", async () => {
    const input = { agentNumber: account.agentNumbers[0], userNumber: randomNumber() };
    const { body } = await harness.graphql(
      `mutation($agent: CreateSmsConversationInput!, $user: CreateSmsConversationInput!) {
        agent: createSmsConversation(input: $agent) { conversation { timeoutAt messages(last: 5) { edges { node { body } } } } }
        user: createSmsConversation(input: $user) { conversation { timeoutAt messages(last: 5) { edges { node { body } } } } }
      }`,
      { agent: { ...input, message: "How can I help?", sender: "AGENT", timeOut: 60 }, user: { ...input, message: "Thanks" } },
      { apiKey: account.apiKey },
    );
    expect(body.errors).toBeUndefined();
    const bodies = (payload: any) => payload.conversation.messages.edges.map((edge: any) => edge.node.body);
    expect(body.data!.agent.conversation.timeoutAt).toEqual(expect.any(String));
    expect(bodies(body.data!.agent)).toEqual(["How can I help?"]);
    // The USER reply cancelled the timer: not the row read for the first field.
    expect(body.data!.user.conversation.timeoutAt).toBeNull();
    expect(bodies(body.data!.user)).toEqual(["How can I help?", "Thanks"]);
  });

  it("keeps stored pathway fields and requestData when a later turn omits them", async () => {
    const userNumber = randomNumber();
    await create({ userNumber, message: "one", currPathwayVersion: "latest", requestData: { a: 1 } });
    const second = (await create({ userNumber, message: "two" })).body.data!.createSmsConversation;
    expect(second.conversation).toMatchObject({ currPathwayVersion: "latest", requestData: { a: 1 } });
  });

  it("with newConversation: true archives the active conversation and returns it as archivedConversation", async () => {
    const userNumber = randomNumber();
    const old = (await create({ userNumber, message: "old" })).body.data!.createSmsConversation;
    const fresh = (await create({ userNumber, message: "new", newConversation: true })).body.data!.createSmsConversation;

    expect(fresh.userErrors).toEqual([]);
    expect(fresh.conversationId).not.toBe(old.conversationId);
    expect(fresh.workflowId).not.toBe(old.workflowId);
    expect(fresh.archivedConversation).toMatchObject({ id: old.conversationId, status: "ARCHIVED", archivedAt: expect.any(String) });
    expect(fresh.conversation.status).toBe("ACTIVE");
    const conversations = await conversationsOf(account.id);
    expect(conversations.map((c) => c.status)).toEqual(["ARCHIVED", "ACTIVE"]);
    expect(conversations[0].archived_at).toBeInstanceOf(Date);
    expect(await rows("SELECT status FROM workflow WHERE conversation_id = $1", [conversations[0].id])).toEqual([{ status: "COMPLETED" }]);
  });

  it("with newConversation: true and no active conversation simply creates one", async () => {
    const payload = (await create({ userNumber: randomNumber(), message: "hi", newConversation: true })).body.data!.createSmsConversation;
    expect(payload.userErrors).toEqual([]);
    expect(payload.archivedConversation).toBeNull();
    expect(await conversationsOf(account.id)).toHaveLength(1);
  });

  it("keeps timeout overrides across turns until a later call replaces them", async () => {
    const userNumber = randomNumber();
    await create({ userNumber, message: "1", timeOut: 600, warningTime: 300, timeoutMessage: "Bye", warningMessage: "Still there?" });
    const second = (await create({ userNumber, message: "2" })).body.data!.createSmsConversation;
    expect(second.conversation.timeoutConfig).toEqual({
      timeOut: 600,
      warningTime: 300,
      timeoutMessage: "Bye",
      warningMessage: "Still there?",
    });

    const third = (await create({ userNumber, message: "3", timeOut: 900, warningMessage: "Hello?" })).body.data!.createSmsConversation;
    expect(third.conversation.timeoutConfig).toEqual({ timeOut: 900, warningTime: 300, timeoutMessage: "Bye", warningMessage: "Hello?" });
    const [row] = await conversationsOf(account.id);
    expect(row).toMatchObject({ time_out: 900, warning_time: 300, timeout_message: "Bye", warning_message: "Hello?" });
  });

  it("starts a conversation after the previous one is no longer active", async () => {
    const userNumber = randomNumber();
    const first = (await create({ userNumber, message: "1" })).body.data!.createSmsConversation;
    await harness.db.query("UPDATE sms_conversation SET status = 'TIMED_OUT' WHERE account_id = $1", [account.id]);
    const second = (await create({ userNumber, message: "2" })).body.data!.createSmsConversation;
    expect(second.conversationId).not.toBe(first.conversationId);
    expect(second.archivedConversation).toBeNull();
  });

  describe("messageSid", () => {
    it("makes a repeat return the original ids and write nothing", async () => {
      const userNumber = randomNumber();
      const first = (await create({ userNumber, message: "hello", messageSid: "SMrepeat" })).body.data!.createSmsConversation;
      const repeat = (await create({ userNumber, message: "hello", messageSid: "SMrepeat" })).body.data!.createSmsConversation;

      expect(repeat.userErrors).toEqual([]);
      expect(repeat.message).toBe(CREATED_MESSAGE);
      expect(repeat.conversationId).toBe(first.conversationId);
      expect(repeat.workflowId).toBe(first.workflowId);
      expect(await rows("SELECT count(*)::int AS n FROM sms_message WHERE account_id = $1", [account.id])).toEqual([{ n: 1 }]);
    });

    it("answers a repeat with a different body with MESSAGE_SID_CONFLICT and writes nothing", async () => {
      const userNumber = randomNumber();
      await create({ userNumber, message: "hello", messageSid: "SMconflict" });
      const { body } = await create({ userNumber, message: "something else", messageSid: "SMconflict" });
      const payload = body.data!.createSmsConversation;

      expect(payload.conversationId).toBeNull();
      expect(payload.userErrors).toEqual([
        {
          code: "MESSAGE_SID_CONFLICT",
          field: ["input", "messageSid"],
          message: expect.stringContaining("already used for a different message"),
        },
      ]);
      expect(await rows("SELECT body FROM sms_message WHERE account_id = $1", [account.id])).toEqual([{ body: "hello" }]);
    });

    it("answers a repeat with different numbers with MESSAGE_SID_CONFLICT", async () => {
      await create({ userNumber: randomNumber(), message: "hello", messageSid: "SMnumbers" });
      const payload = (await create({ userNumber: randomNumber(), message: "hello", messageSid: "SMnumbers" })).body.data!
        .createSmsConversation;
      expect(payload.userErrors.map((e: { code: string }) => e.code)).toEqual(["MESSAGE_SID_CONFLICT"]);
      expect(await conversationsOf(account.id)).toHaveLength(1);
    });

    it("is scoped to the account: another account may use the same SID", async () => {
      const other = await harness.createAccount();
      await create({ userNumber: randomNumber(), message: "a", messageSid: "SMshared" });
      const payload = (
        await harness.graphql(
          CREATE,
          { input: { userNumber: randomNumber(), agentNumber: other.agentNumbers[0], message: "b", messageSid: "SMshared" } },
          { apiKey: other.apiKey },
        )
      ).body.data!.createSmsConversation;
      expect(payload.userErrors).toEqual([]);
      expect(await conversationsOf(other.id)).toHaveLength(1);
    });
  });

  describe("timeout config", () => {
    it("rejects a warningTime not less than timeOut with INVALID_TIMEOUT_CONFIG and writes nothing", async () => {
      const payload = (await create({ userNumber: randomNumber(), message: "x", timeOut: 60, warningTime: 60 })).body.data!
        .createSmsConversation;
      expect(payload.userErrors).toEqual([
        {
          code: "INVALID_TIMEOUT_CONFIG",
          field: ["input", "warningTime"],
          message: expect.stringMatching(/warningTime \(60 s.*less than timeOut \(60 s/),
        },
      ]);
      expect(payload.conversation).toBeNull();
      expect(await conversationsOf(account.id)).toHaveLength(0);
      expect(await rows("SELECT count(*)::int AS n FROM sms_message WHERE account_id = $1", [account.id])).toEqual([{ n: 0 }]);
    });

    it("rejects a warningTime when no timeOut is set anywhere", async () => {
      const payload = (await create({ userNumber: randomNumber(), message: "x", warningTime: 10 })).body.data!.createSmsConversation;
      expect(payload.userErrors).toEqual([
        { code: "INVALID_TIMEOUT_CONFIG", field: ["input", "warningTime"], message: expect.stringContaining("needs a timeOut") },
      ]);
      expect(await conversationsOf(account.id)).toHaveLength(0);
    });

    it("checks warningTime against the number's smsConfig timeOut when the conversation has none", async () => {
      const configured = await harness.createAccount({ smsConfig: { timeOut: 120 } });
      const send = (warningTime: number) =>
        harness.graphql(
          CREATE,
          { input: { userNumber: randomNumber(), agentNumber: configured.agentNumbers[0], message: "x", warningTime } },
          { apiKey: configured.apiKey },
        );

      const rejected = (await send(120)).body.data!.createSmsConversation;
      expect(rejected.userErrors[0]).toMatchObject({ code: "INVALID_TIMEOUT_CONFIG", message: expect.stringContaining("smsConfig") });
      const accepted = (await send(60)).body.data!.createSmsConversation;
      expect(accepted.userErrors).toEqual([]);
      expect(accepted.conversation.effectiveTimeoutConfig).toMatchObject({
        timeOut: { value: 120, source: "NUMBER_CONFIG" },
        warningTime: { value: 60, source: "CONVERSATION" },
        timeoutMessage: { value: null, source: "NONE" },
      });
    });

    it("checks a new timeOut against the warningTime stored on the conversation", async () => {
      const userNumber = randomNumber();
      await create({ userNumber, message: "1", timeOut: 600, warningTime: 300 });
      const payload = (await create({ userNumber, message: "2", timeOut: 200 })).body.data!.createSmsConversation;
      expect(payload.userErrors).toEqual([
        { code: "INVALID_TIMEOUT_CONFIG", field: ["input", "timeOut"], message: expect.stringContaining("300 s") },
      ]);
      const [row] = await conversationsOf(account.id);
      expect(row.time_out).toBe(600);
      expect(await rows("SELECT count(*)::int AS n FROM sms_message WHERE conversation_id = $1", [row.id])).toEqual([{ n: 1 }]);
    });

    it("does not archive the active conversation when a newConversation call is rejected", async () => {
      const userNumber = randomNumber();
      await create({ userNumber, message: "1" });
      const payload = (await create({ userNumber, message: "2", newConversation: true, timeOut: 10, warningTime: 20 })).body.data!
        .createSmsConversation;
      expect(payload.userErrors[0].code).toBe("INVALID_TIMEOUT_CONFIG");
      expect((await conversationsOf(account.id)).map((c) => c.status)).toEqual(["ACTIVE"]);
    });
  });

  it("answers AGENT_NUMBER_NOT_FOUND for an unregistered number and for another account's number alike", async () => {
    const other = await harness.createAccount();
    const unknown = (await create({ userNumber: randomNumber(), agentNumber: randomNumber(), message: "x" })).body.data!
      .createSmsConversation;
    const foreign = (await create({ userNumber: randomNumber(), agentNumber: other.agentNumbers[0], message: "x" })).body.data!
      .createSmsConversation;

    expect(unknown.userErrors).toEqual([
      {
        code: "AGENT_NUMBER_NOT_FOUND",
        field: ["input", "agentNumber"],
        message: expect.stringContaining("not registered to this account"),
      },
    ]);
    expect(foreign.userErrors[0].code).toBe("AGENT_NUMBER_NOT_FOUND");
    expect(foreign.userErrors[0].message.replace(other.agentNumbers[0], "N")).toBe(unknown.userErrors[0].message.replace(/\+\d+/, "N"));
    expect(await conversationsOf(account.id)).toHaveLength(0);
    expect(await conversationsOf(other.id)).toHaveLength(0);
  });

  it("leaves no conversation, message, workflow or job when the transaction fails, and masks the error", async () => {
    const allowPoison = await refusePoisonedMessages(harness.db, "secret internal detail");
    const publish = jest.spyOn(harness.parley.services.events, "publish");
    try {
      const before = await rows(
        "SELECT (SELECT count(*) FROM workflow)::int AS workflows, (SELECT count(*) FROM workflow_outbox)::int AS outbox",
      );
      const { body, headers } = await create({ userNumber: randomNumber(), message: "poison" });

      expect(body.data).toBeNull();
      expect(body.errors).toHaveLength(1);
      const [error] = body.errors!;
      expect(error.extensions).toEqual({ code: "INTERNAL_SERVER_ERROR", requestId: headers.get("x-request-id") });
      expect(JSON.stringify(body)).not.toMatch(/secret internal detail|INSERT|sms_message|stack|poison/i);
      expect(await conversationsOf(account.id)).toHaveLength(0);
      expect(await rows("SELECT count(*)::int AS n FROM sms_message WHERE account_id = $1", [account.id])).toEqual([{ n: 0 }]);
      expect(
        await rows("SELECT (SELECT count(*) FROM workflow)::int AS workflows, (SELECT count(*) FROM workflow_outbox)::int AS outbox"),
      ).toEqual(before);
      // Subscribers hear nothing of it either.
      expect(publish.mock.calls.flat(2).filter((event) => event.accountId === account.id)).toEqual([]);
    } finally {
      publish.mockRestore();
      await allowPoison();
    }
  });

  it("publishes no event for a call that was refused after archiving: the archive rolls back, silently", async () => {
    const userNumber = randomNumber();
    expect((await create({ userNumber, message: "one" })).body.data!.createSmsConversation.userErrors).toEqual([]);
    await harness.parley.services.events.drained();
    const publish = jest.spyOn(harness.parley.services.events, "publish");
    try {
      const { body } = await create({ userNumber, message: "two", newConversation: true, timeOut: 60, warningTime: 60 });
      expect(body.data!.createSmsConversation.userErrors).toEqual([expect.objectContaining({ code: "INVALID_TIMEOUT_CONFIG" })]);
      expect((await conversationsOf(account.id)).map((conversation) => conversation.status)).toEqual(["ACTIVE"]);
      expect(publish.mock.calls.flat(2).filter((event) => event.accountId === account.id)).toEqual([]);
    } finally {
      publish.mockRestore();
    }
  });

  it("can be read back with smsConversation using the returned conversationId", async () => {
    const payload = (await create({ userNumber: randomNumber(), message: "read me" })).body.data!.createSmsConversation;
    const { body } = await harness.graphql(CONVERSATION, { id: payload.conversationId }, { apiKey: account.apiKey });
    expect(body.data!.smsConversation).toMatchObject({ id: payload.conversationId, workflow: { id: payload.workflowId } });
    expect(body.data!.smsConversation.messages.edges.map((e: { node: { body: string } }) => e.node.body)).toEqual(["read me"]);
  });
});
