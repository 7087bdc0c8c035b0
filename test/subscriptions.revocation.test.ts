import type { Logger as QueryLogger } from "typeorm";
import { ApiKeyService } from "../src/services/accounts/api-key.service";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";
import { type Connection, connect, type Subscriber } from "./support/subscriber";

const AUTH_CACHE_TTL_MS = 1_000;
const MESSAGE_ADDED = "subscription { smsMessageAdded { body } }";

/** The key checks the API sends: each one's number of keys. */
class KeyChecks implements QueryLogger {
  keysPerCheck: number[] = [];
  logQuery(query: string, parameters?: unknown[]): void {
    if (query.includes("key_hash = ANY")) this.keysPerCheck.push((parameters?.[0] as unknown[]).length);
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

const checks = new KeyChecks();
let harness: Harness;
let account: TestAccount;
const open: Connection[] = [];

beforeAll(async () => {
  harness = await startHarness({ runWorker: false, authCacheTtlMs: AUTH_CACHE_TTL_MS, queryLogger: checks });
  account = await harness.createAccount();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.close()));
});
afterAll(() => harness.close());

async function listen(apiKey: string): Promise<{ connection: Connection; subscriber: Subscriber }> {
  const connection = await connect(harness.baseUrl, apiKey);
  open.push(connection);
  return { connection, subscriber: await connection.subscribe(MESSAGE_ADDED) };
}

async function send(apiKey: string, message: string): Promise<void> {
  const { body } = await harness.graphql(
    CREATE,
    { input: { agentNumber: account.agentNumbers[0], userNumber: randomNumber(), message } },
    { apiKey },
  );
  expect(body.data!.createSmsConversation.userErrors).toEqual([]);
}

describe("a key revoked while its subscriptions run", () => {
  it("has its connections closed with 4403 within the auth cache's TTL and a few seconds, and hears nothing after", async () => {
    const other = await harness.parley.services.apiKeys.create(account.id);
    const revoked = await listen(account.apiKey);
    const kept = await listen(other.apiKey);
    await send(other.apiKey, "before");
    await revoked.subscriber.waitFor(1);

    // Another process (the CLI, another gateway) revokes it: this one only sees the row change.
    const elsewhere = new ApiKeyService(harness.parley.database.dataSource, { cacheTtlMs: 0 });
    const revokedAt = Date.now();
    expect(await elsewhere.revoke(account.keyId)).toBe(true);
    const closed = await revoked.connection.closed;
    const after = Date.now() - revokedAt;

    expect(closed).toEqual({ code: 4403, reason: "API key revoked" });
    expect(after).toBeLessThan(AUTH_CACHE_TTL_MS + 3_000);
    await send(other.apiKey, "after");
    expect((await kept.subscriber.waitFor(2)).map((event) => event.smsMessageAdded.body)).toEqual(["before", "after"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(revoked.subscriber.events.map((event) => event.smsMessageAdded.body)).toEqual(["before"]);
  });

  it("checks the keys of all open connections in one statement per TTL, each distinct key once", async () => {
    const second = await harness.parley.services.apiKeys.create(account.id);
    const third = await harness.parley.services.apiKeys.create(account.id);
    for (const apiKey of [second.apiKey, second.apiKey, second.apiKey, third.apiKey, third.apiKey]) await listen(apiKey);
    checks.keysPerCheck = [];
    await new Promise((resolve) => setTimeout(resolve, 3 * AUTH_CACHE_TTL_MS + 500));

    // At most one check a TTL (a slow machine may run fewer), each of the two live keys.
    expect(checks.keysPerCheck.length).toBeGreaterThanOrEqual(2);
    expect(checks.keysPerCheck.length).toBeLessThanOrEqual(4);
    expect(new Set(checks.keysPerCheck)).toEqual(new Set([2]));
  });
});
