import type { ApolloServerPlugin } from "@apollo/server";
import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { isDatabaseUnavailable } from "../../errors/database-unavailable";
import type { Context } from "../../resolvers/context.type";
import { InvalidArgumentError } from "../../services/shared/user-input-error";
import { logRequestFailure } from "../request-failure-log";
import { answerServiceUnavailable, formatServiceUnavailable, SERVICE_UNAVAILABLE } from "./service-unavailable";

/** Codes whose message is written for the caller and safe to return as is. */
export const CALLER_CODES = new Set([
  "UNAUTHENTICATED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "OPERATION_LIMIT_EXCEEDED",
  "OPERATION_TIMEOUT",
  "RATE_LIMITED",
  "SUBSCRIPTION_LIMIT_EXCEEDED",
]);

export const INTERNAL_ERROR_MESSAGE = "Internal server error. Quote the requestId when reporting it.";

export interface FormatErrorOptions {
  /** Cut graphql-js's "Did you mean …?" suggestions, which reveal the schema. (Default: false; true in production) */
  hideSuggestions?: boolean;
}

/**
 * Apollo `formatError`: errors meant for the caller pass, without the values they quote (and,
 * with `hideSuggestions`, without suggestions); everything else becomes a bare
 * INTERNAL_SERVER_ERROR (no message, stack or SQL). The request id is added by the plugin below.
 */
export function createFormatError({ hideSuggestions = false }: FormatErrorOptions = {}) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    if (formatted.extensions?.code === SERVICE_UNAVAILABLE || isDatabaseUnavailable(error)) return formatServiceUnavailable(formatted);
    const original = unwrapResolverError(error);
    if (original instanceof InvalidArgumentError) {
      return {
        message: original.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: "BAD_USER_INPUT", argument: original.argument },
      };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && CALLER_CODES.has(code)) {
      const { stacktrace: _stacktrace, ...extensions } = formatted.extensions ?? {};
      const message = withoutValues(formatted.message);
      return { ...formatted, message: hideSuggestions ? withoutSuggestions(message) : message, extensions };
    }
    const requestId = formatted.extensions?.requestId;
    return {
      message: INTERNAL_ERROR_MESSAGE,
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code: "INTERNAL_SERVER_ERROR", ...(requestId ? { requestId } : {}) },
    };
  };
}

/** graphql-js's hints at names the schema has ("Did you mean \"x\" or \"y\"?"), cut from a message. */
export function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean [^?]*\?/g, "");
}

/**
 * Logs each unexpected error (server side only; throttled, see logRequestFailure), tags masked
 * errors with the request id, and answers SERVICE_UNAVAILABLE with 503 and Retry-After.
 */
export const errorLoggingPlugin: ApolloServerPlugin<Context> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ errors, contextValue }) {
        for (const error of errors) {
          const code = error.extensions?.code;
          const original = unwrapResolverError(error);
          if ((typeof code === "string" && CALLER_CODES.has(code)) || original instanceof InvalidArgumentError) continue;
          logRequestFailure(contextValue.logger, "unexpected error", original, { requestId: contextValue.requestId, path: error.path });
        }
      },
      async willSendResponse({ response, contextValue }) {
        answerServiceUnavailable(response);
        if (response.body.kind !== "single") return;
        for (const error of response.body.singleResult.errors ?? []) {
          if (error.extensions?.code === "INTERNAL_SERVER_ERROR") {
            (error.extensions as Record<string, unknown>).requestId = contextValue.requestId;
          }
        }
      },
    };
  },
};

/**
 * graphql-js quotes the submitted value in coercion errors (`Variable "$input" got invalid value
 * { userNumber: "+1…" }; …`). Inputs hold personal data, so the values are cut out; the path and
 * the reason stay.
 */
export function withoutValues(message: string): string {
  return message
    .replace(/^(Variable "\$[^"]+") got invalid value .*?(?= at "|; |$)/s, "$1 got an invalid value")
    .replace(/got an invalid value( at "[^"]+")?; /, "got an invalid value$1: ")
    .replace(/\bValue .+? does not exist in "([^"]+)" enum\./s, 'The value is not one of the "$1" enum values.')
    .replace(/(cannot represent [^:;]*value): .*?(?=; |$)/gs, "$1.")
    .replace(/, found .*?(\.|; Did you mean|$)/s, ", found an invalid value$1");
}
