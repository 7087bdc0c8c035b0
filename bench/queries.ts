import "reflect-metadata";
import { loadConfig } from "../src/config";
import { createLogger } from "../src/logging/logger";
import { startParley } from "../src/parley";
import { toPublicId } from "../src/services/shared/public-id";
import { createBenchDatabase, percentile } from "./support/bench-database";

/*
 * Read performance at volume: seeds CONVERSATIONS conversations with MESSAGES_EACH messages each
 * (100,000 × 10 = 1,000,000 by default) in one account, then times each query over HTTP against
 * one Parley in production mode and prints p50/p99. The point: a page from the middle of the
 * list costs what the first page costs (keyset paging on indexes, no OFFSET).
 *   npm run bench:queries     (CONVERSATIONS=100000 MESSAGES_EACH=10 RUNS=200)
 */
const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 100_000);
const MESSAGES_EACH = Number(process.env.MESSAGES_EACH ?? 10);
const RUNS = Number(process.env.RUNS ?? 200);

const PAGE = `query($first: Int, $after: String, $filter: SmsConversationFilterInput, $orderBy: SmsConversationOrderInput) {
  smsConversations(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
    edges { cursor node { id status userNumber updatedAt } } pageInfo { hasNextPage endCursor } } }`;
const NESTED = `query($first: Int) { smsConversations(first: $first) { edges { node {
  id status agent { number conversationCount } effectiveTimeoutConfig { timeOut { value source } }
  workflow { id status pendingTimer { kind fireAt } }
  messages(last: 20) { edges { node { id body sender createdAt } } } } } } }`;
const CONVERSATION = `query($id: ID!, $after: String) { smsConversation(id: $id) { id status
  messages(first: 20, after: $after) { edges { cursor node { id body sender createdAt } } pageInfo { hasNextPage endCursor } } } }`;
const LATEST = `query($id: ID!) { smsConversation(id: $id) { id status messages(last: 20) { edges { node { id body createdAt } } } } }`;

async function main(): Promise<void> {
  const database = await createBenchDatabase("parley_bench_queries");
  // The seeding statements write a million rows each: longer than the API's statement timeout.
  const config = {
    // One key makes every request: its budget would measure the limit, not the queries.
    ...loadConfig({
      ...process.env,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      DATABASE_STATEMENT_TIMEOUT_MS: "0",
      RATE_LIMIT_POINTS: "0",
    }),
    databaseUrl: database.url,
    port: 0,
    runWorker: false,
  };
  const parley = await startParley({ config, logger: createLogger("warn") });
  try {
    const db = parley.database.dataSource;
    const account = await parley.services.accounts.create("bench", ["+15555550100", "+15555550101"]);
    const { apiKey } = await parley.services.apiKeys.create(account.id);
    const noise = await parley.services.accounts.create("noise", ["+15555550200"]);

    const seedStart = Date.now();
    for (const [owner, count] of [
      [account.id, CONVERSATIONS],
      [noise.id, Math.round(CONVERSATIONS / 10)],
    ] as const) {
      await db.query(
        `INSERT INTO sms_conversation (id, account_id, agent_number_id, agent_number, user_number, status, created_at, updated_at, archived_at)
         SELECT gen_random_uuid(), n.account_id, n.id, n.number, '+1666' || lpad(g::text, 8, '0'),
                (CASE WHEN g % 10 = 0 THEN 'ARCHIVED' WHEN g % 10 = 1 THEN 'TIMED_OUT' ELSE 'ACTIVE' END)::sms_conversation_status,
                now() - make_interval(secs => $2 - g), now() - make_interval(secs => ($2 - g) / 2.0), NULL
         FROM generate_series(1, $2) AS g
         JOIN LATERAL (SELECT * FROM agent_number WHERE account_id = $1 ORDER BY number OFFSET (g % 2) LIMIT 1) n ON true
         WHERE n.id IS NOT NULL`,
        [owner, count],
      );
    }
    // Accounts with one number: the lateral join found none at offset 1; fill those in.
    await db.query(
      `INSERT INTO sms_conversation (id, account_id, agent_number_id, agent_number, user_number, status, created_at, updated_at)
       SELECT gen_random_uuid(), n.account_id, n.id, n.number, '+1777' || lpad(g::text, 8, '0'), 'ACTIVE', now() - make_interval(secs => g), now()
       FROM generate_series(1, $2) g, agent_number n WHERE n.account_id = $1 AND g % 2 = 1`,
      [noise.id, Math.round(CONVERSATIONS / 10)],
    );
    await db.query(`INSERT INTO workflow (id, conversation_id, status) SELECT gen_random_uuid(), id, 'RUNNING' FROM sms_conversation`);
    await db.query(
      `INSERT INTO sms_message (id, conversation_id, account_id, sender, kind, body, created_at)
       SELECT gen_random_uuid(), c.id, c.account_id, (CASE WHEN k % 2 = 0 THEN 'USER' ELSE 'AGENT' END)::sms_sender, 'NORMAL',
              'message number ' || k, c.created_at + make_interval(secs => k)
       FROM sms_conversation c, generate_series(1, $1) k`,
      [MESSAGES_EACH],
    );
    // One long conversation, for paging inside a conversation's messages.
    const [long] = await db.query(`SELECT id FROM sms_conversation WHERE account_id = $1 ORDER BY created_at LIMIT 1`, [account.id]);
    await db.query(
      `INSERT INTO sms_message (id, conversation_id, account_id, sender, kind, body, created_at)
       SELECT gen_random_uuid(), $1, $2, 'USER', 'NORMAL', 'long ' || k, now() - make_interval(secs => 100000 - k) FROM generate_series(1, 20000) k`,
      [long.id, account.id],
    );
    await db.query("ANALYZE");
    const [{ conversations, messages }] = await db.query(
      "SELECT (SELECT count(*) FROM sms_conversation)::int AS conversations, (SELECT count(*) FROM sms_message)::int AS messages",
    );
    console.log(`seeded ${conversations} conversations and ${messages} messages in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);

    const url = `http://127.0.0.1:${parley.port}/graphql`;
    const gql = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: apiKey },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };

    // Cursors from the middle, found by walking (which is itself measured).
    const walk = async (variables: Record<string, unknown>, pages: number) => {
      let after: string | null = null;
      for (let i = 0; i < pages; i++) after = (await gql(PAGE, { ...variables, first: 100, after })).smsConversations.pageInfo.endCursor;
      return after;
    };
    const walkStart = Date.now();
    const middle = await walk({}, Math.floor(CONVERSATIONS / 200));
    const walkMs = Date.now() - walkStart;
    const middleUpdated = await walk({ orderBy: { field: "UPDATED_AT", direction: "ASC" } }, Math.floor(CONVERSATIONS / 200));
    const middleArchived = await walk({ filter: { status: "ARCHIVED" } }, Math.floor(CONVERSATIONS / 2000));
    const longId = toPublicId("conversation", long.id);
    let messageCursor: string | null = null;
    for (let i = 0; i < 500; i++)
      messageCursor = (await gql(CONVERSATION, { id: longId, after: messageCursor })).smsConversation.messages.pageInfo.endCursor;
    const someUser = "+1666" + String(Math.floor(CONVERSATIONS / 3)).padStart(8, "0");

    const cases: Array<[string, string, Record<string, unknown>]> = [
      ["smsConversations first 50 (first page)", PAGE, { first: 50 }],
      ["smsConversations first 50 (middle page)", PAGE, { first: 50, after: middle }],
      [
        "  … orderBy UPDATED_AT ASC, middle page",
        PAGE,
        { first: 50, after: middleUpdated, orderBy: { field: "UPDATED_AT", direction: "ASC" } },
      ],
      ["  … filter status ARCHIVED, first page", PAGE, { first: 50, filter: { status: "ARCHIVED" } }],
      ["  … filter status ARCHIVED, middle page", PAGE, { first: 50, after: middleArchived, filter: { status: "ARCHIVED" } }],
      ["  … filter userNumber", PAGE, { first: 50, filter: { userNumber: someUser } }],
      [
        "  … filter agentNumber + createdAfter",
        PAGE,
        { first: 50, filter: { agentNumber: "+15555550101", createdAfter: new Date(Date.now() - 3600_000).toISOString() } },
      ],
      ["50 conversations + 20 messages, agent, config, workflow", NESTED, { first: 50 }],
      ["smsConversation(id) + 20 latest messages", LATEST, { id: longId }],
      ["messages first 20 (first page of 20,000)", CONVERSATION, { id: longId }],
      ["messages first 20 (middle page of 20,000)", CONVERSATION, { id: longId, after: messageCursor }],
    ];
    console.log(`\n${RUNS} runs each, sequential, over HTTP (production mode)\n`);
    console.log(`${"query".padEnd(58)} ${"p50".padStart(8)} ${"p99".padStart(8)}`);
    for (const [name, query, variables] of cases) {
      for (let i = 0; i < 10; i++) await gql(query, variables);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const start = process.hrtime.bigint();
        await gql(query, variables);
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
      }
      times.sort((a, b) => a - b);
      console.log(
        `${name.padEnd(58)} ${percentile(times, 50).toFixed(2).padStart(6)} ms ${percentile(times, 99).toFixed(2).padStart(6)} ms`,
      );
    }
    console.log(
      `\nwalking ${Math.floor(CONVERSATIONS / 200)} pages of 100 to the middle took ${walkMs} ms (${(walkMs / Math.floor(CONVERSATIONS / 200)).toFixed(2)} ms a page)`,
    );
  } finally {
    await parley.stop();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
