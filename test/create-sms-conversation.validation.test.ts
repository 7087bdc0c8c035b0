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

/** Sends createSmsConversation with a valid input, overridden by `input` (a key set to undefined is left out). */
const create = (input: Record<string, unknown>) =>
  harness.graphql(
    CREATE,
    { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "Hi there", ...input } },
    { apiKey: account.apiKey },
  );

const rowCounts = async (accountId: string) =>
  (
    await harness.db.query(
      `SELECT (SELECT count(*) FROM sms_conversation WHERE account_id = $1)::int AS conversations,
              (SELECT count(*) FROM sms_message WHERE account_id = $1)::int AS messages`,
      [accountId],
    )
  ).rows[0] as { conversations: number; messages: number };

const NOTHING_WRITTEN = { conversations: 0, messages: 0 };
const ONE_WRITTEN = { conversations: 1, messages: 1 };

/** A JSON object `{"k":"…"}` whose serialisation takes exactly `bytes` bytes of UTF-8, using `char` (1 or 2 bytes). */
const jsonOfBytes = (bytes: number, char = "x") => {
  const overhead = Buffer.byteLength(JSON.stringify({ k: "" }), "utf8");
  const charBytes = Buffer.byteLength(char, "utf8");
  if ((bytes - overhead) % charBytes !== 0) throw new Error(`cannot build ${bytes} bytes from ${JSON.stringify(char)}`);
  const value = { k: char.repeat((bytes - overhead) / charBytes) };
  expect(Buffer.byteLength(JSON.stringify(value), "utf8")).toBe(bytes);
  return value;
};

interface RuleCase {
  /** Behaviour sentence used as the test name. */
  name: string;
  /** The one bad value (plus, where a rule needs it, a valid companion value). */
  input: Record<string, unknown> | (() => Record<string, unknown>);
  field: string;
  /** A characteristic part of the message that states the allowed values. */
  rule: string;
  /** Further rules of the same field that the value also breaks, each answered by its own userError. */
  alsoBreaks?: string[];
}

const RULES: RuleCase[] = [
  { name: "rejects a userNumber without the leading +", input: { userNumber: "14155550123" }, field: "userNumber", rule: "E.164" },
  { name: "rejects a userNumber with letters", input: { userNumber: "+1415555CALL" }, field: "userNumber", rule: "E.164" },
  { name: "rejects a userNumber with spaces", input: { userNumber: "+1 415 555 0123" }, field: "userNumber", rule: "E.164" },
  {
    name: "rejects a userNumber of 16 digits (E.164 allows at most 15)",
    input: { userNumber: "+1234567890123456" },
    field: "userNumber",
    rule: "E.164",
  },
  { name: "rejects a userNumber with a leading 0 after the +", input: { userNumber: "+04155550123" }, field: "userNumber", rule: "E.164" },
  { name: "rejects a userNumber of a single digit", input: { userNumber: "+1" }, field: "userNumber", rule: "E.164" },
  { name: "rejects a userNumber with a trailing newline", input: { userNumber: "+14155550123\n" }, field: "userNumber", rule: "E.164" },
  { name: "rejects an empty userNumber", input: { userNumber: "" }, field: "userNumber", rule: "E.164" },
  { name: "rejects an agentNumber that is not E.164", input: { agentNumber: "(415) 555-0123" }, field: "agentNumber", rule: "E.164" },
  { name: "rejects an agentNumber without the leading +", input: { agentNumber: "14155550123" }, field: "agentNumber", rule: "E.164" },
  {
    name: "rejects a userNumber equal to the agentNumber",
    input: () => ({ userNumber: account.agentNumbers[0] }),
    field: "userNumber",
    rule: "differ from agentNumber",
  },
  { name: "rejects an empty message", input: { message: "" }, field: "message", rule: "1 to 1600 characters" },
  { name: "rejects a message of 1601 characters", input: { message: "m".repeat(1601) }, field: "message", rule: "1 to 1600 characters" },
  { name: "rejects a messageSid of 65 characters", input: { messageSid: "S".repeat(65) }, field: "messageSid", rule: "1 to 64 characters" },
  {
    name: "rejects an empty messageSid, answering both its length rule and its character rule",
    input: { messageSid: "" },
    field: "messageSid",
    rule: "1 to 64 characters",
    alsoBreaks: ["visible ASCII characters without spaces"],
  },
  {
    name: "rejects a messageSid with a space",
    input: { messageSid: "SM 123" },
    field: "messageSid",
    rule: "visible ASCII characters without spaces",
  },
  {
    name: "rejects a messageSid with a non-ASCII character",
    input: { messageSid: "SMé123" },
    field: "messageSid",
    rule: "visible ASCII characters without spaces",
  },
  {
    name: "rejects a messageSid with a tab",
    input: { messageSid: "SM\t123" },
    field: "messageSid",
    rule: "visible ASCII characters without spaces",
  },
  { name: "rejects a currPathwayId that is not a UUID", input: { currPathwayId: "pathway-1" }, field: "currPathwayId", rule: "UUID" },
  {
    name: "rejects a currPathwayId that is a UUID without hyphens",
    input: { currPathwayId: "123e4567e89b12d3a456426614174000" },
    field: "currPathwayId",
    rule: "UUID",
  },
  {
    name: "rejects a currPathwayVersion of 257 characters",
    input: { currPathwayVersion: "v".repeat(257) },
    field: "currPathwayVersion",
    rule: "at most 256 characters",
  },
  {
    name: "rejects a currentNodeId of 257 characters",
    input: { currentNodeId: "n".repeat(257) },
    field: "currentNodeId",
    rule: "at most 256 characters",
  },
  {
    name: "rejects requestData of 16385 bytes as JSON",
    input: () => ({ requestData: jsonOfBytes(16_385) }),
    field: "requestData",
    rule: "16384 bytes",
  },
  {
    name: "rejects requestData over 16384 bytes of UTF-8 even when it has fewer than 16384 characters",
    input: () => ({ requestData: jsonOfBytes(16_388, "é") }),
    field: "requestData",
    rule: "16384 bytes",
  },
  { name: "rejects a timeOut of 0", input: { timeOut: 0 }, field: "timeOut", rule: "1 to 2592000" },
  { name: "rejects a negative timeOut", input: { timeOut: -60 }, field: "timeOut", rule: "1 to 2592000" },
  { name: "rejects a timeOut of 2592001 (over 30 days)", input: { timeOut: 2_592_001 }, field: "timeOut", rule: "1 to 2592000" },
  {
    name: "rejects a warningTime of 0 even with a valid timeOut",
    input: { timeOut: 600, warningTime: 0 },
    field: "warningTime",
    rule: "1 to 2592000",
  },
  {
    name: "rejects a warningTime of 2592001 even with a valid timeOut",
    input: { timeOut: 2_592_000, warningTime: 2_592_001 },
    field: "warningTime",
    rule: "1 to 2592000",
  },
  { name: "rejects an empty timeoutMessage", input: { timeoutMessage: "" }, field: "timeoutMessage", rule: "1 to 1600 characters" },
  {
    name: "rejects a timeoutMessage of 1601 characters",
    input: { timeoutMessage: "t".repeat(1601) },
    field: "timeoutMessage",
    rule: "1 to 1600 characters",
  },
  { name: "rejects an empty warningMessage", input: { warningMessage: "" }, field: "warningMessage", rule: "1 to 1600 characters" },
  {
    name: "rejects a warningMessage of 1601 characters",
    input: { warningMessage: "w".repeat(1601) },
    field: "warningMessage",
    rule: "1 to 1600 characters",
  },
];

interface BoundaryCase {
  name: string;
  input: Record<string, unknown> | (() => Record<string, unknown>);
  /** Columns of the sms_conversation row (or, for message_sid and body, the sms_message row) to check. */
  conversation?: Record<string, unknown>;
  message?: Record<string, unknown>;
}

const BOUNDARIES: BoundaryCase[] = [
  { name: "accepts a message of exactly 1600 characters", input: { message: "m".repeat(1600) }, message: { body: "m".repeat(1600) } },
  { name: "accepts a message of 1 character", input: { message: "m" }, message: { body: "m" } },
  {
    name: "accepts a messageSid of exactly 64 characters",
    input: { messageSid: "S".repeat(64) },
    message: { message_sid: "S".repeat(64) },
  },
  { name: "accepts a messageSid of visible ASCII punctuation", input: { messageSid: "SM!~#-_." }, message: { message_sid: "SM!~#-_." } },
  {
    name: "accepts a userNumber of 15 digits",
    input: { userNumber: "+123456789012345" },
    conversation: { user_number: "+123456789012345" },
  },
  {
    name: "accepts a currPathwayVersion of exactly 256 characters",
    input: { currPathwayVersion: "v".repeat(256) },
    conversation: { curr_pathway_version: "v".repeat(256) },
  },
  {
    name: "accepts a currentNodeId of exactly 256 characters",
    input: { currentNodeId: "n".repeat(256) },
    conversation: { current_node_id: "n".repeat(256) },
  },
  {
    name: "accepts requestData of exactly 16384 bytes as JSON",
    input: () => ({ requestData: jsonOfBytes(16_384) }),
    conversation: { request_data: jsonOfBytes(16_384) },
  },
  {
    name: "accepts requestData of 16382 bytes of UTF-8 in multi-byte characters",
    input: () => ({ requestData: jsonOfBytes(16_382, "é") }),
    conversation: { request_data: jsonOfBytes(16_382, "é") },
  },
  {
    name: "accepts a timeOut of 2592000 with a warningTime of 1",
    input: { timeOut: 2_592_000, warningTime: 1 },
    conversation: { time_out: 2_592_000, warning_time: 1 },
  },
  { name: "accepts a timeOut of 1", input: { timeOut: 1 }, conversation: { time_out: 1 } },
  {
    name: "accepts a warningTime of 2591999 below a timeOut of 2592000",
    input: { timeOut: 2_592_000, warningTime: 2_591_999 },
    conversation: { time_out: 2_592_000, warning_time: 2_591_999 },
  },
  {
    name: "accepts a timeoutMessage and a warningMessage of exactly 1600 characters",
    input: { timeoutMessage: "t".repeat(1600), warningMessage: "w".repeat(1600) },
    conversation: { timeout_message: "t".repeat(1600), warning_message: "w".repeat(1600) },
  },
  {
    name: "accepts a timeoutMessage and a warningMessage of 1 character",
    input: { timeoutMessage: "t", warningMessage: "w" },
    conversation: { timeout_message: "t", warning_message: "w" },
  },
  {
    name: "accepts null for every optional field",
    input: {
      messageSid: null,
      currPathwayId: null,
      currPathwayVersion: null,
      currentNodeId: null,
      requestData: null,
      timeOut: null,
      timeoutMessage: null,
      warningTime: null,
      warningMessage: null,
    },
    conversation: { curr_pathway_id: null, request_data: null, time_out: null },
    message: { message_sid: null },
  },
];

const resolve = (input: RuleCase["input"]) => (typeof input === "function" ? input() : input);

describe("createSmsConversation input validation", () => {
  describe("answers a value that breaks a rule with an INVALID_INPUT userError naming the field and the allowed values, and writes nothing", () => {
    it.each(RULES)("$name", async ({ input, field, rule, alsoBreaks = [] }) => {
      const { status, body } = await create(resolve(input));

      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const payload = body.data!.createSmsConversation;
      expect(payload).toMatchObject({ conversationId: null, workflowId: null, conversation: null, message: null });
      const expected = [rule, ...alsoBreaks].map((part) => ({
        code: "INVALID_INPUT",
        field: ["input", field],
        message: expect.stringContaining(part),
      }));
      expect(payload.userErrors).toHaveLength(expected.length);
      expect(payload.userErrors).toEqual(expect.arrayContaining(expected));
      for (const error of payload.userErrors) expect(error.message.startsWith(`${field} must `)).toBe(true);
      expect(await rowCounts(account.id)).toEqual(NOTHING_WRITTEN);
    });
  });

  describe("accepts values at the limits", () => {
    it.each(BOUNDARIES)("$name", async ({ input, conversation, message }) => {
      const { status, body } = await create(resolve(input));

      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      const payload = body.data!.createSmsConversation;
      expect(payload.userErrors).toEqual([]);
      expect(payload.conversationId).toMatch(/^conv_[0-9a-f]{32}$/);
      expect(await rowCounts(account.id)).toEqual(ONE_WRITTEN);
      const { rows: conversations } = await harness.db.query("SELECT * FROM sms_conversation WHERE account_id = $1", [account.id]);
      expect(conversations[0]).toMatchObject(conversation ?? {});
      const { rows: messages } = await harness.db.query("SELECT * FROM sms_message WHERE account_id = $1", [account.id]);
      expect(messages[0]).toMatchObject(message ?? {});
    });
  });

  it("answers several bad fields at once with one userError per field and writes nothing", async () => {
    const { status, body } = await create({
      userNumber: "not-a-number",
      message: "",
      messageSid: "has space",
      currPathwayId: "not-a-uuid",
      currentNodeId: "n".repeat(257),
      requestData: jsonOfBytes(16_385),
      timeOut: 0,
      warningMessage: "w".repeat(1601),
    });

    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    const payload = body.data!.createSmsConversation;
    expect(payload.conversationId).toBeNull();
    const byField = (a: { field: string[] }, b: { field: string[] }) => a.field[1].localeCompare(b.field[1]);
    expect([...payload.userErrors].sort(byField)).toEqual(
      [
        { field: ["input", "userNumber"], message: expect.stringContaining("E.164") },
        { field: ["input", "message"], message: expect.stringContaining("1 to 1600") },
        { field: ["input", "messageSid"], message: expect.stringContaining("without spaces") },
        { field: ["input", "currPathwayId"], message: expect.stringContaining("UUID") },
        { field: ["input", "currentNodeId"], message: expect.stringContaining("at most 256") },
        { field: ["input", "requestData"], message: expect.stringContaining("16384 bytes") },
        { field: ["input", "timeOut"], message: expect.stringContaining("1 to 2592000") },
        { field: ["input", "warningMessage"], message: expect.stringContaining("1 to 1600") },
      ]
        .map((error) => ({ code: "INVALID_INPUT", ...error }))
        .sort(byField),
    );
    expect(await rowCounts(account.id)).toEqual(NOTHING_WRITTEN);
  });

  it("reports a broken rule before checking that the agent number is registered", async () => {
    const payload = (await create({ agentNumber: randomNumber(), message: "" })).body.data!.createSmsConversation;
    expect(payload.userErrors).toEqual([
      { code: "INVALID_INPUT", field: ["input", "message"], message: expect.stringContaining("1 to 1600") },
    ]);
    expect(await rowCounts(account.id)).toEqual(NOTHING_WRITTEN);
  });

  it("does not archive the active conversation when a newConversation call breaks a rule", async () => {
    const userNumber = randomNumber();
    const first = (await create({ userNumber, message: "first" })).body.data!.createSmsConversation;
    expect(first.userErrors).toEqual([]);

    const payload = (await create({ userNumber, message: "second", newConversation: true, timeOut: 0 })).body.data!.createSmsConversation;
    expect(payload.userErrors).toEqual([
      { code: "INVALID_INPUT", field: ["input", "timeOut"], message: expect.stringContaining("1 to 2592000") },
    ]);
    const { rows } = await harness.db.query("SELECT status, time_out FROM sms_conversation WHERE account_id = $1", [account.id]);
    expect(rows).toEqual([{ status: "ACTIVE", time_out: null }]);
    expect(await rowCounts(account.id)).toEqual(ONE_WRITTEN);
  });

  describe("never echoes the submitted value", () => {
    it("leaves a bad userNumber out of the whole response", async () => {
      const { body } = await create({ userNumber: "not-a-number-SECRET" });
      const payload = body.data!.createSmsConversation;
      expect(payload.userErrors).toEqual([
        { code: "INVALID_INPUT", field: ["input", "userNumber"], message: expect.stringContaining("E.164") },
      ]);
      expect(JSON.stringify(body)).not.toContain("SECRET");
      expect(await rowCounts(account.id)).toEqual(NOTHING_WRITTEN);
    });

    it("leaves bad values out of the response when several fields break rules", async () => {
      const { body } = await create({
        userNumber: "+1SECRET",
        agentNumber: "SECRET-agent",
        message: `SECRET${"m".repeat(1601)}`,
        messageSid: "SECRET sid",
        currPathwayId: "SECRET-pathway",
        currPathwayVersion: `SECRET${"v".repeat(256)}`,
        requestData: { note: `SECRET${"x".repeat(16_384)}` },
        timeoutMessage: `SECRET${"t".repeat(1600)}`,
      });
      expect(body.data!.createSmsConversation.userErrors).toHaveLength(8);
      expect(JSON.stringify(body)).not.toContain("SECRET");
      expect(await rowCounts(account.id)).toEqual(NOTHING_WRITTEN);
    });
  });

  describe("leaves type-level problems as top-level GraphQL errors with HTTP 400 and BAD_USER_INPUT, and writes nothing", () => {
    it.each<[string, Record<string, unknown>]>([
      ["rejects a timeOut that is a string", { timeOut: "abc" }],
      ["rejects a timeOut that is not an integer", { timeOut: 1.5 }],
      ["rejects a timeOut beyond the 32-bit Int range", { timeOut: 2 ** 31 }],
      ["rejects a warningTime that is a boolean", { timeOut: 600, warningTime: true }],
      ["rejects a missing message", { message: undefined }],
      ["rejects a null message", { message: null }],
      ["rejects a missing userNumber", { userNumber: undefined }],
      ["rejects a userNumber sent as a number", { userNumber: 14155550123 }],
      ["rejects requestData that is an array, not an object", { requestData: ["a"] }],
      ["rejects an unknown sender", { sender: "ROBOT" }],
      ["rejects an unknown input field", { unknownField: 1 }],
    ])("%s", async (_name, input) => {
      const { status, body } = await create(input);

      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0].extensions).toMatchObject({ code: "BAD_USER_INPUT" });
      expect(body.errors![0].message).toContain("$input");
      expect(await rowCounts(account.id)).toEqual(NOTHING_WRITTEN);
    });

    it.each<[string, Record<string, unknown>, RegExp]>([
      [
        "a missing field",
        { message: undefined, userNumber: "+15555550777" },
        /Field "message" of required type "String!" was not provided/,
      ],
      ["a number for a string", { userNumber: 15555550777 }, /at "input.userNumber": String cannot represent a non string value\.$/],
      ["an array for requestData", { requestData: ["SECRET"] }, /at "input.requestData"/],
      ["an unknown enum value", { sender: "SECRET" }, /at "input.sender": The value is not one of the "SmsSender" enum values\./],
      ["a string for an Int", { timeOut: "SECRET" }, /at "input.timeOut": Int cannot represent non-integer value\./],
    ])("names the field and the reason but never echoes the values, for %s", async (_name, input, expected) => {
      const { body } = await create(input);
      expect(body.errors![0].message).toMatch(expected);
      expect(JSON.stringify(body)).not.toMatch(/SECRET|5555550777|\+1555/);
    });
  });
});
