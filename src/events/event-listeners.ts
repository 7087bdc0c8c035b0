import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";

/** How long a listed process counts as listening without a new beat, in seconds (SQL reads it too). */
export const LISTENER_STALE_AFTER_SECONDS = 60;

/** SQL that is true while some process has subscribers (see EventListeners). */
export const SOMEONE_LISTENS_SQL = `EXISTS (SELECT 1 FROM event_listener WHERE seen_at > now() - interval '${LISTENER_STALE_AFTER_SECONDS} seconds')`;

export interface EventListenersOptions {
  pool: Pool;
  logger: Logger;
  /** How often a process with subscribers renews its row, in ms. (Default: 20000) */
  beatIntervalMs?: number;
  /** How soon a failed listing or renewal is tried again, in ms. (Default: 1000) */
  retryAfterMs?: number;
}

/**
 * Lists this process in `event_listener` while it has at least one subscriber, so that writers
 * publish events only while someone can hear them. A change whose statement starts after the
 * listing has committed is published; one already running is concurrent with the subscription
 * and may be missed, as with any live feed. A process that dies keeps its row until it is stale:
 * writers keep publishing until then. Listing and unlisting run one at a time, in call order.
 */
export class EventListeners {
  private readonly processId = randomUUID();
  private subscribers = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private queue: Promise<void> = Promise.resolve();
  private readonly throttle: LogThrottle;

  constructor(private readonly options: EventListenersOptions) {
    this.throttle = new LogThrottle(options.logger);
  }

  /** A subscriber starts; the first one lists this process (at once) and keeps it listed. */
  acquire(): void {
    if (this.stopped || this.subscribers++ > 0) return;
    this.renew();
  }

  /** A subscriber ends; the last one unlists this process. */
  release(): void {
    if (this.stopped || this.subscribers === 0 || --this.subscribers > 0) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.enqueue(() => this.unlist()).catch((error: unknown) =>
      this.throttle.failure("warn", "event listener not removed; it goes stale", error),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.subscribers > 0) {
      this.subscribers = 0;
      await this.enqueue(() => this.unlist()).catch(() => undefined);
    }
    await this.queue.catch(() => undefined);
  }

  /** Lists (or renews) now, then again after a beat, or soon if it failed. */
  private renew(): void {
    clearTimeout(this.timer);
    this.enqueue(() => this.list()).then(
      () => this.schedule(this.options.beatIntervalMs ?? 20_000),
      (error: unknown) => {
        this.throttle.failure("warn", "event listener not listed; retrying", error);
        this.schedule(this.options.retryAfterMs ?? 1_000);
      },
    );
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.subscribers === 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.renew(), delayMs);
    this.timer.unref();
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    const next = this.queue.catch(() => undefined).then(step);
    this.queue = next;
    return next;
  }

  private async list(): Promise<void> {
    if (this.subscribers === 0) return;
    await this.options.pool.query(
      "INSERT INTO event_listener (process_id, seen_at) VALUES ($1, now()) ON CONFLICT (process_id) DO UPDATE SET seen_at = now()",
      [this.processId],
    );
  }

  private async unlist(): Promise<void> {
    if (this.subscribers > 0) return;
    await this.options.pool.query("DELETE FROM event_listener WHERE process_id = $1", [this.processId]);
  }
}
