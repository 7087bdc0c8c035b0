import type { ApolloServerPlugin } from "@apollo/server";
import { OperationTypeNode } from "graphql";
import type { Metrics } from "../../metrics/metrics";
import type { Context } from "../../resolvers/context.type";
import { CALLER_CODES } from "./error-masking";

/** Error codes Parley answers with, kept as outcome labels; any other code is `OTHER_ERROR`. */
const ERROR_CODES = new Set([...CALLER_CODES, "SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR"]);

/**
 * Times every operation Apollo answers (the RequestGate's refusals never reach it: they are
 * counted as refusals and HTTP requests) into `parley_graphql_operation_duration_seconds`, by
 * operation name (bounded by Metrics), type and outcome: `ok`, `user_error` (a mutation answered
 * with userErrors), or the first error's code as the caller got it (after masking).
 */
export function operationMetricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      const startedAt = performance.now();
      return {
        async willSendResponse({ response, operation, operationName }) {
          let outcome = "ok";
          if (response.body.kind === "single") {
            const { errors, data } = response.body.singleResult;
            if (errors && errors.length > 0) outcome = errorOutcome(errors[0].extensions?.code);
            else if (operation?.operation === OperationTypeNode.MUTATION && hasUserErrors(data)) outcome = "user_error";
          }
          // An operation name counts only once its document parsed and validated (operation is set).
          metrics.observeOperation(
            operation ? operationName : undefined,
            operation?.operation ?? "none",
            outcome,
            (performance.now() - startedAt) / 1000,
          );
        },
      };
    },
  };
}

function errorOutcome(code: unknown): string {
  return typeof code === "string" && ERROR_CODES.has(code) ? code : "OTHER_ERROR";
}

/** Whether a mutation's result holds a payload with userErrors (selected and not empty). */
function hasUserErrors(data: Record<string, unknown> | null | undefined): boolean {
  if (!data) return false;
  for (const key in data) {
    const payload = data[key] as { userErrors?: unknown } | null;
    if (payload && Array.isArray(payload.userErrors) && payload.userErrors.length > 0) return true;
  }
  return false;
}
