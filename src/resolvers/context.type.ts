import type { Logger } from "../logger";
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
}

/** Context of a resolver behind `@Authorized()`: the account is known. */
export type AuthenticatedContext = Context & { accountId: string };
