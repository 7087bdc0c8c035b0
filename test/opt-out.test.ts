import { loadConfig } from "../src/config";
import { createLogger } from "../src/logging/logger";
import { type Parley, startParley } from "../src/parley";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE, SEND } from "./support/operations";

/*
 * Opt-out (STOP / START / HELP) through the one write path: the keyword recorded, its reply
 * queued, agent messages refused while the user is opted out, and the rows each leaves. No
 * worker: outbox rows stay to be read.
 */

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});

const create = async (input: Record<string, unknown>) => {
  const { body } = await harness.graphql(CREATE, { input: { agentNumber: account.agentNumbers[0], ...input } }, { apiKey: account.apiKey });
  expect(body.errors).toBeUndefined();
  return body.data!.createSmsConversation;
};
const send = async (input: Record<string, unknown>) => {
  const { body } = await harness.graphql(SEND, { input: { agentNumber: account.agentNumbers[0], ...input } }, { apiKey: account.apiKey });
  expect(body.errors).toBeUndefined();
  return body.data!.sendSmsMessage;
};

/** The pair's messages, oldest first. */
const messagesOf = async (userNumber: string) =>
  (
    await harness.db.query(
      `SELECT m.sender, m.kind, m.body, m.delivery_status FROM sms_message m JOIN sms_conversation c ON c.id = m.conversation_id
       WHERE c.account_id = $1 AND c.user_number = $2 ORDER BY m.created_at, m.id`,
      [account.id, userNumber],
    )
  ).rows;

const recipientOf = async (userNumber: string) =>
  (
    await harness.db.query(
      "SELECT opted_out, opt_out_keyword, opted_out_at, opt_in_keyword, opted_in_at FROM sms_recipient WHERE account_id = $1 AND user_number = $2",
      [account.id, userNumber],
    )
  ).rows[0];

const OPTED_OUT = [{ code: "RECIPIENT_OPTED_OUT", field: ["input", "userNumber"], message: expect.stringContaining("opted out") }];

describe("opt-out keywords", () => {
  it("STOP in any case with surrounding spaces opts the user out: the keyword recorded, a confirmation queued, the timers cancelled", async () => {
    const userNumber = randomNumber();
    const agent = await create({ userNumber, message: "Your table is ready", sender: "AGENT", timeOut: 600, warningTime: 300 });
    expect(agent.conversation.timeoutAt).not.toBeNull();

    const stop = await create({ userNumber, message: "  sToP \n" });

    expect(stop.userErrors).toEqual([]);
    expect(stop.conversation).toMatchObject({ warningAt: null, timeoutAt: null, workflow: { pendingTimer: null } });
    expect(await messagesOf(userNumber)).toEqual([
      { sender: "AGENT", kind: "NORMAL", body: "Your table is ready", delivery_status: null },
      { sender: "USER", kind: "NORMAL", body: "  sToP \n", delivery_status: null },
      { sender: "AGENT", kind: "OPT_OUT_CONFIRMATION", body: expect.stringContaining("unsubscribed"), delivery_status: "QUEUED" },
    ]);
    expect(await recipientOf(userNumber)).toMatchObject({ opted_out: true, opt_out_keyword: "STOP", opted_out_at: expect.any(Date) });
  });

  it.each(["STOPALL", "unsubscribe", "Cancel", "END", "quit", "OPTOUT", "revoke"])("%s opts the user out", async (keyword) => {
    const userNumber = randomNumber();
    await create({ userNumber, message: keyword });
    expect((await recipientOf(userNumber)).opted_out).toBe(true);
    expect((await messagesOf(userNumber)).map((m) => m.kind)).toEqual(["NORMAL", "OPT_OUT_CONFIRMATION"]);
  });

  it("refuses agent messages to an opted-out user with RECIPIENT_OPTED_OUT and writes no row, on createSmsConversation, sendSmsMessage and REST", async () => {
    const userNumber = randomNumber();
    await create({ userNumber, message: "STOP" });
    const before = await messagesOf(userNumber);

    expect((await create({ userNumber, message: "Hello?", sender: "AGENT" })).userErrors).toEqual(OPTED_OUT);
    expect((await create({ userNumber, message: "Hello?", sender: "AGENT", newConversation: true })).userErrors).toEqual(OPTED_OUT);
    expect((await send({ userNumber, agentMessage: "Hello?", idempotencyKey: "k-1" })).userErrors).toEqual(OPTED_OUT);
    const rest = await harness.rest("POST", "/v1/sms/send", {
      apiKey: account.apiKey,
      body: { user_number: userNumber, agent_number: account.agentNumbers[0], agent_message: "Hello?" },
    });
    expect(rest.status).toBe(409);
    expect(rest.body.errors).toEqual([{ code: "RECIPIENT_OPTED_OUT", field: "user_number", message: expect.any(String) }]);
    const restCreate = await harness.rest("POST", "/v1/sms/create", {
      apiKey: account.apiKey,
      body: { user_number: userNumber, agent_number: account.agentNumbers[0], message: "Hello?", sender: "AGENT" },
    });
    expect(restCreate.status).toBe(409);
    expect(restCreate.body.errors).toEqual([{ code: "RECIPIENT_OPTED_OUT", field: "user_number", message: expect.any(String) }]);

    expect(await messagesOf(userNumber)).toEqual(before);
    const { rows } = await harness.db.query("SELECT status FROM sms_conversation WHERE account_id = $1", [account.id]);
    expect(rows).toEqual([{ status: "ACTIVE" }]);
  });

  it("still records USER messages from an opted-out user, with no reply", async () => {
    const userNumber = randomNumber();
    await create({ userNumber, message: "STOP" });
    const reply = await create({ userNumber, message: "why did you text me" });
    expect(reply.userErrors).toEqual([]);
    expect((await messagesOf(userNumber)).map((m) => [m.sender, m.kind])).toEqual([
      ["USER", "NORMAL"],
      ["AGENT", "OPT_OUT_CONFIRMATION"],
      ["USER", "NORMAL"],
    ]);
  });

  it("treats a sentence that merely contains a keyword as an ordinary message", async () => {
    const userNumber = randomNumber();
    await create({ userNumber, message: "please stop calling" });
    await create({ userNumber, message: "STOP!" });
    expect((await messagesOf(userNumber)).map((m) => m.kind)).toEqual(["NORMAL", "NORMAL"]);
    expect((await recipientOf(userNumber)).opted_out).toBe(false);
    expect((await create({ userNumber, message: "Sure", sender: "AGENT" })).userErrors).toEqual([]);
  });

  it("an AGENT message that is a keyword changes nothing", async () => {
    const userNumber = randomNumber();
    await create({ userNumber, message: "STOP", sender: "AGENT" });
    expect((await recipientOf(userNumber)).opted_out).toBe(false);
    expect((await messagesOf(userNumber)).map((m) => m.kind)).toEqual(["NORMAL"]);
  });

  it("START after STOP allows agent messages again, with an opt-in confirmation", async () => {
    const userNumber = randomNumber();
    await create({ userNumber, message: "STOP" });
    const start = await create({ userNumber, message: " start " });
    expect(start.userErrors).toEqual([]);
    expect(await recipientOf(userNumber)).toMatchObject({ opted_out: false, opt_out_keyword: "STOP", opt_in_keyword: "START" });

    const agent = await send({ userNumber, agentMessage: "Welcome back" });
    expect(agent.userErrors).toEqual([]);
    expect((await messagesOf(userNumber)).map((m) => [m.sender, m.kind, m.delivery_status])).toEqual([
      ["USER", "NORMAL", null],
      ["AGENT", "OPT_OUT_CONFIRMATION", "QUEUED"],
      ["USER", "NORMAL", null],
      ["AGENT", "OPT_IN_CONFIRMATION", "QUEUED"],
      ["AGENT", "NORMAL", "QUEUED"],
    ]);
  });

  it("HELP and INFO get the help reply and change nothing", async () => {
    const userNumber = randomNumber();
    await create({ userNumber, message: "help" });
    await create({ userNumber, message: "Info" });
    expect((await messagesOf(userNumber)).map((m) => m.kind)).toEqual(["NORMAL", "HELP_REPLY", "NORMAL", "HELP_REPLY"]);
    expect((await recipientOf(userNumber)).opted_out).toBe(false);
  });

  it("sends the agent number's own reply texts where updateOptOutReplies set them, the defaults elsewhere", async () => {
    const UPDATE = `mutation($input: UpdateOptOutRepliesInput!) {
      updateOptOutReplies(input: $input) { agentNumber { optOutReplies { optOutMessage optInMessage helpMessage } } userErrors { code field } }
    }`;
    const { body } = await harness.graphql(
      UPDATE,
      { input: { agentNumber: account.agentNumbers[0], optOutMessage: "Bye from Acme", helpMessage: "Acme help: call 555" } },
      { apiKey: account.apiKey },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.updateOptOutReplies).toEqual({
      agentNumber: {
        optOutReplies: {
          optOutMessage: "Bye from Acme",
          optInMessage: expect.stringContaining("subscribed again"),
          helpMessage: "Acme help: call 555",
        },
      },
      userErrors: [],
    });
    const { body: other } = await harness.graphql(
      UPDATE,
      { input: { agentNumber: randomNumber(), helpMessage: "x" } },
      { apiKey: account.apiKey },
    );
    expect(other.data!.updateOptOutReplies.userErrors).toEqual([{ code: "AGENT_NUMBER_NOT_FOUND", field: ["input", "agentNumber"] }]);
    const userNumber = randomNumber();
    await create({ userNumber, message: "HELP" });
    await create({ userNumber, message: "STOP" });
    await create({ userNumber, message: "YES" });
    expect((await messagesOf(userNumber)).filter((m) => m.sender === "AGENT").map((m) => m.body)).toEqual([
      "Acme help: call 555",
      "Bye from Acme",
      expect.stringContaining("subscribed again"),
    ]);
  });

  it("is queryable: SmsConversation.userOptedOut and the agent number's optOuts, with when and by which keyword", async () => {
    const [first, second, kept] = [randomNumber(), randomNumber(), randomNumber()];
    const conversation = await create({ userNumber: first, message: "Stop" });
    await create({ userNumber: second, message: "QUIT" });
    await create({ userNumber: kept, message: "hello" });
    await create({ userNumber: second, message: "UNSTOP" });
    const { body } = await harness.graphql(
      `query($id: ID!, $number: String!) {
        smsConversation(id: $id) { userOptedOut }
        agentNumber(number: $number) { optOuts(first: 10) { edges { cursor node { userNumber optedOutAt keyword } } pageInfo { hasNextPage } } }
      }`,
      { id: conversation.conversationId, number: account.agentNumbers[0] },
      { apiKey: account.apiKey },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data!.smsConversation).toEqual({ userOptedOut: true });
    expect(body.data!.agentNumber.optOuts).toEqual({
      edges: [{ cursor: expect.any(String), node: { userNumber: first, optedOutAt: expect.any(String), keyword: "STOP" } }],
      pageInfo: { hasNextPage: false },
    });
    const { body: page } = await harness.graphql(
      "query($number: String!, $after: String) { agentNumber(number: $number) { optOuts(first: 1, after: $after) { edges { node { userNumber } } } } }",
      { number: account.agentNumbers[0], after: body.data!.agentNumber.optOuts.edges[0].cursor },
      { apiKey: account.apiKey },
    );
    expect(page.data!.agentNumber.optOuts.edges).toEqual([]);
  });

  it("hands each reply to the account's webhook through the outbox, like any message Parley sends", async () => {
    await harness.parley.services.accounts.setWebhook(account.id, "http://127.0.0.1:9/never-called");
    const userNumber = randomNumber();
    await create({ userNumber, message: "STOP" });
    const { rows } = await harness.db.query(
      `SELECT m.kind FROM workflow_outbox o JOIN sms_message m ON o.job_key = 'webhook:' || m.id
       WHERE o.task = 'delivery.webhook' AND m.account_id = $1`,
      [account.id],
    );
    expect(rows).toEqual([{ kind: "OPT_OUT_CONFIRMATION" }]);
  });

  it("an ordinary message locks the pair's opt-out row but writes no new version of it; a keyword does", async () => {
    const userNumber = randomNumber();
    const version = async () =>
      (
        await harness.db.query("SELECT xmin::text AS tx FROM sms_recipient WHERE account_id = $1 AND user_number = $2", [
          account.id,
          userNumber,
        ])
      ).rows[0]?.tx;
    await create({ userNumber, message: "hi" });
    const inserted = await version();

    await create({ userNumber, message: "hi again" });
    await create({ userNumber, message: "Hello", sender: "AGENT" });
    await create({ userNumber, message: "HELP" });
    expect(await version()).toBe(inserted);

    await create({ userNumber, message: "STOP" });
    expect(await version()).not.toBe(inserted);
  });

  it("a timer that comes due for an opted-out user sends nothing", async () => {
    const userNumber = randomNumber();
    const agent = await create({ userNumber, message: "Hi", sender: "AGENT", timeOut: 600, timeoutMessage: "Bye" });
    // Opted out without the conversation's timers being cleared (as by a STOP on another channel), then the timer due.
    await harness.db.query("UPDATE sms_recipient SET opted_out = true WHERE account_id = $1 AND user_number = $2", [
      account.id,
      userNumber,
    ]);
    await harness.db.query("UPDATE sms_conversation SET timeout_at = now() - interval '1 second' WHERE account_id = $1", [account.id]);
    expect(agent.conversation.timeoutAt).not.toBeNull();
    const { rows } = await harness.db.query("SELECT id FROM sms_conversation WHERE account_id = $1", [account.id]);
    const outcome = await harness.parley.services.timeoutFlow.fireTimer({
      workflowId: null,
      conversationId: rows[0].id,
      kind: "TIMEOUT" as never,
    });
    expect(outcome).toEqual({ kind: "stale" });
    expect((await messagesOf(userNumber)).map((m) => m.kind)).toEqual(["NORMAL"]);
    const status = await harness.db.query("SELECT status FROM sms_conversation WHERE account_id = $1", [account.id]);
    expect(status.rows).toEqual([{ status: "ACTIVE" }]);
  });
});

describe("opt-out under concurrency", () => {
  it("20 AGENT messages racing one STOP, through two processes: none is recorded after the STOP's commit", async () => {
    const config = {
      ...loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
      databaseUrl: harness.database.url,
      port: 0,
      runWorker: false,
    };
    const other: Parley = await startParley({ config, logger: createLogger("silent") });
    try {
      for (let attempt = 0; attempt < 3; attempt++) {
        const userNumber = randomNumber();
        await create({ userNumber, message: "hi" });
        const post = (baseUrl: string, input: Record<string, unknown>) =>
          fetch(`${baseUrl}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: account.apiKey },
            body: JSON.stringify({ query: CREATE, variables: { input: { agentNumber: account.agentNumbers[0], userNumber, ...input } } }),
          }).then(async (response) => ((await response.json()) as any).data.createSmsConversation);
        const bases = [harness.baseUrl, `http://127.0.0.1:${other.port}`];
        const agents = Array.from({ length: 20 }, (_, i) => post(bases[i % 2], { message: `agent ${i}`, sender: "AGENT" }));
        const stop = post(bases[attempt % 2], { message: "STOP" });
        const [stopped, ...answers] = await Promise.all([stop, ...agents]);

        expect(stopped.userErrors).toEqual([]);
        const refused = answers.filter((answer) => answer.userErrors.length > 0);
        expect(refused.flatMap((answer) => answer.userErrors.map((error: { code: string }) => error.code))).toEqual(
          refused.map(() => "RECIPIENT_OPTED_OUT"),
        );
        // Every AGENT message recorded was created before the STOP (the write time is read under the pair's lock).
        const { rows } = await harness.db.query(
          `SELECT m.sender, m.kind, m.body FROM sms_message m JOIN sms_conversation c ON c.id = m.conversation_id
           WHERE c.account_id = $1 AND c.user_number = $2 ORDER BY m.created_at, m.id`,
          [account.id, userNumber],
        );
        const stopAt = rows.findIndex((row) => row.body === "STOP");
        expect(rows.slice(stopAt + 1).map((row) => row.kind)).toEqual(["OPT_OUT_CONFIRMATION"]);
        expect(rows.filter((row) => row.sender === "AGENT" && row.kind === "NORMAL")).toHaveLength(answers.length - refused.length);
      }
    } finally {
      await other.stop();
    }
  });
});
