import { createPubSub } from "@graphql-yoga/subscription";
import type { BuildSchemaOptions } from "type-graphql";
import { Client, type Pool } from "pg";
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
  /** Delay before reconnecting after the connection drops. (Default: 1000 ms) */
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

  constructor(private readonly options: EventBusOptions) {
    this.listeners = new EventListeners({ pool: options.pool, logger: options.logger });
    this.subscriptionPubSub = listened(this.pubSub, this.listeners);
  }

  async start(): Promise<void> {
    const client = new Client({ connectionString: this.options.connectionString, application_name: "parley-events" });
    client.on("notification", (message) => {
      if (message.channel !== EVENTS_CHANNEL || !message.payload) return;
      try {
        for (const event of JSON.parse(message.payload) as ParleyEvent[]) this.pubSub.publish(event.type, event);
      } catch (error) {
        this.options.logger.warn({ err: error }, "unreadable event notification");
      }
    });
    client.on("error", (error) => {
      this.options.logger.warn({ err: error }, "event listener connection lost; reconnecting");
      this.reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${EVENTS_CHANNEL}`);
    this.client = client;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
    await this.listeners.stop();
  }

  private reconnect(): void {
    const old = this.client;
    this.client = undefined;
    void old?.end().catch(() => undefined);
    if (this.stopped) return;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.start().catch(() => this.reconnect());
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
