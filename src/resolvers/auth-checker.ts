import { GraphQLError } from "graphql";
import type { AuthChecker } from "type-graphql";
import type { Context } from "./context.type";

/** The answer to a missing, unknown or revoked API key, on every surface. */
export function unauthenticatedError(): GraphQLError {
  return new GraphQLError('Missing, unknown or revoked API key. Send it in the authorization header, as the raw key or "Bearer <key>".', {
    extensions: { code: "UNAUTHENTICATED" },
  });
}

/** Guards every `@Authorized()` field: a valid API key or a top-level UNAUTHENTICATED error. */
export const authChecker: AuthChecker<Context> = ({ context }) => {
  if (context.accountId) return true;
  throw unauthenticatedError();
};
