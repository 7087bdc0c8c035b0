import { parsePublicId } from "../src/services/shared/public-id";
import { eventually } from "./support/eventually";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";

const CREATE = `mutation($input: CreateSmsConversationInput!) {
  createSmsConversation(input: $input) { conversationId workflowId userErrors { code } }
}`;

/** The tables every new conversation writes to or looks rows up in. */
const HOT_TABLES = ["sms_conversation", "sms_message", "workflow"];

/** Conversations (each with a workflow and two messages) the tables grow by, as a day's traffic would. */
const GROWTH = 5_000;

interface TableCounters {
  relname: string;
  seq_scan: number;
  /** Rows read by sequential scans plus index entries read by index scans: what its lookups cost. */
  rows_read: number;
  n_tup_ins: number;
  n_tup_upd: number;
}

/**
 * A young database taking traffic: its sessions make their plans (each foreign-key check's, each
 * prepared statement's) while the tables are nearly empty, then the tables grow. Autovacuum is
 * off for these tables, as it is in effect until its first visit (up to `autovacuum_naptime`, a
 * minute by default); only Parley's worker can bring the statistics up to date in time.
 */
describe.each([
  ["freshly migrated (never analyzed)", false],
  ["analyzed while empty (an ANALYZE right after migrating, a restore)", true],
])("a %s database that grows", (_name, analyzedWhileEmpty) => {
  let harness: Harness;
  let account: TestAccount;

  beforeAll(async () => {
    harness = await startHarness({ worker: { analyzeIntervalMs: 50 } });
    for (const table of HOT_TABLES) await harness.db.query(`ALTER TABLE ${table} SET (autovacuum_enabled = off)`);
    if (analyzedWhileEmpty) await harness.db.query(`ANALYZE ${HOT_TABLES.join(", ")}`);
    account = await harness.createAccount();
  });
  afterAll(() => harness.close());

  const create = async (userNumber: string) => {
    const { body } = await harness.graphql(
      CREATE,
      { input: { userNumber, agentNumber: account.agentNumbers[0], message: "hello" } },
      { apiKey: account.apiKey },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.createSmsConversation.userErrors).toEqual([]);
    return parsePublicId("conversation", body.data!.createSmsConversation.conversationId)!;
  };

  const counters = async (): Promise<Record<string, TableCounters>> => {
    const { rows } = await harness.db.query<TableCounters>(
      `SELECT t.relname, t.seq_scan::int, t.n_tup_ins::int, t.n_tup_upd::int,
         (t.seq_tup_read + (SELECT coalesce(sum(i.idx_tup_read), 0) FROM pg_stat_user_indexes i WHERE i.relid = t.relid))::int AS rows_read
       FROM pg_stat_user_tables t WHERE t.relname = ANY($1)`,
      [HOT_TABLES],
    );
    return Object.fromEntries(rows.map((row) => [row.relname, row]));
  };

  it("keeps looking rows up by index as the tables grow: new conversations never read a whole table", async () => {
    // Sequential calls share one session, which caches its plans by the 6th execution.
    for (let i = 0; i < 12; i++) await create(randomNumber());

    const { rows: numbers } = await harness.db.query("SELECT id FROM agent_number WHERE account_id = $1", [account.id]);
    await harness.db.query(
      `WITH c AS (
         INSERT INTO sms_conversation (id, account_id, agent_number_id, agent_number, user_number, status)
         SELECT gen_random_uuid(), $1, $2, $3, '+1888' || lpad(g::text, 7, '0'), 'ACTIVE' FROM generate_series(1, $4) g
         RETURNING id),
       w AS (INSERT INTO workflow (id, conversation_id, status) SELECT gen_random_uuid(), id, 'RUNNING' FROM c)
       INSERT INTO sms_message (id, conversation_id, account_id, sender, kind, body)
       SELECT gen_random_uuid(), c.id, $1, 'USER', 'NORMAL', 'seed ' || k FROM c, generate_series(1, 2) k`,
      [account.id, numbers[0].id, account.agentNumbers[0], GROWTH],
    );

    const rowsNow = { sms_conversation: 12 + GROWTH, workflow: 12 + GROWTH, sms_message: 12 + 2 * GROWTH };

    // The worker sees the tables have grown, and the planner's statistics describe them again.
    await eventually(
      async () => {
        const { rows } = await harness.db.query<{ relname: string; reltuples: number }>(
          "SELECT relname, reltuples FROM pg_class WHERE relname = ANY($1) AND relnamespace = current_schema()::regnamespace",
          [HOT_TABLES],
        );
        const described = Object.fromEntries(
          rows.map((row) => [row.relname, 2 * row.reltuples > rowsNow[row.relname as keyof typeof rowsNow]]),
        );
        expect(described).toEqual({ sms_conversation: true, sms_message: true, workflow: true });
      },
      { timeoutMs: 15_000 },
    );
    // Every write so far has reached the statistics views (a session reports its counters at most
    // once a second, an idle one up to 10 s later).
    const settled = await eventually(
      async () => {
        const now = await counters();
        expect(HOT_TABLES.map((table) => now[table].n_tup_ins)).toEqual(HOT_TABLES.map((table) => rowsNow[table as keyof typeof rowsNow]));
        expect(now.workflow.n_tup_upd).toBe(12);
        return now;
      },
      { timeoutMs: 15_000 },
    );

    const created: string[] = [];
    for (let i = 0; i < 20; i++) created.push(await create(randomNumber()));

    const after = await eventually(
      async () => {
        const now = await counters();
        expect(HOT_TABLES.map((table) => now[table].n_tup_ins - settled[table].n_tup_ins)).toEqual([20, 20, 20]);
        // Set up by the worker: each new workflow PENDING → RUNNING.
        expect(now.workflow.n_tup_upd).toBe(settled.workflow.n_tup_upd + 20);
        return now;
      },
      { timeoutMs: 15_000 },
    );
    const { rows } = await harness.db.query(
      `SELECT count(*)::int AS messages, count(DISTINCT w.id) FILTER (WHERE w.status = 'RUNNING')::int AS running
       FROM sms_message m JOIN workflow w ON w.conversation_id = m.conversation_id WHERE m.conversation_id = ANY($1)`,
      [created],
    );
    expect(rows[0]).toEqual({ messages: 20, running: 20 });
    expect(Object.fromEntries(HOT_TABLES.map((table) => [table, after[table].seq_scan - settled[table].seq_scan]))).toEqual({
      sms_conversation: 0,
      sms_message: 0,
      workflow: 0,
    });
  }, 60_000);
});
