import { Writable } from "node:stream";
import pino from "pino";
import WebSocket from "ws";
import { type ParleyEvent, ParleyEventType } from "../src/events/parley-event";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";
import { subscribe, type Subscriber, wsUrl } from "./support/subscriber";

const MAX_QUEUED = 50;
const MAX_BUFFERED = 50_000;
const BATCH = 10;
/** Enough to fill the kernel's socket buffers with heavy results and then the queue, many times over. */
const MAX_EVENTS = 4_000;
/** ~33 kB a result: the socket buffers of a subscriber that stops reading fill within a few hundred events. */
const ADDED = `subscription { smsMessageAdded { id body conversation { userNumber messages(first: 20) { edges { node { body } } } } } }`;

let harness: Harness;
let account: TestAccount;
let logs = "";
let event: ParleyEvent;
const USER_NUMBER = randomNumber();
const BODY = "b".repeat(1_600);
const healthy: Subscriber[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs += chunk.toString();
      done();
    },
  });
  harness = await startHarness({
    runWorker: false,
    logger: pino({ level: "info" }, sink),
    subscriptions: { maxQueuedEvents: MAX_QUEUED, maxBufferedBytes: MAX_BUFFERED },
  });
  account = await harness.createAccount();
  for (let i = 0; i < 20; i++) await send(USER_NUMBER, BODY);
  const { rows } = await harness.db.query("SELECT id, conversation_id FROM sms_message WHERE account_id = $1 LIMIT 1", [account.id]);
  event = {
    type: ParleyEventType.SMS_MESSAGE_ADDED,
    accountId: account.id,
    conversationId: rows[0].conversation_id,
    messageId: rows[0].id,
  };
});
afterEach(async () => {
  await Promise.all(healthy.splice(0).map((subscriber) => subscriber.close()));
});
afterAll(() => harness.close());

async function send(userNumber: string, message: string) {
  const { body } = await harness.graphql(
    CREATE,
    { input: { agentNumber: account.agentNumbers[0], userNumber, message } },
    { apiKey: account.apiKey },
  );
  expect(body.data!.createSmsConversation.userErrors).toEqual([]);
}

/** A graphql-ws connection over a raw socket, so that the test can stop it reading; `subscriptions` of `query` on it. */
async function rawSubscriber(query: string, subscriptions = 1): Promise<{ socket: WebSocket; closed: Promise<number> }> {
  const socket = new WebSocket(wsUrl(harness.baseUrl), "graphql-transport-ws");
  const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
  await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
  const acknowledged = new Promise((resolve) => socket.once("message", resolve));
  socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: account.apiKey } }));
  expect(JSON.parse(String(await acknowledged))).toEqual({ type: "connection_ack" });
  for (let id = 1; id <= subscriptions; id++) socket.send(JSON.stringify({ id: String(id), type: "subscribe", payload: { query } }));
  await new Promise((resolve) => setTimeout(resolve, 100));
  return { socket, closed };
}

/**
 * Publishes batches of events until a subscriber is closed for falling behind. Promptly: each
 * batch reaches `reader` within a few seconds, however loaded the test machine.
 */
async function publishUntilOneFallsBehind(reader: Subscriber): Promise<number> {
  let published = reader.events.length;
  while (!logs.includes("fell too far behind") && published < MAX_EVENTS) {
    harness.parley.services.events.publish(Array.from({ length: BATCH }, () => event));
    published += BATCH;
    await reader.waitFor(published, 5_000);
  }
  return published;
}

/** The log line of the subscriber that fell behind, which must hold no personal data. */
function fellBehindLine(): Record<string, unknown> {
  const line = logs.split("\n").find((text) => text.includes("fell too far behind"));
  expect(line).toBeDefined();
  for (const secret of [USER_NUMBER, BODY, account.apiKey]) expect(line).not.toContain(secret);
  return JSON.parse(line!);
}

beforeEach(async () => {
  logs = "";
  const reader = await subscribe(harness.baseUrl, account.apiKey, ADDED);
  healthy.push(reader);
});

describe("a subscriber that stops reading", () => {
  it("is closed with 4420 once its queue overflows, while the process keeps serving and another subscriber gets every event promptly", async () => {
    const reader = healthy.at(-1)!;
    const stalled = await rawSubscriber(ADDED);
    stalled.socket.pause();

    const published = await publishUntilOneFallsBehind(reader);
    expect(fellBehindLine()).toMatchObject({ level: 40, accountId: account.id, cause: "queue", maxQueuedEvents: MAX_QUEUED });

    // The process is alive and serves HTTP and its other subscribers.
    expect((await fetch(`${harness.baseUrl}/healthz`)).status).toBe(200);
    await send(USER_NUMBER, "after the stall");
    const events = await reader.waitFor(published + 1);
    expect(events).toHaveLength(published + 1);
    expect(reader.errors).toEqual([]);

    // Once it reads again, the stalled subscriber finds its connection closed with 4420.
    stalled.socket.resume();
    expect(await stalled.closed).toBe(4420);
  });

  it("is closed with 4420 once its unsent results pass the buffer maximum, before any queue overflows", async () => {
    const reader = healthy.at(-1)!;
    // Several subscriptions each have a result waiting for the socket; one alone has at most one.
    const stalled = await rawSubscriber(ADDED, 4);
    stalled.socket.pause();

    const published = await publishUntilOneFallsBehind(reader);
    expect(fellBehindLine()).toMatchObject({ level: 40, accountId: account.id, cause: "socket", maxBufferedBytes: MAX_BUFFERED });

    expect((await fetch(`${harness.baseUrl}/healthz`)).status).toBe(200);
    expect(await reader.waitFor(published)).toHaveLength(published);
    stalled.socket.resume();
    expect(await stalled.closed).toBe(4420);
  });
});
