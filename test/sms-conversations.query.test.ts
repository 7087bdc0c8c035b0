import { toPublicId } from "../src/services/shared/public-id";
import { type Harness, startHarness, type TestAccount } from "./support/harness";

/** The conversation list as a client pages it: every paging argument, filter and order. */
const LIST = `
  query List($first: Int, $after: String, $last: Int, $before: String, $filter: SmsConversationFilterInput, $orderBy: SmsConversationOrderInput) {
    smsConversations(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      edges { cursor node { id userNumber agentNumber status createdAt updatedAt } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      totalCount
    }
  }
`;

interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}
interface ConversationNode {
  id: string;
  userNumber: string;
  agentNumber: string;
  status: string;
  createdAt: string;
  updatedAt: string;
}
interface Connection {
  edges: Array<{ cursor: string; node: ConversationNode }>;
  pageInfo: PageInfo;
  totalCount: number;
}
type Order = { field: "CREATED_AT" | "UPDATED_AT"; direction: "ASC" | "DESC" };

const COLUMN = { CREATED_AT: "created_at", UPDATED_AT: "updated_at" } as const;
const BIG = 250;

let harness: Harness;
/** 250 conversations; created_at only microseconds apart and tied in threes, updated_at tied in fives. */
let big: TestAccount;
/** Conversations created before a walk, and more created during it. */
let live: TestAccount;
/** Conversations that all share one created_at and updated_at. */
let ties: TestAccount;
/** Two numbers, three users, every status, known timestamps. */
let filtered: TestAccount;
/** A conversation in the filtered account per step of its story, by name. */
const story: Record<string, string> = {};

let userSeq = 0;
/** Distinct user numbers (per run), so every create below starts a conversation. */
const nextUser = () => `+1666${String(++userSeq).padStart(7, "0")}`;

/** Records a message through the service the mutation uses; returns the conversation's UUID. */
async function record(
  account: TestAccount,
  input: { userNumber?: string; agentNumber?: string; newConversation?: boolean } = {},
): Promise<string> {
  const result = await harness.parley.services.conversations.recordMessage(account.id, {
    userNumber: input.userNumber ?? nextUser(),
    agentNumber: input.agentNumber ?? account.agentNumbers[0],
    newConversation: input.newConversation ?? false,
    message: "hello",
  });
  if (!result.ok) throw new Error(`create failed: ${result.problem.message}`);
  return result.conversationId;
}

/** Many conversations, eight at a time (each a new user number). */
async function recordMany(account: TestAccount, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 8) {
    const batch = Array.from({ length: Math.min(8, count - start) }, () => record(account));
    ids.push(...(await Promise.all(batch)));
  }
  return ids;
}

const rows = async <T = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> =>
  (await harness.db.query(sql, params)).rows as T[];

/** The account's conversation ids (public form) as SQL orders them: by the key, then by id. */
async function idsInOrder(account: TestAccount, order: Order = { field: "CREATED_AT", direction: "DESC" }): Promise<string[]> {
  const column = COLUMN[order.field];
  const found = await rows<{ id: string }>(
    `SELECT id FROM sms_conversation WHERE account_id = $1 ORDER BY ${column} ${order.direction}, id ${order.direction}`,
    [account.id],
  );
  return found.map((row) => toPublicId("conversation", row.id));
}

async function list(account: TestAccount, variables: Record<string, unknown>): Promise<Connection> {
  const { body } = await harness.graphql<{ smsConversations: Connection }>(LIST, variables, { apiKey: account.apiKey });
  expect(body.errors).toBeUndefined();
  return body.data!.smsConversations;
}

/** The single top-level error of a refused list request (which returns no data at all). */
async function refusal(account: TestAccount | null, variables: Record<string, unknown>) {
  const { body } = await harness.graphql(LIST, variables, { apiKey: account?.apiKey ?? null });
  expect(body.data ?? null).toBeNull();
  expect(body.errors).toHaveLength(1);
  return body.errors![0];
}

const idsOf = (connection: Connection) => connection.edges.map((edge) => edge.node.id);

function expectPageCursors(page: Connection) {
  expect(page.pageInfo.startCursor).toBe(page.edges[0]?.cursor ?? null);
  expect(page.pageInfo.endCursor).toBe(page.edges.at(-1)?.cursor ?? null);
}

/** Walks first/after until hasNextPage is false, checking each page's pageInfo on the way. */
async function walkForward(account: TestAccount, size: number, variables: Record<string, unknown> = {}, between?: () => Promise<void>) {
  const ids: string[] = [];
  const pages: Connection[] = [];
  let after: string | null = null;
  for (let index = 0; index < 1000; index++) {
    const page = await list(account, { ...variables, first: size, after });
    pages.push(page);
    ids.push(...idsOf(page));
    expectPageCursors(page);
    expect(page.pageInfo.hasPreviousPage).toBe(index > 0);
    if (!page.pageInfo.hasNextPage) break;
    expect(page.edges).toHaveLength(size);
    after = page.pageInfo.endCursor;
    await between?.();
  }
  expect(pages.at(-1)!.pageInfo.hasNextPage).toBe(false);
  return { ids, pages };
}

/** Walks last/before from the end until hasPreviousPage is false; returns the items in list order. */
async function walkBackward(account: TestAccount, size: number, variables: Record<string, unknown> = {}) {
  let ids: string[] = [];
  const pages: Connection[] = [];
  let before: string | null = null;
  for (let index = 0; index < 1000; index++) {
    const page = await list(account, { ...variables, last: size, before });
    pages.push(page);
    ids = [...idsOf(page), ...ids];
    expectPageCursors(page);
    expect(page.pageInfo.hasNextPage).toBe(index > 0);
    if (!page.pageInfo.hasPreviousPage) break;
    expect(page.edges).toHaveLength(size);
    before = page.pageInfo.startCursor;
  }
  expect(pages.at(-1)!.pageInfo.hasPreviousPage).toBe(false);
  return { ids, pages };
}

const ORDERS: Order[] = [
  { field: "CREATED_AT", direction: "DESC" },
  { field: "CREATED_AT", direction: "ASC" },
  { field: "UPDATED_AT", direction: "ASC" },
  { field: "UPDATED_AT", direction: "DESC" },
];

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
  [big, live, ties, filtered] = await Promise.all([
    harness.createAccount(),
    harness.createAccount(),
    harness.createAccount(),
    harness.createAccount({ numbers: 2 }),
  ]);

  await Promise.all([recordMany(big, BIG), recordMany(live, 45), recordMany(ties, 12), recordFilteredStory()]);

  // Sort keys unrelated to id order (rows numbered by md5 of the id). created_at: all within
  // two milliseconds, steps of 7 µs, tied in threes — only microsecond-exact cursors page this.
  // updated_at: 50 distinct seconds, so five conversations share each.
  await harness.db.query(
    `UPDATE sms_conversation c
        SET created_at = timestamptz '2024-03-01 12:00:00.000123+00' + ((o.n / 3) * 7) * interval '1 microsecond',
            updated_at = timestamptz '2024-04-01 00:00:00+00' + ((o.n * 37) % 50) * interval '1 second'
       FROM (SELECT id, row_number() OVER (ORDER BY md5(id::text)) - 1 AS n FROM sms_conversation WHERE account_id = $1) o
      WHERE c.id = o.id`,
    [big.id],
  );
  await harness.db.query(
    "UPDATE sms_conversation SET created_at = timestamptz '2024-05-05 05:05:05.555555+00', updated_at = timestamptz '2024-05-06 06:06:06.666666+00' WHERE account_id = $1",
    [ties.id],
  );
}, 60_000);
afterAll(() => harness.close());

/**
 * The filtered account's conversations, in creation order: A and B are its numbers, U1–U3 users.
 * Archived ones come from `newConversation: true`, timed-out ones from SQL.
 */
async function recordFilteredStory(): Promise<void> {
  const [A, B] = filtered.agentNumbers;
  const [U1, U2, U3] = ["+14155550101", "+14155550102", "+14155550103"];
  story.c1 = await record(filtered, { userNumber: U1, agentNumber: A }); // archived by c2
  story.c2 = await record(filtered, { userNumber: U1, agentNumber: A, newConversation: true }); // archived by c3
  story.c3 = await record(filtered, { userNumber: U1, agentNumber: A, newConversation: true });
  story.c4 = await record(filtered, { userNumber: U2, agentNumber: A });
  story.c5 = await record(filtered, { userNumber: U2, agentNumber: B }); // archived by c6
  story.c6 = await record(filtered, { userNumber: U2, agentNumber: B, newConversation: true });
  story.c7 = await record(filtered, { userNumber: U3, agentNumber: B });
  await harness.db.query("UPDATE sms_conversation SET status = 'TIMED_OUT', timed_out_at = now() WHERE id = $1", [story.c7]);
  story.c8 = await record(filtered, { userNumber: U3, agentNumber: B });
  story.c9 = await record(filtered, { userNumber: U1, agentNumber: B });
  await harness.db.query("UPDATE sms_conversation SET status = 'TIMED_OUT', timed_out_at = now() WHERE id = $1", [story.c9]);
  story.c10 = await record(filtered, { userNumber: U3, agentNumber: A });
  story.c11 = await record(filtered, { userNumber: U1, agentNumber: B });
  story.c12 = await record(filtered, { userNumber: U3, agentNumber: A, newConversation: true }); // archives c10
  // cN created on January N; updated on a day of February unrelated to creation order.
  for (let n = 1; n <= 12; n++) {
    await harness.db.query("UPDATE sms_conversation SET created_at = $2, updated_at = $3 WHERE id = $1", [
      story[`c${n}`],
      `2024-01-${String(n).padStart(2, "0")}T10:00:00Z`,
      `2024-02-${String(((n * 5) % 12) + 1).padStart(2, "0")}T10:00:00Z`,
    ]);
  }
}

describe("smsConversations: walking the whole list", () => {
  it("returns all conversations of the account, newest first by default, with fields matching the rows", async () => {
    const page = await list(big, { first: 100 });
    expect(page.totalCount).toBe(BIG);
    expect(idsOf(page)).toEqual((await idsInOrder(big)).slice(0, 100));
    const [row] = await rows("SELECT * FROM sms_conversation WHERE id = $1", [page.edges[0].node.id.replace(/^conv_/, "")]);
    expect(page.edges[0].node).toEqual({
      id: toPublicId("conversation", row.id),
      userNumber: row.user_number,
      agentNumber: big.agentNumbers[0],
      status: "ACTIVE",
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
    });
  });

  it.each(ORDERS)("walks forward with first: 40 through every conversation exactly once in $field $direction order", async (orderBy) => {
    const expected = await idsInOrder(big, orderBy);
    const { ids, pages } = await walkForward(big, 40, { orderBy });
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expected);
    expect(pages).toHaveLength(Math.ceil(BIG / 40));
    for (const page of pages) expect(page.totalCount).toBe(BIG);
  });

  it.each(ORDERS)(
    "walks backward with last: 40 from the end through every conversation exactly once in $field $direction order",
    async (orderBy) => {
      const expected = await idsInOrder(big, orderBy);
      const { ids, pages } = await walkBackward(big, 40, { orderBy });
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual(expected);
      expect(pages).toHaveLength(Math.ceil(BIG / 40));
      // The last page (the first one fetched) ends at the very last conversation.
      expect(idsOf(pages[0])).toEqual(expected.slice(-40));
    },
  );

  it("accepts the default order spelled out, with the same cursors as the default", async () => {
    const implicit = await list(big, { first: 5 });
    const explicit = await list(big, { first: 5, orderBy: { field: "CREATED_AT", direction: "DESC" } });
    expect(explicit).toEqual(implicit);
    const next = await list(big, { first: 5, after: implicit.pageInfo.endCursor, orderBy: { field: "CREATED_AT", direction: "DESC" } });
    expect(idsOf(next)).toEqual((await idsInOrder(big)).slice(5, 10));
  });

  it("pages forward and backward from a cursor in the middle of the list", async () => {
    const expected = await idsInOrder(big, { field: "UPDATED_AT", direction: "ASC" });
    const orderBy = { field: "UPDATED_AT", direction: "ASC" };
    const middle = await list(big, { first: 10, after: (await list(big, { first: 100, orderBy })).pageInfo.endCursor, orderBy });
    expect(idsOf(middle)).toEqual(expected.slice(100, 110));
    expect(middle.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    const back = await list(big, { last: 10, before: middle.pageInfo.startCursor, orderBy });
    expect(idsOf(back)).toEqual(expected.slice(90, 100));
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
  });

  it("keeps a CREATED_AT DESC walk exact while conversations are created between its pages; the new ones come before the first page", async () => {
    const before = await idsInOrder(live);
    const created: string[] = [];
    const { ids, pages } = await walkForward(live, 10, {}, async () => {
      created.push(...(await recordMany(live, 2)).map((id) => toPublicId("conversation", id)));
    });
    expect(created.length).toBeGreaterThanOrEqual(8);
    expect(ids).toEqual(before);
    expect(ids.filter((id) => created.includes(id))).toEqual([]);

    // Walking backward from the first page's start finds exactly the new ones, newest first.
    const newer = await list(live, { last: 100, before: pages[0].pageInfo.startCursor });
    expect(newer.pageInfo.hasPreviousPage).toBe(false);
    expect([...idsOf(newer)].sort()).toEqual([...created].sort());
    expect([...idsOf(newer), ...before]).toEqual(await idsInOrder(live));
    expect((await list(live, { first: 0 })).totalCount).toBe(before.length + created.length);
  });
});

describe("smsConversations: ties", () => {
  it.each(ORDERS)(
    "returns conversations with identical timestamps each exactly once, ordered by id ($field $direction)",
    async (orderBy) => {
      const { rows: check } = await harness.db.query(
        "SELECT count(DISTINCT created_at)::int AS c, count(DISTINCT updated_at)::int AS u FROM sms_conversation WHERE account_id = $1",
        [ties.id],
      );
      expect(check[0]).toEqual({ c: 1, u: 1 });
      const byId = (
        await rows<{ id: string }>(`SELECT id FROM sms_conversation WHERE account_id = $1 ORDER BY id ${orderBy.direction}`, [ties.id])
      ).map((row) => toPublicId("conversation", row.id));
      expect(byId).toHaveLength(12);
      expect((await walkForward(ties, 5, { orderBy })).ids).toEqual(byId);
      expect((await walkBackward(ties, 5, { orderBy })).ids).toEqual(byId);
      expect((await walkForward(ties, 1, { orderBy })).ids).toEqual(byId);
    },
  );
});

describe("smsConversations: filters", () => {
  interface Row {
    id: string;
    status: string;
    user_number: string;
    agent_number: string;
    created_at: Date;
    updated_at: Date;
  }
  let all: Row[];
  const U1 = "+14155550101";
  const U3 = "+14155550103";

  beforeAll(async () => {
    all = await rows<Row>("SELECT * FROM sms_conversation WHERE account_id = $1 ORDER BY created_at DESC, id DESC", [filtered.id]);
  });

  const matching = (filter: Record<string, string>) =>
    all
      .filter(
        (row) =>
          (!filter.status || row.status === filter.status) &&
          (!filter.userNumber || row.user_number === filter.userNumber) &&
          (!filter.agentNumber || row.agent_number === filter.agentNumber) &&
          (!filter.createdAfter || row.created_at > new Date(filter.createdAfter)) &&
          (!filter.createdBefore || row.created_at < new Date(filter.createdBefore)) &&
          (!filter.updatedAfter || row.updated_at > new Date(filter.updatedAfter)),
      )
      .map((row) => toPublicId("conversation", row.id));

  it("has the statuses the story should give (archived by newConversation, timed out by SQL)", async () => {
    const statuses = Object.fromEntries(all.map((row) => [Object.keys(story).find((name) => story[name] === row.id), row.status]));
    expect(statuses).toEqual({
      c1: "ARCHIVED",
      c2: "ARCHIVED",
      c3: "ACTIVE",
      c4: "ACTIVE",
      c5: "ARCHIVED",
      c6: "ACTIVE",
      c7: "TIMED_OUT",
      c8: "ACTIVE",
      c9: "TIMED_OUT",
      c10: "ARCHIVED",
      c11: "ACTIVE",
      c12: "ACTIVE",
    });
  });

  const cases: Array<[string, () => Record<string, string>]> = [
    ["status ACTIVE", () => ({ status: "ACTIVE" })],
    ["status ARCHIVED", () => ({ status: "ARCHIVED" })],
    ["status TIMED_OUT", () => ({ status: "TIMED_OUT" })],
    ["userNumber", () => ({ userNumber: U1 })],
    ["agentNumber (first number)", () => ({ agentNumber: filtered.agentNumbers[0] })],
    ["agentNumber (second number)", () => ({ agentNumber: filtered.agentNumbers[1] })],
    ["createdAfter", () => ({ createdAfter: "2024-01-08T00:00:00.000Z" })],
    ["createdBefore", () => ({ createdBefore: "2024-01-04T00:00:00.000Z" })],
    ["updatedAfter", () => ({ updatedAfter: "2024-02-07T00:00:00.000Z" })],
    ["status + agentNumber", () => ({ status: "ACTIVE", agentNumber: filtered.agentNumbers[1] })],
    ["status + userNumber", () => ({ status: "ARCHIVED", userNumber: U1 })],
    ["userNumber + agentNumber", () => ({ userNumber: U3, agentNumber: filtered.agentNumbers[0] })],
    ["createdAfter + createdBefore", () => ({ createdAfter: "2024-01-03T00:00:00.000Z", createdBefore: "2024-01-09T00:00:00.000Z" })],
    ["createdAfter + updatedAfter", () => ({ createdAfter: "2024-01-05T00:00:00.000Z", updatedAfter: "2024-02-05T00:00:00.000Z" })],
    [
      "all six together",
      () => ({
        status: "ACTIVE",
        userNumber: U1,
        agentNumber: filtered.agentNumbers[1],
        createdAfter: "2024-01-02T00:00:00.000Z",
        createdBefore: "2024-01-12T00:00:00.000Z",
        updatedAfter: "2024-02-01T00:00:00.000Z",
      }),
    ],
    ["status + userNumber matching nothing", () => ({ status: "TIMED_OUT", userNumber: U3, agentNumber: filtered.agentNumbers[0] })],
  ];

  it.each(cases)("filters by %s, with totalCount the number of matching rows", async (_name, filterOf) => {
    const filter = filterOf();
    const expected = matching(filter);
    const page = await list(filtered, { filter, first: 100 });
    expect(idsOf(page)).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
    // Every node has the values the filter matches exactly.
    const { status, userNumber, agentNumber } = filter;
    const exact = Object.fromEntries(Object.entries({ status, userNumber, agentNumber }).filter(([, value]) => value !== undefined));
    for (const { node } of page.edges) expect(node).toMatchObject(exact);
  });

  it("finds what the filters should find (the expectations are not vacuous)", () => {
    const counts = cases.map(([name, filterOf]) => [name, matching(filterOf()).length]);
    expect(Object.fromEntries(counts)).toEqual({
      "status ACTIVE": 6,
      "status ARCHIVED": 4,
      "status TIMED_OUT": 2,
      userNumber: 5,
      "agentNumber (first number)": 6,
      "agentNumber (second number)": 6,
      createdAfter: 5,
      createdBefore: 3,
      updatedAfter: expect.any(Number),
      "status + agentNumber": 3,
      "status + userNumber": 2,
      "userNumber + agentNumber": 2,
      "createdAfter + createdBefore": 6,
      "createdAfter + updatedAfter": expect.any(Number),
      "all six together": 1,
      "status + userNumber matching nothing": 0,
    });
    expect(counts.filter(([name, count]) => name !== "status + userNumber matching nothing" && count === 0)).toEqual([]);
  });

  it("keeps totalCount the count of all matches on every page of a filtered walk, whatever the page size", async () => {
    const filter = { agentNumber: filtered.agentNumbers[0] };
    const expected = matching(filter);
    const { rows: counted } = await harness.db.query(
      "SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1 AND agent_number = $2",
      [filtered.id, filter.agentNumber],
    );
    expect(expected).toHaveLength(counted[0].n);
    const { ids, pages } = await walkForward(filtered, 2, { filter });
    expect(ids).toEqual(expected);
    for (const page of pages) expect(page.totalCount).toBe(expected.length);
    expect((await list(filtered, { filter, first: 0 })).totalCount).toBe(expected.length);
    expect((await list(filtered, { filter, last: 1 })).totalCount).toBe(expected.length);
  });

  it("filters in UPDATED_AT order and walks backward through a filtered list", async () => {
    const filter = { status: "ACTIVE" };
    const orderBy = { field: "UPDATED_AT", direction: "ASC" };
    const expected = all
      .filter((row) => row.status === "ACTIVE")
      .sort((a, b) => a.updated_at.getTime() - b.updated_at.getTime() || (a.id < b.id ? -1 : 1))
      .map((row) => toPublicId("conversation", row.id));
    expect((await walkBackward(filtered, 4, { filter, orderBy })).ids).toEqual(expected);
  });

  it("returns an empty page with no cursors when nothing matches", async () => {
    const page = await list(filtered, { filter: { userNumber: "+14155559999" } });
    expect(page).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
  });

  it.each([
    ["userNumber", "4155550101"],
    ["userNumber", "+0123456"],
    ["userNumber", "not a number"],
    ["agentNumber", "5551234"],
    ["agentNumber", "+1 415 555 0101"],
  ])("refuses a non-E.164 filter.%s (%s) with BAD_USER_INPUT", async (field, value) => {
    const error = await refusal(filtered, { filter: { [field]: value } });
    expect(error).toMatchObject({ extensions: { code: "BAD_USER_INPUT", argument: "filter" } });
    expect(error.message).toContain(`filter.${field}`);
    expect(error.message).toContain("E.164");
    expect(error.message).not.toContain(value);
  });
});

describe("smsConversations: cursors", () => {
  it("refuses a cursor of another account with BAD_USER_INPUT instead of reading it in this account's list", async () => {
    const foreign = await list(big, { first: 3 });
    for (const [variables, argument] of [
      [{ first: 5, after: foreign.pageInfo.endCursor }, "after"],
      [{ last: 5, before: foreign.pageInfo.startCursor }, "before"],
    ] as const) {
      const error = await refusal(ties, variables);
      expect(error).toMatchObject({ path: ["smsConversations"], extensions: { code: "BAD_USER_INPUT", argument } });
      expect(error.message).toContain(argument);
    }
    // The same cursor still works for its own account.
    expect(idsOf(await list(big, { first: 2, after: foreign.pageInfo.endCursor }))).toEqual((await idsInOrder(big)).slice(3, 5));
  });

  it.each(ORDERS.filter((order) => !(order.field === "CREATED_AT" && order.direction === "DESC")))(
    "refuses a cursor of the default order when the list is ordered by $field $direction",
    async (orderBy) => {
      const { pageInfo } = await list(big, { first: 3 });
      expect(await refusal(big, { first: 3, after: pageInfo.endCursor, orderBy })).toMatchObject({
        extensions: { code: "BAD_USER_INPUT", argument: "after" },
      });
      expect(await refusal(big, { last: 3, before: pageInfo.startCursor, orderBy })).toMatchObject({
        extensions: { code: "BAD_USER_INPUT", argument: "before" },
      });
    },
  );

  it("refuses a cursor of an UPDATED_AT order in the default order", async () => {
    const { pageInfo } = await list(big, { first: 3, orderBy: { field: "UPDATED_AT", direction: "DESC" } });
    expect(await refusal(big, { first: 3, after: pageInfo.endCursor })).toMatchObject({
      extensions: { code: "BAD_USER_INPUT", argument: "after" },
    });
  });

  it.each([
    ["garbage", "garbage"],
    ["an empty string", ""],
    ["base64 of non-JSON", Buffer.from("not json", "utf8").toString("base64url")],
    [
      "a forged JSON cursor",
      Buffer.from(
        JSON.stringify({ s: "AAAAAAAAAAAA", t: "2024-03-01T12:00:00.000123Z", i: "00000000-0000-0000-0000-000000000000" }),
      ).toString("base64url"),
    ],
    ["a message-style cursor", Buffer.from("msg:00000000-0000-0000-0000-000000000000", "utf8").toString("base64url")],
    ["a conversation id", "conv_00000000000000000000000000000000"],
  ])("refuses %s as a cursor with BAD_USER_INPUT", async (_name, cursor) => {
    expect(await refusal(big, { first: 3, after: cursor })).toMatchObject({ extensions: { code: "BAD_USER_INPUT", argument: "after" } });
    expect(await refusal(big, { last: 3, before: cursor })).toMatchObject({ extensions: { code: "BAD_USER_INPUT", argument: "before" } });
  });

  // Cursors are base64url JSON and not signed, so a client can edit one and keep its scope tag. An
  // edited sort key or id that is not a timestamp or UUID is the caller's mistake: BAD_USER_INPUT,
  // never an internal error.
  it.each([
    ["a sort key that is only a year", { t: "2024" }],
    ["a sort key on a day that does not exist", { t: "2024-02-30T00:00:00.000000Z" }],
    ["an id of 36 zeros", { i: "0".repeat(36) }],
    ["an id of 36 dashes", { i: "-".repeat(36) }],
  ])("refuses an edited cursor with %s with BAD_USER_INPUT", async (_name, change) => {
    const { pageInfo } = await list(big, { first: 3 });
    const payload = JSON.parse(Buffer.from(pageInfo.endCursor!, "base64url").toString("utf8"));
    const edited = Buffer.from(JSON.stringify({ ...payload, ...change }), "utf8").toString("base64url");
    expect(await refusal(big, { first: 3, after: edited })).toMatchObject({ extensions: { code: "BAD_USER_INPUT", argument: "after" } });
  });
});

describe("smsConversations: paging arguments", () => {
  it.each([
    ["first", -1],
    ["first", 101],
    ["last", -1],
    ["last", 101],
  ])("refuses %s: %d with a message naming the argument and the allowed range", async (argument, value) => {
    const error = await refusal(big, { [argument]: value });
    expect(error).toMatchObject({
      message: `${argument} must be an integer from 0 to 100`,
      path: ["smsConversations"],
      extensions: { code: "BAD_USER_INPUT", argument },
    });
  });

  it("refuses first and last together", async () => {
    const error = await refusal(big, { first: 5, last: 5 });
    expect(error.extensions).toMatchObject({ code: "BAD_USER_INPUT", argument: expect.stringMatching(/^(first|last)$/) });
    expect(error.message).toMatch(/first/);
    expect(error.message).toMatch(/last/);
  });

  it("refuses after with last, before with first, and after with before", async () => {
    const { pageInfo } = await list(big, { first: 3 });
    const afterWithLast = await refusal(big, { last: 3, after: pageInfo.endCursor });
    expect(afterWithLast).toMatchObject({ extensions: { code: "BAD_USER_INPUT", argument: "after" } });
    expect(afterWithLast.message).toMatch(/after/);
    const beforeWithFirst = await refusal(big, { first: 3, before: pageInfo.startCursor });
    expect(beforeWithFirst).toMatchObject({ extensions: { code: "BAD_USER_INPUT", argument: "before" } });
    expect(beforeWithFirst.message).toMatch(/before/);
    expect(await refusal(big, { after: pageInfo.endCursor, before: pageInfo.startCursor })).toMatchObject({
      extensions: { code: "BAD_USER_INPUT" },
    });
  });

  it("returns no edges for first: 0, with hasNextPage true when conversations exist and false when none do", async () => {
    expect(await list(big, { first: 0 })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: true, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: BIG,
    });
    const empty = await harness.createAccount();
    expect(await list(empty, { first: 0 })).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
    expect(await list(empty, {})).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
  });

  it("returns 20 conversations without first or last", async () => {
    const page = await list(big, {});
    expect(idsOf(page)).toEqual((await idsInOrder(big)).slice(0, 20));
    expect(page.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
  });

  it("returns up to 100 conversations with first: 100 or last: 100", async () => {
    const expected = await idsInOrder(big);
    const first = await list(big, { first: 100 });
    expect(idsOf(first)).toEqual(expected.slice(0, 100));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const last = await list(big, { last: 100 });
    expect(idsOf(last)).toEqual(expected.slice(-100));
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });

  it("returns the last page's size of conversations with last alone, and the rest with a page size larger than what is left", async () => {
    const expected = await idsInOrder(big);
    const last = await list(big, { last: 7 });
    expect(idsOf(last)).toEqual(expected.slice(-7));
    const rest = await list(big, {
      first: 100,
      after: (await list(big, { first: 100, after: (await list(big, { first: 100 })).pageInfo.endCursor })).pageInfo.endCursor,
    });
    expect(idsOf(rest)).toEqual(expected.slice(200));
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
  });
});

describe("smsConversations: account scoping", () => {
  it("never lists another account's conversations, and counts only the caller's", async () => {
    const page = await list(ties, { first: 100 });
    const own = await idsInOrder(ties);
    expect(idsOf(page)).toEqual(own);
    expect(page.totalCount).toBe(own.length);
    const others = new Set(await idsInOrder(big));
    expect(idsOf(page).filter((id) => others.has(id))).toEqual([]);
  });

  it("finds nothing when filtering by another account's agent number", async () => {
    const page = await list(ties, { filter: { agentNumber: big.agentNumbers[0] } });
    expect(page.edges).toEqual([]);
    expect(page.totalCount).toBe(0);
  });

  it("requires an API key", async () => {
    const error = await refusal(null, { first: 5 });
    expect(error.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
