import { createPubSub } from "@graphql-yoga/subscription";
import type { BuildSchemaOptions } from "type-graphql";
import { Client, type Pool } from "pg";
import { type DatabaseTimeouts, listenSessionOptions } from "../database/session-options";
import { LogThrottle } from "../log-throttle";
import type { Logger } from "../logger";
import { EventListeners } from "./event-listeners";
import { EVENTS_CHANNEL, type ParleyEvent, ParleyEventType } from "./parley-event";

export type EventPubSub = ReturnType<typeof createEventPubSub>;

/** What the schema's subscriptions subscribe through. */
export type SchemaPubSub = NonNullable<BuildSchemaOptions["pubSub"]>;

export function createEventPubSub() {
  return createPubSub<{ [ParleyEventType.SMS_MESSAGE_ADDED]: [ParleyEvent]; [ParleyEventType.SMS_CONVERSATION_UPDATED]: [ParleyEvent] }>();
}

export interface EventBusOptions {
  connectionString: string;
  /** Where this process lists itself while it has subscribers (see EventListeners). */
  pool: Pool;
  logger: Logger;
  /** Bounds of the LISTEN connection (see listenSessionOptions). (Default: none) */
  timeouts?: DatabaseTimeouts;
  /** Delay before reconnecting after the connection drops, and between attempts. (Default: 1000 ms) */
  reconnectDelayMs?: number;
}

/**
 * Hears the events every process publishes (LISTEN on `parley_events`) and hands them to this
 * process's subscribers. Reconnects if the connection drops; events sent meanwhile are missed,
 * as with any live feed — clients re-read state after reconnecting.
 */
export class EventBus {
  /** Where heard events are handed out. */
  readonly pubSub = createEventPubSub();
  /** What the schema's subscriptions subscribe through: each one lists this process until it ends. */
  readonly subscriptionPubSub: SchemaPubSub;
  private readonly listeners: EventListeners;
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly throttle: LogThrottle;

  constructor(private readonly options: EventBusOptions) {
    this.listeners = new EventListeners({ pool: options.pool, logger: options.logger });
    this.subscriptionPubSub = listened(this.pubSub, this.listeners);
    this.throttle = new LogThrottle(options.logger);
  }

  /** Connects and listens; fails if the database cannot be reached (a start-up failure). */
  async start(): Promise<void> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: "parley-events",
      ...(this.options.timeouts ? listenSessionOptions(this.options.timeouts) : {}),
    });
    client.on("notification", (message) => {
      if (message.channel !== EVENTS_CHANNEL || !message.payload) return;
      try {
        for (const event of JSON.parse(message.payload) as ParleyEvent[]) this.pubSub.publish(event.type, event);
      } catch (error) {
        this.options.logger.warn({ err: error }, "unreadable event notification");
      }
    });
    // A connection dropped by the server ends with an error, or (pg may emit only this) just ends.
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client, new Error("Connection terminated unexpectedly")));
    try {
      await client.connect();
      await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    } catch (error) {
      void client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) {
      void client.end().catch(() => undefined);
      return;
    }
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
    await this.listeners.stop();
  }

  /** The live connection dropped: listen again on a new one, retrying until the database takes it. */
  private lost(client: Client, error: unknown): void {
    // Errors of a connection still connecting reach connect()'s caller; an old one's are stale.
    if (this.stopped || client !== this.client) return;
    this.client = undefined;
    void client.end().catch(() => undefined);
    this.throttle.failure("warn", "event listener connection lost; reconnecting", error);
    this.reconnectLater();
  }

  private reconnectLater(): void {
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.start().then(
        () => {
          if (!this.stopped) this.options.logger.info("event listener connection restored");
        },
        (error: unknown) => {
          this.throttle.failure("warn", "event listener cannot reconnect; retrying", error);
          this.reconnectLater();
        },
      );
    }, this.options.reconnectDelayMs ?? 1_000);
  }
}

/**
 * `pubSub` whose subscriptions list this process while they run (EventListeners). A subscription
 * counts from its first `next()` — the one that also starts its listener here — so one cancelled
 * before it started is never counted. (Not an async generator: one waiting for its next event
 * would not see `return()` until an event came, and the process would stay listed.)
 */
function listened(pubSub: EventPubSub, listeners: EventListeners): SchemaPubSub {
  return {
    publish: (topic, ...args) => pubSub.publish(topic as ParleyEventType, ...(args as [ParleyEvent])),
    subscribe: (topic) => {
      const source = pubSub.subscribe(topic as ParleyEventType);
      let state: "new" | "counted" | "ended" = "new";
      const end = () => {
        if (state === "counted") listeners.release();
        state = "ended";
      };
      const iterator: AsyncIterableIterator<ParleyEvent> = {
        async next() {
          if (state === "new") {
            state = "counted";
            listeners.acquire();
          }
          const result = await source.next();
          if (result.done) end();
          return result;
        },
        async return() {
          end();
          return source.return();
        },
        async throw(error: unknown) {
          end();
          return source.throw(error);
        },
        [Symbol.asyncIterator]() {
          return iterator;
        },
      };
      return iterator;
    },
  };
}
