import type { GraphQLError } from "graphql";
import { unauthenticatedError } from "../../resolvers/auth-checker";
import type { AnonymousAttempts } from "../../services/rate-limit/anonymous-attempts";
import type { BudgetState } from "../../services/rate-limit/budget-state";
import type { KeyBudget } from "../../services/rate-limit/key-budget";
import type { ApiKeyIdentity, ApiKeyService } from "../../services/accounts/api-key.service";
import { parseAuthorization } from "../authorization";
import type { OperationGuard, OperationRequest } from "./operation-guard";
import { rateLimitedError } from "./rate-limited-error";
import type { Metrics } from "../../metrics/metrics";

/** Let through (with what the caller needs next), or refused with the status and errors to answer. */
export type GateResult<T> = ({ ok: true } & T) | { ok: false; status: 400 | 401 | 429; errors: GraphQLError[]; budget?: BudgetState };

export interface RequestGateOptions {
  apiKeys: ApiKeyService;
  guard: OperationGuard;
  keyBudget: KeyBudget;
  anonymous: AnonymousAttempts;
  /** Counts each refusal by code and limit. (Default: none) */
  metrics?: Metrics;
}

/**
 * What every surface (GraphQL over HTTP, WebSocket subscriptions) does before an operation runs,
 * cheapest first: who is calling (an unauthenticated request is answered before its body is
 * even read), whether the operation is within the limits, and whether the key's budget covers
 * its cost.
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
   * Checks the operation's limits, then spends its cost from the key's budget. Every request
   * spends at least one point — one without an operation to check, or refused by a limit, too —
   * and a cost that does not fit what is left is spent all the same (the client reads what is
   * left in the RateLimit header before it sends).
   */
  async admit(
    identity: ApiKeyIdentity,
    request: OperationRequest | undefined,
  ): Promise<GateResult<{ cost: number; budget: BudgetState | null }>> {
    const admission = request ? this.options.guard.admit(request) : { ok: true as const, cost: 1 };
    const budget = await this.options.keyBudget.spend(identity.keyId, admission.ok ? admission.cost : 1);
    if (!admission.ok) {
      const limit = admission.errors[0]?.extensions.limit;
      this.options.metrics?.refused("OPERATION_LIMIT_EXCEEDED", typeof limit === "string" ? limit : "other");
      return { ok: false, status: 400, errors: admission.errors, budget: budget ?? undefined };
    }
    if (budget && !budget.allowed) {
      this.options.metrics?.refused("RATE_LIMITED", "key");
      return { ok: false, status: 429, errors: [rateLimitedError(budget)], budget };
    }
    return { ok: true, cost: admission.cost, budget };
  }
}
