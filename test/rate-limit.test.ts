import { loadConfig } from "../src/config";
import { createLogger } from "../src/logging/logger";
import { type Parley, startParley } from "../src/parley";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";

/*
 * The per-key budget: an operation spends its cost (the same figure the cost limit checks) from
 * its key's points for the window, shared by every gateway process through PostgreSQL. And the
 * per-address limit on requests without a valid key.
 */

const SMALL = "{ __typename }"; // costs 1
const create = (account: TestAccount) => ({
  input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "hi" },
});
const CREATE_CHEAP =
  "mutation($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { conversationId userErrors { code } } }";
const conversationsOf = async (harness: Harness, account: TestAccount) =>
  (await harness.db.query("SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [account.id])).rows[0].n;

describe("the per-key budget", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, config: { rateLimit: { points: 100, windowSeconds: 60, anonymousPoints: 0 } } });
  });
  afterAll(() => harness.close());

  it("tells the client its budget on every answer and spends each operation's cost", async () => {
    const account = await harness.createAccount();
    const first = await harness.graphql(SMALL, undefined, { apiKey: account.apiKey });
    expect(first.headers.get("ratelimit-policy")).toBe('"key";q=100;w=60');
    expect(first.headers.get("ratelimit")).toMatch(/^"key";r=99;t=(59|60)$/);
    const second = await harness.graphql("{ a: __typename b: __typename }", undefined, { apiKey: account.apiKey });
    expect(second.headers.get("ratelimit")).toMatch(/^"key";r=97;t=\d+$/);
  });

  it("refuses an operation over the budget with 429, RATE_LIMITED and Retry-After, and writes nothing", async () => {
    const account = await harness.createAccount();
    const answers = [];
    for (let i = 0; i < 9; i++) answers.push(await harness.graphql(CREATE_CHEAP, create(account), { apiKey: account.apiKey }));

    // 13 points each (10 for the write, 3 for what it selects): 7 fit in 100, the 8th does not.
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200, 200, 429, 429]);
    expect(answers[6].headers.get("ratelimit")).toMatch(/^"key";r=9;t=\d+$/);
    const { headers, body } = answers[7];
    expect(body).toEqual({
      errors: [
        {
          message: expect.stringMatching(
            /^Rate limit exceeded\. This API key has spent the 100 points of this 60 s window; retry after \d+ s\.$/,
          ),
          extensions: {
            code: "RATE_LIMITED",
            retryAfterSeconds: expect.any(Number),
            limit: 100,
            windowSeconds: 60,
            requestId: headers.get("x-request-id"),
          },
        },
      ],
    });
    expect(Number(headers.get("retry-after"))).toBeGreaterThan(0);
    expect(headers.get("ratelimit")).toMatch(/^"key";r=0;t=\d+$/);
    expect(await conversationsOf(harness, account)).toBe(7);
  });

  it("charges every request at least a point, with the RateLimit headers on every answer: refused by a limit, unreadable, or fine", async () => {
    const account = await harness.createAccount();
    const post = (body: string) =>
      fetch(`${harness.baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/graphql-response+json", authorization: account.apiKey },
        body,
      });
    const tooMany = await post(JSON.stringify({ query: `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(" ")} }` }));
    expect(tooMany.status).toBe(400);
    expect(tooMany.headers.get("content-type")).toBe("application/graphql-response+json; charset=utf-8");
    expect(((await tooMany.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe(
      "OPERATION_LIMIT_EXCEEDED",
    );
    expect(tooMany.headers.get("ratelimit")).toMatch(/^"key";r=99;/);
    const unreadable = await post("{not json");
    expect(unreadable.status).toBe(400);
    expect(unreadable.headers.get("ratelimit")).toMatch(/^"key";r=98;/);
    const fine = await post(JSON.stringify({ query: SMALL }));
    expect(fine.headers.get("ratelimit")).toMatch(/^"key";r=97;/);
  });

  it("keeps each key's budget to itself", async () => {
    const spender = await harness.createAccount();
    const other = await harness.createAccount();
    const big = `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: agentNumbers(first: 100) { edges { cursor } }`).join(" ")} }`;
    for (let i = 0; i < 3; i++) await harness.graphql(big, undefined, { apiKey: spender.apiKey });
    expect((await harness.graphql(SMALL, undefined, { apiKey: spender.apiKey })).status).toBe(429);
    const { status, headers } = await harness.graphql(SMALL, undefined, { apiKey: other.apiKey });
    expect(status).toBe(200);
    expect(headers.get("ratelimit")).toMatch(/r=99;/);
  });

  it("is shared by every gateway process on the database", async () => {
    const account = await harness.createAccount();
    const config = {
      ...loadConfig({ NODE_ENV: "test", LOG_LEVEL: "silent" }),
      databaseUrl: harness.database.url,
      port: 0,
      runWorker: false,
      rateLimit: { points: 100, windowSeconds: 60, anonymousPoints: 0 },
    };
    const second: Parley = await startParley({ config, logger: createLogger("silent") });
    try {
      await harness.graphql(SMALL, undefined, { apiKey: account.apiKey });
      const response = await fetch(`http://127.0.0.1:${second.port}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: account.apiKey },
        body: JSON.stringify({ query: SMALL }),
      });
      expect(response.headers.get("ratelimit")).toMatch(/^"key";r=98;/);
    } finally {
      await second.stop();
    }
  });
});

describe("RATE_LIMIT_POINTS=0", () => {
  it("turns the per-key budget off: no RateLimit headers, nothing refused", async () => {
    const harness = await startHarness({ runWorker: false, config: { rateLimit: { points: 0, windowSeconds: 60, anonymousPoints: 0 } } });
    try {
      const account = await harness.createAccount();
      const { status, headers } = await harness.graphql(SMALL, undefined, { apiKey: account.apiKey });
      expect(status).toBe(200);
      expect(headers.get("ratelimit")).toBeNull();
      expect((await harness.db.query("SELECT count(*)::int AS n FROM api_key_budget")).rows[0].n).toBe(0);
    } finally {
      await harness.close();
    }
  });
});

describe("requests without a valid key, per address", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, config: { rateLimit: { points: 0, windowSeconds: 60, anonymousPoints: 3 } } });
  });
  afterAll(() => harness.close());

  it("are answered 401 up to the limit, then 429 without a lookup; a key this process knows still works", async () => {
    const account = await harness.createAccount();
    // Known to this process from now on.
    expect((await harness.graphql(SMALL, undefined, { apiKey: account.apiKey })).status).toBe(200);
    const made_up = "prl_" + "B".repeat(43);
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await harness.graphql(SMALL, undefined, { apiKey: made_up })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);

    const refused = await harness.graphql(SMALL, undefined, { apiKey: null });
    expect(refused.status).toBe(429);
    expect(refused.body.errors![0].extensions).toMatchObject({ code: "RATE_LIMITED", limit: 3 });
    expect(refused.headers.get("ratelimit-policy")).toBe('"anonymous";q=3;w=60');
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    expect((await harness.graphql(SMALL, undefined, { apiKey: account.apiKey })).status).toBe(200);
  });
});

describe("an address that has spent its budget of requests without a valid key", () => {
  it("still gets its recently valid keys looked up once the auth cache forgot them, and never a key revoked since", async () => {
    const harness = await startHarness({
      runWorker: false,
      authCacheTtlMs: 100,
      config: { rateLimit: { points: 0, windowSeconds: 60, anonymousPoints: 2 } },
    });
    try {
      const known = await harness.createAccount();
      const revoked = await harness.createAccount();
      const stranger = await harness.createAccount();
      for (const account of [known, revoked])
        expect((await harness.graphql(SMALL, undefined, { apiKey: account.apiKey })).status).toBe(200);
      for (let i = 0; i < 3; i++) await harness.graphql(SMALL, undefined, { apiKey: "prl_" + "D".repeat(43) });
      await harness.parley.services.apiKeys.revoke(revoked.keyId);
      await new Promise((resolve) => setTimeout(resolve, 200));

      expect((await harness.graphql(SMALL, undefined, { apiKey: known.apiKey })).status).toBe(200);
      // Looked up, found revoked: one more failure from an address over its budget.
      expect((await harness.graphql(SMALL, undefined, { apiKey: revoked.apiKey })).status).toBe(429);
      // A valid key this process never saw waits for the window, like any guess.
      expect((await harness.graphql(SMALL, undefined, { apiKey: stranger.apiKey })).status).toBe(429);
    } finally {
      await harness.close();
    }
  });
});
