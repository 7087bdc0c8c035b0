import DataLoader from "dataloader";
import { AsyncResource } from "node:async_hooks";
import { tracingOn } from "../../tracing/tracing";

export interface WriteBatcherOptions {
  /** Most calls one batch carries; the oldest go first, the rest wait for the next. (Default: 100) */
  maxBatchSize?: number;
  /**
   * Most batches written at once. Calls that arrive meanwhile wait and go together in the next
   * batch: the busier the service, the larger its batches, and the less each call costs.
   * (Default: 1)
   */
  maxConcurrentBatches?: number;
  /**
   * A batch that has waited this long for a free slot, in ms, is written anyway (one batch beyond
   * maxConcurrentBatches at most): a batch held up by a lock (another transaction holding a
   * conversation's row) must not hold up every other call. (Default: 20)
   */
  stalledAfterMs?: number;
}

/**
 * What `write` answers for a call it leaves for a later batch: that call goes in the next batch,
 * ahead of every call that came after it.
 */
export const LATER: unique symbol = Symbol("WriteBatcher.LATER");

/** A call as queued: its arrival number orders it in every batch it is offered to. */
interface Queued<Item> {
  item: Item;
  seq: number;
}

/** A batch waiting for a slot. */
interface ReadyBatch {
  dispatch: () => void;
  /** It has waited stalledAfterMs. */
  stalled: boolean;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Group commit: the calls that arrive while an earlier batch is being written are written
 * together, one statement (so one transaction and one commit) per batch. A call's promise settles
 * after its batch commits, with its own result or its own error (`write` returns one per item,
 * in order); on success, once the next batch, if one is waiting, has been handed to `write`.
 * `write` sees a batch's calls oldest first, and may leave some for the next batch (`LATER`),
 * where they again come before every call that arrived after them.
 *
 * Built on DataLoader (without its cache): a batch is dispatched when a slot is free, at the
 * earliest after the I/O callbacks of the current turn of the event loop, so the requests read in
 * one turn share a batch and an idle service adds no delay.
 */
export class WriteBatcher<Item, Result> {
  private readonly loader: DataLoader<Queued<Item>, Result>;
  private readonly maxConcurrent: number;
  private readonly maxBatchSize: number;
  private readonly stalledAfterMs: number;
  private inFlight = 0;
  private arrivals = 0;
  private readonly ready: ReadyBatch[] = [];

  constructor(write: (items: readonly Item[]) => Promise<ReadonlyArray<Result | Error | typeof LATER>>, options: WriteBatcherOptions = {}) {
    this.maxConcurrent = options.maxConcurrentBatches ?? 1;
    this.maxBatchSize = options.maxBatchSize ?? 100;
    this.stalledAfterMs = options.stalledAfterMs ?? 20;
    this.loader = new DataLoader<Queued<Item>, Result>(
      async (queued) => {
        // Oldest first; what does not fit, and what `write` leaves, is queued again with its own
        // arrival number, so it leads the next batch.
        const order = [...queued].sort((a, b) => a.seq - b.seq);
        const taken = order.slice(0, this.maxBatchSize);
        const answers = new Map<Queued<Item>, Result | Error | Promise<Result>>();
        this.inFlight++;
        for (const entry of order.slice(this.maxBatchSize)) answers.set(entry, this.loader.load(entry));
        try {
          const results = await write(taken.map((entry) => entry.item));
          taken.forEach((entry, i) => answers.set(entry, results[i] === LATER ? this.loader.load(entry) : results[i]));
        } catch (error) {
          for (const entry of taken) answers.set(entry, error instanceof Error ? error : new Error(String(error)));
        } finally {
          this.inFlight--;
          this.dispatchReady();
        }
        // Answer this batch's callers only once the next batch is on its way. A write that goes
        // through pg-pool gets its connection on process.nextTick, after every pending promise
        // callback: answering first would render all of this batch's responses before the next
        // statement leaves, and the database would idle meanwhile. This holds while `write`
        // reaches pool.query without awaiting anything first and the pool has an idle connection.
        await new Promise<void>((resolve) => process.nextTick(resolve));
        // A promise given for a call settles it when its later batch does.
        return queued.map((entry) => answers.get(entry)) as Array<Result | Error>;
      },
      {
        cache: false,
        maxBatchSize: Infinity,
        batchScheduleFn: (dispatch) => this.schedule(dispatch),
      },
    );
  }

  write(item: Item): Promise<Result> {
    return this.loader.load({ item, seq: this.arrivals++ });
  }

  private schedule(dispatch: () => void): void {
    // Called by the batch's first write: with tracing on, the batch's statement runs in that
    // call's context (its request's trace), not in whichever batch's completion dispatches it.
    const batch: ReadyBatch = { dispatch: tracingOn() ? AsyncResource.bind(dispatch) : dispatch, stalled: false, timer: undefined };
    batch.timer = setTimeout(() => {
      batch.stalled = true;
      this.dispatchReady();
    }, this.stalledAfterMs);
    this.ready.push(batch);
    if (this.inFlight < this.maxConcurrent) setImmediate(() => this.dispatchReady());
  }

  /** Oldest first; a stalled batch may take one slot beyond the limit (if that one is held up too, the rest wait). */
  private dispatchReady(): void {
    while (this.ready.length > 0 && this.inFlight < this.maxConcurrent + (this.ready[0].stalled ? 1 : 0)) {
      const batch = this.ready.shift()!;
      clearTimeout(batch.timer);
      batch.dispatch();
    }
  }
}
