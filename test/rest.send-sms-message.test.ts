import { SENT_MESSAGE } from "../src/http/rest/send-sms-message.route";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";

/*
 * POST /v1/sms/send: sendSmsMessage over REST, over the same input class, validation and service
 * call. Every answer is held to the OpenAPI document (harness.rest).
 */

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});

const send = (body: unknown, headers: Record<string, string> = {}) =>
  harness.rest("POST", "/v1/sms/send", { apiKey: account.apiKey, body, headers });
const messages = async () =>
  (
    await harness.db.query(
      "SELECT sender, body, delivery_status, idempotency_key FROM sms_message WHERE account_id = $1 ORDER BY created_at",
      [account.id],
    )
  ).rows;

describe("POST /v1/sms/send", () => {
  it("sends an agent message: answers the platform's shape, records it QUEUED, starts the timers, and GraphQL shows the same conversation", async () => {
    const userNumber = randomNumber();
    const { status, body } = await send({
      user_number: userNumber,
      agent_number: account.agentNumbers[0],
      agent_message: "Your table is booked.",
      time_out: 600,
      warning_time: 300,
      warning_message: "Still there?",
    });
    expect(status).toBe(200);
    expect(body).toEqual({
      data: { message: SENT_MESSAGE, conversation_id: expect.stringMatching(/^conv_/), workflow_id: expect.stringMatching(/^wf_/) },
      errors: null,
    });
    expect(await messages()).toEqual([
      { sender: "AGENT", body: "Your table is booked.", delivery_status: "QUEUED", idempotency_key: null },
    ]);

    const { body: read } = await harness.graphql(
      "query($id: ID!) { smsConversation(id: $id) { id userNumber warningAt timeoutAt workflow { id } } }",
      { id: body.data.conversation_id },
      { apiKey: account.apiKey },
    );
    expect(read.data!.smsConversation).toMatchObject({
      id: body.data.conversation_id,
      userNumber,
      warningAt: expect.any(String),
      timeoutAt: expect.any(String),
      workflow: { id: body.data.workflow_id },
    });
  });

  it("refuses a send without agent_message, saying Parley does not generate replies, and writes nothing", async () => {
    const { status, body } = await send({ user_number: randomNumber(), agent_number: account.agentNumbers[0] });
    expect(status).toBe(400);
    expect(body.data).toBeNull();
    expect(body.errors).toEqual([
      { code: "INVALID_INPUT", field: "agent_message", message: expect.stringContaining("Parley does not generate replies") },
    ]);
    expect(await messages()).toEqual([]);
  });

  it("answers 10 concurrent repeats of one idempotency-key with the first call's ids, and records one message", async () => {
    const body = { user_number: randomNumber(), agent_number: account.agentNumbers[0], agent_message: "Once only" };
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(body, { "idempotency-key": "order-42-confirmation" })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((answer) => `${answer.body.data.conversation_id} ${answer.body.data.workflow_id}`)).size).toBe(1);
    expect(await messages()).toEqual([
      { sender: "AGENT", body: "Once only", delivery_status: "QUEUED", idempotency_key: "order-42-confirmation" },
    ]);
  });

  it("answers 409 IDEMPOTENCY_KEY_CONFLICT to a key reused for another message, naming the header, and sends nothing more", async () => {
    const body = { user_number: randomNumber(), agent_number: account.agentNumbers[0], agent_message: "First" };
    expect((await send(body, { "idempotency-key": "k-1" })).status).toBe(200);
    const { status, body: answer } = await send({ ...body, agent_message: "Second" }, { "idempotency-key": "k-1" });
    expect(status).toBe(409);
    expect(answer.errors).toEqual([{ code: "IDEMPOTENCY_KEY_CONFLICT", field: "idempotency-key", message: expect.any(String) }]);
    expect(answer.errors[0].message).not.toContain("k-1");
    expect((await messages()).map((message) => message.body)).toEqual(["First"]);
  });

  it("refuses an idempotency-key that is not visible ASCII, naming the header, and writes nothing", async () => {
    const body = { user_number: randomNumber(), agent_number: account.agentNumbers[0], agent_message: "Hi" };
    const { status, body: answer } = await send(body, { "idempotency-key": "two words" });
    expect(status).toBe(400);
    expect(answer.errors).toEqual([
      { code: "INVALID_INPUT", field: "idempotency-key", message: expect.stringContaining("idempotency-key") },
    ]);
    expect(await messages()).toEqual([]);
  });

  it("answers 401 without a key, and sends nothing", async () => {
    const { status, body } = await harness.rest("POST", "/v1/sms/send", {
      apiKey: null,
      body: { user_number: randomNumber(), agent_number: account.agentNumbers[0], agent_message: "Hi" },
    });
    expect(status).toBe(401);
    expect(body.errors[0].code).toBe("UNAUTHENTICATED");
    expect(await messages()).toEqual([]);
  });
});
