import { SERVICE_UNAVAILABLE_MESSAGE } from "../src/http/graphql/service-unavailable";
import { eventually } from "./support/eventually";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

/*
 * The REST surface under the limits GraphQL has: the key's budget (429 RATE_LIMITED with
 * Retry-After and the RateLimit headers), the per-address limit on requests without a valid key,
 * and an unreachable database (503 SERVICE_UNAVAILABLE with Retry-After).
 */

jest.setTimeout(60_000);

describe("the key's budget and the anonymous limit", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, config: { rateLimit: { points: 100, windowSeconds: 60, anonymousPoints: 3 } } });
  });
  afterAll(() => harness.close());

  const conversationsOf = async (account: TestAccount) =>
    (await harness.db.query("SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [account.id])).rows[0].n;

  it("spends a create's 13 points, as GraphQL's, tells the budget on every answer, and refuses over it with 429, writing nothing", async () => {
    const account = await harness.createAccount();
    const answers = [];
    for (let i = 0; i < 9; i++)
      answers.push(
        await harness.rest("POST", "/v1/sms/create", {
          apiKey: account.apiKey,
          body: { user_number: randomNumber(), agent_number: account.agentNumbers[0], message: "hi" },
        }),
      );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 429, 429]);
    expect(answers[0].headers.get("ratelimit-policy")).toBe('"key";q=100;w=60');
    expect(answers[0].headers.get("ratelimit")).toMatch(/^"key";r=87;t=\d+$/);
    const { headers, body } = answers[7];
    expect(body).toEqual({
      data: null,
      errors: [
        {
          code: "RATE_LIMITED",
          field: null,
          message: expect.stringMatching(
            /^Rate limit exceeded\. This API key has spent the 100 points of this 60 s window; retry after \d+ s\.$/,
          ),
        },
      ],
    });
    expect(Number(headers.get("retry-after"))).toBeGreaterThan(0);
    expect(headers.get("ratelimit")).toMatch(/^"key";r=0;t=\d+$/);
    expect(await conversationsOf(account)).toBe(7);
  });

  it("charges a list its page: pageSize × 32 points, more than this budget holds at the default page", async () => {
    const account = await harness.createAccount();
    const small = await harness.rest("GET", "/v1/sms/conversations", { apiKey: account.apiKey, query: { pageSize: "2" } });
    expect(small.status).toBe(200);
    expect(small.headers.get("ratelimit")).toMatch(/^"key";r=35;t=\d+$/);
    const large = await harness.rest("GET", "/v1/sms/conversations", { apiKey: account.apiKey });
    expect(large.status).toBe(429);
    expect(large.body.errors[0].code).toBe("RATE_LIMITED");
  });

  it("refuses an address out of attempts without a valid key with 429 RATE_LIMITED, a request without a key too", async () => {
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await harness.rest("GET", "/v1/sms/numbers", { apiKey: "prl_not-a-real-key-but-shaped-like-one-0000000" })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const refused = await harness.rest("GET", "/v1/sms/numbers", {});
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0]).toMatchObject({ code: "RATE_LIMITED", field: null });
    expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
  });
});

describe("while the database refuses connections", () => {
  let proxy: TcpProxy;
  let harness: Harness;
  let known: TestAccount;

  beforeAll(async () => {
    harness = await startHarness({
      runWorker: false,
      connectVia: async (url) => (proxy = await startTcpProxy(url)).url,
      authCacheTtlMs: 600_000,
      databaseTimeouts: { statementTimeoutMs: 1_000, connectTimeoutMs: 500 },
    });
    known = await harness.createAccount();
    expect((await harness.rest("GET", "/v1/sms/numbers", { apiKey: known.apiKey })).status).toBe(200);
  });
  afterAll(async () => {
    await harness.close();
    await proxy.close();
  });

  it("answers authentication, writes and reads with 503 SERVICE_UNAVAILABLE and Retry-After, and serves again once it is back", async () => {
    const stranger = await harness.createAccount();
    await proxy.refuse();
    try {
      const answers = await Promise.all([
        // Its key was never seen: authentication needs the database.
        harness.rest("GET", "/v1/sms/numbers", { apiKey: stranger.apiKey }),
        harness.rest("POST", "/v1/sms/create", {
          apiKey: known.apiKey,
          body: { user_number: randomNumber(), agent_number: known.agentNumbers[0], message: "hello" },
        }),
        harness.rest("GET", "/v1/sms/conversations", { apiKey: known.apiKey }),
      ]);
      for (const answer of answers) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get("retry-after")).toBe("2");
        expect(answer.body).toEqual({
          data: null,
          errors: [{ code: "SERVICE_UNAVAILABLE", field: null, message: SERVICE_UNAVAILABLE_MESSAGE }],
        });
      }
    } finally {
      await proxy.restore();
    }
    await eventually(async () => expect((await harness.rest("GET", "/v1/sms/numbers", { apiKey: stranger.apiKey })).status).toBe(200), {
      timeoutMs: 15_000,
      intervalMs: 200,
    });
  });
});
