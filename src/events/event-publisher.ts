import type { Pool } from "pg";
import { outsideTraces } from "../tracing/trace-context";
import { LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";
import { EVENTS_CHANNEL, type ParleyEvent } from "./parley-event";

/** NOTIFY payloads must stay under 8000 bytes. */
const MAX_NOTIFY_BYTES = 7_000;

/** Packs events into JSON arrays of at most `maxBytes` each, in order. */
export function chunkEvents(events: readonly ParleyEvent[], maxBytes = MAX_NOTIFY_BYTES): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let size = 2;
  for (const event of events) {
    const json = JSON.stringify(event);
    const length = Buffer.byteLength(json) + 1;
    if (current.length > 0 && size + length > maxBytes) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      size = 2;
    }
    current.push(json);
    size += length;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}

/**
 * Publishes events to every gateway process (NOTIFY on `parley_events`, heard by each EventBus)
 * after the change they describe has committed. Events of a process are batched: one statement
 * per batch, at most one in flight, so under load a batch carries many events.
 *
 * Why not NOTIFY inside the change's transaction: PostgreSQL serializes the commits of notifying
 * transactions, which caps the write throughput of the whole database; and why not an outbox row:
 * it is one more row written and deleted per change. Events are a live feed — subscribers read
 * state again after a reconnect — so one lost in a crash between commit and publish costs a
 * subscriber an update it would also miss while disconnected; the change itself is durable.
 */
export class EventPublisher {
  private queue: ParleyEvent[] = [];
  private flushing: Promise<void> | undefined;
  private readonly throttle: LogThrottle;

  /**
   * @param batchDelayMs How long the first event of a batch waits for others, in ms: every
   *   NOTIFY wakes every listening connection, so fewer, fuller batches cost the database less.
   *   (Default: 5)
   */
  constructor(
    private readonly pool: Pool,
    logger: Logger,
    private readonly batchDelayMs = 5,
  ) {
    this.throttle = new LogThrottle(logger);
  }

  /** Queues events of a committed change; they are sent within a moment, batched with others. */
  publish(events: readonly ParleyEvent[]): void {
    if (events.length === 0) return;
    this.queue.push(...events);
    // Publishing is not part of the request that woke it (nor of the next ones it carries).
    this.flushing ??= outsideTraces(() => new Promise<void>((resolve) => setTimeout(resolve, this.batchDelayMs)).then(() => this.flush()));
  }

  /** Resolves once every event queued so far has been sent (or its batch has failed and been logged). */
  async drained(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue;
      this.queue = [];
      try {
        await this.pool.query({
          name: "parley_publish_events",
          text: "SELECT pg_notify($1, chunk) FROM unnest($2::text[]) AS chunk",
          values: [EVENTS_CHANNEL, chunkEvents(batch)],
        });
      } catch (error) {
        this.throttle.failure("warn", "events not published; subscribers miss them", error, { events: batch.length });
      }
    }
    this.flushing = undefined;
  }
}
