import DataLoader from "dataloader";

export interface WriteBatcherOptions {
  /** Most calls one batch carries. (Default: 100) */
  maxBatchSize?: number;
  /**
   * Most batches written at once. Calls that arrive meanwhile wait and go together in the next
   * batch: the busier the service, the larger its batches. (Default: 2)
   */
  maxConcurrentBatches?: number;
}

/**
 * Group commit: the calls that arrive while earlier batches are being written are written together,
 * one statement (so one transaction and one commit) per batch. A call's promise settles after its
 * batch commits, with its own result or its own error (`write` returns one per item, in order).
 *
 * Built on DataLoader (without its cache): a batch is dispatched when a slot is free, at the
 * earliest after the I/O callbacks of the current turn of the event loop, so the requests read in
 * one turn share a batch and an idle service adds no delay.
 */
export class WriteBatcher<Item, Result> {
  private readonly loader: DataLoader<Item, Result>;
  private readonly maxConcurrent: number;
  private inFlight = 0;
  private readonly ready: Array<() => void> = [];

  constructor(write: (items: readonly Item[]) => Promise<ReadonlyArray<Result | Error>>, options: WriteBatcherOptions = {}) {
    this.maxConcurrent = options.maxConcurrentBatches ?? 2;
    this.loader = new DataLoader<Item, Result>(
      async (items) => {
        this.inFlight++;
        try {
          return await write(items);
        } finally {
          this.inFlight--;
          this.dispatchReady();
        }
      },
      {
        cache: false,
        maxBatchSize: options.maxBatchSize ?? 100,
        batchScheduleFn: (dispatch) => {
          this.ready.push(dispatch);
          if (this.inFlight < this.maxConcurrent) setImmediate(() => this.dispatchReady());
        },
      },
    );
  }

  write(item: Item): Promise<Result> {
    return this.loader.load(item);
  }

  private dispatchReady(): void {
    while (this.inFlight < this.maxConcurrent && this.ready.length > 0) this.ready.shift()!();
  }
}
