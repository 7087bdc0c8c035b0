import { attachIncluded } from "../src/resolvers/conversation-includes";
import { createLoaders } from "../src/resolvers/loaders";
import { SmsConversationType } from "../src/resolvers/types/sms-conversation.type";
import { parsePublicId } from "../src/services/shared/public-id";
import { StatementLog } from "./support/statement-log";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";

/*
 * A read of conversations reads the properties its selection asks for, and no more: each field
 * names what it reads (src/resolvers/conversation-includes.ts), and a field that takes the whole
 * row, or a fragment on an interface, reads them all. Rows read in part answer only the field
 * that read them, never another field of the same request.
 */

describe("the columns a read of conversations reads", () => {
  const log = new StatementLog();
  let harness: Harness;
  let account: TestAccount;
  let ids: string[];

  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, queryLogger: log });
    account = await harness.createAccount({ numbers: 2, smsConfig: { timeOut: 600, warningTime: 60 } });
    for (let i = 0; i < 4; i++) {
      const userNumber = randomNumber();
      for (let m = 0; m < 2; m++) {
        const result = await harness.parley.services.conversations.recordMessage(account.id, {
          userNumber,
          agentNumber: account.agentNumbers[i % 2],
          message: `message ${m}`,
          sender: m % 2 ? "AGENT" : "USER",
          messageSid: `SM-${i}-${m}-${userNumber}`,
          requestData: { order: i },
          timeoutMessage: "Bye",
        } as never);
        expect(result.ok).toBe(true);
      }
    }
    const { body } = await harness.graphql(
      "query { smsConversations(first: 4) { edges { node { id } } } }",
      {},
      { apiKey: account.apiKey },
    );
    ids = body.data!.smsConversations.edges.map((edge: any) => edge.node.id);
  });
  afterAll(() => harness.close());

  /** The answer to `query` and the statements that read conversations for it. */
  async function read(query: string, variables: Record<string, unknown> = {}) {
    log.statements = [];
    log.enabled = true;
    const { body } = await harness.graphql(query, variables, { apiKey: account.apiKey });
    log.enabled = false;
    expect(body.errors).toBeUndefined();
    return { data: body.data!, statements: log.statements.filter((statement) => statement.includes("FROM sms_conversation c")) };
  }

  /** Each conversation as node(id) answers `fields`: through the field resolvers and loaders alone. */
  async function byNode(fields: string) {
    const answers = [];
    for (const id of ids) {
      const { data } = await read(`query($id: ID!) { node(id: $id) { ... on SmsConversation { ${fields} } } }`, { id });
      answers.push(data.node);
    }
    return answers;
  }

  it("reads of a page only the conversation, agent number and message columns its fields ask for, answering as node(id) does", async () => {
    const fields = "id status agent { number } messages(last: 1) { edges { cursor node { body } } }";
    const { data, statements } = await read(`query { smsConversations(first: 4) { edges { node { ${fields} } } } }`);

    expect(statements).toHaveLength(1);
    const [statement] = statements;
    expect(statement).toMatch(/c\.status AS "status"/);
    expect(statement).not.toMatch(/c\.request_data|c\.user_number|c\.timeout_message/);
    expect(statement).toMatch(/n\.number AS "number"/);
    expect(statement).not.toMatch(/n\.sms_config|n\.opt_out_replies/);
    expect(statement).toMatch(/m\.body AS "body"/);
    expect(statement).not.toMatch(/m\.message_sid|m\.sender/);
    expect(data.smsConversations.edges.map((edge: any) => edge.node)).toEqual(await byNode(fields));
  });

  it("reads every column for a field that takes the whole row (workflow) or a fragment on an interface", async () => {
    const workflow = await read("query { smsConversations(first: 4) { edges { node { id workflow { status } } } } }");
    expect(workflow.statements[0]).toMatch(/c\.request_data AS "requestData"/);

    const { statements } = await read(
      "query($id: ID!) { smsConversation(id: $id) { ... on Node { id } messages(last: 1) { edges { node { body } } } } }",
      { id: ids[0] },
    );
    expect(statements[0]).toMatch(/c\.request_data AS "requestData"/);
  });

  it("gives every alias of a field what it asks for, reading the union of their columns", async () => {
    const fields =
      "id a: agent { number } b: agent { smsConfig { timeOut warningTime } } x: messages(last: 1) { edges { node { body } } } y: messages(last: 1) { edges { node { sender messageSid } } } timeoutConfig { timeoutMessage } requestData";
    const { data, statements } = await read(`query { smsConversations(first: 4) { edges { node { ${fields} } } } }`);

    expect(statements).toHaveLength(1);
    expect(data.smsConversations.edges.map((edge: any) => edge.node)).toEqual(await byNode(fields));
    expect(data.smsConversations.edges[0].node.y.edges[0].node.messageSid).toMatch(/^SM-/);
    expect(data.smsConversations.edges[0].node.b.smsConfig).toEqual({ timeOut: 600, warningTime: 60 });
  });

  it("reads no message past a page whose pageInfo is not asked for, and one when it is", async () => {
    const edges = "id messages(last: 1) { edges { node { body } } }";
    const withoutPageInfo = await read(`query { smsConversations(first: 4) { edges { node { ${edges} } } } }`);
    expect(withoutPageInfo.statements[0]).toMatch(/LIMIT 1\) r/);
    expect(withoutPageInfo.data.smsConversations.edges.map((edge: any) => edge.node)).toEqual(await byNode(edges));

    const fields = "id messages(last: 1) { edges { node { body } } pageInfo { hasPreviousPage hasNextPage startCursor } }";
    const withPageInfo = await read(`query { smsConversations(first: 4) { edges { node { ${fields} } } } }`);
    expect(withPageInfo.statements[0]).toMatch(/LIMIT 2\) r/);
    const answers = withPageInfo.data.smsConversations.edges.map((edge: any) => edge.node);
    expect(answers).toEqual(await byNode(fields));
    // Every conversation has two messages: one before the last.
    expect(answers.map((answer: any) => answer.messages.pageInfo.hasPreviousPage)).toEqual([true, true, true, true]);
  });

  it("leaves a page read without its pageInfo out of the request's loaders, which other fields read pageInfo from", async () => {
    const { services } = harness.parley;
    const loaders = createLoaders(services, account.id);
    const request = { size: 1, forward: false, cursor: null };
    const includes = { messagePages: [{ ...request, pageInfo: false }] };
    const id = parsePublicId("conversation", ids[0])!;
    const found = await services.conversationQueries.findWithIncludes(account.id, id, includes);
    attachIncluded(loaders, includes, found, [SmsConversationType.from(found.conversation!)]);

    const page = await loaders.firstMessages(request).load(id);

    expect(page.pageInfo.hasPreviousPage).toBe(true);
  });

  it("never answers another field of the request with rows read in part", async () => {
    const whole =
      "id userNumber requestData timeoutConfig { timeoutMessage } agent { number smsConfig { timeOut } } messages(last: 1) { edges { node { body sender messageSid } } }";
    const { data } = await read(
      `query($id: ID!) {
         smsConversations(first: 4) { edges { node { id agent { number } messages(last: 1) { edges { node { body } } } } } }
         node(id: $id) { ... on SmsConversation { ${whole} } }
       }`,
      { id: ids[0] },
    );

    const [alone] = await byNode(whole);
    expect(data.node).toEqual(alone);
    expect(data.node.requestData).toEqual(expect.objectContaining({ order: expect.any(Number) }));
    expect(data.node.messages.edges[0].node.messageSid).toMatch(/^SM-/);
  });
});
