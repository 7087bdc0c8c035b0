import { SERVICE_UNAVAILABLE_MESSAGE } from "../src/http/graphql/service-unavailable";
import { eventually } from "./support/eventually";
import { type GraphQLResponse, type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { subscribe } from "./support/subscriber";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

/*
 * A Parley whose database goes away under it, through a proxy in front of the shared server:
 * refused (the server is down) or silent (the network lost it). Every request that needs the
 * database is answered at once or within the session bounds with 503 SERVICE_UNAVAILABLE and
 * Retry-After, never hangs, never a masked 500; and once the database is back, everything works
 * again with nobody restarting anything.
 */

jest.setTimeout(60_000);

const CREATE = `mutation Create($input: CreateSmsConversationInput!) {
  createSmsConversation(input: $input) { conversationId workflowId userErrors { code field message } }
}`;
const LIST = "{ smsConversations(first: 5) { totalCount edges { node { id status } } } }";

let proxy: TcpProxy;
let harness: Harness;
/** Its key has been used: the process knows it without the database. */
let known: TestAccount;

beforeAll(async () => {
  harness = await startHarness({
    connectVia: async (url) => (proxy = await startTcpProxy(url)).url,
    authCacheTtlMs: 600_000,
    // A statement without an answer fails after 1 s + 1 s; a connection must open in 0.5 s.
    databaseTimeouts: { statementTimeoutMs: 1_000, connectTimeoutMs: 500 },
    readinessTimeoutMs: 500,
  });
  known = await harness.createAccount();
  const { body } = await harness.graphql(LIST, {}, { apiKey: known.apiKey });
  expect(body.errors).toBeUndefined();
});
afterEach(() => proxy.restore());
afterAll(async () => {
  await harness.close();
  await proxy.close();
});

function create(account: TestAccount, input: Record<string, unknown> = {}) {
  return harness.graphql(
    CREATE,
    { input: { userNumber: randomNumber(), agentNumber: account.agentNumbers[0], message: "hello", ...input } },
    { apiKey: account.apiKey },
  );
}

async function timed<T>(request: Promise<T>): Promise<{ response: T; ms: number }> {
  const startedAt = performance.now();
  const response = await request;
  return { response, ms: performance.now() - startedAt };
}

function expectServiceUnavailable(response: GraphQLResponse) {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("2");
  expect(response.body.errors).toHaveLength(1);
  const [error] = response.body.errors!;
  expect(error.message).toBe(SERVICE_UNAVAILABLE_MESSAGE);
  expect(error.message).toMatch(/retry/i);
  expect(error.extensions).toEqual({ code: "SERVICE_UNAVAILABLE" });
  expect(response.body.data ?? null).toBeNull();
}

async function readyz(): Promise<number> {
  return (await fetch(`${harness.baseUrl}/readyz`)).status;
}

async function expectServingAgain(account: TestAccount) {
  await eventually(
    async () => {
      const { response, ms } = await timed(create(account));
      expect(response.status).toBe(200);
      expect(response.body.data!.createSmsConversation.userErrors).toEqual([]);
      expect(ms).toBeLessThan(5_000);
      const { rows } = await harness.db.query("SELECT 1 FROM sms_conversation WHERE id = $1", [
        response.body.data!.createSmsConversation.conversationId.replace(/^conv_/, ""),
      ]);
      expect(rows).toHaveLength(1);
    },
    { timeoutMs: 15_000, intervalMs: 200 },
  );
  await eventually(async () => expect(await readyz()).toBe(200), { timeoutMs: 5_000 });
}

describe("while the database refuses connections", () => {
  it("answers authentication, the group-commit write, the one-statement write and a read with 503 SERVICE_UNAVAILABLE and Retry-After, at once", async () => {
    const stranger = await harness.createAccount();
    await proxy.refuse();

    const answers = await Promise.all([
      // Its key was never seen: authentication needs the database.
      timed(create(stranger)),
      // A USER message without timeouts: the group-commit path.
      timed(create(known)),
      // An AGENT message with a timeout: the one-statement path.
      timed(create(known, { sender: "AGENT", timeOut: 600 })),
      timed(harness.graphql(LIST, {}, { apiKey: known.apiKey })),
    ]);
    for (const { response, ms } of answers) {
      expectServiceUnavailable(response);
      expect(ms).toBeLessThan(2_000);
    }
    expect(await readyz()).toBe(503);
  });

  it("closes a WebSocket connection whose key it cannot look up with 1013 (try again later)", async () => {
    const stranger = await harness.createAccount();
    await proxy.refuse();
    const refused = await subscribe(harness.baseUrl, stranger.apiKey, "subscription { smsMessageAdded { body } }").then(
      () => undefined,
      (event: { code: number; reason: string }) => event,
    );
    expect(refused).toMatchObject({ code: 1013, reason: "Service unavailable; retry" });
  });

  it("serves again by itself once the database is back: writes, reads, /readyz and subscriptions", async () => {
    const stranger = await harness.createAccount();
    const subscriber = await subscribe(harness.baseUrl, stranger.apiKey, "subscription { smsMessageAdded { body } }");
    await proxy.refuse();
    expectServiceUnavailable(await create(stranger));
    expect(await readyz()).toBe(503);

    await proxy.restore();
    await expectServingAgain(stranger);
    await expectServingAgain(known);
    const { status, body } = await harness.graphql(LIST, {}, { apiKey: known.apiKey });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    // The event bus listens again and this process is listed as listening again: events flow.
    try {
      await eventually(
        async () => {
          await create(stranger, { message: "after the outage" });
          const events = await subscriber.waitFor(1, 500);
          expect(events.map((event) => event.smsMessageAdded.body)).toContain("after the outage");
        },
        { timeoutMs: 15_000 },
      );
    } finally {
      await subscriber.close();
    }
  });
});

describe("while the database cannot be reached (nothing answers)", () => {
  it("answers within the session bounds with 503 SERVICE_UNAVAILABLE, /readyz within its timeout, and serves again once it is back", async () => {
    const stranger = await harness.createAccount();
    proxy.blackhole();

    const [auth, write, ready] = await Promise.all([
      timed(create(stranger)),
      timed(create(known)),
      timed(fetch(`${harness.baseUrl}/readyz`)),
    ]);
    for (const { response, ms } of [auth, write]) {
      expectServiceUnavailable(response);
      // 1 s statement timeout + 1 s for an answer that never comes, or 0.5 s to connect.
      expect(ms).toBeLessThan(4_000);
    }
    expect(ready.response.status).toBe(503);
    expect(ready.ms).toBeLessThan(1_500);

    await proxy.restore();
    await expectServingAgain(stranger);
  });
});

describe("after a failover (the connections open before it stay silent for good)", () => {
  it("drops each silent connection after its first unanswered statement and serves again by itself", async () => {
    const stranger = await harness.createAccount();
    proxy.blackhole();
    await Promise.all([create(stranger), create(known), create(known), create(known)]);
    proxy.failover();
    await expectServingAgain(stranger);
    await expectServingAgain(known);
  });
});
