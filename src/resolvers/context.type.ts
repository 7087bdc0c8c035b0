import type { ParleyEvent, ParleyEventType } from "../events/parley-event";
import type { Logger } from "../logging/logger";
import type { Loaders } from "./loaders";

/** Per-request GraphQL context. */
export interface Context {
  /** Echoed as the `x-request-id` header and in masked errors. */
  requestId: string;
  /** The account of the request's API key; null when the key is missing, unknown or revoked. */
  accountId: string | null;
  logger: Logger;
  /** Per-request DataLoaders, scoped to `accountId`. */
  loaders: Loaders;
  /** Where a subscription hears its events; set on WebSocket operations only. */
  events?: SubscriptionEvents;
}

/** A connection's source of events, bounded per subscription (see src/http/subscriptions/serve-subscriptions.ts). */
export interface SubscriptionEvents {
  /** Events of `type` that `accepts` lets through, from the first `next()` until `return()`. */
  subscribe(type: ParleyEventType, accepts: (event: ParleyEvent) => boolean): AsyncIterableIterator<ParleyEvent>;
}

/** Context of a resolver behind `@Authorized()`: the account is known. */
export type AuthenticatedContext = Context & { accountId: string };
