import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CONVERSATION, CREATE } from "./support/operations";

let harness: Harness;
let account: TestAccount;
let conversationId: string;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
  account = await harness.createAccount({ smsConfig: { timeOut: 300, timeoutMessage: "Closing this chat." } });
  const userNumber = randomNumber();
  for (let i = 1; i <= 7; i++) {
    const { body } = await harness.graphql(
      CREATE,
      {
        input: {
          userNumber,
          agentNumber: account.agentNumbers[0],
          message: `m${i}`,
          sender: i % 2 ? "USER" : "AGENT",
          messageSid: `SM${i}`,
        },
      },
      { apiKey: account.apiKey },
    );
    conversationId = body.data!.createSmsConversation.conversationId;
  }
});
afterAll(() => harness.close());

const query = (variables: Record<string, unknown>) =>
  harness.graphql(CONVERSATION, { id: conversationId, ...variables }, { apiKey: account.apiKey });

describe("smsConversation", () => {
  it("lists messages oldest first with sender, kind, SID and time", async () => {
    const { body } = await query({});
    const edges = body.data!.smsConversation.messages.edges;
    expect(edges.map((e: any) => e.node.body)).toEqual(["m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
    expect(edges[1].node).toMatchObject({
      id: expect.stringMatching(/^msg_[0-9a-f]{32}$/),
      sender: "AGENT",
      kind: "NORMAL",
      messageSid: "SM2",
    });
    const times = edges.map((e: any) => Date.parse(e.node.createdAt));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it("pages forward with first/after until hasNextPage is false, each message exactly once", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const { body } = await query({ first: 3, after });
      const connection = body.data!.smsConversation.messages;
      seen.push(...connection.edges.map((e: any) => e.node.body));
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(["m1", "m2", "m3", "m4", "m5", "m6", "m7"]);
  });

  it("refuses a cursor that belongs to another conversation with BAD_USER_INPUT", async () => {
    const { body: other } = await harness.graphql(
      CREATE,
      { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "elsewhere" } },
      { apiKey: account.apiKey },
    );
    const otherPage = await harness.graphql(
      CONVERSATION,
      { id: other.data!.createSmsConversation.conversationId },
      { apiKey: account.apiKey },
    );
    const foreignCursor = otherPage.body.data!.smsConversation.messages.pageInfo.endCursor;

    for (const after of [foreignCursor, "garbage", ""]) {
      const { body } = await query({ after });
      expect(body.errors?.[0]).toMatchObject({
        extensions: { code: "BAD_USER_INPUT", argument: "after" },
        path: ["smsConversation", "messages"],
      });
    }
  });

  it.each([-1, 101])("refuses first: %d with a message naming the allowed range", async (first) => {
    const { body } = await query({ first });
    expect(body.errors?.[0]).toMatchObject({ message: "first must be an integer from 0 to 100", extensions: { code: "BAD_USER_INPUT" } });
  });

  it("shows the stored overrides and the effective config with the source of each value", async () => {
    const { body } = await query({});
    const conversation = body.data!.smsConversation;
    expect(conversation.timeoutConfig).toEqual({ timeOut: null, warningTime: null, timeoutMessage: null, warningMessage: null });
    expect(conversation.effectiveTimeoutConfig).toEqual({
      timeOut: { value: 300, source: "NUMBER_CONFIG" },
      warningTime: { value: null, source: "NONE" },
      timeoutMessage: { value: "Closing this chat.", source: "NUMBER_CONFIG" },
      warningMessage: { value: null, source: "NONE" },
    });
  });

  it("requires an API key", async () => {
    const { body } = await harness.graphql(CONVERSATION, { id: conversationId });
    expect(body.errors?.[0].extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
