import { sqlReaderOf } from "../src/database/sql-reader";
import { type Harness, startHarness, type TestAccount } from "./support/harness";

/*
 * The page reads are prepared statements whose plan PostgreSQL makes once per session and keeps
 * (a generic plan), instead of planning every execution: a page's row counts are part of the
 * statement's text (rowCountLiteral), so the generic plan costs what a per-execution plan would.
 */

describe("plans of the page reads", () => {
  let harness: Harness;
  let account: TestAccount;

  beforeAll(async () => {
    harness = await startHarness({ runWorker: false });
    account = await harness.createAccount();
    // Enough conversations that a plan assuming a tenth of them reads far more than a page.
    await harness.db.query(
      `INSERT INTO sms_conversation (id, account_id, agent_number_id, agent_number, user_number, status, created_at, updated_at)
       SELECT gen_random_uuid(), n.account_id, n.id, n.number, '+1888' || lpad(g::text, 7, '0'), 'ACTIVE', now() - make_interval(secs => g), now() - make_interval(secs => g)
       FROM agent_number n, generate_series(1, 3000) g WHERE n.number = $1`,
      [account.agentNumbers[0]],
    );
    await harness.db.query(
      `INSERT INTO sms_message (id, conversation_id, account_id, sender, kind, body, created_at)
       SELECT gen_random_uuid(), c.id, c.account_id, 'USER', 'NORMAL', 'hello ' || k, c.created_at + make_interval(secs => k)
       FROM sms_conversation c, generate_series(1, 3) k WHERE c.account_id = $1`,
      [account.id],
    );
    await harness.db.query("ANALYZE");
  });
  afterAll(() => harness.close());

  it("plans a page of conversations with their agent and latest message once per session, then reuses the plan", async () => {
    const page =
      "query { smsConversations(first: 20) { edges { node { id agent { number } messages(last: 1) { edges { node { body } } } } } } }";
    // One at a time, so the pool's one idle session runs each.
    for (let i = 0; i < 12; i++) {
      const { body } = await harness.graphql(page, {}, { apiKey: account.apiKey });
      expect(body.errors).toBeUndefined();
    }

    const plans = await sqlReaderOf(harness.parley.database.dataSource).rows<{ generic: number; custom: number }>(
      `SELECT generic_plans::int AS generic, custom_plans::int AS custom FROM pg_prepared_statements
       WHERE statement LIKE '%"sortKey"%' AND statement NOT LIKE '%pg_prepared_statements%'`,
      [],
    );
    // PostgreSQL tries five per-execution plans before it compares them with the generic one.
    expect(plans).toEqual([{ generic: 7, custom: 5 }]);
  });
});
