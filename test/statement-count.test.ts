import { StatementLog } from "./support/statement-log";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { PAGE } from "./support/operations";

describe("statement count of nested reads", () => {
  const counter = new StatementLog();
  let harness: Harness;
  let account: TestAccount;

  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, queryLogger: counter });
    account = await harness.createAccount({ numbers: 2, smsConfig: { timeOut: 600 } });
    for (let i = 0; i < 60; i++) {
      const userNumber = randomNumber();
      for (let m = 0; m < 3; m++) {
        const result = await harness.parley.services.conversations.recordMessage(account.id, {
          userNumber,
          agentNumber: account.agentNumbers[i % 2],
          message: `message ${m}`,
          sender: m % 2 ? "AGENT" : "USER",
        } as never);
        expect(result.ok).toBe(true);
      }
    }
  });
  afterAll(() => harness.close());

  async function statementsFor(first: number): Promise<string[]> {
    counter.statements = [];
    counter.enabled = true;
    const { body } = await harness.graphql(PAGE, { first }, { apiKey: account.apiKey });
    counter.enabled = false;
    expect(body.errors).toBeUndefined();
    const edges = body.data!.smsConversations.edges;
    expect(edges).toHaveLength(first);
    expect(edges.every((edge: any) => edge.node.messages.edges.length === 3)).toBe(true);
    return counter.statements;
  }

  it("a page of 50 conversations with their messages, agent number, config and workflow takes as many statements as a page of 5", async () => {
    await statementsFor(5); // warm-up: the API key is cached from now on, for both counts alike
    const five = await statementsFor(5);
    const fifty = await statementsFor(50);
    expect(fifty.length).toBe(five.length);
    // Every read is counted: the page, and the messages of all its conversations in one statement.
    expect(fifty.filter((statement) => /FROM sms_conversation c/.test(statement)).length).toBeGreaterThanOrEqual(1);
    expect(fifty.filter((statement) => /FROM sms_message/.test(statement))).toHaveLength(1);
    // A fixed, small number: auth, page (with its agent numbers and messages), count, one per other nested field — not one per row.
    expect(fifty.length).toBeLessThanOrEqual(10);
  });

  // Pages whose agent numbers alternate row by row, and pages of one agent number (read once per run of rows that share it).
  it.each([
    ["every agent number", null],
    ["one agent number", 1],
  ])(
    "a page's nested agent and messages (%s), under aliases and in fragments, answer as the field resolvers' own loads do (node(id)), from the page's one statement",
    async (_name, agentIndex) => {
      const messages = `agent { number } latest: messages(last: 2) { edges { cursor node { id body } } pageInfo { hasPreviousPage startCursor } }
      ... on SmsConversation { oldest: messages(first: 1) { edges { node { body createdAt } } pageInfo { hasNextPage endCursor } } }`;
      counter.statements = [];
      counter.enabled = true;
      const { body: page } = await harness.graphql(
        `query($agent: String) { smsConversations(first: 10, filter: { agentNumber: $agent }) { edges { node { id ...Nested } } } } fragment Nested on SmsConversation { ${messages} }`,
        { agent: agentIndex === null ? null : account.agentNumbers[agentIndex] },
        { apiKey: account.apiKey },
      );
      counter.enabled = false;
      expect(page.errors).toBeUndefined();
      // The page and everything it asks of its conversations: one statement.
      expect(counter.statements).toHaveLength(1);
      const nodes = page.data!.smsConversations.edges.map((edge: any) => edge.node);
      expect(nodes).toHaveLength(10);
      for (const node of nodes) {
        const { body: one } = await harness.graphql(
          `query($id: ID!) { node(id: $id) { ... on SmsConversation { id ${messages} } } }`,
          { id: node.id },
          { apiKey: account.apiKey },
        );
        expect(one.errors).toBeUndefined();
        expect(node).toEqual(one.data!.node);
        expect(node.latest.edges).toHaveLength(2);
      }
    },
  );

  it("one conversation with its agent and latest messages is read in one statement, answering as node(id)'s field resolvers do", async () => {
    const fields =
      "id status agent { number smsConfig { timeOut } } messages(last: 2) { edges { cursor node { id body createdAt } } pageInfo { hasPreviousPage } }";
    const { body: list } = await harness.graphql(
      "query { smsConversations(first: 1) { edges { node { id } } } }",
      {},
      { apiKey: account.apiKey },
    );
    const id = list.data!.smsConversations.edges[0].node.id;
    counter.statements = [];
    counter.enabled = true;
    const { body: one } = await harness.graphql(
      `query($id: ID!) { smsConversation(id: $id) { ${fields} } }`,
      { id },
      { apiKey: account.apiKey },
    );
    counter.enabled = false;
    expect(one.errors).toBeUndefined();
    expect(counter.statements).toHaveLength(1);
    const { body: node } = await harness.graphql(
      `query($id: ID!) { node(id: $id) { ... on SmsConversation { ${fields} } } }`,
      { id },
      { apiKey: account.apiKey },
    );
    expect(one.data!.smsConversation).toEqual(node.data!.node);
    expect(one.data!.smsConversation.messages.edges).toHaveLength(2);
  });

  it("a page reads ahead at most two message page shapes; a third is loaded by its field resolver, with the same answer", async () => {
    const shapes =
      "a: messages(last: 1) { edges { node { id } } } b: messages(last: 2) { edges { node { id } } } c: messages(first: 3) { edges { node { id } } }";
    counter.statements = [];
    counter.enabled = true;
    const { body: page } = await harness.graphql(
      `query { smsConversations(first: 5) { edges { node { id ${shapes} } } } }`,
      {},
      { apiKey: account.apiKey },
    );
    counter.enabled = false;
    expect(page.errors).toBeUndefined();
    expect(counter.statements).toHaveLength(2);
    for (const { node } of page.data!.smsConversations.edges) {
      const { body: one } = await harness.graphql(
        `query($id: ID!) { node(id: $id) { ... on SmsConversation { id ${shapes} } } }`,
        { id: node.id },
        { apiKey: account.apiKey },
      );
      expect(node).toEqual(one.data!.node);
      expect(node.c.edges).toHaveLength(3);
    }
  });
});
