import { randomUUID } from "node:crypto";
import { toPublicId } from "../src/services/shared/public-id";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";

const NODE = `
  query Node($id: ID!) {
    node(id: $id) {
      __typename
      id
      ... on SmsConversation { userNumber agentNumber status }
      ... on SmsMessage { body sender conversation { id } }
      ... on AgentNumber { number }
    }
  }
`;

const CONVERSATION_BY_ID = `
  query Conversation($id: ID!) {
    smsConversation(id: $id) {
      id userNumber agentNumber
      messages(first: 10) { edges { node { id body } } }
    }
  }
`;

const AGENT_NUMBER = `query Number($number: String!) { agentNumber(number: $number) { id number } }`;

let harness: Harness;
let owner: TestAccount;
let stranger: TestAccount;
let userNumber: string;
/** What the API returned for the owner's conversation, its messages and its agent number. */
let conversationId: string;
let workflowId: string;
let messageIds: string[];
let numberId: string;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
  [owner, stranger] = await Promise.all([harness.createAccount(), harness.createAccount()]);
  userNumber = randomNumber();
  for (const [message, sender] of [
    ["Hello?", "USER"],
    ["Hi, how can I help?", "AGENT"],
  ]) {
    const { body } = await harness.graphql(
      CREATE,
      { input: { userNumber, agentNumber: owner.agentNumbers[0], message, sender } },
      { apiKey: owner.apiKey },
    );
    expect(body.data!.createSmsConversation.userErrors).toEqual([]);
    conversationId = body.data!.createSmsConversation.conversationId;
    workflowId = body.data!.createSmsConversation.workflowId;
  }
  // The stranger has data of its own, so "null" below is scoping, not an empty database.
  await harness.graphql(
    CREATE,
    { input: { userNumber, agentNumber: stranger.agentNumbers[0], message: "elsewhere" } },
    { apiKey: stranger.apiKey },
  );

  const conversation = await harness.graphql(CONVERSATION_BY_ID, { id: conversationId }, { apiKey: owner.apiKey });
  messageIds = conversation.body.data!.smsConversation.messages.edges.map((edge: any) => edge.node.id);
  const number = await harness.graphql(AGENT_NUMBER, { number: owner.agentNumbers[0] }, { apiKey: owner.apiKey });
  numberId = number.body.data!.agentNumber.id;
});
afterAll(() => harness.close());

const node = async (id: string, account: TestAccount = owner) => {
  const { body } = await harness.graphql(NODE, { id }, { apiKey: account.apiKey });
  expect(body.errors).toBeUndefined();
  return body.data!.node;
};

describe("node", () => {
  it("has ids of the documented forms", () => {
    expect(conversationId).toMatch(/^conv_[0-9a-f]{32}$/);
    expect(messageIds).toHaveLength(2);
    for (const id of messageIds) expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(numberId).toMatch(/^num_[0-9a-f]{32}$/);
  });

  it("returns a conversation by its conversationId as an SmsConversation", async () => {
    expect(await node(conversationId)).toEqual({
      __typename: "SmsConversation",
      id: conversationId,
      userNumber,
      agentNumber: owner.agentNumbers[0],
      status: "ACTIVE",
    });
  });

  it("returns a message by its id as an SmsMessage, with its conversation", async () => {
    expect(await node(messageIds[0])).toEqual({
      __typename: "SmsMessage",
      id: messageIds[0],
      body: "Hello?",
      sender: "USER",
      conversation: { id: conversationId },
    });
    expect(await node(messageIds[1])).toEqual({
      __typename: "SmsMessage",
      id: messageIds[1],
      body: "Hi, how can I help?",
      sender: "AGENT",
      conversation: { id: conversationId },
    });
  });

  it("returns an agent number by its id as an AgentNumber", async () => {
    expect(await node(numberId)).toEqual({ __typename: "AgentNumber", id: numberId, number: owner.agentNumbers[0] });
  });

  it("names the rows of the database: each id is its row's UUID with the type's prefix", async () => {
    const { rows: conversations } = await harness.db.query("SELECT id, user_number FROM sms_conversation WHERE account_id = $1", [
      owner.id,
    ]);
    expect(conversations.map((row) => toPublicId("conversation", row.id))).toEqual([conversationId]);
    const { rows: messages } = await harness.db.query("SELECT id FROM sms_message WHERE conversation_id = $1 ORDER BY created_at, id", [
      conversations[0].id,
    ]);
    expect(messages.map((row) => toPublicId("message", row.id))).toEqual(messageIds);
    const { rows: numbers } = await harness.db.query("SELECT id FROM agent_number WHERE account_id = $1", [owner.id]);
    expect(numbers.map((row) => toPublicId("agentNumber", row.id))).toEqual([numberId]);
  });

  it("resolves the mutation's conversationId the same way in smsConversation(id) and node(id)", async () => {
    const { body } = await harness.graphql(
      CREATE,
      { input: { userNumber: randomNumber(), agentNumber: owner.agentNumbers[0], message: "fresh" } },
      { apiKey: owner.apiKey },
    );
    const created = body.data!.createSmsConversation;
    const byQuery = await harness.graphql(CONVERSATION_BY_ID, { id: created.conversationId }, { apiKey: owner.apiKey });
    expect(byQuery.body.errors).toBeUndefined();
    expect(byQuery.body.data!.smsConversation).toMatchObject({ id: created.conversationId, userNumber: created.conversation.userNumber });
    expect(byQuery.body.data!.smsConversation.messages.edges.map((edge: any) => edge.node.body)).toEqual(["fresh"]);
    expect(await node(created.conversationId)).toMatchObject({
      __typename: "SmsConversation",
      id: created.conversationId,
      userNumber: created.conversation.userNumber,
    });
  });

  it("resolves several ids of different types in one request", async () => {
    const { body } = await harness.graphql(
      `query Many($c: ID!, $m: ID!, $n: ID!, $missing: ID!) {
        c: node(id: $c) { __typename id }
        m: node(id: $m) { __typename id }
        n: node(id: $n) { __typename id }
        missing: node(id: $missing) { __typename id }
      }`,
      { c: conversationId, m: messageIds[1], n: numberId, missing: `conv_${"0".repeat(32)}` },
      { apiKey: owner.apiKey },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data).toEqual({
      c: { __typename: "SmsConversation", id: conversationId },
      m: { __typename: "SmsMessage", id: messageIds[1] },
      n: { __typename: "AgentNumber", id: numberId },
      missing: null,
    });
  });

  it("gives null, without an error, for another account's conversation, message and agent number", async () => {
    for (const id of [conversationId, ...messageIds, numberId]) expect(await node(id, stranger)).toBeNull();
    const { body } = await harness.graphql(CONVERSATION_BY_ID, { id: conversationId }, { apiKey: stranger.apiKey });
    expect(body).toEqual({ data: { smsConversation: null } });
    // The owner still sees them.
    for (const id of [conversationId, ...messageIds, numberId]) expect((await node(id)).id).toBe(id);
  });

  it("gives the stranger's own ids to the stranger and null to the owner", async () => {
    const { rows } = await harness.db.query("SELECT id FROM sms_conversation WHERE account_id = $1", [stranger.id]);
    const strangers = toPublicId("conversation", rows[0].id);
    expect(await node(strangers, stranger)).toMatchObject({ __typename: "SmsConversation", id: strangers });
    expect(await node(strangers, owner)).toBeNull();
  });

  it.each([
    ["an unknown conversation id", () => toPublicId("conversation", randomUUID())],
    ["an unknown message id", () => toPublicId("message", randomUUID())],
    ["an unknown agent number id", () => toPublicId("agentNumber", randomUUID())],
    ["a message's UUID under the conversation prefix", () => `conv_${messageIds[0].slice(4)}`],
    ["a conversation's UUID under the message prefix", () => `msg_${conversationId.slice(5)}`],
    ["a conversation's UUID under the agent number prefix", () => `num_${conversationId.slice(5)}`],
    ["the workflowId (workflows are not nodes)", () => workflowId],
    ["the account's id", () => owner.publicId],
    ["a bare UUID", () => conversationId.slice(5).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, "$1-$2-$3-$4-$5")],
    ["a bare hex id", () => conversationId.slice(5)],
    ["a truncated id", () => conversationId.slice(0, -1)],
    ["an id with extra characters", () => `${conversationId}0`],
    ["a prefix alone", () => "conv_"],
    ["garbage", () => "garbage"],
    ["an empty string", () => ""],
    ["SQL", () => "conv_' OR '1'='1"],
  ])("gives null, without an error, for %s", async (_name, idOf) => {
    expect(await node(idOf())).toBeNull();
  });

  it("gives null from smsConversation(id) for ids that are not the account's conversations", async () => {
    for (const id of [messageIds[0], numberId, toPublicId("conversation", randomUUID()), "garbage", ""]) {
      const { body } = await harness.graphql(CONVERSATION_BY_ID, { id }, { apiKey: owner.apiKey });
      expect(body).toEqual({ data: { smsConversation: null } });
    }
  });

  it("requires an API key", async () => {
    const { body } = await harness.graphql(NODE, { id: conversationId });
    expect(body.data?.node ?? null).toBeNull();
    expect(body.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
