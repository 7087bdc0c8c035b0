import { randomUUID } from "node:crypto";
import { Pool } from "pg";
import { EventBus } from "../src/events/event-bus";
import { EventPublisher } from "../src/events/event-publisher";
import { type ParleyEvent, ParleyEventType } from "../src/events/parley-event";
import { createLogger } from "../src/logging/logger";
import { eventually } from "./support/eventually";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

let database: TestDatabase;
let pool: Pool;
let bus: EventBus;
let heard: ParleyEvent[];

beforeAll(async () => {
  database = await createTestDatabase();
  pool = new Pool({ connectionString: database.url, max: 2 });
  bus = new EventBus({ connectionString: database.url, pool, logger: createLogger("silent") });
  await bus.start();
  heard = [];
  void (async () => {
    for await (const event of bus.pubSub.subscribe(ParleyEventType.SMS_MESSAGE_ADDED, { maxQueued: 100_000 })) heard.push(event);
  })();
});

afterAll(async () => {
  await bus.stop();
  await pool.end();
  await database.drop();
});

const messageAdded = (n: number): ParleyEvent => ({
  type: ParleyEventType.SMS_MESSAGE_ADDED,
  accountId: randomUUID(),
  conversationId: randomUUID(),
  messageId: `${randomUUID()}-${n}`,
});

describe("EventPublisher", () => {
  it("delivers a batch larger than one NOTIFY payload completely and in order", async () => {
    heard.length = 0;
    const publisher = new EventPublisher(pool, createLogger("silent"));
    // ~170 bytes each: 300 events need several 7,000-byte NOTIFY payloads.
    const events = Array.from({ length: 300 }, (_, n) => messageAdded(n));
    publisher.publish(events.slice(0, 100));
    publisher.publish(events.slice(100));
    await publisher.drained();

    await eventually(async () => expect(heard).toHaveLength(300));
    expect(heard.map((event) => event.messageId)).toEqual(events.map((event) => event.messageId));
  });

  it("reports a batch it could not send, and drained() still resolves", async () => {
    const closed = new Pool({ connectionString: database.url, max: 1 });
    await closed.end();
    const warnings: string[] = [];
    const logger = createLogger("warn");
    logger.warn = ((_object: unknown, message: string) => void warnings.push(message)) as typeof logger.warn;
    const publisher = new EventPublisher(closed, logger);
    publisher.publish([messageAdded(1)]);
    await publisher.drained();
    expect(warnings).toEqual(["events not published; subscribers miss them"]);
  });
});
