import { randomUUID } from "node:crypto";
import { type ParleyEvent, ParleyEventType } from "../src/events/parley-event";
import { type Harness, randomNumber, startHarness, type TestAccount } from "./support/harness";
import { CREATE } from "./support/operations";
import { toPublicId } from "../src/services/shared/public-id";
import { eventually } from "./support/eventually";
import { subscribe, type Subscriber } from "./support/subscriber";

const MESSAGE_ADDED = `
  subscription Added($conversationId: ID) {
    smsMessageAdded(conversationId: $conversationId) { id sender kind body conversation { id userNumber status } }
  }
`;
const CONVERSATION_UPDATED = `
  subscription Updated($conversationId: ID) {
    smsConversationUpdated(conversationId: $conversationId) { id status timeoutAt timedOutAt messages(last: 1) { edges { node { kind body } } } }
  }
`;

let harness: Harness;
let account: TestAccount;
const subscribers: Subscriber[] = [];

beforeAll(async () => {
  harness = await startHarness({ runWorker: true });
});
afterAll(() => harness.close());
beforeEach(async () => {
  account = await harness.createAccount();
});
afterEach(async () => {
  await Promise.all(subscribers.splice(0).map((subscriber) => subscriber.close()));
});

async function listen(query: string, variables?: Record<string, unknown>, apiKey: string | null = account.apiKey): Promise<Subscriber> {
  const subscriber = await subscribe(harness.baseUrl, apiKey, query, variables);
  subscribers.push(subscriber);
  return subscriber;
}

/** Events are published shortly after commit: wait until earlier ones are sent and heard. */
async function published(): Promise<void> {
  const { services, events } = harness.parley;
  await services.events.drained();
  // NOTIFYs arrive in commit order: once a marker sent now is heard, every earlier event has been.
  const marker: ParleyEvent = { type: ParleyEventType.SMS_CONVERSATION_UPDATED, accountId: randomUUID(), conversationId: randomUUID() };
  const heard = (async () => {
    for await (const event of events.pubSub.subscribe(ParleyEventType.SMS_CONVERSATION_UPDATED, { maxQueued: 100_000 })) {
      if (event.conversationId === marker.conversationId) return;
    }
  })();
  services.events.publish([marker]);
  await heard;
}

async function send(input: Record<string, unknown>, target = account) {
  const { body } = await harness.graphql(CREATE, { input: { agentNumber: target.agentNumbers[0], ...input } }, { apiKey: target.apiKey });
  expect(body.data!.createSmsConversation.userErrors).toEqual([]);
  return body.data!.createSmsConversation;
}

describe("subscriptions (graphql-ws on /graphql)", () => {
  it("smsMessageAdded yields each new message of the account with its conversation", async () => {
    const subscriber = await listen(MESSAGE_ADDED);
    const userNumber = randomNumber();
    const first = await send({ userNumber, message: "hello" });
    await send({ userNumber, message: "how can I help?", sender: "AGENT" });

    const events = await subscriber.waitFor(2);
    expect(events.map((e) => [e.smsMessageAdded.sender, e.smsMessageAdded.body])).toEqual([
      ["USER", "hello"],
      ["AGENT", "how can I help?"],
    ]);
    expect(events[0].smsMessageAdded.conversation).toEqual({ id: first.conversationId, userNumber, status: "ACTIVE" });
    expect(subscriber.errors).toEqual([]);
  });

  it("with conversationId yields only that conversation's messages", async () => {
    const wanted = await send({ userNumber: randomNumber(), message: "first" });
    await published();
    const subscriber = await listen(MESSAGE_ADDED, { conversationId: wanted.conversationId });
    await send({ userNumber: randomNumber(), message: "elsewhere" });
    await send({ userNumber: wanted.conversation.userNumber, message: "second" });

    const events = await subscriber.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(events.map((e) => e.smsMessageAdded.body)).toEqual(["second"]);
  });

  it("never yields another account's events", async () => {
    const other = await harness.createAccount();
    const mine = await listen(MESSAGE_ADDED);
    const theirs = await listen(MESSAGE_ADDED, {}, other.apiKey);
    await send({ userNumber: randomNumber(), message: "for my account only" });

    await mine.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(theirs.events).toEqual([]);
  });

  it("smsConversationUpdated and smsMessageAdded follow the timeout flow to TIMED_OUT", async () => {
    const created = await send({ userNumber: randomNumber(), message: "hi", sender: "AGENT", timeOut: 1, timeoutMessage: "Bye" });
    await published();
    const subscriber = await listen(CONVERSATION_UPDATED, { conversationId: created.conversationId });
    const messages = await listen(MESSAGE_ADDED, { conversationId: created.conversationId });

    const [ended] = await subscriber.waitFor(1);
    expect(ended.smsConversationUpdated).toMatchObject({
      id: created.conversationId,
      status: "TIMED_OUT",
      timeoutAt: null,
      timedOutAt: expect.any(String),
      messages: { edges: [{ node: { kind: "TIMEOUT_END", body: "Bye" } }] },
    });
    const [sent] = await messages.waitFor(1);
    expect(sent.smsMessageAdded).toMatchObject({ kind: "TIMEOUT_END", body: "Bye", sender: "AGENT" });
  });

  it("lists the gateway while it has subscribers, and publishes a change's events only then", async () => {
    const listed = async () => (await harness.db.query("SELECT count(*)::int AS n FROM event_listener")).rows[0].n as number;
    const publish = jest.spyOn(harness.parley.services.events, "publish");
    const publishedFor = (conversationId: string) =>
      publish.mock.calls.flat(2).filter((event) => toPublicId("conversation", event.conversationId) === conversationId);
    try {
      await eventually(async () => expect(await listed()).toBe(0));
      const unheard = await send({ userNumber: randomNumber(), message: "nobody listens" });
      expect(publishedFor(unheard.conversationId)).toEqual([]);

      const subscriber = await listen(MESSAGE_ADDED);
      await eventually(async () => expect(await listed()).toBe(1));
      const heard = await send({ userNumber: randomNumber(), message: "someone listens" });
      expect(publishedFor(heard.conversationId)).toHaveLength(2);
      expect((await subscriber.waitFor(1)).map((event) => event.smsMessageAdded.body)).toEqual(["someone listens"]);

      await subscriber.close();
      await eventually(async () => expect(await listed()).toBe(0));
    } finally {
      publish.mockRestore();
    }
  });

  it.each([
    ["no key", null],
    ["an unknown key", "prl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
  ])("refuses a connection with %s (close code 4403)", async (_name, key) => {
    await expect(subscribe(harness.baseUrl, key, MESSAGE_ADDED)).rejects.toMatchObject({ code: 4403 });
  });
});
