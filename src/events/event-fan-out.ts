import type { ParleyEvent, ParleyEventType } from "./parley-event";

export interface EventSubscriptionOptions {
  /** Only events it accepts are queued; it runs as each event is heard and must not throw. */
  accepts?: (event: ParleyEvent) => boolean;
  /**
   * Most events queued for the reader. One more ends the subscription (its queue is dropped)
   * and calls `onOverflow`: a reader never holds more than this many events in memory.
   */
  maxQueued: number;
  /** Told once, when the subscription ends because its reader fell more than `maxQueued` behind. */
  onOverflow?: () => void;
}

export interface EventFanOutHooks {
  /** A subscription starts (its first `next()`). */
  started?: () => void;
  /** A started subscription ends: returned, thrown into, or overflowed. Called once per `started`. */
  ended?: () => void;
}

/**
 * Hands each heard event to this process's subscriptions, each through its own bounded queue:
 * publishing never waits on a reader and never throws, whatever the readers do.
 */
export class EventFanOut {
  private readonly subscriptions = new Map<ParleyEventType, Set<QueuedSubscription>>();

  constructor(private readonly hooks: EventFanOutHooks = {}) {}

  publish(type: ParleyEventType, event: ParleyEvent): void {
    const subscriptions = this.subscriptions.get(type);
    if (!subscriptions) return;
    // A subscription that overflows removes itself; a Set's iteration allows that.
    for (const subscription of subscriptions) subscription.push(event);
  }

  /**
   * The events of `type` heard from the subscription's first `next()` on, until `return()`.
   * (Not an async generator: one waiting for its next event would not see `return()` until an
   * event came.)
   */
  subscribe(type: ParleyEventType, options: EventSubscriptionOptions): AsyncIterableIterator<ParleyEvent> {
    return new QueuedSubscription(options, {
      add: (subscription) => {
        let subscriptions = this.subscriptions.get(type);
        if (!subscriptions) this.subscriptions.set(type, (subscriptions = new Set()));
        subscriptions.add(subscription);
        this.hooks.started?.();
      },
      remove: (subscription) => {
        const subscriptions = this.subscriptions.get(type);
        subscriptions?.delete(subscription);
        if (subscriptions?.size === 0) this.subscriptions.delete(type);
        this.hooks.ended?.();
      },
    });
  }
}

interface Registry {
  add(subscription: QueuedSubscription): void;
  remove(subscription: QueuedSubscription): void;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * One subscriber's events, queued as heard and taken by its reader. It is registered (counted,
 * hearing events) from its first `next()` to its end, so one returned before it started is never
 * counted.
 */
class QueuedSubscription implements AsyncIterableIterator<ParleyEvent> {
  private state: "new" | "open" | "ended" = "new";
  private queue: ParleyEvent[] = [];
  private readers: Array<(result: IteratorResult<ParleyEvent>) => void> = [];

  constructor(
    private readonly options: EventSubscriptionOptions,
    private readonly registry: Registry,
  ) {}

  push(event: ParleyEvent): void {
    if (this.state !== "open" || (this.options.accepts && !this.options.accepts(event))) return;
    const reader = this.readers.shift();
    if (reader) return reader({ value: event, done: false });
    if (this.queue.length >= this.options.maxQueued) return this.overflow();
    this.queue.push(event);
  }

  next(): Promise<IteratorResult<ParleyEvent>> {
    if (this.state === "new") {
      this.state = "open";
      this.registry.add(this);
    }
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.state === "ended") return Promise.resolve(DONE);
    return new Promise((resolve) => this.readers.push(resolve));
  }

  return(): Promise<IteratorResult<ParleyEvent>> {
    this.end();
    return Promise.resolve(DONE);
  }

  throw(error: unknown): Promise<IteratorResult<ParleyEvent>> {
    this.end();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ParleyEvent> {
    return this;
  }

  private overflow(): void {
    this.end();
    try {
      this.options.onOverflow?.();
    } catch {
      // The subscription has ended either way; the other subscribers still get the event.
    }
  }

  private end(): void {
    if (this.state === "ended") return;
    const wasOpen = this.state === "open";
    this.state = "ended";
    this.queue = [];
    for (const reader of this.readers.splice(0)) reader(DONE);
    if (wasOpen) this.registry.remove(this);
  }
}
