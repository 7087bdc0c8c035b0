import type { Pool } from "pg";
import { RateLimiterMemory, RateLimiterPostgres } from "rate-limiter-flexible";
import { type BudgetState, spend } from "./budget-state";
import type { RateLimitOptions } from "../../config";

/**
 * Each API key's budget of cost points per window, shared by every gateway process through
 * PostgreSQL (rate-limiter-flexible's store on the UNLOGGED `api_key_budget` table: one upsert
 * per spend). A key over its budget is also remembered in this process until its window ends,
 * so its further requests cost no statement. While the table cannot be reached, each process
 * counts in memory instead (the store's insurance limiter), rather than refusing everything or
 * letting everything through.
 */
export class KeyBudget {
  private readonly limiter: RateLimiterPostgres | null;
  private readonly policy: Pick<BudgetState, "policy" | "limit" | "windowSeconds">;

  constructor(pool: Pool, { points, windowSeconds }: Pick<RateLimitOptions, "points" | "windowSeconds">) {
    this.policy = { policy: "key", limit: points, windowSeconds };
    this.limiter =
      points > 0
        ? new RateLimiterPostgres({
            storeClient: pool,
            storeType: "pool",
            tableName: "api_key_budget",
            tableCreated: true,
            keyPrefix: "key",
            points,
            duration: windowSeconds,
            inMemoryBlockOnConsumed: points,
            insuranceLimiter: new RateLimiterMemory({ points, duration: windowSeconds }),
          })
        : null;
  }

  /** Spends `points` of the key's budget; null when the limit is off. */
  async spend(keyId: string, points: number): Promise<BudgetState | null> {
    return this.limiter ? spend(this.limiter, keyId, points, this.policy) : null;
  }
}
