import type { ApiKeyIdentity } from "../../services/accounts/api-key.service";
import type { BudgetState } from "../../services/rate-limit/budget-state";
import type { OperationGuard, OperationRequest } from "./operation-guard";
import type { GateResult, RequestGate } from "./request-gate";
import type { Metrics } from "../../metrics/metrics";

/**
 * The GraphQL part of admitting a request, over HTTP and WebSocket alike: the operation's limits
 * (the OperationGuard), then its cost spent through the RequestGate shared with every surface.
 */
export class OperationGate {
  constructor(
    private readonly gate: RequestGate,
    private readonly guard: OperationGuard,
    /** Counts each refusal by code and limit. (Default: none) */
    private readonly metrics?: Metrics,
  ) {}

  /**
   * Checks the operation's limits, then spends its cost from the key's budget. Every request
   * spends at least one point — one without an operation to check, or refused by a limit, too.
   */
  async admit(
    identity: ApiKeyIdentity,
    request: OperationRequest | undefined,
  ): Promise<GateResult<{ cost: number; budget: BudgetState | null }>> {
    const admission = request ? this.guard.admit(request) : { ok: true as const, cost: 1 };
    const spent = await this.gate.spend(identity, admission.ok ? admission.cost : 1);
    if (!admission.ok) {
      const limit = admission.errors[0]?.extensions.limit;
      this.metrics?.refused("OPERATION_LIMIT_EXCEEDED", typeof limit === "string" ? limit : "other");
      return { ok: false, status: 400, errors: admission.errors, budget: spent.budget ?? undefined };
    }
    if (!spent.ok) return spent;
    return { ok: true, cost: admission.cost, budget: spent.budget };
  }
}
