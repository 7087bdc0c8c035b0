import { DEFAULT_OPERATION_LIMITS } from "../src/config";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import WebSocket from "ws";
import { type Connection, connect, wsUrl } from "./support/subscriber";

/*
 * Subscriptions go through the same gate as HTTP: who is calling, the operation limits, the
 * key's budget, and validation (without introspection in production). A refused subscription
 * gets an error; its connection and the connection's other subscriptions go on.
 */

const ADDED = "subscription { smsMessageAdded { body } }";
const CREATE_SHALLOW =
  "mutation($input: CreateSmsConversationInput!) { createSmsConversation(input: $input) { conversationId userErrors { code } } }";
const open: Connection[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.close()));
});

async function connection(harness: Harness, apiKey: string): Promise<Connection> {
  const opened = await connect(harness.baseUrl, apiKey);
  open.push(opened);
  return opened;
}

/** The message of the first error a subscription ended with (graphql-ws hands over the error list). */
const firstMessage = (ended: unknown[]) => (ended[0] as Array<{ message: string }>)[0].message;

async function send(harness: Harness, account: TestAccount, message: string): Promise<void> {
  const { body } = await harness.graphql(
    CREATE_SHALLOW,
    { input: { agentNumber: account.agentNumbers[0], userNumber: randomNumber(), message } },
    { apiKey: account.apiKey },
  );
  expect(body.data!.createSmsConversation.userErrors).toEqual([]);
}

describe("subscriptions through the gate (production)", () => {
  let harness: Harness;
  let account: TestAccount;
  beforeAll(async () => {
    harness = await startHarness({
      runWorker: false,
      nodeEnv: "production",
      introspection: false,
      config: { limits: { ...DEFAULT_OPERATION_LIMITS, maxDepth: 4 }, rateLimit: { points: 0, windowSeconds: 60, anonymousPoints: 2 } },
    });
    account = await harness.createAccount();
  });
  afterAll(() => harness.close());

  it("refuses a subscription over a limit, an unparsable one and an introspection, and keeps the connection's others running", async () => {
    const on = await connection(harness, account.apiKey);
    const running = await on.subscribe(ADDED);

    const deep = await on.subscribe("subscription { smsMessageAdded { conversation { agent { smsConfig { timeOut } } } } }");
    expect(await deep.ended).toEqual([
      [expect.objectContaining({ extensions: { code: "OPERATION_LIMIT_EXCEEDED", limit: "depth", maximum: 4, actual: 5 } })],
    ]);
    const broken = await on.subscribe("subscription {");
    expect(await broken.ended).toEqual([[expect.objectContaining({ message: expect.stringMatching(/^Syntax Error/) })]]);
    const introspection = await on.subscribe("subscription { __schema { types { name } } }");
    expect(firstMessage(await introspection.ended)).toMatch(/introspection/i);
    const misspelt = await on.subscribe("subscription { smsMessageAdded { bodi } }");
    expect(firstMessage(await misspelt.ended)).toMatch(/Cannot query field "bodi"/);
    expect(firstMessage(await misspelt.ended)).not.toMatch(/Did you mean|"body"/);

    await send(harness, account, "still here");
    expect((await running.waitFor(1)).map((event) => event.smsMessageAdded.body)).toEqual(["still here"]);
  });

  it("closes connections without a valid key with 4403, and with 4429 once their address has spent its budget of those", async () => {
    const refusals = [];
    for (let i = 0; i < 3; i++)
      refusals.push(
        await connect(harness.baseUrl, "prl_" + "C".repeat(43)).then(
          () => 0,
          (event: { code: number }) => event.code,
        ),
      );
    expect(refusals).toEqual([4403, 4403, 4429]);
    // The key this process knows keeps working from that address.
    await connection(harness, account.apiKey);
  });
});

describe("subscriptions and the key's budget", () => {
  it("spend their cost from the key's budget when they start", async () => {
    const harness = await startHarness({ runWorker: false, config: { rateLimit: { points: 5, windowSeconds: 60, anonymousPoints: 0 } } });
    try {
      const account = await harness.createAccount();
      const on = await connection(harness, account.apiKey);
      // smsMessageAdded { body }: 2 points; the third start needs 6.
      const first = await on.subscribe(ADDED);
      await on.subscribe(ADDED);
      const refused = await on.subscribe(ADDED);
      expect(await refused.ended).toEqual([
        [expect.objectContaining({ extensions: expect.objectContaining({ code: "RATE_LIMITED", limit: 5 }) })],
      ]);
      expect(first.errors).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});

describe("subscriptions and what each event costs", () => {
  let harness: Harness;
  let account: TestAccount;
  beforeAll(async () => {
    harness = await startHarness({ runWorker: false, subscriptions: { maxCost: 50, maxBufferedBytes: 256 * 1024 } });
    account = await harness.createAccount();
  });
  afterAll(() => harness.close());

  it("refuses a subscription whose selection costs more than SUBSCRIPTIONS_MAX_COST, since it runs again for every event", async () => {
    const on = await connection(harness, account.apiKey);
    const heavy = await on.subscribe(
      "subscription { smsMessageAdded { conversation { requestData messages(last: 10) { edges { node { body } } } } } }",
    );
    expect(await heavy.ended).toEqual([
      [expect.objectContaining({ extensions: expect.objectContaining({ code: "OPERATION_LIMIT_EXCEEDED", limit: "cost", maximum: 50 }) })],
    ]);
    const light = await on.subscribe(ADDED);
    await send(harness, account, "light enough");
    expect((await light.waitFor(1)).map((event) => event.smsMessageAdded.body)).toEqual(["light enough"]);
  });

  it.each([
    ["with a key", true],
    ["without one", false],
  ])(
    "drops a peer that sends pings %s but stops reading the pongs, before they outgrow SUBSCRIPTIONS_MAX_BUFFERED_BYTES",
    async (_name, authenticate) => {
      const socket = new WebSocket(wsUrl(harness.baseUrl), "graphql-transport-ws");
      await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
      const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
      if (authenticate) {
        socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: account.apiKey } }));
        await new Promise((resolve) => socket.once("message", resolve));
      }
      socket.pause();
      const ping = JSON.stringify({ type: "ping", payload: { pad: "x".repeat(60_000) } });
      let sent = 0;
      let open = true;
      void closed.then(() => (open = false));
      // 100 pings would leave ~6 MB of pongs waiting; the server must cut the peer off long before.
      while (open && sent < 100) {
        socket.send(ping);
        sent++;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      socket.resume();
      expect(await closed).toBe(1006);
      expect(sent).toBeLessThan(100);
      const { body } = await harness.graphql("{ __typename }", undefined, { apiKey: account.apiKey });
      expect(body).toEqual({ data: { __typename: "Query" } });
    },
  );
});
