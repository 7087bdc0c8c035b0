import { type RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";

/** A budget after a spend, as the RateLimit headers state it. */
export interface BudgetState {
  /** The spend fit in the budget. */
  allowed: boolean;
  /** Points per window. */
  limit: number;
  /** Points left in this window. */
  remaining: number;
  /** Seconds until the window resets (rounded up). */
  resetSeconds: number;
  /** The policy's name in the RateLimit headers. */
  policy: "key" | "anonymous";
  windowSeconds: number;
}

/** Spends `points` of `key`'s budget on `limiter` (which refuses by rejecting with its state). */
export async function spend(
  limiter: RateLimiterAbstract,
  key: string,
  points: number,
  policy: Pick<BudgetState, "policy" | "limit" | "windowSeconds">,
): Promise<BudgetState> {
  try {
    return budgetState(await limiter.consume(key, points), true, policy);
  } catch (result) {
    if (result instanceof RateLimiterRes) return budgetState(result, false, policy);
    throw result;
  }
}

export function budgetState(
  result: RateLimiterRes,
  allowed: boolean,
  policy: Pick<BudgetState, "policy" | "limit" | "windowSeconds">,
): BudgetState {
  return {
    allowed,
    remaining: result.remainingPoints,
    resetSeconds: Math.ceil(Math.max(result.msBeforeNext, 0) / 1000),
    ...policy,
  };
}
