import { createPubSub } from "@graphql-yoga/subscription";
import { Client } from "pg";
import type { Logger } from "../logger";
import { EVENTS_CHANNEL, type ParleyEvent, ParleyEventType } from "./parley-event";

export type EventPubSub = ReturnType<typeof createEventPubSub>;

export function createEventPubSub() {
  return createPubSub<{ [ParleyEventType.SMS_MESSAGE_ADDED]: [ParleyEvent]; [ParleyEventType.SMS_CONVERSATION_UPDATED]: [ParleyEvent] }>();
}

export interface EventBusOptions {
  connectionString: string;
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
  readonly pubSub = createEventPubSub();
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: EventBusOptions) {}

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
