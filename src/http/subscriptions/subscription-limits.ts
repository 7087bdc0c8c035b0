import { GraphQLError } from "graphql";

export interface SubscriptionLimitsOptions {
  /** Active subscriptions one connection may hold. */
  maxPerConnection: number;
  /** Active subscriptions one API key may hold over all its connections to this process. */
  maxPerKey: number;
}

/** Which limit refused a subscription: the `limit` of its error's extensions. */
export type SubscriptionLimit = "perConnection" | "perKey";

/**
 * Counts the active subscriptions of each connection and each API key (by its hash) of this
 * process. Each subscription holds a slot, named by any object unique to it, from `take` to
 * `release` or its connection's `close`; releasing twice, or a slot never taken, does nothing.
 */
export class SubscriptionLimits {
  private readonly perKey = new Map<string, number>();
  private held = 0;

  constructor(private readonly options: SubscriptionLimitsOptions) {}

  /** Active subscriptions of this process, every key and connection together. */
  get active(): number {
    return this.held;
  }

  /** The slots of one connection of a key. */
  connection(keyHash: string): ConnectionSlots {
    const slots = new Set<object>();
    let closed = false;
    const free = (count: number) => {
      this.held -= count;
      const left = (this.perKey.get(keyHash) ?? 0) - count;
      if (left > 0) this.perKey.set(keyHash, left);
      else this.perKey.delete(keyHash);
    };
    return {
      take: (slot) => {
        if (closed || slots.has(slot)) return null;
        if (slots.size >= this.options.maxPerConnection) return limitExceeded("perConnection", this.options.maxPerConnection);
        const held = this.perKey.get(keyHash) ?? 0;
        if (held >= this.options.maxPerKey) return limitExceeded("perKey", this.options.maxPerKey);
        slots.add(slot);
        this.perKey.set(keyHash, held + 1);
        this.held++;
        return null;
      },
      release: (slot) => {
        if (slots.delete(slot)) free(1);
      },
      close: () => {
        closed = true;
        free(slots.size);
        slots.clear();
      },
    };
  }
}

export interface ConnectionSlots {
  /** Takes a slot for a new subscription; null when taken, else the error that refuses it. */
  take(slot: object): GraphQLError | null;
  release(slot: object): void;
  /** The connection ended: releases its slots, and takes no more. */
  close(): void;
}

function limitExceeded(limit: SubscriptionLimit, maximum: number): GraphQLError {
  const holder = limit === "perConnection" ? "connection" : "API key";
  return new GraphQLError(`At most ${maximum} active subscriptions per ${holder}; complete one before starting another`, {
    extensions: { code: "SUBSCRIPTION_LIMIT_EXCEEDED", limit, maximum },
  });
}
