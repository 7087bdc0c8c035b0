import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE, SEND } from "./support/operations";

/*
 * Channels: a pair has one conversation per channel (SMS, WhatsApp), each with its channel's
 * defaults; opt-out is per pair, across channels.
 */

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount({ smsConfig: { timeOut: 600, timeoutMessage: "SMS bye" } });
  await harness.db.query("UPDATE agent_number SET whatsapp_config = $1 WHERE number = $2", [
    { timeOut: 900, warningTime: 60, warningMessage: "WA still there?" },
    account.agentNumbers[0],
  ]);
});

const create = async (input: Record<string, unknown>) => {
  const { body } = await harness.graphql(CREATE, { input: { agentNumber: account.agentNumbers[0], ...input } }, { apiKey: account.apiKey });
  expect(body.errors).toBeUndefined();
  return body.data!.createSmsConversation;
};

describe("channels", () => {
  it("keeps WHATSAPP and SMS conversations of one pair separate, each ACTIVE, each with its own channel's defaults", async () => {
    const userNumber = randomNumber();
    const sms = await create({ userNumber, message: "hi by sms", sender: "AGENT" });
    const whatsapp = await create({ userNumber, message: "hi by whatsapp", sender: "AGENT", channel: "WHATSAPP" });
    const smsAgain = await create({ userNumber, message: "again by sms" });

    expect(sms.userErrors).toEqual([]);
    expect(whatsapp.userErrors).toEqual([]);
    expect(whatsapp.conversationId).not.toBe(sms.conversationId);
    expect(smsAgain.conversationId).toBe(sms.conversationId);
    expect(sms.conversation.effectiveTimeoutConfig).toMatchObject({
      timeOut: { value: 600, source: "NUMBER_CONFIG" },
      warningTime: { value: null, source: "NONE" },
      timeoutMessage: { value: "SMS bye", source: "NUMBER_CONFIG" },
    });
    expect(whatsapp.conversation.effectiveTimeoutConfig).toMatchObject({
      timeOut: { value: 900, source: "NUMBER_CONFIG" },
      warningTime: { value: 60, source: "NUMBER_CONFIG" },
      warningMessage: { value: "WA still there?", source: "NUMBER_CONFIG" },
      timeoutMessage: { value: null, source: "NONE" },
    });
    // The timers were planned from each channel's config.
    expect(Date.parse(whatsapp.conversation.timeoutAt) - Date.parse(whatsapp.conversation.createdAt)).toBeGreaterThanOrEqual(899_000);
    expect(whatsapp.conversation.warningAt).not.toBeNull();

    const { rows } = await harness.db.query(
      "SELECT channel, status, count(*)::int AS n FROM sms_conversation WHERE account_id = $1 GROUP BY channel, status ORDER BY channel",
      [account.id],
    );
    expect(rows).toEqual([
      { channel: "SMS", status: "ACTIVE", n: 1 },
      { channel: "WHATSAPP", status: "ACTIVE", n: 1 },
    ]);
    const { body } = await harness.graphql(
      `query { smsConversations(first: 10, filter: { channel: WHATSAPP }) { edges { node { id channel } } } }`,
      {},
      { apiKey: account.apiKey },
    );
    expect(body.data!.smsConversations.edges).toEqual([{ node: { id: whatsapp.conversationId, channel: "WHATSAPP" } }]);
  });

  it("takes channel over REST as sms or whatsapp, answers it in the conversation, and filters lists by it", async () => {
    const userNumber = randomNumber();
    const created = await harness.rest("POST", "/v1/sms/create", {
      apiKey: account.apiKey,
      body: { user_number: userNumber, agent_number: account.agentNumbers[0], message: "hello", channel: "whatsapp" },
    });
    expect(created.status).toBe(200);
    await harness.rest("POST", "/v1/sms/send", {
      apiKey: account.apiKey,
      body: { user_number: userNumber, agent_number: account.agentNumbers[0], agent_message: "hi", channel: "sms" },
    });
    const read = await harness.rest("GET", `/v1/sms/conversations/${created.body.data.conversation_id}`, { apiKey: account.apiKey });
    expect(read.body.data.channel).toBe("whatsapp");
    const filters = encodeURIComponent(JSON.stringify([{ field: "channel", operator: "eq", value: "sms" }]));
    const list = await harness.rest("GET", `/v1/sms/conversations?filters=${filters}`, { apiKey: account.apiKey });
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).toContain('"channel":"sms"');
    expect(JSON.stringify(list.body)).not.toContain('"channel":"whatsapp"');

    const bad = await harness.rest("POST", "/v1/sms/create", {
      apiKey: account.apiKey,
      body: { user_number: userNumber, agent_number: account.agentNumbers[0], message: "hello", channel: "telegram" },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ code: "INVALID_INPUT", field: "channel", message: "channel must be one of sms, whatsapp" }]);
  });

  it("opts a user out across channels: a STOP on SMS refuses WhatsApp agent messages, and the WhatsApp timer that comes due sends nothing", async () => {
    const userNumber = randomNumber();
    const whatsapp = await create({ userNumber, message: "hi", sender: "AGENT", channel: "WHATSAPP" });
    expect(whatsapp.conversation.warningAt).not.toBeNull();
    await create({ userNumber, message: "STOP" });
    // The STOP on SMS cancelled the WhatsApp conversation's timers too.
    const after = await harness.db.query(
      "SELECT warning_at, timeout_at FROM sms_conversation WHERE account_id = $1 AND channel = 'WHATSAPP'",
      [account.id],
    );
    expect(after.rows).toEqual([{ warning_at: null, timeout_at: null }]);

    const { body } = await harness.graphql(
      SEND,
      { input: { agentNumber: account.agentNumbers[0], userNumber, agentMessage: "hello?", channel: "WHATSAPP" } },
      { apiKey: account.apiKey },
    );
    expect(body.data!.sendSmsMessage.userErrors.map((error: { code: string }) => error.code)).toEqual(["RECIPIENT_OPTED_OUT"]);

    const { rows } = await harness.db.query("SELECT id FROM sms_conversation WHERE account_id = $1 AND channel = 'WHATSAPP'", [account.id]);
    await harness.db.query("UPDATE sms_conversation SET warning_at = now() - interval '1 second' WHERE id = $1", [rows[0].id]);
    const outcome = await harness.parley.services.timeoutFlow.fireTimer({
      workflowId: null,
      conversationId: rows[0].id,
      kind: "WARNING" as never,
    });
    expect(outcome).toEqual({ kind: "stale" });
    const messages = await harness.db.query("SELECT kind FROM sms_message WHERE conversation_id = $1", [rows[0].id]);
    expect(messages.rows).toEqual([{ kind: "NORMAL" }]);
  });
});
