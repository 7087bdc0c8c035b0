import fs from "node:fs";
import path from "node:path";
import { CREATED_MESSAGE } from "../src/resolvers/sms-conversation.resolver";
import { eventually } from "./support/eventually";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { refusePoisonedMessages } from "./support/poisoned-messages";
import { subscribe } from "./support/subscriber";
import { CREATE } from "./support/operations";

/*
 * POST /v1/sms/create: the seed's endpoint, over the same input class, validation and service
 * call as createSmsConversation. Every answer is held to the OpenAPI document (harness.rest).
 */

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ worker: { pollInterval: 50, relayIntervalMs: 20 } });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});

const create = (body: unknown, apiKey: string | null = account.apiKey) => harness.rest("POST", "/v1/sms/create", { apiKey, body });
const rows = async (sql: string, params: unknown[] = []) => (await harness.db.query(sql, params)).rows;
const uuidOf = (publicId: string) => publicId.replace(/^[a-z]+_/, "").replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5");
const counts = async () =>
  (
    await rows(
      `SELECT (SELECT count(*) FROM sms_conversation WHERE account_id = $1)::int AS conversations,
              (SELECT count(*) FROM sms_message WHERE account_id = $1)::int AS messages`,
      [account.id],
    )
  )[0];

describe("POST /v1/sms/create", () => {
  it("answers the seed's example body, placeholders filled, with the seed's response shape, and records all of it", async () => {
    const userNumber = randomNumber();
    // The seed's curl --data, every placeholder given a value of its type.
    const seed = {
      user_number: userNumber,
      agent_number: account.agentNumbers[0],
      message: "Hello from the seed",
      message_sid: "SM9f0c5e3a1b2c4d5e6f708192a3b4c5d6",
      curr_pathway_id: "123e4567-e89b-12d3-a456-426614174000",
      curr_pathway_version: "latest",
      current_node_id: "start",
      request_data: {},
      new_conversation: true,
      sender: "AGENT",
      time_out: 123,
      timeout_message: "Goodbye for now",
      warning_time: 60,
      warning_message: "Still there?",
    };
    const { status, headers, body } = await create(seed);

    expect(status).toBe(200);
    expect(body).toEqual({
      data: {
        message: CREATED_MESSAGE,
        conversation_id: expect.stringMatching(/^conv_[0-9a-f]{32}$/),
        workflow_id: expect.stringMatching(/^wf_[0-9a-f]{32}$/),
      },
      errors: null,
    });
    expect(headers.get("x-request-id")).toBeTruthy();
    const [conversation] = await rows("SELECT * FROM sms_conversation WHERE id = $1", [uuidOf(body.data.conversation_id)]);
    expect(conversation).toMatchObject({
      account_id: account.id,
      user_number: userNumber,
      agent_number: account.agentNumbers[0],
      status: "ACTIVE",
      curr_pathway_id: "123e4567-e89b-12d3-a456-426614174000",
      curr_pathway_version: "latest",
      current_node_id: "start",
      request_data: {},
      time_out: 123,
      timeout_message: "Goodbye for now",
      warning_time: 60,
      warning_message: "Still there?",
    });
    expect(conversation.timeout_at).not.toBeNull();
    expect(await rows("SELECT sender, kind, body, message_sid FROM sms_message WHERE conversation_id = $1", [conversation.id])).toEqual([
      { sender: "AGENT", kind: "NORMAL", body: "Hello from the seed", message_sid: seed.message_sid },
    ]);
    expect(await rows("SELECT id FROM workflow WHERE conversation_id = $1", [conversation.id])).toEqual([
      { id: uuidOf(body.data.workflow_id) },
    ]);
  });

  it("answers the README's curl example as the README shows", async () => {
    const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## REST"));
    const data = JSON.parse(/--data '\n([\s\S]*?)\n'\n/.exec(section)![1]);
    const shown = JSON.parse(/```json\n(.*)\n```/.exec(section)![1]);
    const { status, body } = await create({ ...data, agent_number: account.agentNumbers[0] });
    expect(status).toBe(200);
    expect(Object.keys(data)).toHaveLength(14);
    expect(body).toEqual({
      ...shown,
      data: {
        ...shown.data,
        conversation_id: expect.stringMatching(/^conv_[0-9a-f]{32}$/),
        workflow_id: expect.stringMatching(/^wf_[0-9a-f]{32}$/),
      },
    });
  });

  it("takes the three required fields alone, defaulting sender to USER, and accepts the key as Bearer", async () => {
    const { status, body } = await create(
      { user_number: randomNumber(), agent_number: account.agentNumbers[0], message: "hi" },
      `Bearer ${account.apiKey}`,
    );
    expect(status).toBe(200);
    expect(await rows("SELECT sender FROM sms_message WHERE conversation_id = $1", [uuidOf(body.data.conversation_id)])).toEqual([
      { sender: "USER" },
    ]);
  });

  it("is the same operation as createSmsConversation: one conversation across both surfaces, which GraphQL reads by the REST id", async () => {
    const userNumber = randomNumber();
    const viaRest = await create({ user_number: userNumber, agent_number: account.agentNumbers[0], message: "over REST" });
    const viaGraphQL = await harness.graphql(
      CREATE,
      { input: { userNumber, agentNumber: account.agentNumbers[0], message: "over GraphQL", sender: "AGENT" } },
      { apiKey: account.apiKey },
    );
    const payload = viaGraphQL.body.data!.createSmsConversation;
    expect(payload.conversationId).toBe(viaRest.body.data.conversation_id);
    expect(payload.workflowId).toBe(viaRest.body.data.workflow_id);
    expect(
      await rows("SELECT body FROM sms_message WHERE conversation_id = $1 ORDER BY created_at", [uuidOf(payload.conversationId)]),
    ).toEqual([{ body: "over REST" }, { body: "over GraphQL" }]);
  });

  it("replays a repeated message_sid with the original ids and writes nothing", async () => {
    const body = { user_number: randomNumber(), agent_number: account.agentNumbers[0], message: "once", message_sid: "SM-replay-1" };
    const first = await create(body);
    const before = await counts();
    const again = await create(body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await counts()).toEqual(before);
  });

  it("fires the subscription events of a GraphQL create, and triggers the workflow: the timeout flow ends a silent conversation", async () => {
    const subscriber = await subscribe(harness.baseUrl, account.apiKey, "subscription { smsMessageAdded { body sender kind } }");
    try {
      const { body } = await create({
        user_number: randomNumber(),
        agent_number: account.agentNumbers[0],
        message: "Anyone there?",
        sender: "AGENT",
        time_out: 1,
        timeout_message: "Closing the chat",
      });
      const events = await subscriber.waitFor(2, 10_000);
      expect(events.map((event) => event.smsMessageAdded)).toEqual([
        { body: "Anyone there?", sender: "AGENT", kind: "NORMAL" },
        { body: "Closing the chat", sender: "AGENT", kind: "TIMEOUT_END" },
      ]);
      await eventually(async () => {
        const [conversation] = await rows("SELECT status, timed_out_at FROM sms_conversation WHERE id = $1", [
          uuidOf(body.data.conversation_id),
        ]);
        expect(conversation.status).toBe("TIMED_OUT");
      });
    } finally {
      await subscriber.close();
    }
  });
});

describe("POST /v1/sms/create refusals: typed, in snake_case, and nothing written", () => {
  const valid = () => ({ user_number: randomNumber(), agent_number: account.agentNumbers[0], message: "hello" });

  it.each([
    ["a user_number that is not E.164", { user_number: "555-0123" }, "user_number", /^user_number must be an E\.164 number/],
    ["the same number on both sides", "same", "user_number", /^user_number must differ from agent_number$/],
    ["an empty message", { message: "" }, "message", /^message must be 1 to 1600 characters/],
    ["a curr_pathway_id that is not a UUID", { curr_pathway_id: "pathway-1" }, "curr_pathway_id", /^curr_pathway_id must be a UUID/],
    ["a time_out of 0", { time_out: 0 }, "time_out", /^time_out must be an integer from 1 to 2592000 seconds/],
    ["a time_out that is not an integer", { time_out: 1.5 }, "time_out", /^time_out must be an integer/],
    ["a time_out sent as a string", { time_out: "600" }, "time_out", /^time_out must be an integer/],
    ["a sender outside USER, AGENT", { sender: "BOT" }, "sender", /^sender must be one of USER, AGENT$/],
    [
      "a new_conversation that is not a boolean",
      { new_conversation: "yes" },
      "new_conversation",
      /^new_conversation must be true or false$/,
    ],
    ["a request_data that is an array", { request_data: [1] }, "request_data", /^request_data must be a JSON object$/],
    ["a message with NUL", { message: "a\u0000b" }, "message", /^message must be Unicode text without NUL/],
    ["a message_sid with a space", { message_sid: "SM 1" }, "message_sid", /^message_sid must be visible ASCII/],
    ["a message sent as a number", { message: 42 }, "message", /^message must be 1 to 1600 characters/],
  ])("refuses %s with 400 INVALID_INPUT naming the field", async (_case, change, field, message) => {
    const base = valid();
    const body = change === "same" ? { ...base, user_number: base.agent_number } : { ...base, ...(change as object) };
    const answer = await create(body);
    expect(answer.status).toBe(400);
    expect(answer.body.data).toBeNull();
    expect(answer.body.errors).toEqual([{ code: "INVALID_INPUT", field, message: expect.stringMatching(message) }]);
    expect(await counts()).toEqual({ conversations: 0, messages: 0 });
  });

  it("refuses a body without the required fields, naming each, and never a camelCase name", async () => {
    const { status, body } = await create({});
    expect(status).toBe(400);
    expect([...new Set(body.errors.map((error: { field: string }) => error.field))].sort()).toEqual([
      "agent_number",
      "message",
      "user_number",
    ]);
    for (const error of body.errors) expect(error.message).not.toMatch(/[a-z][A-Z]/);
  });

  it("refuses unknown fields (a camelCase one is named, to help), a body that is not an object, and request_data nested too deep", async () => {
    const camel = await create({ ...valid(), userNumber: "+15555550000" });
    expect(camel.status).toBe(400);
    expect(camel.body.errors).toEqual([
      {
        code: "INVALID_INPUT",
        field: "userNumber",
        message: expect.stringMatching(/^userNumber is not a field of the body; it may hold only user_number, /),
      },
    ]);
    const odd = await create({ ...valid(), "+15555550000": 1 });
    expect(odd.body.errors).toEqual([
      { code: "INVALID_INPUT", field: null, message: expect.stringMatching(/^the body has an unknown field; it may hold only /) },
    ]);
    expect(JSON.stringify(odd.body)).not.toContain("15555550000");
    const array = await create([valid()]);
    expect(array.status).toBe(400);
    expect(array.body.errors[0]).toMatchObject({ code: "INVALID_INPUT", field: null });
    let deep: unknown = {};
    for (let i = 0; i < 40; i++) deep = { a: deep };
    const nested = await create({ ...valid(), request_data: deep });
    expect(nested.status).toBe(400);
    expect(nested.body.errors).toEqual([
      { code: "INVALID_INPUT", field: "request_data", message: expect.stringMatching(/nested at most 32 levels/) },
    ]);
    expect(await counts()).toEqual({ conversations: 0, messages: 0 });
  });

  it("refuses warning_time not below the effective time_out with 400 INVALID_TIMEOUT_CONFIG on warning_time", async () => {
    const { status, body } = await create({ ...valid(), sender: "AGENT", time_out: 60, warning_time: 60 });
    expect(status).toBe(400);
    expect(body.errors).toEqual([
      {
        code: "INVALID_TIMEOUT_CONFIG",
        field: "warning_time",
        message: "warning_time (60 s, conversation override) must be less than time_out (60 s, conversation override)",
      },
    ]);
    expect(await counts()).toEqual({ conversations: 0, messages: 0 });
  });

  it("refuses an agent number that is not the account's with 400 AGENT_NUMBER_NOT_FOUND, the same for another account's and nobody's", async () => {
    const other = await harness.createAccount();
    const answers = [
      await create({ ...valid(), agent_number: other.agentNumbers[0] }),
      await create({ ...valid(), agent_number: randomNumber() }),
    ];
    for (const { status, body } of answers) {
      expect(status).toBe(400);
      expect(body.errors).toEqual([
        { code: "AGENT_NUMBER_NOT_FOUND", field: "agent_number", message: "the agent number is not registered to this account" },
      ]);
    }
    expect(await counts()).toEqual({ conversations: 0, messages: 0 });
  });

  it("refuses a message_sid used for another message with 409 MESSAGE_SID_CONFLICT", async () => {
    await create({ ...valid(), message_sid: "SM-conflict" });
    const before = await counts();
    const { status, body } = await create({ ...valid(), message_sid: "SM-conflict" });
    expect(status).toBe(409);
    expect(body.errors).toEqual([
      { code: "MESSAGE_SID_CONFLICT", field: "message_sid", message: expect.stringMatching(/^this message_sid was already used/) },
    ]);
    expect(await counts()).toEqual(before);
  });

  it("answers an unexpected failure with a masked 500 INTERNAL_SERVER_ERROR carrying the request id", async () => {
    const allowPoison = await refusePoisonedMessages(harness.db, "secret internal detail");
    try {
      const { status, headers, body } = await create({ ...valid(), message: "poison" });
      expect(status).toBe(500);
      expect(body.errors).toEqual([
        {
          code: "INTERNAL_SERVER_ERROR",
          field: null,
          message: expect.stringMatching(/^Internal server error/),
          request_id: headers.get("x-request-id"),
        },
      ]);
      expect(JSON.stringify(body)).not.toMatch(/secret internal detail|INSERT|sms_message|poison/i);
    } finally {
      await allowPoison();
    }
    expect(await counts()).toEqual({ conversations: 0, messages: 0 });
  });
});
