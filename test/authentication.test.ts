import http from "node:http";
import { ApiKeyService } from "../src/services/accounts/api-key.service";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CONVERSATION, CREATE } from "./support/operations";

let harness: Harness;
let accountA: TestAccount;
let accountB: TestAccount;

beforeAll(async () => {
  harness = await startHarness({ runWorker: false });
});
afterAll(() => harness.close());
beforeEach(async () => {
  accountA = await harness.createAccount();
  accountB = await harness.createAccount();
});

const input = (account: TestAccount, extra: Record<string, unknown> = {}) => ({
  input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "hi", ...extra },
});
const conversationCount = async () => (await harness.db.query("SELECT count(*)::int AS n FROM sms_conversation")).rows[0].n as number;

describe("authentication", () => {
  it.each([
    ["no authorization header", null],
    ["an unknown key", "prl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["a malformed key", "not-a-key"],
    ["an empty Bearer", "Bearer "],
  ])("refuses %s with 401 and a top-level UNAUTHENTICATED error, and writes nothing", async (_name, key) => {
    const before = await conversationCount();
    const { status, headers, body } = await harness.graphql(CREATE, input(accountA), {
      apiKey: null,
      headers: key === null ? {} : { authorization: key },
    });

    expect(status).toBe(401);
    expect(headers.get("www-authenticate")).toBe("Bearer");
    expect(body).toEqual({
      errors: [
        {
          message: expect.stringContaining("authorization header"),
          extensions: { code: "UNAUTHENTICATED", requestId: headers.get("x-request-id") },
        },
      ],
    });
    expect(await conversationCount()).toBe(before);
  });

  it("answers a request without a key before reading its body: a body that is not even JSON gets UNAUTHENTICATED", async () => {
    const response = await fetch(`${harness.baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { errors: Array<{ extensions: { code: string } }> }).errors[0].extensions.code).toBe(
      "UNAUTHENTICATED",
    );
  });

  it("keeps the connection of a refused request with a small body, and closes it for a large or unsized one, never reading it", async () => {
    const connectionHeader = (headers: Record<string, string>, body: string) =>
      new Promise<string | undefined>((resolve, reject) => {
        const request = http.request(
          `${harness.baseUrl}/graphql`,
          { method: "POST", headers: { "content-type": "application/json", ...headers } },
          (response) => {
            response.resume();
            resolve(response.headers.connection);
          },
        );
        request.on("error", reject);
        request.end(body);
      });
    expect(await connectionHeader({}, '{"query":"{ __typename }"}')).toBe("keep-alive");
    expect(await connectionHeader({ "content-length": String(10 * 1024 * 1024) }, "{")).toBe("close");
    expect(await connectionHeader({ "transfer-encoding": "chunked" }, "{")).toBe("close");
  });

  it("refuses a GET query without a key, and still serves the Sandbox page to a browser", async () => {
    const query = await fetch(`${harness.baseUrl}/graphql?query=${encodeURIComponent("{ __typename }")}`, {
      headers: { "apollo-require-preflight": "true" },
    });
    expect(query.status).toBe(401);
    const page = await fetch(`${harness.baseUrl}/graphql`, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/sandbox/i);
  });

  it("accepts the key raw or as a Bearer token", async () => {
    const raw = await harness.graphql(CREATE, input(accountA), { headers: { authorization: accountA.apiKey } });
    const bearer = await harness.graphql(CREATE, input(accountA), { headers: { authorization: `Bearer ${accountA.apiKey}` } });
    expect(raw.body.data!.createSmsConversation.userErrors).toEqual([]);
    expect(bearer.body.data!.createSmsConversation.userErrors).toEqual([]);
  });

  it("refuses a revoked key with UNAUTHENTICATED, while the account's other keys keep working", async () => {
    const second = await harness.parley.services.apiKeys.create(accountA.id);
    expect(await harness.parley.services.apiKeys.revoke(accountA.keyId)).toBe(true);

    const revoked = await harness.graphql(CREATE, input(accountA), { apiKey: accountA.apiKey });
    expect(revoked.status).toBe(401);
    expect(revoked.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    const other = await harness.graphql(CREATE, input(accountA), { apiKey: second.apiKey });
    expect(other.body.data!.createSmsConversation.userErrors).toEqual([]);
    expect((await harness.db.query("SELECT count(*)::int AS n FROM sms_conversation WHERE account_id = $1", [accountA.id])).rows[0].n).toBe(
      1,
    );
  });

  it("stores only a hash of each key", async () => {
    const { rows } = await harness.db.query("SELECT key_hash, key_prefix FROM api_key WHERE id = $1", [accountA.keyId]);
    expect(rows[0].key_hash).toBeInstanceOf(Buffer);
    expect(rows[0].key_hash.toString("utf8")).not.toContain(accountA.apiKey);
    expect(rows[0].key_prefix).toBe(accountA.apiKey.slice(0, 8));
    expect(accountA.apiKey).toMatch(/^prl_[A-Za-z0-9_-]{32,}$/);
  });
});

describe("tenancy", () => {
  it("a key of account A cannot read account B's conversation: it gets null and no error", async () => {
    const created = await harness.graphql(CREATE, input(accountB), { apiKey: accountB.apiKey });
    const id = created.body.data!.createSmsConversation.conversationId;

    const asA = await harness.graphql(CONVERSATION, { id }, { apiKey: accountA.apiKey });
    expect(asA.body).toEqual({ data: { smsConversation: null } });
    const asB = await harness.graphql(CONVERSATION, { id }, { apiKey: accountB.apiKey });
    expect(asB.body.data!.smsConversation.id).toBe(id);
  });

  it("a key of account A cannot write with account B's number, nor touch B's conversation with it", async () => {
    const userNumber = randomNumber();
    await harness.graphql(CREATE, input(accountB, { userNumber }), { apiKey: accountB.apiKey });

    const { body } = await harness.graphql(CREATE, input(accountB, { userNumber, newConversation: true }), { apiKey: accountA.apiKey });
    expect(body.data!.createSmsConversation.userErrors[0].code).toBe("AGENT_NUMBER_NOT_FOUND");
    const { rows } = await harness.db.query("SELECT account_id, status FROM sms_conversation WHERE user_number = $1", [userNumber]);
    expect(rows).toEqual([{ account_id: accountB.id, status: "ACTIVE" }]);
  });

  it("answers null for ids that are not conversation ids at all", async () => {
    for (const id of ["nope", "conv_123", `wf_${"0".repeat(32)}`, `conv_${"0".repeat(32)}`]) {
      const { body } = await harness.graphql(CONVERSATION, { id }, { apiKey: accountA.apiKey });
      expect(body).toEqual({ data: { smsConversation: null } });
    }
  });
});

describe("the API key cache", () => {
  let cached: Harness;
  beforeAll(async () => {
    cached = await startHarness({ runWorker: false, authCacheTtlMs: 400 });
  });
  afterAll(() => cached.close());

  it("stops accepting a key revoked by another process within the cache's lifetime", async () => {
    const account = await cached.createAccount();
    const send = () => cached.graphql(CREATE, input(account), { apiKey: account.apiKey });
    expect((await send()).body.data!.createSmsConversation.userErrors).toEqual([]);

    // Another process (the CLI, another gateway) revokes the key: this one does not hear of it.
    const elsewhere = new ApiKeyService(cached.parley.database.dataSource, { cacheTtlMs: 0 });
    expect(await elsewhere.revoke(account.keyId)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const after = await send();
    expect(after.status).toBe(401);
    expect(after.body.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
  });
});
