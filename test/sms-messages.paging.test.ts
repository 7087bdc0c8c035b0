import { SmsSender } from "../src/entities/sms-sender.enum";
import { toPublicId } from "../src/services/shared/public-id";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";

const MESSAGES = `
  query Messages($id: ID!, $first: Int, $after: String, $last: Int, $before: String) {
    smsConversation(id: $id) {
      id
      messages(first: $first, after: $after, last: $last, before: $before) {
        edges { cursor node { id body sender createdAt conversation { id } } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
`;

interface Connection {
  edges: Array<{ cursor: string; node: { id: string; body: string; sender: string; createdAt: string; conversation: { id: string } } }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

const COUNT = 30;
const BODIES = Array.from({ length: COUNT }, (_, i) => `m${String(i + 1).padStart(2, "0")}`);

let harness: Harness;
let account: TestAccount;
let stranger: TestAccount;
/** 30 messages, m01 … m30. */
let conversation: string;
/** Three messages of another user on the same number. */
let neighbour: string;
/** Ten messages that share one created_at. */
let tied: string;
/** The stranger's conversation. */
let foreign: string;

/** Records messages into one pair's conversation through the mutation's service; returns its public id. */
async function converse(owner: TestAccount, userNumber: string, bodies: string[]): Promise<string> {
  let id = "";
  for (const [index, message] of bodies.entries()) {
    const sender = index % 2 === 0 ? SmsSender.USER : SmsSender.AGENT;
    const result = await harness.parley.services.conversations.recordMessage(owner.id, {
      userNumber,
      agentNumber: owner.agentNumbers[0],
      message,
      sender,
    });
    if (!result.ok) throw new Error(result.problem.message);
    id = result.conversationId;
  }
  return toPublicId("conversation", id);
}

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
  [account, stranger] = await Promise.all([harness.createAccount(), harness.createAccount()]);
  [conversation, neighbour, tied, foreign] = await Promise.all([
    converse(account, randomNumber(), BODIES),
    converse(account, randomNumber(), ["n1", "n2", "n3"]),
    converse(
      account,
      randomNumber(),
      Array.from({ length: 10 }, (_, i) => `t${i}`),
    ),
    converse(stranger, randomNumber(), ["s1", "s2"]),
  ]);
  await harness.db.query("UPDATE sms_message SET created_at = timestamptz '2024-06-01 12:00:00.123456+00' WHERE conversation_id = $1", [
    uuidOf(tied),
  ]);
});
afterAll(() => harness.close());

function uuidOf(publicId: string): string {
  const hex = publicId.replace(/^[a-z]+_/, "");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function messages(variables: Record<string, unknown>, id = conversation, owner = account): Promise<Connection> {
  const { body } = await harness.graphql(MESSAGES, { id, ...variables }, { apiKey: owner.apiKey });
  expect(body.errors).toBeUndefined();
  expect(body.data!.smsConversation.id).toBe(id);
  return body.data!.smsConversation.messages;
}

/** The single error of a refused messages page; the conversation itself comes back null. */
async function refusal(variables: Record<string, unknown>, id = conversation) {
  const { body } = await harness.graphql(MESSAGES, { id, ...variables }, { apiKey: account.apiKey });
  expect(body.data).toEqual({ smsConversation: null });
  expect(body.errors).toHaveLength(1);
  expect(body.errors![0].path).toEqual(["smsConversation", "messages"]);
  return body.errors![0];
}

/** The conversation's message ids (public form) in time order, as SQL orders them. */
async function idsInOrder(id: string): Promise<string[]> {
  const { rows } = await harness.db.query("SELECT id FROM sms_message WHERE conversation_id = $1 ORDER BY created_at, id", [uuidOf(id)]);
  return rows.map((row) => toPublicId("message", row.id));
}

const bodiesOf = (page: Connection) => page.edges.map((edge) => edge.node.body);
const idsOf = (page: Connection) => page.edges.map((edge) => edge.node.id);

function expectPageCursors(page: Connection) {
  expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
  expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
}

async function walkForward(size: number, id = conversation) {
  const ids: string[] = [];
  const pages: Connection[] = [];
  let after: string | null = null;
  for (let index = 0; index < 100; index++) {
    const page = await messages({ first: size, after }, id);
    pages.push(page);
    ids.push(...idsOf(page));
    expectPageCursors(page);
    expect(page.pageInfo.hasPreviousPage).toBe(index > 0);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { ids, pages };
}

async function walkBackward(size: number, id = conversation) {
  let ids: string[] = [];
  const pages: Connection[] = [];
  let before: string | null = null;
  for (let index = 0; index < 100; index++) {
    const page = await messages({ last: size, before }, id);
    pages.push(page);
    ids = [...idsOf(page), ...ids];
    expectPageCursors(page);
    expect(page.pageInfo.hasNextPage).toBe(index > 0);
    if (!page.pageInfo.hasPreviousPage) break;
    before = page.pageInfo.startCursor;
  }
  return { ids, pages };
}

describe("SmsConversation.messages paging", () => {
  it("has the 30 messages in the database in the order they were recorded", async () => {
    const { rows } = await harness.db.query("SELECT body FROM sms_message WHERE conversation_id = $1 ORDER BY created_at, id", [
      uuidOf(conversation),
    ]);
    expect(rows.map((row) => row.body)).toEqual(BODIES);
  });

  it("walks forward with first: 7 through every message exactly once in time order", async () => {
    const { ids, pages } = await walkForward(7);
    expect(ids).toEqual(await idsInOrder(conversation));
    expect(pages.flatMap(bodiesOf)).toEqual(BODIES);
    expect(pages.flatMap((page) => page.edges.map((edge) => edge.node.sender))).toEqual(
      BODIES.map((_, i) => (i % 2 === 0 ? "USER" : "AGENT")),
    );
    expect(pages.map((page) => page.edges.length)).toEqual([7, 7, 7, 7, 2]);
    expect(pages.map((page) => page.pageInfo.hasNextPage)).toEqual([true, true, true, true, false]);
    const times = pages.flatMap((page) => page.edges.map((edge) => Date.parse(edge.node.createdAt)));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("walks backward with last: 7 before startCursor through every message exactly once in time order", async () => {
    const { ids, pages } = await walkBackward(7);
    expect(ids).toEqual(await idsInOrder(conversation));
    expect(pages.map(bodiesOf)).toEqual([
      BODIES.slice(23),
      BODIES.slice(16, 23),
      BODIES.slice(9, 16),
      BODIES.slice(2, 9),
      BODIES.slice(0, 2),
    ]);
    expect(pages.map((page) => page.pageInfo.hasPreviousPage)).toEqual([true, true, true, true, false]);
  });

  it("returns the 5 newest messages in time order for last: 5 without a cursor", async () => {
    const page = await messages({ last: 5 });
    expect(bodiesOf(page)).toEqual(["m26", "m27", "m28", "m29", "m30"]);
    expect(idsOf(page)).toEqual((await idsInOrder(conversation)).slice(-5));
    expect(page.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: page.edges[0].cursor,
      endCursor: page.edges[4].cursor,
    });
  });

  it("returns the first 20 messages without first or last", async () => {
    const page = await messages({});
    expect(bodiesOf(page)).toEqual(BODIES.slice(0, 20));
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it("tells exactly when a page reaches the end", async () => {
    expect((await messages({ first: 30 })).pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect((await messages({ first: 29 })).pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect((await messages({ last: 30 })).pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect((await messages({ last: 29 })).pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(await messages({ first: 0 })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it("pages from a message in the middle in both directions", async () => {
    const all = await messages({ first: 30 });
    const tenth = all.edges[9].cursor;
    const after = await messages({ first: 5, after: tenth });
    expect(bodiesOf(after)).toEqual(["m11", "m12", "m13", "m14", "m15"]);
    expect(after.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const before = await messages({ last: 5, before: tenth });
    expect(bodiesOf(before)).toEqual(["m05", "m06", "m07", "m08", "m09"]);
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    // Cursors are the same whichever way a page was fetched.
    expect(after.edges.map((edge) => edge.cursor)).toEqual(all.edges.slice(10, 15).map((edge) => edge.cursor));
    expect(before.edges.map((edge) => edge.cursor)).toEqual(all.edges.slice(4, 9).map((edge) => edge.cursor));
  });

  it("returns an empty page after the last message and before the first", async () => {
    const all = await messages({ first: 30 });
    const afterLast = await messages({ first: 5, after: all.pageInfo.endCursor });
    expect(afterLast).toEqual({ edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, startCursor: null, endCursor: null } });
    const beforeFirst = await messages({ last: 5, before: all.pageInfo.startCursor });
    expect(beforeFirst).toEqual({ edges: [], pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null } });
  });

  it("returns messages with identical times each exactly once, ordered by id, in both directions", async () => {
    const { rows } = await harness.db.query("SELECT count(DISTINCT created_at)::int AS n FROM sms_message WHERE conversation_id = $1", [
      uuidOf(tied),
    ]);
    expect(rows[0].n).toBe(1);
    const byId = (await harness.db.query("SELECT id FROM sms_message WHERE conversation_id = $1 ORDER BY id", [uuidOf(tied)])).rows.map(
      (row) => toPublicId("message", row.id),
    );
    expect(byId).toHaveLength(10);
    expect((await walkForward(3, tied)).ids).toEqual(byId);
    expect((await walkBackward(3, tied)).ids).toEqual(byId);
    expect(idsOf(await messages({ last: 4 }, tied))).toEqual(byId.slice(-4));
  });

  it("refuses a cursor of another conversation, of another account's conversation, and garbage with BAD_USER_INPUT", async () => {
    const neighbours = await messages({ first: 2 }, neighbour);
    const strangers = await messages({ first: 1 }, foreign, stranger);
    const conversationStyle = Buffer.from(`conv:${uuidOf(conversation)}`).toString("base64url");
    for (const cursor of [neighbours.pageInfo.endCursor, strangers.pageInfo.endCursor, conversationStyle, "garbage", ""]) {
      const after = await refusal({ first: 5, after: cursor });
      expect(after).toMatchObject({ extensions: { code: "BAD_USER_INPUT", argument: "after" } });
      expect(after.message).toContain("after");
      const before = await refusal({ last: 5, before: cursor });
      expect(before).toMatchObject({ extensions: { code: "BAD_USER_INPUT", argument: "before" } });
    }
    // The neighbour's cursor still works in its own conversation.
    expect(bodiesOf(await messages({ first: 5, after: neighbours.pageInfo.endCursor }, neighbour))).toEqual(["n3"]);
  });

  it("refuses first and last together, after with last, and sizes out of range", async () => {
    const { pageInfo } = await messages({ first: 3 });
    const both = await refusal({ first: 5, last: 5 });
    expect(both.extensions).toMatchObject({ code: "BAD_USER_INPUT" });
    expect(both.message).toMatch(/first/);
    expect(both.message).toMatch(/last/);
    expect(await refusal({ last: 5, after: pageInfo.endCursor })).toMatchObject({
      extensions: { code: "BAD_USER_INPUT", argument: "after" },
    });
    expect(await refusal({ first: 5, before: pageInfo.endCursor })).toMatchObject({
      extensions: { code: "BAD_USER_INPUT", argument: "before" },
    });
    expect(await refusal({ last: 101 })).toMatchObject({
      message: "last must be an integer from 0 to 100",
      extensions: { code: "BAD_USER_INPUT", argument: "last" },
    });
    expect(await refusal({ first: -1 })).toMatchObject({
      message: "first must be an integer from 0 to 100",
      extensions: { code: "BAD_USER_INPUT", argument: "first" },
    });
  });
});

describe("SmsMessage.conversation", () => {
  it("is the conversation each message belongs to", async () => {
    for (const id of [conversation, neighbour, tied]) {
      const page = await messages({ first: 100 }, id);
      expect(page.edges.length).toBeGreaterThan(0);
      for (const { node } of page.edges) expect(node.conversation).toEqual({ id });
    }
  });

  it("is the message's conversation when the message is fetched by node(id)", async () => {
    const [first] = await idsInOrder(neighbour);
    const { body } = await harness.graphql(
      `query N($id: ID!) { node(id: $id) { ... on SmsMessage { body conversation { id userNumber } } } }`,
      { id: first },
      { apiKey: account.apiKey },
    );
    const { rows } = await harness.db.query("SELECT user_number FROM sms_conversation WHERE id = $1", [uuidOf(neighbour)]);
    expect(body).toEqual({ data: { node: { body: "n1", conversation: { id: neighbour, userNumber: rows[0].user_number } } } });
  });
});

describe("messages of many conversations in one list", () => {
  it("gives each conversation its own newest message with last: 1 and its own oldest two with first: 2", async () => {
    const { body } = await harness.graphql(
      `{ smsConversations(first: 10) { edges { node {
          id
          newest: messages(last: 1) { edges { node { body conversation { id } } } pageInfo { hasPreviousPage hasNextPage } }
          oldest: messages(first: 2) { edges { node { body } } pageInfo { hasNextPage } }
      } } } }`,
      {},
      { apiKey: account.apiKey },
    );
    expect(body.errors).toBeUndefined();
    const byId = Object.fromEntries(body.data!.smsConversations.edges.map(({ node }: any) => [node.id, node]));
    expect(Object.keys(byId).sort()).toEqual([conversation, neighbour, tied].sort());
    expect(byId[conversation].newest).toEqual({
      edges: [{ node: { body: "m30", conversation: { id: conversation } } }],
      pageInfo: { hasPreviousPage: true, hasNextPage: false },
    });
    expect(byId[conversation].oldest).toEqual({
      edges: [{ node: { body: "m01" } }, { node: { body: "m02" } }],
      pageInfo: { hasNextPage: true },
    });
    expect(byId[neighbour].newest.edges).toEqual([{ node: { body: "n3", conversation: { id: neighbour } } }]);
    expect(byId[neighbour].oldest.edges).toEqual([{ node: { body: "n1" } }, { node: { body: "n2" } }]);
    const tiedIds = await idsInOrder(tied);
    const { rows } = await harness.db.query("SELECT body FROM sms_message WHERE id = $1", [uuidOf(tiedIds.at(-1)!)]);
    expect(byId[tied].newest.edges).toEqual([{ node: { body: rows[0].body, conversation: { id: tied } } }]);
  });
});
