import type { ApolloServerPlugin } from "@apollo/server";

/** Request errors that GraphQL-over-HTTP answers with 200 for `application/json` clients. */
const REQUEST_ERROR_CODES = new Set(["GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT"]);

/** Whether the client accepts `application/graphql-response+json`, whose request errors are answered 4xx. */
export function acceptsGraphQLResponse(accept: string | undefined): boolean {
  return accept?.includes("application/graphql-response+json") ?? false;
}

/**
 * The GraphQL-over-HTTP spec: a client that accepts only `application/json` SHOULD get 200 for
 * documents that fail to parse or validate and for variables that fail coercion (the errors are in
 * the body); clients accepting `application/graphql-response+json` get 400. Apollo Server answers
 * 400 to both, so the legacy case is set back to 200 here.
 */
export const legacyJsonStatusPlugin: ApolloServerPlugin = {
  async requestDidStart({ request }) {
    return {
      async willSendResponse({ response }) {
        if (acceptsGraphQLResponse(request.http?.headers.get("accept"))) return;
        if (response.http.status !== 400 || response.body.kind !== "single") return;
        const { errors, data } = response.body.singleResult;
        if (data === undefined && errors?.length && errors.every((error) => REQUEST_ERROR_CODES.has(String(error.extensions?.code)))) {
          response.http.status = 200;
        }
      },
    };
  },
};
