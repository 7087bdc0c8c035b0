import WebSocket from "ws";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";
import { type Connection, connect, subscribe, type Subscriber, wsUrl } from "./support/subscriber";

const MESSAGE_ADDED = "subscription { smsMessageAdded { body } }";
const MAX_PAYLOAD = 4_096;
const PER_CONNECTION = 3;
const PER_KEY = 5;

let harness: Harness;
let account: TestAccount;
const open: Array<Connection | Subscriber> = [];

beforeAll(async () => {
  harness = await startHarness({
    runWorker: false,
    subscriptions: { maxPayloadBytes: MAX_PAYLOAD, maxPerConnection: PER_CONNECTION, maxPerKey: PER_KEY },
  });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((connection) => connection.close()));
});

async function connection(apiKey = account.apiKey): Promise<Connection> {
  const opened = await connect(harness.baseUrl, apiKey);
  open.push(opened);
  return opened;
}

async function subscriptions(on: Connection, count: number): Promise<Subscriber[]> {
  const started: Subscriber[] = [];
  for (let i = 0; i < count; i++) started.push(await on.subscribe(MESSAGE_ADDED));
  return started;
}

async function send(message: string): Promise<void> {
  const { body } = await harness.graphql(
    CREATE,
    { input: { agentNumber: account.agentNumbers[0], userNumber: randomNumber(), message } },
    { apiKey: account.apiKey },
  );
  expect(body.data!.createSmsConversation.userErrors).toEqual([]);
}

const limitError = (limit: "perConnection" | "perKey", maximum: number) => [
  [
    expect.objectContaining({
      message: expect.stringContaining(`At most ${maximum} active subscriptions`),
      extensions: { code: "SUBSCRIPTION_LIMIT_EXCEEDED", limit, maximum },
    }),
  ],
];

/** A raw WebSocket speaking graphql-ws, without a client library in between. */
function rawSocket(): Promise<WebSocket> {
  const socket = new WebSocket(wsUrl(harness.baseUrl), "graphql-transport-ws");
  return new Promise((resolve, reject) => {
    socket.once("open", () => resolve(socket));
    socket.once("error", reject);
  });
}

const closeOf = (socket: WebSocket) => new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));

describe("bounded subscriptions", () => {
  it("closes a connection that sends a message over the maximum payload with 1009, before any key, and keeps serving others", async () => {
    const socket = await rawSocket();
    const closed = closeOf(socket);
    socket.send("x".repeat(MAX_PAYLOAD + 1));
    expect(await closed).toBe(1009);

    const response = await fetch(`${harness.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    const subscriber = await subscribe(harness.baseUrl, account.apiKey, MESSAGE_ADDED);
    open.push(subscriber);
    await send("still served");
    expect((await subscriber.waitFor(1)).map((event) => event.smsMessageAdded.body)).toEqual(["still served"]);
  });

  it("refuses the subscription over the per-connection limit with SUBSCRIPTION_LIMIT_EXCEEDED, while the connection's others still receive events", async () => {
    const on = await connection();
    const running = await subscriptions(on, PER_CONNECTION);
    const refused = await on.subscribe(MESSAGE_ADDED);

    expect(await refused.ended).toEqual(limitError("perConnection", PER_CONNECTION));
    await send("to the others");
    for (const subscriber of running)
      expect((await subscriber.waitFor(1)).map((event) => event.smsMessageAdded.body)).toEqual(["to the others"]);
    expect(running.flatMap((subscriber) => subscriber.errors)).toEqual([]);
  });

  it("refuses the subscription over the per-key limit, counted across the key's connections", async () => {
    const first = await connection();
    const second = await connection();
    await subscriptions(first, PER_CONNECTION);
    const running = await subscriptions(second, PER_KEY - PER_CONNECTION);
    const refused = await second.subscribe(MESSAGE_ADDED);

    expect(await refused.ended).toEqual(limitError("perKey", PER_KEY));
    // Another key of the same account has its own count.
    const other = await connection((await harness.parley.services.apiKeys.create(account.id)).apiKey);
    const [otherKeys] = await subscriptions(other, 1);
    await send("within the limits");
    for (const subscriber of [...running, otherKeys])
      expect((await subscriber.waitFor(1)).map((event) => event.smsMessageAdded.body)).toEqual(["within the limits"]);
  });

  it("frees a subscription's place when it completes, and all of a connection's when it closes", async () => {
    const first = await connection();
    const second = await connection();
    const firsts = await subscriptions(first, PER_CONNECTION);
    await subscriptions(second, PER_KEY - PER_CONNECTION);

    // Completed by the client: its place on the connection and for the key is free again.
    await firsts[0].close();
    const replacement = await first.subscribe(MESSAGE_ADDED);
    // Closed: every place the connection held is free again (PER_CONNECTION on a new one).
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const third = await connection();
    const thirds = await subscriptions(third, PER_CONNECTION);
    const refused = await third.subscribe(MESSAGE_ADDED);

    expect(await refused.ended).toEqual(limitError("perConnection", PER_CONNECTION));
    expect(replacement.errors).toEqual([]);
    await send("after the churn");
    for (const subscriber of thirds)
      expect((await subscriber.waitFor(1)).map((event) => event.smsMessageAdded.body)).toEqual(["after the churn"]);
    expect(thirds.flatMap((subscriber) => subscriber.errors)).toEqual([]);
  });

  it("frees every place after many subscriptions come and go, however their connections end (no leak)", async () => {
    for (const ending of ["close", "drop", "close", "drop"] as const) {
      const on = await connection();
      const started = await subscriptions(on, PER_CONNECTION - 1);
      await started[0].close();
      // Closed by the client, or the client vanishes with its subscriptions still running: no complete, no close frame.
      if (ending === "close") await on.close();
      else on.drop();
      expect((await on.closed).code).toBe(ending === "close" ? 1000 : 1006);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    const first = await connection();
    const second = await connection();
    const all = [...(await subscriptions(first, PER_CONNECTION)), ...(await subscriptions(second, PER_KEY - PER_CONNECTION))];
    await send("no place leaked");
    for (const subscriber of all) expect(await subscriber.waitFor(1)).toHaveLength(1);
    expect(all.flatMap((subscriber) => subscriber.errors)).toEqual([]);
  });
});
