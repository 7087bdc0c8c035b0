import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { STRING_FIELDS } from "./support/fuzz-requests";
import { CREATE } from "./support/operations";

/**
 * Text PostgreSQL cannot store as sent, in every place a caller can put a string: a typed input
 * error that names the field and the rule (never the value), nothing written, never an internal
 * error. Production mode, as the hostile tester ran it.
 */

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false, nodeEnv: "production" });
  account = await harness.createAccount();
});
afterAll(() => harness.close());

const TEXT_RULE = "must be Unicode text without NUL (U+0000) or unpaired surrogates (U+D800 to U+DFFF)";

/** Each kind of unacceptable text, inside a marker the response must never echo. */
const HOSTILE: Array<[string, string]> = [
  ["a NUL character", "SECRET\u0000text"],
  ["a lone high surrogate", "SECRET\uD83Dtext"],
  ["a lone low surrogate", "SECRET\uDE00text"],
  ["a surrogate pair in the wrong order", "SECRET\uDE00\uD83Dtext"],
  ["a string that ends on a high surrogate", "SECRET text \uD83D"],
];

const validInput = () => ({ userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "Hi there" });

const create = (input: Record<string, unknown>) => harness.graphql(CREATE, { input }, { apiKey: account.apiKey });

/** POSTs a raw body, as a client that builds its own JSON would. */
const postRaw = async (body: string | Buffer) => {
  const response = await fetch(`${harness.baseUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: account.apiKey },
    body,
  });
  return { status: response.status, requestId: response.headers.get("x-request-id"), text: await response.text() };
};

const messageCount = async () =>
  (await harness.db.query("SELECT count(*)::int AS n FROM sms_message WHERE account_id = $1", [account.id])).rows[0].n as number;

const conversationCount = async () =>
  (await harness.db.query("SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [account.id])).rows[0].n as number;

/** A createSmsConversation request body whose requestData is `requestDataJson`, spliced in as text (JSON.stringify cannot nest 10,000 deep). */
const bodyWithRequestData = (requestDataJson: string) => {
  const text = JSON.stringify({ query: CREATE, variables: { input: { ...validInput(), requestData: "@REQUEST_DATA@" } } });
  return text.replace('"@REQUEST_DATA@"', requestDataJson);
};

/** `{"a":{"a":…1…}}`, `levels` objects deep. */
const nestedObjects = (levels: number) => '{"a":'.repeat(levels - 1) + '{"a":1' + "}".repeat(levels);
/** `{"a":[[…[1]…]]}`: an object holding `levels - 1` arrays. */
const nestedArrays = (levels: number) => '{"a":' + "[".repeat(levels - 1) + "1" + "]".repeat(levels - 1) + "}";

describe("createSmsConversation answers unacceptable text with an INVALID_INPUT userError and writes nothing", () => {
  const cases = STRING_FIELDS.flatMap((field) => HOSTILE.map(([kind, value]) => ({ field, kind, value })));

  it.each(cases)("$field with $kind", async ({ field, value }) => {
    const before = await messageCount();
    const { status, body } = await create({ ...validInput(), [field]: value });

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.createSmsConversation).toMatchObject({ conversationId: null, workflowId: null, conversation: null });
    expect(body.data!.createSmsConversation.userErrors).toEqual([
      { code: "INVALID_INPUT", field: ["input", field], message: `${field} ${TEXT_RULE}` },
    ]);
    expect(JSON.stringify(body)).not.toContain("SECRET");
    expect(await messageCount()).toBe(before);
  });

  it.each(HOSTILE)("requestData with %s in a string deep inside, or in a key", async (_kind, value) => {
    const before = await messageCount();
    for (const requestData of [{ note: value }, { list: [1, { deeper: [value] }] }, { [value]: true }]) {
      const { body } = await create({ ...validInput(), requestData });
      expect(body.data!.createSmsConversation.userErrors).toEqual([
        {
          code: "INVALID_INPUT",
          field: ["input", "requestData"],
          message: expect.stringContaining(`requestData must hold only Unicode text without NUL`),
        },
      ]);
      expect(JSON.stringify(body)).not.toContain("SECRET");
    }
    expect(await messageCount()).toBe(before);
  });

  it("answers every broken field at once, the text rule for hostile fields and the other rules for the rest", async () => {
    const { body } = await create({ ...validInput(), message: "SECRET\u0000", currentNodeId: "n".repeat(257), messageSid: "SECRET\uD800" });
    const byField = (a: { field: string[] }, b: { field: string[] }) => a.field[1].localeCompare(b.field[1]);
    expect([...body.data!.createSmsConversation.userErrors].sort(byField)).toEqual([
      { code: "INVALID_INPUT", field: ["input", "currentNodeId"], message: expect.stringContaining("at most 256 characters") },
      { code: "INVALID_INPUT", field: ["input", "message"], message: `message ${TEXT_RULE}` },
      { code: "INVALID_INPUT", field: ["input", "messageSid"], message: `messageSid ${TEXT_RULE}` },
    ]);
  });

  it("accepts requestData nested 32 levels deep and refuses 33, counting objects and arrays alike", async () => {
    const before = await conversationCount();
    for (const nested of [nestedObjects(32), nestedArrays(32)]) {
      const accepted = JSON.parse((await postRaw(bodyWithRequestData(nested))).text);
      expect(accepted.data.createSmsConversation.userErrors).toEqual([]);
    }
    for (const nested of [nestedObjects(33), nestedArrays(33)]) {
      const refused = JSON.parse((await postRaw(bodyWithRequestData(nested))).text);
      expect(refused.data.createSmsConversation.userErrors).toEqual([
        {
          code: "INVALID_INPUT",
          field: ["input", "requestData"],
          message: "requestData must be nested at most 32 levels deep (objects and arrays inside one another)",
        },
      ]);
    }
    expect(await conversationCount()).toBe(before + 2);
  });

  it.each([
    ["objects", nestedObjects],
    ["arrays", nestedArrays],
  ])("refuses requestData of 10,000 nested %s with an INVALID_INPUT userError", async (_kind, nest) => {
    const before = await messageCount();
    const { status, text } = await postRaw(bodyWithRequestData(nest(10_000)));
    expect(status).toBe(200);
    expect(JSON.parse(text).data.createSmsConversation.userErrors).toEqual([
      { code: "INVALID_INPUT", field: ["input", "requestData"], message: expect.stringContaining("nested at most 32 levels deep") },
    ]);
    expect(await messageCount()).toBe(before);
  });
});

describe("updateAgentNumberConfig answers unacceptable text with an INVALID_INPUT userError and changes nothing", () => {
  const UPDATE = `
    mutation Update($input: UpdateAgentNumberConfigInput!) {
      updateAgentNumberConfig(input: $input) { agentNumber { id } userErrors { code field message } }
    }
  `;
  const cases = ["agentNumber", "timeoutMessage", "warningMessage"].flatMap((field) =>
    HOSTILE.map(([kind, value]) => ({ field, kind, value })),
  );

  it.each(cases)("$field with $kind", async ({ field, value }) => {
    const configBefore = (await harness.db.query("SELECT sms_config FROM agent_number WHERE account_id = $1", [account.id])).rows;
    const { status, body } = await harness.graphql(
      UPDATE,
      { input: { agentNumber: account.agentNumbers[0], channel: "SMS", timeOut: 900, [field]: value } },
      { apiKey: account.apiKey },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data!.updateAgentNumberConfig).toEqual({
      agentNumber: null,
      userErrors: [{ code: "INVALID_INPUT", field: ["input", field], message: `${field} ${TEXT_RULE}` }],
    });
    expect(JSON.stringify(body)).not.toContain("SECRET");
    expect((await harness.db.query("SELECT sms_config FROM agent_number WHERE account_id = $1", [account.id])).rows).toEqual(configBefore);
  });
});

describe("query and field arguments with unacceptable text are a top-level BAD_USER_INPUT naming the argument", () => {
  const QUERIES: Array<{
    name: string;
    query: string;
    variables: (value: string) => Record<string, unknown>;
    argument: string;
    path: string[];
  }> = [
    {
      name: "agentNumber(number:)",
      query: "query($v: String!) { agentNumber(number: $v) { id } }",
      variables: (v) => ({ v }),
      argument: "number",
      path: ["agentNumber"],
    },
    {
      name: "smsConversations(filter:)",
      query: "query($v: String) { smsConversations(filter: { userNumber: $v }) { edges { cursor } } }",
      variables: (v) => ({ v }),
      argument: "filter",
      path: ["smsConversations"],
    },
    {
      name: "smsConversations(after:)",
      query: "query($v: String) { smsConversations(after: $v) { edges { cursor } } }",
      variables: (v) => ({ v }),
      argument: "after",
      path: ["smsConversations"],
    },
    {
      name: "agentNumbers(before:)",
      query: "query($v: String) { agentNumbers(last: 1, before: $v) { edges { cursor } } }",
      variables: (v) => ({ v }),
      argument: "before",
      path: ["agentNumbers"],
    },
    {
      name: "smsConversation(id:)",
      query: "query($v: ID!) { smsConversation(id: $v) { id } }",
      variables: (v) => ({ v }),
      argument: "id",
      path: ["smsConversation"],
    },
    { name: "node(id:)", query: "query($v: ID!) { node(id: $v) { id } }", variables: (v) => ({ v }), argument: "id", path: ["node"] },
  ];
  const cases = QUERIES.flatMap((query) => HOSTILE.map(([kind, value]) => ({ ...query, kind, value })));

  it.each(cases)("$name with $kind", async ({ query, variables, value, argument, path }) => {
    const { status, body } = await harness.graphql(query, variables(value), { apiKey: account.apiKey });
    expect(status).toBe(200);
    expect(body.errors).toEqual([
      expect.objectContaining({
        path,
        message: expect.stringContaining(TEXT_RULE.replace("must be", "")),
        extensions: { code: "BAD_USER_INPUT", argument },
      }),
    ]);
    expect(JSON.stringify(body)).not.toContain("SECRET");
  });

  it("checks a field's arguments below the root too: a conversation's messages(after:)", async () => {
    const created = (await create(validInput())).body.data!.createSmsConversation;
    const { body } = await harness.graphql(
      "query($id: ID!, $v: String) { smsConversation(id: $id) { id messages(after: $v) { edges { cursor } } } }",
      { id: created.conversationId, v: "SECRET\u0000" },
      { apiKey: account.apiKey },
    );
    expect(body.errors).toEqual([
      expect.objectContaining({
        path: ["smsConversation", "messages"],
        message: `after ${TEXT_RULE}`,
        extensions: { code: "BAD_USER_INPUT", argument: "after" },
      }),
    ]);
    expect(body.data).toEqual({ smsConversation: null });
  });

  it("checks a string written as a literal in the operation, where GraphQL's \\u escapes can spell a NUL", async () => {
    const { body } = await harness.graphql('{ agentNumber(number: "+1555\\u0000") { id } }', undefined, { apiKey: account.apiKey });
    expect(body.errors).toEqual([
      expect.objectContaining({ message: `number ${TEXT_RULE}`, extensions: { code: "BAD_USER_INPUT", argument: "number" } }),
    ]);
  });

  it("checks arguments sent in a GET query string", async () => {
    const query = encodeURIComponent("query($v: String!) { agentNumber(number: $v) { id } }");
    const variables = encodeURIComponent(JSON.stringify({ v: "+1555\u0000" }));
    const response = await fetch(`${harness.baseUrl}/graphql?query=${query}&variables=${variables}`, {
      headers: { authorization: account.apiKey, "apollo-require-preflight": "1" },
    });
    const body = (await response.json()) as { errors: unknown[] };
    expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: "BAD_USER_INPUT", argument: "number" } })]);
  });
});

describe("a body that is not valid UTF-8 is a GraphQL-shaped 400 BAD_REQUEST", () => {
  it.each<[string, number[]]>([
    ["a stray continuation byte", [0x80]],
    ["a byte never used in UTF-8", [0xff]],
    ["a sequence cut short", [0xe2, 0x82]],
    ["an overlong encoding of /", [0xc0, 0xaf]],
    ["an encoded surrogate (CESU-8)", [0xed, 0xa0, 0xbd]],
  ])("%s inside the message, and nothing is written", async (_name, bytes) => {
    const before = await messageCount();
    const [head, tail] = JSON.stringify({ query: CREATE, variables: { input: { ...validInput(), message: "@BYTES@" } } }).split("@BYTES@");
    const { status, requestId, text } = await postRaw(Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]));

    expect(status).toBe(400);
    expect(JSON.parse(text)).toEqual({
      errors: [{ message: "The request body is not valid UTF-8.", extensions: { code: "BAD_REQUEST", requestId } }],
    });
    expect(await messageCount()).toBe(before);
  });

  it("still reads a UTF-16 body, whose bytes are not UTF-8", async () => {
    const body = Buffer.from(JSON.stringify({ query: CREATE, variables: { input: { ...validInput(), message: "héllo 👋" } } }), "utf16le");
    const response = await fetch(`${harness.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-16le", authorization: account.apiKey },
      body,
    });
    expect(response.status).toBe(200);
    expect(
      ((await response.json()) as { data: { createSmsConversation: { userErrors: unknown[] } } }).data.createSmsConversation.userErrors,
    ).toEqual([]);
  });
});

/** The trickiest valid text: what a user's phone may really send. */
const TRICKY_TEXT = [
  "👩🏽‍💻 family 👨‍👩‍👧‍👦", // skin tone modifier and ZWJ sequences
  "🏴󠁧󠁢󠁳󠁣󠁴󠁿 🇫🇷 ❤️ ☺︎", // tag sequence, regional indicators, emoji and text variation selectors
  "Zoe\u0308 e\u0301 a\u0300\u0301\u0302\u0303", // combining marks, stacked
  "\u05E9\u05DC\u05D5\u05DD \u200Fمرحبا\u200E", // Hebrew and Arabic with direction marks
  "你好 𠀋 𪚥 한국어 \u1100\u1161\u11A8", // CJK with astral ideographs, Hangul and conjoining jamo
  "tabs\tand\r\nnewlines \u2028 \uFEFF \uFFFD \uFFFF \u{10FFFF}", // controls, separators, BOM, noncharacters
].join(" | ");

describe("an identical retry with the same messageSid is a replay, whatever the text", () => {
  const storedBodies = async (sid: string) =>
    (
      await harness.db.query("SELECT body, char_length(body) AS length FROM sms_message WHERE account_id = $1 AND message_sid = $2", [
        account.id,
        sid,
      ])
    ).rows;

  it.each([
    ["a USER message (the batched statement)", {}],
    ["an AGENT message with a timeOut (the one-statement path)", { sender: "AGENT", timeOut: 600 }],
    ["a newConversation (the transaction path)", { newConversation: true }],
  ])("%s", async (_path, extra) => {
    const messageSid = `SM${Math.random().toString(36).slice(2)}`;
    const input = {
      ...validInput(),
      message: TRICKY_TEXT,
      messageSid,
      requestData: { [TRICKY_TEXT]: TRICKY_TEXT },
      currentNodeId: TRICKY_TEXT,
      ...extra,
    };

    const first = (await create(input)).body.data!.createSmsConversation;
    expect(first.userErrors).toEqual([]);
    const retry = (await create(input)).body.data!.createSmsConversation;

    expect(retry.userErrors).toEqual([]);
    expect(retry).toMatchObject({ conversationId: first.conversationId, workflowId: first.workflowId });
    expect(await storedBodies(messageSid)).toEqual([{ body: TRICKY_TEXT, length: [...TRICKY_TEXT].length }]);
  });
});

describe("lengths count Unicode code points, as PostgreSQL's char_length does", () => {
  const stored = async (conversationId: string) =>
    (
      await harness.db.query(
        `SELECT m.body, char_length(m.body) AS length, char_length(c.curr_pathway_version) AS version_length
         FROM sms_message m JOIN sms_conversation c ON c.id = m.conversation_id WHERE c.id = $1`,
        [conversationId.replace(/^conv_(\w{8})(\w{4})(\w{4})(\w{4})(\w{12})$/, "$1-$2-$3-$4-$5")],
      )
    ).rows[0];

  it("accepts a message of 1600 emoji (3200 UTF-16 units) and stores all of it", async () => {
    const message = "😀".repeat(1600);
    const payload = (await create({ ...validInput(), message, currPathwayVersion: "🙂".repeat(256) })).body.data!.createSmsConversation;
    expect(payload.userErrors).toEqual([]);
    expect(await stored(payload.conversationId)).toEqual({ body: message, length: 1600, version_length: 256 });
  });

  it("refuses a message of 1601 emoji", async () => {
    const payload = (await create({ ...validInput(), message: "😀".repeat(1601) })).body.data!.createSmsConversation;
    expect(payload.userErrors).toEqual([
      {
        code: "INVALID_INPUT",
        field: ["input", "message"],
        message: "message must be 1 to 1600 characters, counted as Unicode code points",
      },
    ]);
  });

  it("counts a variation selector as the character it is: 800 ❤️ fit in 1600, 801 do not", async () => {
    const fits = (await create({ ...validInput(), message: "❤️".repeat(800) })).body.data!.createSmsConversation;
    expect(fits.userErrors).toEqual([]);
    expect((await stored(fits.conversationId)).length).toBe(1600);

    const tooLong = (await create({ ...validInput(), message: "❤️".repeat(801) })).body.data!.createSmsConversation;
    expect(tooLong.userErrors).toEqual([expect.objectContaining({ field: ["input", "message"], code: "INVALID_INPUT" })]);
  });

  it("counts combining marks and joiners as characters too: 256 is the limit of currentNodeId", async () => {
    const combining = "e\u0301".repeat(128);
    const joined = "👨‍👩‍👧".repeat(51) + "x"; // 5 code points each: 256
    for (const currentNodeId of [combining, joined]) {
      expect((await create({ ...validInput(), currentNodeId })).body.data!.createSmsConversation.userErrors).toEqual([]);
      const payload = (await create({ ...validInput(), currentNodeId: `${currentNodeId}x` })).body.data!.createSmsConversation;
      expect(payload.userErrors).toEqual([
        expect.objectContaining({ field: ["input", "currentNodeId"], message: expect.stringContaining("at most 256 characters") }),
      ]);
    }
  });
});
