import { AgentNumberChannel } from "../src/services/agent-numbers/agent-number-channel.enum";
import { toPublicId } from "../src/services/shared/public-id";
import { type Harness, startHarness, type TestAccount } from "./support/harness";

const NUMBER_FIELDS = `
  id number createdAt conversationCount
  smsConfig { timeOut warningTime timeoutMessage warningMessage }
  whatsappConfig { timeOut warningTime timeoutMessage warningMessage }
`;

const NUMBERS = `
  query Numbers($first: Int, $after: String, $last: Int, $before: String) {
    agentNumbers(first: $first, after: $after, last: $last, before: $before) {
      edges { cursor node { ${NUMBER_FIELDS} } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
`;

const NUMBER = `query Number($number: String!) { agentNumber(number: $number) { ${NUMBER_FIELDS} } }`;

interface NumberNode {
  id: string;
  number: string;
  createdAt: string;
  conversationCount: number;
  smsConfig: Record<string, unknown>;
  whatsappConfig: Record<string, unknown>;
}
interface Connection {
  edges: Array<{ cursor: string; node: NumberNode }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

let harness: Harness;
/** Five numbers: the first with three conversations (one per status), the second with one. */
let owner: TestAccount;
/** Two numbers with conversations of their own. */
let other: TestAccount;

const SMS_DEFAULTS = { timeOut: 300, warningTime: 60, timeoutMessage: "Closing this chat.", warningMessage: "Still there?" };

async function record(account: TestAccount, agentNumber: string, userNumber: string, newConversation = false): Promise<string> {
  const result = await harness.parley.services.conversations.recordMessage(account.id, {
    agentNumber,
    userNumber,
    message: "hi",
    newConversation,
  });
  if (!result.ok) throw new Error(result.problem.message);
  return result.conversationId;
}

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
  [owner, other] = await Promise.all([
    harness.createAccount({ numbers: 5, smsConfig: SMS_DEFAULTS }),
    harness.createAccount({ numbers: 2 }),
  ]);
  const [n0, n1, n2] = owner.agentNumbers;
  const { agentNumbers } = harness.parley.services;
  const whatsapp = await agentNumbers.updateConfig(owner.id, {
    agentNumber: n2,
    channel: AgentNumberChannel.WHATSAPP,
    timeOut: 900,
    timeoutMessage: "WhatsApp bye",
  });
  const sms = await agentNumbers.updateConfig(owner.id, {
    agentNumber: n1,
    channel: AgentNumberChannel.SMS,
    warningTime: null,
    warningMessage: null,
    timeOut: 120,
  });
  expect([whatsapp.ok, sms.ok]).toEqual([true, true]);

  await record(owner, n0, "+14155550101");
  await record(owner, n0, "+14155550101", true); // archives the first
  const timedOut = await record(owner, n0, "+14155550102");
  await harness.db.query("UPDATE sms_conversation SET status = 'TIMED_OUT', timed_out_at = now() WHERE id = $1", [timedOut]);
  await record(owner, n1, "+14155550101");
  // The other account talks to the same users; its conversations count for its numbers only.
  for (const user of ["+14155550101", "+14155550102", "+14155550103"]) await record(other, other.agentNumbers[0], user);
  await record(other, other.agentNumbers[1], "+14155550101");
});
afterAll(() => harness.close());

async function list(variables: Record<string, unknown>, account: TestAccount = owner): Promise<Connection> {
  const { body } = await harness.graphql<{ agentNumbers: Connection }>(NUMBERS, variables, { apiKey: account.apiKey });
  expect(body.errors).toBeUndefined();
  return body.data!.agentNumbers;
}

async function refusal(variables: Record<string, unknown>, account: TestAccount = owner) {
  const { body } = await harness.graphql(NUMBERS, variables, { apiKey: account.apiKey });
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  return body.errors![0];
}

const config = (settings: Record<string, unknown>) => ({
  timeOut: settings.timeOut ?? null,
  warningTime: settings.warningTime ?? null,
  timeoutMessage: settings.timeoutMessage ?? null,
  warningMessage: settings.warningMessage ?? null,
});

/** The account's numbers as the API should show them, from the rows, in number order. */
async function expectedNumbers(account: TestAccount): Promise<NumberNode[]> {
  const { rows } = await harness.db.query(
    `SELECT n.id, n.number, n.created_at, n.sms_config, n.whatsapp_config,
            (SELECT count(*)::int FROM sms_conversation c WHERE c.agent_number_id = n.id) AS conversations
       FROM agent_number n WHERE n.account_id = $1 ORDER BY n.number`,
    [account.id],
  );
  return rows.map((row) => ({
    id: toPublicId("agentNumber", row.id),
    number: row.number,
    createdAt: row.created_at.toISOString(),
    conversationCount: row.conversations,
    smsConfig: config(row.sms_config),
    whatsappConfig: config(row.whatsapp_config),
  }));
}

const numbersOf = (connection: Connection) => connection.edges.map((edge) => edge.node.number);

describe("agentNumbers", () => {
  it("lists the account's numbers in number order with their configs and conversation counts, as the rows hold them", async () => {
    const expected = await expectedNumbers(owner);
    expect(expected).toHaveLength(5);
    const page = await list({});
    expect(page.edges.map((edge) => edge.node)).toEqual(expected);
    expect(numbersOf(page)).toEqual([...owner.agentNumbers].sort());
    expect(page.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: page.edges[0].cursor,
      endCursor: page.edges[4].cursor,
    });
  });

  it("shows each channel's own config: SMS defaults, a changed SMS config, a WhatsApp config", async () => {
    const [n0, n1, n2] = owner.agentNumbers;
    const byNumber = new Map((await list({})).edges.map(({ node }) => [node.number, node]));
    expect(byNumber.get(n0)).toMatchObject({ smsConfig: SMS_DEFAULTS, whatsappConfig: config({}) });
    expect(byNumber.get(n1)).toMatchObject({
      smsConfig: config({ timeOut: 120, timeoutMessage: "Closing this chat." }),
      whatsappConfig: config({}),
    });
    expect(byNumber.get(n2)).toMatchObject({
      smsConfig: SMS_DEFAULTS,
      whatsappConfig: config({ timeOut: 900, timeoutMessage: "WhatsApp bye" }),
    });
  });

  it("counts every conversation of a number, whatever its status, and no other account's", async () => {
    const [n0, n1, n2] = owner.agentNumbers;
    const { rows } = await harness.db.query(
      "SELECT status FROM sms_conversation WHERE account_id = $1 AND agent_number = $2 ORDER BY status",
      [owner.id, n0],
    );
    expect(rows.map((row) => row.status)).toEqual(["ACTIVE", "ARCHIVED", "TIMED_OUT"]);
    const counts = Object.fromEntries((await list({})).edges.map(({ node }) => [node.number, node.conversationCount]));
    expect(counts).toEqual({ [n0]: 3, [n1]: 1, [n2]: 0, [owner.agentNumbers[3]]: 0, [owner.agentNumbers[4]]: 0 });
    const others = Object.fromEntries((await list({}, other)).edges.map(({ node }) => [node.number, node.conversationCount]));
    expect(others).toEqual({ [other.agentNumbers[0]]: 3, [other.agentNumbers[1]]: 1 });
  });

  it("never lists another account's numbers", async () => {
    expect(numbersOf(await list({}, other))).toEqual([...other.agentNumbers].sort());
    expect(numbersOf(await list({ first: 100 })).filter((number) => other.agentNumbers.includes(number))).toEqual([]);
  });

  it("walks forward with first: 2 through every number exactly once, with the right pageInfo", async () => {
    const expected = (await expectedNumbers(owner)).map((node) => node.number);
    const seen: string[] = [];
    const pages: Connection[] = [];
    let after: string | null = null;
    for (let index = 0; index < 10; index++) {
      const page = await list({ first: 2, after });
      pages.push(page);
      seen.push(...numbersOf(page));
      expect(page.pageInfo).toMatchObject({
        startCursor: page.edges[0].cursor,
        endCursor: page.edges.at(-1)!.cursor,
        hasPreviousPage: index > 0,
      });
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
    expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
  });

  it("walks backward with last: 2 through every number exactly once, with the right pageInfo", async () => {
    const expected = (await expectedNumbers(owner)).map((node) => node.number);
    let seen: string[] = [];
    const pages: Connection[] = [];
    let before: string | null = null;
    for (let index = 0; index < 10; index++) {
      const page = await list({ last: 2, before });
      pages.push(page);
      seen = [...numbersOf(page), ...seen];
      expect(page.pageInfo).toMatchObject({
        startCursor: page.edges[0].cursor,
        endCursor: page.edges.at(-1)!.cursor,
        hasNextPage: index > 0,
      });
      if (!page.pageInfo.hasPreviousPage) break;
      before = page.pageInfo.startCursor;
    }
    expect(seen).toEqual(expected);
    expect(pages.map((page) => page.edges.length)).toEqual([2, 2, 1]);
  });

  it("returns no edges for first: 0, with hasNextPage true", async () => {
    expect(await list({ first: 0 })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it("refuses another account's cursor, a conversation-style cursor and garbage with BAD_USER_INPUT", async () => {
    const foreign = (await list({ first: 1 }, other)).pageInfo.endCursor;
    const conversationStyle = Buffer.from(`conv:${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`).toString("base64url");
    for (const cursor of [foreign, conversationStyle, "garbage", ""]) {
      expect(await refusal({ first: 2, after: cursor })).toMatchObject({
        path: ["agentNumbers"],
        extensions: { code: "BAD_USER_INPUT", argument: "after" },
      });
      expect(await refusal({ last: 2, before: cursor })).toMatchObject({
        path: ["agentNumbers"],
        extensions: { code: "BAD_USER_INPUT", argument: "before" },
      });
    }
  });

  it("refuses out-of-range sizes and first with last", async () => {
    expect(await refusal({ first: 101 })).toMatchObject({
      message: "first must be an integer from 0 to 100",
      extensions: { code: "BAD_USER_INPUT", argument: "first" },
    });
    expect(await refusal({ last: -1 })).toMatchObject({
      message: "last must be an integer from 0 to 100",
      extensions: { code: "BAD_USER_INPUT", argument: "last" },
    });
    expect(await refusal({ first: 1, last: 1 })).toMatchObject({ extensions: { code: "BAD_USER_INPUT" } });
  });

  it("requires an API key", async () => {
    const { body } = await harness.graphql(NUMBERS, {});
    expect(body.data ?? null).toBeNull();
    expect(body.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("agentNumber", () => {
  const one = async (number: string, account: TestAccount = owner) => {
    const { body } = await harness.graphql(NUMBER, { number }, { apiKey: account.apiKey });
    expect(body.errors).toBeUndefined();
    return body.data!.agentNumber;
  };

  it("returns one of the account's numbers as agentNumbers shows it", async () => {
    const expected = await expectedNumbers(owner);
    for (const node of expected) expect(await one(node.number)).toEqual(node);
  });

  it("gives null for another account's number, an unknown number and a malformed one", async () => {
    expect(await one(other.agentNumbers[0])).toBeNull();
    expect(await one(owner.agentNumbers[0], other)).toBeNull();
    expect(await one("+19995550000")).toBeNull();
    expect(await one("not a number")).toBeNull();
  });

  it("follows a new conversation in conversationCount", async () => {
    const number = owner.agentNumbers[4];
    expect((await one(number)).conversationCount).toBe(0);
    await record(owner, number, "+14155550109");
    expect((await one(number)).conversationCount).toBe(1);
  });

  it("requires an API key", async () => {
    const { body } = await harness.graphql(NUMBER, { number: owner.agentNumbers[0] });
    expect(body.data?.agentNumber ?? null).toBeNull();
    expect(body.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

describe("SmsConversation.agent", () => {
  it("is the conversation's agent number, with its count, in smsConversation and in every row of smsConversations", async () => {
    const expected = new Map((await expectedNumbers(owner)).map((node) => [node.number, node]));
    const { body } = await harness.graphql(
      `{ smsConversations(first: 100) { edges { node { id agentNumber agent { ${NUMBER_FIELDS} } } } } }`,
      {},
      { apiKey: owner.apiKey },
    );
    expect(body.errors).toBeUndefined();
    const edges = body.data!.smsConversations.edges;
    const { rows } = await harness.db.query("SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [owner.id]);
    expect(edges).toHaveLength(rows[0].n);
    for (const { node } of edges) expect(node.agent).toEqual(expected.get(node.agentNumber));

    const single = await harness.graphql(
      `query C($id: ID!) { smsConversation(id: $id) { agent { number conversationCount } } }`,
      { id: edges[0].node.id },
      { apiKey: owner.apiKey },
    );
    expect(single.body.data!.smsConversation.agent).toEqual({
      number: edges[0].node.agentNumber,
      conversationCount: expected.get(edges[0].node.agentNumber)!.conversationCount,
    });
  });
});
