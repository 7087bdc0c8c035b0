import { createWorkerLogger } from "../src/logging/worker-logger";
import { eventually } from "./support/eventually";
import { capturedLogger } from "./support/captured-logger";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";

/**
 * Logs never hold phone numbers, message bodies, request data or keys — not even when a
 * statement carrying them fails — yet still tell an operator what failed and where.
 */

const logs = capturedLogger();
let harness: Harness;
let account: TestAccount;

const USER_NUMBER = randomNumber();
/** PostgreSQL refuses these bodies (CONSTRAINT), so recording them fails after validation passed. */
const BODY = "Meet me at 221B Baker Street 🙂";
/** Refused by constraints of their own: the same failure twice within an interval is logged once (LogThrottle). */
const OTHER_BODY = "Meet me at 221B Baker Street, upstairs 🙂";
const OTHER_CONSTRAINT = "log_test_refuses_other_bodies";
const THIRD_BODY = "Meet me at 221B Baker Street, downstairs 🙂";
const THIRD_CONSTRAINT = "log_test_refuses_third_bodies";
const TIMEOUT_BODY = "Your code expired, Mrs Hudson";
const REQUEST_DATA = { crm: "REQUEST-DATA-SECRET", nested: { ssn: "078-05-1120" } };
const CONSTRAINT = "log_test_refuses_bodies";

/** Every piece of personal data or secret this file sends, as it could appear in a log. */
const secrets = () => [
  USER_NUMBER,
  USER_NUMBER.slice(1),
  BODY,
  OTHER_BODY,
  THIRD_BODY,
  "221B",
  TIMEOUT_BODY,
  "Hudson",
  "REQUEST-DATA-SECRET",
  "078-05-1120",
  account.apiKey,
];
const leaked = () => secrets().filter((secret) => logs.text().includes(secret));

beforeAll(async () => {
  harness = await startHarness({ nodeEnv: "production", logger: logs.logger, worker: { pollInterval: 50, relayIntervalMs: 20 } });
  account = await harness.createAccount();
  await harness.db.query(`ALTER TABLE sms_message ADD CONSTRAINT ${CONSTRAINT} CHECK (body NOT IN ('${BODY}', '${TIMEOUT_BODY}'))`);
  await harness.db.query(`ALTER TABLE sms_message ADD CONSTRAINT ${OTHER_CONSTRAINT} CHECK (body <> '${OTHER_BODY}')`);
  await harness.db.query(`ALTER TABLE sms_message ADD CONSTRAINT ${THIRD_CONSTRAINT} CHECK (body <> '${THIRD_BODY}')`);
});
afterAll(() => harness.close());

/** Until the access-log line, written once the response is sent, is in. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

describe("a database error while recording a message", () => {
  it.each([
    ["a USER message", {}, "DatabaseError", BODY, CONSTRAINT],
    ["an AGENT message with a timeOut", { sender: "AGENT", timeOut: 600 }, "DatabaseError", OTHER_BODY, OTHER_CONSTRAINT],
    ["a newConversation", { newConversation: true }, "DatabaseError", THIRD_BODY, THIRD_CONSTRAINT],
  ])(
    "%s is logged with its class, SQLSTATE, constraint and request id, and without the number, body, request data or key",
    async (_path, extra, type, message, constraint) => {
      const input = {
        userNumber: USER_NUMBER,
        agentNumber: account.agentNumbers[0],
        message,
        requestData: REQUEST_DATA,
        messageSid: `SM${Date.now()}`,
        ...extra,
      };
      const { headers, body } = await harness.graphql(CREATE, { input }, { apiKey: account.apiKey });
      const requestId = headers.get("x-request-id");
      expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: "INTERNAL_SERVER_ERROR", requestId } })]);
      await settle();

      const logged = logs.lines().filter((line) => line.msg === "unexpected error" && line.requestId === requestId);
      expect(logged).toEqual([
        expect.objectContaining({
          level: 50,
          req: { id: requestId, method: "POST", url: "/graphql" },
          err: expect.objectContaining({
            type,
            code: "23514",
            table: "sms_message",
            constraint,
            message: `new row for relation "sms_message" violates check constraint "${constraint}"`,
            stack: expect.stringMatching(/^\w+: new row for relation[^\n]*\n\s+at /),
          }),
        }),
      ]);
      expect(Object.keys(logged[0].err).sort()).toEqual([
        "code",
        "constraint",
        "message",
        "routine",
        "schema",
        "severity",
        "stack",
        "table",
        "type",
      ]);
      expect(leaked()).toEqual([]);
    },
  );
});

it("a GET query's access-log line keeps the path but not the query string, which holds the operation's variables", async () => {
  const query = encodeURIComponent("query($n: String!) { agentNumber(number: $n) { id } }");
  const variables = encodeURIComponent(JSON.stringify({ n: USER_NUMBER }));
  const response = await fetch(`${harness.baseUrl}/graphql?query=${query}&variables=${variables}`, {
    headers: { authorization: account.apiKey, "apollo-require-preflight": "1", "x-request-id": "req-get-variables" },
  });
  expect(response.status).toBe(200);
  await settle();
  expect(logs.lines()).toContainEqual(
    expect.objectContaining({
      msg: "request completed",
      req: { id: "req-get-variables", method: "GET", url: "/graphql?[redacted]" },
      res: { statusCode: 200 },
    }),
  );
  expect(leaked()).toEqual([]);
});

it("a failed timer job, logged by graphile-worker with its payload and last error, holds neither the timeout message nor the number", async () => {
  const input = {
    userNumber: USER_NUMBER,
    agentNumber: account.agentNumbers[0],
    message: "Are you there?",
    sender: "AGENT",
    timeOut: 1,
    timeoutMessage: TIMEOUT_BODY,
    newConversation: true,
  };
  const { body } = await harness.graphql(CREATE, { input }, { apiKey: account.apiKey });
  expect(body.data!.createSmsConversation.userErrors).toEqual([]);

  const failure = await eventually(async () => {
    const line = logs.lines().find((line) => line.level === 50 && typeof line.msg === "string" && line.msg.startsWith("Failed task"));
    if (!line) throw new Error("graphile-worker has not logged the failure yet");
    return line;
  });
  expect(failure).toMatchObject({
    worker: expect.anything(),
    msg: expect.stringContaining(`violates check constraint "${CONSTRAINT}"`),
    error: expect.objectContaining({ type: "DatabaseError", code: "23514", constraint: CONSTRAINT }),
    job: expect.objectContaining({ task_identifier: "conversation.timer", attempts: 1 }),
  });
  expect(failure.job).not.toHaveProperty("payload");
  expect(failure.job).not.toHaveProperty("last_error");
  expect(leaked()).toEqual([]);
});

describe("an error that quotes the value it refused", () => {
  /** A real QueryFailedError: PostgreSQL quotes the refused value in its message, TypeORM adds the parameters. */
  const failedQuery = async (): Promise<Error> => {
    const error = await harness.parley.database.dataSource.query("SELECT $1::uuid AS id", [USER_NUMBER]).then(
      () => {
        throw new Error("the query should have failed");
      },
      (error: Error) => error,
    );
    expect(error.message).toContain(USER_NUMBER);
    return error;
  };

  it("is logged with the quoted value masked, under any name, and the line's message masks it too", async () => {
    const error = await failedQuery();
    const { logger, lines, text } = capturedLogger();

    logger.error({ err: error }, "lookup failed");
    logger.error(error);
    logger.error({ err: error });
    logger.warn({ failure: error }, `lookup failed: ${error}`);
    // graphile-worker's own wording, through the adapter the worker uses.
    createWorkerLogger(logger).error(`Failed task 7 (conversation.timer) with error '${error.message}':\n  ${error.stack}`, {
      failure: true,
      error,
    });

    const masked = 'invalid input syntax for type uuid: "…"';
    expect(lines().map((line) => line.err ?? line.error ?? line.failure)).toEqual(
      Array.from({ length: 5 }, () => expect.objectContaining({ type: "QueryFailedError", code: "22P02", message: masked })),
    );
    expect(lines().map((line) => line.msg)).toEqual([
      "lookup failed",
      masked,
      masked,
      `lookup failed: QueryFailedError: ${masked}`,
      expect.stringContaining(`with error '${masked}'`),
    ]);
    expect(text()).not.toContain(USER_NUMBER.slice(1));
    expect(text()).not.toMatch(/parameters|SELECT/);
  });
});

it("the embedded PostgreSQL server's own log keeps its errors but not the rows, keys, statements or parameters it quotes", () => {
  const { logger, lines, text } = capturedLogger("trace");
  // As src/database/embedded-postgres.ts passes the server's output on (default log_line_prefix).
  logger.trace(
    {
      postgres: [
        `2026-11-30 11:22:29.315 UTC [20845] ERROR:  duplicate key value violates unique constraint "sms_message_account_message_sid_key"`,
        `2026-11-30 11:22:29.315 UTC [20845] DETAIL:  Key (account_id, message_sid)=(${account.id}, SM-${USER_NUMBER}) already exists.`,
        `2026-11-30 11:22:29.316 UTC [20845] ERROR:  new row for relation "sms_message" violates check constraint "${CONSTRAINT}"`,
        `2026-11-30 11:22:29.316 UTC [20845] DETAIL:  Failing row contains (${account.id}, Meet me at`,
        `221B Baker Street, ${USER_NUMBER}).`,
        `2026-11-30 11:22:29.316 UTC [20845] STATEMENT:  INSERT INTO sms_message (body) VALUES ('${BODY}')`,
        `2026-11-30 11:22:29.318 UTC [20845] ERROR:  invalid input syntax for type uuid: "${USER_NUMBER}"`,
        `2026-11-30 11:22:29.318 UTC [20845] CONTEXT:  unnamed portal parameter $1 = '${USER_NUMBER}'`,
      ].join("\n"),
    },
    "embedded postgres",
  );
  expect(lines()).toHaveLength(1);
  expect(lines()[0].postgres.split("\n")).toEqual([
    '2026-11-30 11:22:29.315 UTC [20845] ERROR:  duplicate key value violates unique constraint "…"',
    "2026-11-30 11:22:29.315 UTC [20845] DETAIL: [redacted]",
    '2026-11-30 11:22:29.316 UTC [20845] ERROR:  new row for relation "…" violates check constraint "…"',
    "2026-11-30 11:22:29.316 UTC [20845] DETAIL: [redacted]",
    "2026-11-30 11:22:29.316 UTC [20845] STATEMENT: [redacted]",
    '2026-11-30 11:22:29.318 UTC [20845] ERROR:  invalid input syntax for type uuid: "…"',
    "2026-11-30 11:22:29.318 UTC [20845] CONTEXT: [redacted]",
  ]);
  for (const secret of [...secrets(), account.id]) expect(text()).not.toContain(secret);
});
