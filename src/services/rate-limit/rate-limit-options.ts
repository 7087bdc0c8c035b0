/** The per-key budget and the per-address limit on unauthenticated attempts. */
export interface RateLimitOptions {
  /**
   * Cost points one API key may spend per window, across every gateway process (an operation
   * spends its cost; see src/http/limits/operation-cost.ts). 0 turns the limit off.
   * (Default: 600000; `RATE_LIMIT_POINTS`)
   */
  points: number;
  /** Length of the window, in seconds. (Default: 60; `RATE_LIMIT_WINDOW_SECONDS`) */
  windowSeconds: number;
  /**
   * Requests without a valid key one client address may make per window, in each process;
   * further ones are answered 429 without looking their key up. 0 turns it off.
   * (Default: 60; `RATE_LIMIT_ANONYMOUS_POINTS`)
   */
  anonymousPoints: number;
}
