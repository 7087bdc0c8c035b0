import http from "node:http";
import { StatementLog } from "./support/statement-log";
import { capturedLogger } from "./support/captured-logger";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { expectMatchesOpenApi } from "./support/rest";

/*
 * The REST surface facing hostile or careless callers: no key, a revoked key, bodies that are
 * too large, not JSON or not UTF-8, hostile `filters`, other accounts' ids, unknown paths. Each
 * gets a typed answer (held to the OpenAPI document by harness.rest), changes nothing, and leaves
 * no personal data in the logs.
 */

const statements = new StatementLog();
const logs = capturedLogger();
let harness: Harness;
let account: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false, queryLogger: statements, logger: logs.logger, nodeEnv: "production" });
  account = await harness.createAccount();
});
afterAll(() => harness.close());

const rows = async (sql: string, params: unknown[] = []) => (await harness.db.query(sql, params)).rows;
const written = async () =>
  (
    await rows("SELECT (SELECT count(*) FROM sms_conversation)::int AS conversations, (SELECT count(*) FROM sms_message)::int AS messages")
  )[0];
const valid = () => ({ user_number: randomNumber(), agent_number: account.agentNumbers[0], message: "hello" });

/** The statements `action` makes the API send. */
async function statementsOf(action: () => Promise<unknown>): Promise<string[]> {
  statements.statements = [];
  statements.enabled = true;
  try {
    await action();
  } finally {
    statements.enabled = false;
  }
  return statements.statements;
}

describe("without a valid key", () => {
  it("answers 401 UNAUTHENTICATED on every route, touching nothing in the database but the key's lookup", async () => {
    const revoked = await harness.createAccount();
    await harness.parley.services.apiKeys.revoke(revoked.keyId);
    const before = await written();
    for (const apiKey of [null, "prl_made-up-key-of-the-right-shape-000000000000000", revoked.apiKey, `Bearer ${revoked.apiKey}`]) {
      for (const [method, path, body] of [
        ["POST", "/v1/sms/create", { ...valid(), agent_number: revoked.agentNumbers[0] }],
        ["POST", "/v1/sms/update", { phone_number: revoked.agentNumbers[0], sms_config: { time_out: 5 } }],
        ["GET", "/v1/sms/conversations", undefined],
        ["GET", "/v1/sms/conversations/conv_00000000000000000000000000000000", undefined],
        ["GET", "/v1/sms/numbers", undefined],
      ] as const) {
        let answer;
        const sent = await statementsOf(async () => (answer = await harness.rest(method, path, { apiKey, body })));
        expect({ apiKey, path, status: answer!.status }).toEqual({ apiKey, path, status: 401 });
        expect(answer!.headers.get("www-authenticate")).toBe("Bearer");
        expect(answer!.body).toEqual({
          data: null,
          errors: [{ code: "UNAUTHENTICATED", field: null, message: expect.stringMatching(/^Missing, unknown or revoked API key/) }],
        });
        // No key: nothing to look up. A key: its lookup, and nothing else.
        expect(sent).toHaveLength(apiKey === null ? 0 : 1);
        expect(sent.filter((statement) => !/FROM api_key WHERE key_hash/.test(statement))).toEqual([]);
      }
    }
    expect(await written()).toEqual(before);
  });

  it("answers 401 before reading the body: a body that is not JSON gets UNAUTHENTICATED; a large one closes the connection unread", async () => {
    const notJson = await harness.rest("POST", "/v1/sms/create", { rawBody: "{ not json" });
    expect(notJson.status).toBe(401);
    const refused = (headers: Record<string, string>) =>
      new Promise<{ status: number; connection: string | undefined; body: unknown }>((resolve, reject) => {
        const request = http.request(
          `${harness.baseUrl}/v1/sms/create`,
          { method: "POST", headers: { "content-type": "application/json", ...headers } },
          (response) => {
            let text = "";
            response.on("data", (chunk: Buffer) => (text += chunk.toString()));
            response.on("end", () =>
              resolve({ status: response.statusCode!, connection: response.headers.connection, body: JSON.parse(text) }),
            );
          },
        );
        request.on("error", reject);
        request.end("{");
      });
    for (const [headers, connection] of [
      [{}, "keep-alive"],
      [{ "content-length": String(10 * 1024 * 1024) }, "close"],
      [{ "transfer-encoding": "chunked" }, "close"],
    ] as const) {
      const answer = await refused(headers);
      expectMatchesOpenApi("POST", "/v1/sms/create", answer.status, answer.body);
      expect({ status: answer.status, connection: answer.connection }).toEqual({ status: 401, connection });
    }
  });

  it("serves the OpenAPI document without a key, and nothing else", async () => {
    const response = await fetch(`${harness.baseUrl}/v1/openapi.json`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });
});

describe("bodies", () => {
  it("refuses a body over 256 KB with 413, one that is not JSON or not UTF-8 with 400, one not sent as JSON with 415, all BAD_REQUEST", async () => {
    const before = await written();
    const big = await harness.rest("POST", "/v1/sms/create", {
      apiKey: account.apiKey,
      body: { ...valid(), request_data: { pad: "x".repeat(300_000) } },
    });
    expect(big.status).toBe(413);
    expect(big.body.errors).toEqual([{ code: "BAD_REQUEST", field: null, message: "The request body is larger than 256kb." }]);

    const malformed = await harness.rest("POST", "/v1/sms/create", { apiKey: account.apiKey, rawBody: '{"user_number": "+1555' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([{ code: "BAD_REQUEST", field: null, message: "The request body is not valid JSON." }]);
    expect(JSON.stringify(malformed.body)).not.toContain("+1555");

    const latin1 = Buffer.concat([
      Buffer.from('{"user_number":"+15555550123","agent_number":"x","message":"caf'),
      Buffer.from([0xe9]),
      Buffer.from('"}'),
    ]);
    const notUtf8 = await harness.rest("POST", "/v1/sms/create", { apiKey: account.apiKey, rawBody: latin1 });
    expect(notUtf8.status).toBe(400);
    expect(notUtf8.body.errors).toEqual([{ code: "BAD_REQUEST", field: null, message: "The request body is not valid UTF-8." }]);

    const form = await harness.rest("POST", "/v1/sms/create", {
      apiKey: account.apiKey,
      rawBody: "user_number=%2B15555550123",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(form.status).toBe(415);
    expect(form.body.errors).toEqual([
      { code: "BAD_REQUEST", field: null, message: "Send the body as JSON, with content-type: application/json." },
    ]);
    const none = await harness.rest("POST", "/v1/sms/update", { apiKey: account.apiKey });
    expect(none.status).toBe(415);
    expect(await written()).toEqual(before);
  });
});

describe("hostile filters", () => {
  it.each([
    ["nested arrays", "[".repeat(2_100) + "]".repeat(2_100), /^filters must be at most 4096 characters$/],
    ["nested within the limit", "[".repeat(1_000) + "]".repeat(1_000), /^filters\[0\] must be an object; filters must be a JSON array/],
    [
      "a condition nested deep",
      JSON.stringify([{ field: "status", operator: "eq", value: { a: { b: { c: [[["ACTIVE"]]] } } } }]),
      /^filters\[0\]\.value for status must be one of ACTIVE, ARCHIVED, TIMED_OUT$/,
    ],
    [
      "eleven conditions",
      JSON.stringify(Array.from({ length: 11 }, () => ({ field: "status", operator: "eq", value: "ACTIVE" }))),
      /^filters must be a JSON array of at most 10 objects/,
    ],
    ["a huge array", JSON.stringify(Array.from({ length: 2_100 }, () => 0)), /^filters must be at most 4096 characters$/],
    [
      "an unknown operator",
      JSON.stringify([{ field: "user_number", operator: "$regex", value: ".*" }]),
      /^filters\[0\]\.operator for user_number must be one of eq, contains, startsWith, endsWith$/,
    ],
    [
      "SQL in the field",
      JSON.stringify([{ field: "user_number; DROP TABLE sms_message", operator: "eq", value: "x" }]),
      /^filters\[0\]\.field must be one of /,
    ],
    [
      "a prototype key",
      '[{"field":"status","operator":"eq","value":"ACTIVE","__proto__":{"x":1}}]',
      /^filters\[0\] may hold only field, operator and value$/,
    ],
    ["an object, not an array", JSON.stringify({ field: "status", operator: "eq", value: "ACTIVE" }), /^filters must be a JSON array/],
    ["not JSON", "status=ACTIVE", /^filters must be a JSON array .*; it is not JSON$/],
    [
      "NUL in a value",
      JSON.stringify([{ field: "user_number", operator: "contains", value: "\u0000" }]),
      /^filters\[0\]\.value for user_number must be a string of at most 256 characters/,
    ],
    [
      "a value too long",
      JSON.stringify([{ field: "user_number", operator: "contains", value: "1".repeat(257) }]),
      /must be a string of at most 256 characters/,
    ],
    [
      "a date out of range",
      JSON.stringify([{ field: "created_at", operator: "gt", value: "0000-01-01T00:00:00Z" }]),
      /must be an RFC 3339 date-time/,
    ],
  ])("refuses %s with 400 INVALID_INPUT on filters, quoting nothing sent", async (_case, filters, message) => {
    const { status, body } = await harness.rest("GET", "/v1/sms/conversations", { apiKey: account.apiKey, query: { filters } });
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ code: "INVALID_INPUT", field: "filters", message: expect.stringMatching(message) }]);
    expect(body.errors[0].message).not.toMatch(/DROP|\$regex|\.\*/);
  });
});

describe("paths", () => {
  it("answers an unknown path under /v1 with 404 NOT_FOUND and a known one with another method with 405 and Allow", async () => {
    const unknown = await harness.rest("GET", "/v1/sms/unknown", { apiKey: account.apiKey });
    expect(unknown.status).toBe(404);
    expect(unknown.body.errors).toEqual([
      { code: "NOT_FOUND", field: null, message: expect.stringMatching(/^No such path\. The paths are \/v1\/sms\/create, /) },
    ]);
    const wrongMethod = await harness.rest("GET", "/v1/sms/create", { apiKey: account.apiKey });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    expect(wrongMethod.body.errors[0].code).toBe("METHOD_NOT_ALLOWED");
  });

  it("answers a browser's preflight for any origin", async () => {
    const response = await fetch(`${harness.baseUrl}/v1/sms/create`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("logs", () => {
  it("hold no phone number, body, request data or key of REST requests, and name known paths only", async () => {
    const userNumber = randomNumber();
    logs.clear();
    await harness.rest("POST", "/v1/sms/create", {
      apiKey: account.apiKey,
      body: {
        user_number: userNumber,
        agent_number: account.agentNumbers[0],
        message: "Secret body 221B",
        request_data: { ssn: "078-05-1120" },
      },
    });
    await harness.rest("GET", "/v1/sms/conversations", {
      apiKey: account.apiKey,
      query: { filters: JSON.stringify([{ field: "user_number", operator: "eq", value: userNumber }]) },
    });
    await harness.rest("GET", `/v1/sms/conversations/${encodeURIComponent(userNumber)}`, { apiKey: account.apiKey });
    await new Promise((resolve) => setTimeout(resolve, 30));
    const text = logs.text();
    for (const secret of [userNumber, userNumber.slice(1), "Secret body", "078-05-1120", account.apiKey])
      expect(text).not.toContain(secret);
    const accessLines = logs.lines().filter((line) => line.msg === "request completed");
    expect(accessLines.map((line) => [line.req.url, line.res.statusCode])).toEqual([
      ["/v1/sms/create", 200],
      // The query string (here a phone number) is never logged.
      ["/v1/sms/conversations?[redacted]", 200],
      ["[other path]", 404],
    ]);
  });
});
