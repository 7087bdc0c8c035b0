import { randomUUID } from "node:crypto";
import { EventFanOut } from "../src/events/event-fan-out";
import { type ParleyEvent, ParleyEventType } from "../src/events/parley-event";

const ADDED = ParleyEventType.SMS_MESSAGE_ADDED;
const accountId = randomUUID();
const event = (n: number, account = accountId): ParleyEvent => ({
  type: ADDED,
  accountId: account,
  conversationId: randomUUID(),
  messageId: String(n),
});

async function take(iterator: AsyncIterator<ParleyEvent>, count: number): Promise<string[]> {
  const taken: string[] = [];
  for (let i = 0; i < count; i++) taken.push(String((await iterator.next()).value?.messageId));
  return taken;
}

describe("EventFanOut", () => {
  it("hands each subscription the events it accepts, in order, from its first next()", async () => {
    const fanOut = new EventFanOut();
    const mine = fanOut.subscribe(ADDED, { maxQueued: 10, accepts: (e) => e.accountId === accountId });
    fanOut.publish(ADDED, event(0));
    const first = mine.next();
    for (let n = 1; n <= 3; n++) fanOut.publish(ADDED, event(n, n === 2 ? randomUUID() : accountId));
    fanOut.publish(ParleyEventType.SMS_CONVERSATION_UPDATED, { ...event(4), type: ParleyEventType.SMS_CONVERSATION_UPDATED });

    expect((await first).value?.messageId).toBe("1");
    expect(await take(mine, 1)).toEqual(["3"]);
  });

  it("ends a subscription that falls more than maxQueued behind, telling it once, while the others get every event", async () => {
    const fanOut = new EventFanOut();
    const overflows: string[] = [];
    const slow = fanOut.subscribe(ADDED, { maxQueued: 3, onOverflow: () => overflows.push("slow") });
    const reader = fanOut.subscribe(ADDED, { maxQueued: 100 });
    const [slowFirst, readerFirst] = [slow.next(), reader.next()];
    for (let n = 0; n < 10; n++) fanOut.publish(ADDED, event(n));

    expect(overflows).toEqual(["slow"]);
    // It kept the one being read and then nothing: its queue is dropped.
    expect((await slowFirst).value?.messageId).toBe("0");
    expect(await slow.next()).toEqual({ value: undefined, done: true });
    expect((await readerFirst).value?.messageId).toBe("0");
    expect(await take(reader, 9)).toEqual(["1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  });

  it("never throws to the publisher, even when an overflow callback does", () => {
    const fanOut = new EventFanOut();
    const failing = fanOut.subscribe(ADDED, {
      maxQueued: 1,
      onOverflow: () => {
        throw new Error("socket gone");
      },
    });
    void failing.next();
    expect(() => {
      for (let n = 0; n < 5; n++) fanOut.publish(ADDED, event(n));
    }).not.toThrow();
  });

  it("counts a subscription from its first next() until it ends, once; one returned before starting never counts", async () => {
    let active = 0;
    const fanOut = new EventFanOut({ started: () => active++, ended: () => active-- });
    const unstarted = fanOut.subscribe(ADDED, { maxQueued: 10 });
    const returned = fanOut.subscribe(ADDED, { maxQueued: 10 });
    const overflowed = fanOut.subscribe(ADDED, { maxQueued: 1 });
    await unstarted.return!();
    expect(active).toBe(0);

    const waiting = returned.next();
    void overflowed.next();
    expect(active).toBe(2);
    // A reader waiting for its next event sees return() at once.
    await returned.return!();
    expect(await waiting).toEqual({ value: undefined, done: true });
    await returned.return!();
    expect(active).toBe(1);
    for (let n = 0; n < 3; n++) fanOut.publish(ADDED, event(n));
    expect(active).toBe(0);
  });
});
