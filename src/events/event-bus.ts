import { Client, type Pool } from "pg";
import { type DatabaseTimeouts, listenSessionOptions } from "../database/session-options";
import { LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";
import { EventFanOut } from "./event-fan-out";
import { EventListeners } from "./event-listeners";
import { EVENTS_CHANNEL, type ParleyEvent } from "./parley-event";

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
  /**
   * Where heard events are handed out, each subscription through its own bounded queue; each
   * one lists this process (EventListeners) from its first `next()` until it ends.
   */
  readonly pubSub: EventFanOut;
  private readonly listeners: EventListeners;
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;
  private readonly throttle: LogThrottle;

  constructor(private readonly options: EventBusOptions) {
    this.listeners = new EventListeners({ pool: options.pool, logger: options.logger });
    this.pubSub = new EventFanOut({ started: () => this.listeners.acquire(), ended: () => this.listeners.release() });
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
