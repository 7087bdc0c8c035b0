import { RateLimiterMemory } from "rate-limiter-flexible";
import { type BudgetState, budgetState, spend } from "./budget-state";
import type { RateLimitOptions } from "../../config";

/**
 * Requests that carry no valid key, counted per client address in this process. An address
 * over its budget is refused before its key is looked up, so a flood of made-up keys costs the
 * database nothing; keys this process already knows keep working from there.
 */
export class AnonymousAttempts {
  private readonly limiter: RateLimiterMemory | null;
  private readonly policy: Pick<BudgetState, "policy" | "limit" | "windowSeconds">;

  constructor({ anonymousPoints, windowSeconds }: Pick<RateLimitOptions, "anonymousPoints" | "windowSeconds">) {
    this.policy = { policy: "anonymous", limit: anonymousPoints, windowSeconds };
    this.limiter = anonymousPoints > 0 ? new RateLimiterMemory({ points: anonymousPoints, duration: windowSeconds }) : null;
  }

  /** The address's budget when it has none left, else null. */
  async exhausted(address: string): Promise<BudgetState | null> {
    const result = await this.limiter?.get(address);
    return result && result.remainingPoints <= 0 ? budgetState(result, false, this.policy) : null;
  }

  /** Counts one unauthenticated request from the address; null when the limit is off. */
  async record(address: string): Promise<BudgetState | null> {
    return this.limiter ? spend(this.limiter, address, 1, this.policy) : null;
  }
}
