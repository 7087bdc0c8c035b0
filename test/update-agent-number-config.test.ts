import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";

const TIMEOUT_CONFIG_FIELDS = "timeOut warningTime timeoutMessage warningMessage";

const UPDATE = `
  mutation Update($input: UpdateAgentNumberConfigInput!) {
    updateAgentNumberConfig(input: $input) {
      agentNumber {
        id number createdAt
        smsConfig { ${TIMEOUT_CONFIG_FIELDS} }
        whatsappConfig { ${TIMEOUT_CONFIG_FIELDS} }
      }
      userErrors { code field message }
    }
  }
`;

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});

/** Sends updateAgentNumberConfig for the account's first number on SMS, overridden by `input`. */
const update = async (input: Record<string, unknown>, apiKey: string | null = account.apiKey) => {
  const response = await harness.graphql(UPDATE, { input: { agentNumber: account.agentNumbers[0], channel: "SMS", ...input } }, { apiKey });
  expect(response.body.errors).toBeUndefined();
  return response.body.data!.updateAgentNumberConfig;
};

/** The stored jsonb configs of a number. */
const configsOf = async (number: string) =>
  (await harness.db.query("SELECT sms_config, whatsapp_config FROM agent_number WHERE number = $1", [number])).rows[0] as {
    sms_config: Record<string, unknown>;
    whatsapp_config: Record<string, unknown>;
  };

/** Writes both configs of a number directly, as a starting state. */
const storeConfigs = (number: string, sms: Record<string, unknown>, whatsapp: Record<string, unknown>) =>
  harness.db.query("UPDATE agent_number SET sms_config = $1, whatsapp_config = $2 WHERE number = $3", [sms, whatsapp, number]);

const EMPTY_CONFIG = { timeOut: null, warningTime: null, timeoutMessage: null, warningMessage: null };

describe("updateAgentNumberConfig", () => {
  it("sets all four SMS values, returns them and stores exactly those four keys in sms_config", async () => {
    const payload = await update({ timeOut: 900, warningTime: 600, timeoutMessage: "Goodbye", warningMessage: "Still there?" });

    expect(payload.userErrors).toEqual([]);
    expect(payload.agentNumber).toEqual({
      id: expect.stringMatching(/^num_[0-9a-f]{32}$/),
      number: account.agentNumbers[0],
      createdAt: expect.any(String),
      smsConfig: { timeOut: 900, warningTime: 600, timeoutMessage: "Goodbye", warningMessage: "Still there?" },
      whatsappConfig: EMPTY_CONFIG,
    });
    expect(await configsOf(account.agentNumbers[0])).toEqual({
      sms_config: { timeOut: 900, warningTime: 600, timeoutMessage: "Goodbye", warningMessage: "Still there?" },
      whatsapp_config: {},
    });
  });

  it("accepts the bounds: timeOut 2592000 and a warningMessage of 1600 characters", async () => {
    const payload = await update({ timeOut: 2_592_000, warningTime: 1, warningMessage: "w".repeat(1600) });
    expect(payload.userErrors).toEqual([]);
    expect(await configsOf(account.agentNumbers[0])).toEqual({
      sms_config: { timeOut: 2_592_000, warningTime: 1, warningMessage: "w".repeat(1600) },
      whatsapp_config: {},
    });
  });

  it("keeps the stored value of a field the call omits", async () => {
    await update({ timeOut: 900, warningTime: 600, timeoutMessage: "Goodbye", warningMessage: "Still there?" });
    const payload = await update({ timeOut: 1200, warningMessage: "Hello?" });

    expect(payload.userErrors).toEqual([]);
    expect(payload.agentNumber.smsConfig).toEqual({ timeOut: 1200, warningTime: 600, timeoutMessage: "Goodbye", warningMessage: "Hello?" });
    expect((await configsOf(account.agentNumbers[0])).sms_config).toEqual({
      timeOut: 1200,
      warningTime: 600,
      timeoutMessage: "Goodbye",
      warningMessage: "Hello?",
    });
  });

  it("clears a value given as explicit null: the key disappears from the jsonb", async () => {
    await update({ timeOut: 900, warningTime: 600, timeoutMessage: "Goodbye", warningMessage: "Still there?" });
    const payload = await update({ warningTime: null, warningMessage: null });

    expect(payload.userErrors).toEqual([]);
    expect(payload.agentNumber.smsConfig).toEqual({ timeOut: 900, warningTime: null, timeoutMessage: "Goodbye", warningMessage: null });
    const { sms_config } = await configsOf(account.agentNumbers[0]);
    expect(sms_config).toEqual({ timeOut: 900, timeoutMessage: "Goodbye" });
    expect(Object.keys(sms_config).sort()).toEqual(["timeOut", "timeoutMessage"]);
  });

  it("with channel WHATSAPP changes only whatsapp_config and leaves sms_config untouched", async () => {
    await storeConfigs(account.agentNumbers[0], { timeOut: 300, timeoutMessage: "sms bye" }, { warningMessage: "old" });
    const payload = await update({ channel: "WHATSAPP", timeOut: 600, warningTime: 120, timeoutMessage: "wa bye" });

    expect(payload.userErrors).toEqual([]);
    expect(payload.agentNumber.whatsappConfig).toEqual({ timeOut: 600, warningTime: 120, timeoutMessage: "wa bye", warningMessage: "old" });
    expect(payload.agentNumber.smsConfig).toEqual({ timeOut: 300, warningTime: null, timeoutMessage: "sms bye", warningMessage: null });
    expect(await configsOf(account.agentNumbers[0])).toEqual({
      sms_config: { timeOut: 300, timeoutMessage: "sms bye" },
      whatsapp_config: { timeOut: 600, warningTime: 120, timeoutMessage: "wa bye", warningMessage: "old" },
    });
  });

  it("with channel SMS leaves whatsapp_config untouched", async () => {
    await storeConfigs(account.agentNumbers[0], {}, { timeOut: 60, warningTime: 30 });
    const payload = await update({ timeOut: 10 });

    expect(payload.userErrors).toEqual([]);
    expect(await configsOf(account.agentNumbers[0])).toEqual({
      sms_config: { timeOut: 10 },
      whatsapp_config: { timeOut: 60, warningTime: 30 },
    });
  });

  describe("INVALID_TIMEOUT_CONFIG", () => {
    const STORED = { sms: { timeOut: 600, warningTime: 300, timeoutMessage: "Bye" }, whatsapp: { timeOut: 50 } };
    beforeEach(() => storeConfigs(account.agentNumbers[0], STORED.sms, STORED.whatsapp));
    const expectUnchanged = async () =>
      expect(await configsOf(account.agentNumbers[0])).toEqual({ sms_config: STORED.sms, whatsapp_config: STORED.whatsapp });

    it("rejects a warningTime equal to the timeOut given with it and changes nothing", async () => {
      const payload = await update({ timeOut: 60, warningTime: 60, warningMessage: "new" });
      expect(payload).toEqual({
        agentNumber: null,
        userErrors: [
          {
            code: "INVALID_TIMEOUT_CONFIG",
            field: ["input", "warningTime"],
            message: expect.stringMatching(/warningTime \(60 s.*less than timeOut \(60 s/),
          },
        ],
      });
      await expectUnchanged();
    });

    it("rejects a new warningTime greater than the stored timeOut", async () => {
      const payload = await update({ warningTime: 700 });
      expect(payload.userErrors).toEqual([
        { code: "INVALID_TIMEOUT_CONFIG", field: ["input", "warningTime"], message: expect.stringMatching(/700 s.*600 s/) },
      ]);
      expect(payload.agentNumber).toBeNull();
      await expectUnchanged();
    });

    it("rejects a warningTime when the channel's config has no timeOut", async () => {
      // sms_config has a timeOut, but it belongs to the other channel and does not count.
      await storeConfigs(account.agentNumbers[0], STORED.sms, {});
      const payload = await update({ channel: "WHATSAPP", warningTime: 10 });
      expect(payload.userErrors).toEqual([
        { code: "INVALID_TIMEOUT_CONFIG", field: ["input", "warningTime"], message: expect.stringContaining("needs a timeOut") },
      ]);
      expect(payload.agentNumber).toBeNull();
      expect(await configsOf(account.agentNumbers[0])).toEqual({ sms_config: STORED.sms, whatsapp_config: {} });
    });

    it("rejects a warningTime without any timeOut on a number with an empty config", async () => {
      await storeConfigs(account.agentNumbers[0], {}, {});
      const payload = await update({ warningTime: 10, warningMessage: "Hello?" });
      expect(payload.userErrors).toEqual([
        { code: "INVALID_TIMEOUT_CONFIG", field: ["input", "warningTime"], message: expect.stringContaining("needs a timeOut") },
      ]);
      expect(await configsOf(account.agentNumbers[0])).toEqual({ sms_config: {}, whatsapp_config: {} });
    });

    it("rejects a new timeOut below the stored warningTime, naming timeOut", async () => {
      const payload = await update({ timeOut: 200 });
      expect(payload.userErrors).toEqual([
        {
          code: "INVALID_TIMEOUT_CONFIG",
          field: ["input", "timeOut"],
          message: expect.stringMatching(/warningTime \(300 s.*timeOut \(200 s/),
        },
      ]);
      expect(payload.agentNumber).toBeNull();
      await expectUnchanged();
    });

    it("rejects clearing the timeOut while a warningTime stays stored", async () => {
      const payload = await update({ timeOut: null });
      expect(payload.agentNumber).toBeNull();
      expect(payload.userErrors).toEqual([
        { code: "INVALID_TIMEOUT_CONFIG", field: ["input", expect.any(String)], message: expect.stringContaining("needs a timeOut") },
      ]);
      await expectUnchanged();
    });

    it("accepts a new timeOut below the stored warningTime when the same call clears warningTime", async () => {
      const payload = await update({ timeOut: 200, warningTime: null });
      expect(payload.userErrors).toEqual([]);
      expect((await configsOf(account.agentNumbers[0])).sms_config).toEqual({ timeOut: 200, timeoutMessage: "Bye" });
    });
  });

  describe("INVALID_INPUT", () => {
    const STORED = { timeOut: 600, warningTime: 300, warningMessage: "Still there?" };
    beforeEach(() => storeConfigs(account.agentNumbers[0], STORED, {}));

    it.each([
      ["a timeOut of 0", { timeOut: 0 }, "timeOut", "an integer from 1 to 2592000 seconds"],
      ["a timeOut of 2592001", { timeOut: 2_592_001 }, "timeOut", "an integer from 1 to 2592000 seconds"],
      ["a warningTime of 0", { warningTime: 0 }, "warningTime", "an integer from 1 to 2592000 seconds"],
      ["an empty warningMessage", { warningMessage: "" }, "warningMessage", "1 to 1600 characters"],
      ["a timeoutMessage of 1601 characters", { timeoutMessage: "t".repeat(1601) }, "timeoutMessage", "1 to 1600 characters"],
      ["an agentNumber that is not E.164", { agentNumber: "(415) 555-0123" }, "agentNumber", "E.164"],
    ])("rejects %s with INVALID_INPUT on that field and changes nothing", async (_name, input, field, rule) => {
      const payload = await update(input);
      expect(payload).toEqual({
        agentNumber: null,
        userErrors: [{ code: "INVALID_INPUT", field: ["input", field], message: expect.stringContaining(rule) }],
      });
      expect(await configsOf(account.agentNumbers[0])).toEqual({ sms_config: STORED, whatsapp_config: {} });
    });
  });

  describe("AGENT_NUMBER_NOT_FOUND", () => {
    it("answers another account's number like an unknown one and leaves the other account's row unchanged", async () => {
      const other = await harness.createAccount({ smsConfig: { timeOut: 120, timeoutMessage: "theirs" } });
      const unknownNumber = randomNumber();
      const unknown = await update({ agentNumber: unknownNumber, timeOut: 60 });
      const foreign = await update({ agentNumber: other.agentNumbers[0], timeOut: 60, timeoutMessage: "mine" });

      expect(unknown).toEqual({
        agentNumber: null,
        userErrors: [
          {
            code: "AGENT_NUMBER_NOT_FOUND",
            field: ["input", "agentNumber"],
            message: expect.stringContaining("not registered to this account"),
          },
        ],
      });
      expect(foreign.agentNumber).toBeNull();
      expect(foreign.userErrors).toEqual([
        { code: "AGENT_NUMBER_NOT_FOUND", field: ["input", "agentNumber"], message: expect.any(String) },
      ]);
      expect(foreign.userErrors[0].message.replace(other.agentNumbers[0], "N")).toBe(
        unknown.userErrors[0].message.replace(unknownNumber, "N"),
      );
      expect(await configsOf(other.agentNumbers[0])).toEqual({
        sms_config: { timeOut: 120, timeoutMessage: "theirs" },
        whatsapp_config: {},
      });
      expect(await configsOf(account.agentNumbers[0])).toEqual({ sms_config: {}, whatsapp_config: {} });
    });
  });

  it("refuses a call without an API key with a top-level UNAUTHENTICATED error and changes nothing", async () => {
    const { body } = await harness.graphql(
      UPDATE,
      { input: { agentNumber: account.agentNumbers[0], channel: "SMS", timeOut: 60 } },
      { apiKey: null },
    );

    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: "UNAUTHENTICATED" }) })]);
    expect(await configsOf(account.agentNumbers[0])).toEqual({ sms_config: {}, whatsapp_config: {} });
  });

  describe("effect on SMS conversations", () => {
    const createConversation = async () => {
      const { body } = await harness.graphql(
        CREATE,
        { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "Hi" } },
        { apiKey: account.apiKey },
      );
      expect(body.errors).toBeUndefined();
      const payload = body.data!.createSmsConversation;
      expect(payload.userErrors).toEqual([]);
      return payload.conversation;
    };

    it("a new conversation on the number uses the SMS config as NUMBER_CONFIG", async () => {
      expect((await update({ timeOut: 600, timeoutMessage: "x" })).userErrors).toEqual([]);
      const conversation = await createConversation();

      expect(conversation.effectiveTimeoutConfig).toEqual({
        timeOut: { value: 600, source: "NUMBER_CONFIG" },
        timeoutMessage: { value: "x", source: "NUMBER_CONFIG" },
        warningTime: { value: null, source: "NONE" },
        warningMessage: { value: null, source: "NONE" },
      });
      expect(conversation.timeoutConfig).toEqual(EMPTY_CONFIG);
    });

    it("a WHATSAPP-only config does not affect SMS conversations", async () => {
      expect((await update({ channel: "WHATSAPP", timeOut: 600, timeoutMessage: "x" })).userErrors).toEqual([]);
      const conversation = await createConversation();

      expect(conversation.effectiveTimeoutConfig).toEqual({
        timeOut: { value: null, source: "NONE" },
        timeoutMessage: { value: null, source: "NONE" },
        warningTime: { value: null, source: "NONE" },
        warningMessage: { value: null, source: "NONE" },
      });
    });
  });
});
