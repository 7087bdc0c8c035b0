import { Client, type Pool } from "pg";
import type { Logger } from "../logger";
import { EventFanOut } from "./event-fan-out";
import { EventListeners } from "./event-listeners";
import { EVENTS_CHANNEL, type ParleyEvent } from "./parley-event";

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
  /**
   * Where heard events are handed out, each subscription through its own bounded queue; each
   * one lists this process (EventListeners) from its first `next()` until it ends.
   */
  readonly pubSub: EventFanOut;
  private readonly listeners: EventListeners;
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(private readonly options: EventBusOptions) {
    this.listeners = new EventListeners({ pool: options.pool, logger: options.logger });
    this.pubSub = new EventFanOut({ started: () => this.listeners.acquire(), ended: () => this.listeners.release() });
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
