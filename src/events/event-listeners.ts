import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import type { Logger } from "../logger";

/** How long a listed process counts as listening without a new beat, in seconds (SQL reads it too). */
export const LISTENER_STALE_AFTER_SECONDS = 60;

/** SQL that is true while some process has subscribers (see EventListeners). */
export const SOMEONE_LISTENS_SQL = `EXISTS (SELECT 1 FROM event_listener WHERE seen_at > now() - interval '${LISTENER_STALE_AFTER_SECONDS} seconds')`;

export interface EventListenersOptions {
  pool: Pool;
  logger: Logger;
  /** How often a process with subscribers renews its row, in ms. (Default: 20000) */
  beatIntervalMs?: number;
}

/**
 * Lists this process in `event_listener` while it has at least one subscriber, so that writers
 * publish events only while someone can hear them. A subscription counts once its row has
 * committed: a change whose statement starts after that sees the row and is published; one
 * already running is concurrent with the subscription and may be missed, as with any live feed.
 * A process that dies keeps its row until it is stale: writers keep publishing until then.
 */
export class EventListeners {
  private readonly processId = randomUUID();
  private subscribers = 0;
  private beat: NodeJS.Timeout | undefined;
  // Listing and unlisting in call order: a quick unsubscribe-subscribe must end listed.
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly options: EventListenersOptions) {}

  /** A subscriber starts: resolves once this process is listed (each time, so a failure is not sticky). */
  acquire(): Promise<void> {
    this.subscribers++;
    if (!this.beat) {
      this.beat = setInterval(() => {
        this.enqueue(() => this.list()).catch((error: unknown) => this.options.logger.warn({ err: error }, "event listener beat failed"));
      }, this.options.beatIntervalMs ?? 20_000);
      this.beat.unref();
    }
    return this.enqueue(() => this.list());
  }

  /** A subscriber ends: the last one unlists this process. */
  release(): void {
    if (--this.subscribers > 0) return;
    clearInterval(this.beat);
    this.beat = undefined;
    this.enqueue(() => this.unlist()).catch((error: unknown) => this.options.logger.warn({ err: error }, "event listener not removed; it goes stale"));
  }

  async stop(): Promise<void> {
    clearInterval(this.beat);
    this.beat = undefined;
    if (this.subscribers > 0) {
      this.subscribers = 0;
      await this.enqueue(() => this.unlist()).catch(() => undefined);
    }
    await this.queue.catch(() => undefined);
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
