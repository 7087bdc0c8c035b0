import { GraphQLError } from "graphql";
import type { BudgetState } from "../../services/rate-limit/budget-state";

/** The refusal of a request over its budget: `extensions.code` RATE_LIMITED and when to retry. */
export function rateLimitedError(budget: BudgetState): GraphQLError {
  const whose = budget.policy === "key" ? "This API key has spent" : "Requests without a valid API key from this address have used";
  return new GraphQLError(
    `Rate limit exceeded. ${whose} the ${budget.limit} points of this ${budget.windowSeconds} s window; retry after ${budget.resetSeconds} s.`,
    {
      extensions: {
        code: "RATE_LIMITED",
        retryAfterSeconds: budget.resetSeconds,
        limit: budget.limit,
        windowSeconds: budget.windowSeconds,
      },
    },
  );
}

/**
 * The budget as response headers: `RateLimit-Policy` and `RateLimit` as the IETF draft
 * (draft-ietf-httpapi-ratelimit-headers-09) writes them, and `Retry-After` once it is spent.
 */
export function rateLimitHeaders(budget: BudgetState): Record<string, string> {
  const headers: Record<string, string> = {
    "ratelimit-policy": `"${budget.policy}";q=${budget.limit};w=${budget.windowSeconds}`,
    ratelimit: `"${budget.policy}";r=${budget.remaining};t=${budget.resetSeconds}`,
  };
  if (!budget.allowed) headers["retry-after"] = String(Math.max(budget.resetSeconds, 1));
  return headers;
}
