import type { RecordMessageCommand } from "../src/services/conversations/record-message.command";
import { UserErrorCode } from "../src/services/shared/user-error-code.enum";
import { createServices } from "../src/services/services";
import { eventually } from "./support/eventually";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { refusePoisonedMessages } from "./support/poisoned-messages";

// USER messages without timeOut/warningTime are written in batches (group commit). Calls made in
// one tick reach the batcher together, so these tests know which calls share a batch.

let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
  // Caches the number, so that every call of a test reaches the batcher in the same tick.
  expect((await create({ userNumber: randomNumber(), message: "warm-up" })).ok).toBe(true);
});

const create = (command: Partial<RecordMessageCommand>) =>
  harness.parley.services.conversations.recordMessage(account.id, {
    agentNumber: account.agentNumbers[0],
    message: "hello",
    ...command,
  } as RecordMessageCommand);

const rows = async (sql: string, params: unknown[] = []) => (await harness.db.query(sql, params)).rows;

describe("createSmsConversation in batches", () => {
  it("writes calls that arrive together in one transaction, each with its own conversation, message and PENDING workflow", async () => {
    const userNumbers = Array.from({ length: 20 }, () => randomNumber());

    const results = await Promise.all(userNumbers.map((userNumber, i) => create({ userNumber, message: `message ${i}` })));

    expect(results.every((result) => result.ok && !result.replayed)).toBe(true);
    const written = await rows(
      `SELECT c.id, c.user_number, c.xmin::text AS tx, m.body, w.id AS workflow_id, w.status AS workflow_status
       FROM sms_conversation c JOIN sms_message m ON m.conversation_id = c.id JOIN workflow w ON w.conversation_id = c.id
       WHERE c.user_number = ANY($1)`,
      [userNumbers],
    );
    expect(written).toHaveLength(20);
    userNumbers.forEach((userNumber, i) => {
      const result = results[i] as Extract<(typeof results)[number], { ok: true }>;
      expect(written.find((row) => row.user_number === userNumber)).toEqual({
        id: result.conversationId,
        user_number: userNumber,
        tx: expect.any(String),
        body: `message ${i}`,
        workflow_id: result.workflowId,
        workflow_status: "PENDING",
      });
    });
    expect(new Set(written.map((row) => row.tx)).size).toBe(1);
  });

  it("records a pair's calls of one batch in one conversation, in the order they came", async () => {
    const userNumber = randomNumber();

    const results = await Promise.all([
      create({ userNumber, message: "first" }),
      create({ userNumber: randomNumber(), message: "another pair" }),
      create({ userNumber, message: "second" }),
      create({ userNumber, message: "third" }),
    ]);

    const [first, , second, third] = results.map((result) => (result.ok ? result.conversationId : result.problem.code));
    expect(second).toBe(first);
    expect(third).toBe(first);
    const messages = await rows("SELECT body FROM sms_message WHERE conversation_id = $1 ORDER BY created_at", [first]);
    expect(messages.map((message) => message.body)).toEqual(["first", "second", "third"]);
    expect(await rows("SELECT status FROM sms_conversation WHERE account_id = $1 AND user_number = $2", [account.id, userNumber])).toEqual([
      { status: "ACTIVE" },
    ]);
    expect(await rows("SELECT count(*)::int AS n FROM workflow WHERE conversation_id = $1", [first])).toEqual([{ n: 1 }]);
  });

  it("writes a pair's later call of a batch with the next batch, in one transaction with the calls that came meanwhile", async () => {
    // A recorder whose waiting batch never goes early, so the next batch holds what came meanwhile.
    const recorder = createServices(harness.parley.database.dataSource, { writeBatching: { stalledAfterMs: 60_000 } });
    const record = (userNumber: string, message: string) =>
      recorder.conversations.recordMessage(account.id, {
        agentNumber: account.agentNumbers[0],
        userNumber,
        message,
      });
    const [pair, other, later] = [randomNumber(), randomNumber(), randomNumber()];
    expect((await record(other, "earlier")).ok).toBe(true);

    // The first batch stays in flight on a lock on `other`'s conversation until the call that came meanwhile waits.
    const blocker = await harness.db.connect();
    try {
      await blocker.query("BEGIN");
      await blocker.query("SELECT id FROM sms_conversation WHERE account_id = $1 AND user_number = $2 FOR UPDATE", [account.id, other]);
      const first = [record(pair, "first"), record(other, "other"), record(pair, "second")];
      await eventually(async () => {
        const { rows: waiting } = await harness.db.query(
          "SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'parley-writer' AND wait_event_type = 'Lock'",
        );
        expect(waiting).toEqual([{ n: 1 }]);
      });
      const meanwhile = record(later, "meanwhile");
      for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
      await blocker.query("COMMIT");
      expect((await Promise.all([...first, meanwhile])).every((result) => result.ok)).toBe(true);
    } finally {
      blocker.release();
    }

    const tx = Object.fromEntries(
      (await rows("SELECT body, xmin::text AS tx FROM sms_message WHERE account_id = $1", [account.id])).map((row) => [row.body, row.tx]),
    );
    expect(tx.other).toBe(tx.first);
    expect(tx.second).not.toBe(tx.first);
    expect(tx.meanwhile).toBe(tx.second);
    const messages = await rows(
      "SELECT m.body FROM sms_message m JOIN sms_conversation c ON c.id = m.conversation_id WHERE c.user_number = $1 ORDER BY m.created_at",
      [pair],
    );
    expect(messages.map((message) => message.body)).toEqual(["first", "second"]);
  });

  it("answers a messageSid used twice in one batch as a replay, or as MESSAGE_SID_CONFLICT when the message differs", async () => {
    const userNumber = randomNumber();

    const [original, repeat, conflict] = await Promise.all([
      create({ userNumber, message: "hello", messageSid: "SMbatch" }),
      create({ userNumber, message: "hello", messageSid: "SMbatch" }),
      create({ userNumber: randomNumber(), message: "something else", messageSid: "SMbatch" }),
    ]);

    expect(original).toMatchObject({ ok: true, replayed: false });
    expect(repeat).toMatchObject({ ok: true, replayed: true });
    expect(original.ok && repeat.ok && repeat.conversationId === original.conversationId).toBe(true);
    expect(conflict).toMatchObject({ ok: false, problem: { code: UserErrorCode.MESSAGE_SID_CONFLICT, field: "messageSid" } });
    expect(await rows("SELECT body FROM sms_message WHERE account_id = $1 AND message_sid = 'SMbatch'", [account.id])).toEqual([
      { body: "hello" },
    ]);
  });

  it("answers the repeat of a messageSid committed earlier as a replay, and still writes the rest of its batch", async () => {
    const userNumber = randomNumber();
    const original = await create({ userNumber, message: "hello", messageSid: "SMearlier" });
    const others = Array.from({ length: 3 }, () => randomNumber());

    const [repeat, ...rest] = await Promise.all([
      create({ userNumber, message: "hello", messageSid: "SMearlier" }),
      ...others.map((other) => create({ userNumber: other, message: `for ${other}` })),
    ]);

    expect(original.ok && repeat.ok && repeat.replayed && repeat.conversationId === original.conversationId).toBe(true);
    expect(rest.every((result) => result.ok && !result.replayed)).toBe(true);
    expect(
      await rows("SELECT count(*)::int AS n FROM sms_message WHERE account_id = $1 AND message_sid = 'SMearlier'", [account.id]),
    ).toEqual([{ n: 1 }]);
    const written = await rows(
      "SELECT c.user_number, m.body FROM sms_conversation c JOIN sms_message m ON m.conversation_id = c.id WHERE c.user_number = ANY($1) ORDER BY m.body",
      [others],
    );
    expect(written).toEqual(
      others.map((other) => ({ user_number: other, body: `for ${other}` })).sort((a, b) => a.body.localeCompare(b.body)),
    );
  });

  it("writes a batch mixing every kind of message call in one statement, each call as it would be written alone", async () => {
    const [plain, repeated, keyword, replaced, sent] = Array.from({ length: 5 }, () => randomNumber());
    const earlier = await create({ userNumber: repeated, message: "hello", messageSid: "SMmixed" });
    const old = await create({ userNumber: replaced, message: "old" });

    const [plainResult, repeatResult, keywordResult, replacedResult, sentResult] = await Promise.all([
      create({ userNumber: plain, message: "plain" }),
      create({ userNumber: repeated, message: "hello", messageSid: "SMmixed" }),
      create({ userNumber: keyword, message: "STOP" }),
      create({ userNumber: replaced, message: "new", newConversation: true }),
      harness.parley.services.conversations.sendMessage(account.id, {
        agentNumber: account.agentNumbers[0],
        userNumber: sent,
        agentMessage: "sent",
      }),
    ]);

    expect(plainResult).toMatchObject({ ok: true, replayed: false, archivedConversationId: null });
    expect(earlier.ok && repeatResult.ok && repeatResult.replayed && repeatResult.conversationId === earlier.conversationId).toBe(true);
    expect(keywordResult).toMatchObject({ ok: true, replayed: false });
    expect(old.ok && replacedResult.ok && replacedResult.archivedConversationId === old.conversationId).toBe(true);
    expect(sentResult).toMatchObject({ ok: true, replayed: false });
    const written = await rows(
      `SELECT c.user_number, c.status, m.sender, m.kind, m.body, m.delivery_status, m.xmin::text AS tx
       FROM sms_conversation c JOIN sms_message m ON m.conversation_id = c.id
       WHERE c.account_id = $1 AND c.user_number = ANY($2) AND m.body <> 'old' AND m.message_sid IS DISTINCT FROM 'SMmixed'
       ORDER BY c.user_number, m.created_at`,
      [account.id, [plain, keyword, replaced, sent]],
    );
    const tx = written[0]?.tx;
    expect(written).toEqual(
      [
        { user_number: plain, status: "ACTIVE", sender: "USER", kind: "NORMAL", body: "plain", delivery_status: null, tx },
        { user_number: keyword, status: "ACTIVE", sender: "USER", kind: "NORMAL", body: "STOP", delivery_status: null, tx },
        {
          user_number: keyword,
          status: "ACTIVE",
          sender: "AGENT",
          kind: "OPT_OUT_CONFIRMATION",
          body: expect.stringContaining("unsubscribed"),
          delivery_status: "QUEUED",
          tx,
        },
        { user_number: replaced, status: "ACTIVE", sender: "USER", kind: "NORMAL", body: "new", delivery_status: null, tx },
        { user_number: sent, status: "ACTIVE", sender: "AGENT", kind: "NORMAL", body: "sent", delivery_status: "QUEUED", tx },
      ].sort((a, b) => a.user_number.localeCompare(b.user_number)),
    );
    expect(await rows("SELECT status FROM sms_conversation WHERE id = $1", [old.ok && old.conversationId])).toEqual([
      { status: "ARCHIVED" },
    ]);
    expect(await rows("SELECT opted_out FROM sms_recipient WHERE account_id = $1 AND user_number = $2", [account.id, keyword])).toEqual([
      { opted_out: true },
    ]);
    expect(
      await rows("SELECT count(*)::int AS n FROM sms_message WHERE account_id = $1 AND message_sid = 'SMmixed'", [account.id]),
    ).toEqual([{ n: 1 }]);
  });

  it("fails only the call that fails: the others of its batch are written", async () => {
    const allowPoison = await refusePoisonedMessages(harness.db);
    try {
      const userNumbers = Array.from({ length: 5 }, () => randomNumber());

      const results = await Promise.allSettled(
        userNumbers.map((userNumber, i) => create({ userNumber, message: i === 2 ? "poison" : `message ${i}` })),
      );

      expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled", "fulfilled"]);
      const written = await rows(
        `SELECT c.user_number, m.body FROM sms_conversation c JOIN sms_message m ON m.conversation_id = c.id JOIN workflow w ON w.conversation_id = c.id
         WHERE c.user_number = ANY($1) ORDER BY m.body`,
        [userNumbers],
      );
      expect(written).toEqual([0, 1, 3, 4].map((i) => ({ user_number: userNumbers[i], body: `message ${i}` })));
    } finally {
      await allowPoison();
    }
  });
});
