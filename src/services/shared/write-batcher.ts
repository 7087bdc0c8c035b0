import DataLoader from "dataloader";
import { AsyncResource } from "node:async_hooks";
import { tracingOn } from "../../tracing/tracing";

export interface WriteBatcherOptions {
  /** Most calls one batch carries. (Default: 100) */
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
 *
 * Built on DataLoader (without its cache): a batch is dispatched when a slot is free, at the
 * earliest after the I/O callbacks of the current turn of the event loop, so the requests read in
 * one turn share a batch and an idle service adds no delay.
 */
export class WriteBatcher<Item, Result> {
  private readonly loader: DataLoader<Item, Result>;
  private readonly maxConcurrent: number;
  private readonly stalledAfterMs: number;
  private inFlight = 0;
  private readonly ready: ReadyBatch[] = [];

  constructor(write: (items: readonly Item[]) => Promise<ReadonlyArray<Result | Error>>, options: WriteBatcherOptions = {}) {
    this.maxConcurrent = options.maxConcurrentBatches ?? 1;
    this.stalledAfterMs = options.stalledAfterMs ?? 20;
    this.loader = new DataLoader<Item, Result>(
      async (items) => {
        this.inFlight++;
        let results: ReadonlyArray<Result | Error>;
        try {
          results = await write(items);
        } finally {
          this.inFlight--;
          this.dispatchReady();
        }
        // Answer this batch's callers only once the next batch is on its way. A write that goes
        // through pg-pool gets its connection on process.nextTick, after every pending promise
        // callback: answering first would render all of this batch's responses before the next
        // statement leaves, and the database would idle meanwhile (measured: batches took
        // ~0.6 ms longer and throughput was 6-20 % lower). This holds while `write` reaches
        // pool.query without awaiting anything first and the pool has an idle connection.
        await new Promise<void>((resolve) => process.nextTick(resolve));
        return results;
      },
      {
        cache: false,
        maxBatchSize: options.maxBatchSize ?? 100,
        batchScheduleFn: (dispatch) => this.schedule(dispatch),
      },
    );
  }

  write(item: Item): Promise<Result> {
    return this.loader.load(item);
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
