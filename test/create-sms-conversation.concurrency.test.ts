import { loadConfig } from "../src/config";
import { createLogger } from "../src/logging/logger";
import { type Parley, startParley } from "../src/parley";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});

const create = (input: Record<string, unknown>) =>
  harness.graphql(CREATE, { input: { agentNumber: account.agentNumbers[0], ...input } }, { apiKey: account.apiKey });

const count = async (sql: string, params: unknown[]) => (await harness.db.query(sql, params)).rows[0].n as number;

describe("createSmsConversation under concurrency", () => {
  it("20 concurrent creates for one pair all succeed and leave one ACTIVE conversation with 20 messages", async () => {
    const userNumber = randomNumber();
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => create({ userNumber, message: `message ${i}` })));

    const payloads = responses.map((r) => {
      expect(r.body.errors).toBeUndefined();
      return r.body.data!.createSmsConversation;
    });
    expect(payloads.flatMap((p) => p.userErrors)).toEqual([]);
    expect(new Set(payloads.map((p) => p.conversationId)).size).toBe(1);
    expect(new Set(payloads.map((p) => p.workflowId)).size).toBe(1);

    const { rows } = await harness.db.query("SELECT id, status FROM sms_conversation WHERE account_id = $1", [account.id]);
    expect(rows).toEqual([{ id: expect.any(String), status: "ACTIVE" }]);
    expect(await count("SELECT count(*)::int AS n FROM sms_message WHERE conversation_id = $1", [rows[0].id])).toBe(20);
    expect(await count("SELECT count(*)::int AS n FROM workflow WHERE conversation_id = $1", [rows[0].id])).toBe(1);
    expect(
      (await harness.db.query("SELECT body FROM sms_message WHERE conversation_id = $1", [rows[0].id])).rows.map((r) => r.body).sort(),
    ).toEqual(Array.from({ length: 20 }, (_, i) => `message ${i}`).sort());
  });

  it("160 concurrent newConversation calls for one pair, through two processes, each start their own conversation: one ACTIVE, 159 ARCHIVED", async () => {
    const config = {
      ...loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
      databaseUrl: harness.database.url,
      port: 0,
      runWorker: false,
    };
    const other: Parley = await startParley({ config, logger: createLogger("silent") });
    try {
      const userNumber = randomNumber();
      const through = (baseUrl: string, i: number) =>
        fetch(`${baseUrl}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: account.apiKey },
          body: JSON.stringify({
            query: CREATE,
            variables: { input: { agentNumber: account.agentNumbers[0], userNumber, message: `message ${i}`, newConversation: true } },
          }),
        }).then(
          async (response) =>
            ((await response.json()) as { data: { createSmsConversation: { conversationId: string; userErrors: unknown[] } } }).data
              .createSmsConversation,
        );
      const payloads = await Promise.all(
        Array.from({ length: 160 }, (_, i) => through(i % 2 ? harness.baseUrl : `http://127.0.0.1:${other.port}`, i)),
      );

      expect(payloads.flatMap((payload) => payload.userErrors)).toEqual([]);
      expect(new Set(payloads.map((payload) => payload.conversationId)).size).toBe(160);
      const { rows } = await harness.db.query(
        `SELECT c.status, count(m.id)::int AS messages, count(DISTINCT w.id)::int AS workflows
         FROM sms_conversation c JOIN sms_message m ON m.conversation_id = c.id JOIN workflow w ON w.conversation_id = c.id
         WHERE c.account_id = $1 GROUP BY c.id, c.status`,
        [account.id],
      );
      expect(rows.filter((row) => row.status === "ACTIVE")).toHaveLength(1);
      expect(rows.filter((row) => row.status === "ARCHIVED")).toHaveLength(159);
      expect(rows.every((row) => row.messages === 1 && row.workflows === 1)).toBe(true);
    } finally {
      await other.stop();
    }
  });

  it("10 concurrent repeats of one messageSid leave one message and return one conversationId", async () => {
    const userNumber = randomNumber();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => create({ userNumber, message: "same", messageSid: "SMconcurrent" })),
    );

    const payloads = responses.map((r) => r.body.data!.createSmsConversation);
    expect(payloads.flatMap((p) => p.userErrors)).toEqual([]);
    expect(new Set(payloads.map((p) => p.conversationId)).size).toBe(1);
    expect(new Set(payloads.map((p) => p.workflowId)).size).toBe(1);
    expect(await count("SELECT count(*)::int AS n FROM sms_message WHERE account_id = $1", [account.id])).toBe(1);
    expect(await count("SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [account.id])).toBe(1);
  });

  it("10 concurrent repeats of one messageSid with newConversation: true still create one conversation", async () => {
    const userNumber = randomNumber();
    await create({ userNumber, message: "before" });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => create({ userNumber, message: "restart", messageSid: "SMrestart", newConversation: true })),
    );

    const payloads = responses.map((r) => r.body.data!.createSmsConversation);
    expect(payloads.flatMap((p) => p.userErrors)).toEqual([]);
    expect(new Set(payloads.map((p) => p.conversationId)).size).toBe(1);
    const { rows } = await harness.db.query("SELECT status FROM sms_conversation WHERE account_id = $1 ORDER BY created_at", [account.id]);
    expect(rows.map((r) => r.status)).toEqual(["ARCHIVED", "ACTIVE"]);
    expect(
      await count("SELECT count(*)::int AS n FROM sms_message WHERE message_sid = 'SMrestart' AND account_id = $1", [account.id]),
    ).toBe(1);
  });

  it("concurrent repeats of one messageSid with different bodies: one wins, the others get MESSAGE_SID_CONFLICT", async () => {
    const userNumber = randomNumber();
    const responses = await Promise.all(
      Array.from({ length: 5 }, (_, i) => create({ userNumber, message: `body ${i}`, messageSid: "SMrace" })),
    );

    const payloads = responses.map((r) => r.body.data!.createSmsConversation);
    const winners = payloads.filter((p) => p.userErrors.length === 0);
    expect(winners).toHaveLength(1);
    expect(payloads.filter((p) => p.userErrors[0]?.code === "MESSAGE_SID_CONFLICT")).toHaveLength(4);
    const { rows } = await harness.db.query("SELECT body FROM sms_message WHERE account_id = $1", [account.id]);
    expect(rows).toHaveLength(1);
  });
});
