import type { GraphQLError } from "graphql";
import { unauthenticatedError } from "../../resolvers/auth-checker";
import type { AnonymousAttempts } from "../../services/rate-limit/anonymous-attempts";
import type { BudgetState } from "../../services/rate-limit/budget-state";
import type { KeyBudget } from "../../services/rate-limit/key-budget";
import type { ApiKeyIdentity, ApiKeyService } from "../../services/accounts/api-key.service";
import { parseAuthorization } from "../authorization";
import { rateLimitedError } from "./rate-limited-error";
import type { Metrics } from "../../metrics/metrics";

/** A request refused: the status and errors to answer (each with `extensions.code`), and the budget's headers if one was spent. */
export interface GateRefusal {
  ok: false;
  status: 400 | 401 | 429;
  errors: GraphQLError[];
  budget?: BudgetState;
}

/** Let through (with what the caller needs next), or refused. */
export type GateResult<T> = ({ ok: true } & T) | GateRefusal;

export interface RequestGateOptions {
  apiKeys: ApiKeyService;
  keyBudget: KeyBudget;
  anonymous: AnonymousAttempts;
  /** Counts each refusal by code and limit. (Default: none) */
  metrics?: Metrics;
}

/**
 * What every surface (GraphQL over HTTP, WebSocket subscriptions, REST) does before it works for
 * a caller, cheapest first: who is calling (an unauthenticated request is answered before its
 * body is even read), then whether the key's budget covers what the request costs. What a
 * request costs is the surface's to say (GraphQL: the OperationGate's operation cost; REST: each
 * route's).
 */
export class RequestGate {
  constructor(private readonly options: RequestGateOptions) {}

  /**
   * The identity of the `authorization` header's key. A request without a valid key spends one
   * point of its address's budget; an address with none left is refused before its key is
   * looked up — unless this process found that key live in the last ten minutes (a client behind
   * the same address as an attacker keeps working).
   */
  async authenticate(authorization: string | undefined, address: string): Promise<GateResult<{ identity: ApiKeyIdentity }>> {
    const { apiKeys, anonymous } = this.options;
    const apiKey = parseAuthorization(authorization);
    const known = apiKey ? apiKeys.cachedIdentity(apiKey) : undefined;
    if (known) return { ok: true, identity: known };
    const metrics = this.options.metrics;
    const exhausted = await anonymous.exhausted(address);
    if (exhausted && !(apiKey && apiKeys.wasRecentlyValid(apiKey))) {
      metrics?.refused("RATE_LIMITED", "anonymous");
      return { ok: false, status: 429, errors: [rateLimitedError(exhausted)], budget: exhausted };
    }
    const identity = apiKey ? await apiKeys.identify(apiKey) : null;
    if (identity) return { ok: true, identity };
    const budget = await anonymous.record(address);
    if (budget && !budget.allowed) {
      metrics?.refused("RATE_LIMITED", "anonymous");
      return { ok: false, status: 429, errors: [rateLimitedError(budget)], budget };
    }
    metrics?.refused("UNAUTHENTICATED", "key");
    return { ok: false, status: 401, errors: [unauthenticatedError()] };
  }

  /**
   * Spends `cost` points (at least one: every request spends) from the key's budget. A cost that
   * does not fit what is left is spent all the same and refused with 429 (the client reads what
   * is left in the RateLimit header before it sends). `budget` is null when the limit is off.
   */
  async spend(identity: ApiKeyIdentity, cost: number): Promise<GateResult<{ budget: BudgetState | null }>> {
    const budget = await this.options.keyBudget.spend(identity.keyId, Math.max(cost, 1));
    if (budget && !budget.allowed) {
      this.options.metrics?.refused("RATE_LIMITED", "key");
      return { ok: false, status: 429, errors: [rateLimitedError(budget)], budget };
    }
    return { ok: true, budget };
  }
}
