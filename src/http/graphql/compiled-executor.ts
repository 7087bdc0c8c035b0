import type { ApolloServerOptionsWithGateway } from "@apollo/server";
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  OperationTypeNode,
} from "graphql";
import { type CompiledQuery, compileQuery, isCompiledQuery } from "graphql-jit";
import type { Context } from "../../resolvers/context.type";
import { inOperationSpan } from "../../tracing/traced-graphql";

type Gateway = ApolloServerOptionsWithGateway<Context>["gateway"];

/**
 * Apollo Server running every operation through graphql-jit: an operation is compiled to
 * JavaScript once (per parsed document, which Apollo caches by query text) and every later
 * request runs the compiled function instead of graphql-js's generic executor. Plugged in through
 * Apollo's gateway interface, which is how Apollo lets a server bring its own executor.
 *
 * Answers are the ones graphql-js gives: graphql-jit's own error objects become graphql-js
 * GraphQLErrors (Apollo and the error masking recognise those, and unwrap the resolver's error),
 * and a request whose variables do not coerce is answered with graphql-js's own coercion errors,
 * which Apollo turns into HTTP 400 BAD_USER_INPUT. Subscriptions do not pass through here.
 *
 * Why: the server's one thread paces the hot path, and graphql-js's generic coercion and execution
 * were a measurable part of it (alternating runs of createSmsConversation: ~400 → ~360 µs of the
 * main thread per request, throughput +8 %).
 */
export interface CompiledExecutorOptions {
  /** An operation still running after this long is answered with OPERATION_TIMEOUT (HTTP 504), in ms. (Default: 10000) */
  timeoutMs?: number;
  /** Run each operation in a span of its own (tracing on; see inOperationSpan). (Default: false) */
  traced?: boolean;
}

export function compiledExecutor(schema: GraphQLSchema, { timeoutMs = 10_000, traced = false }: CompiledExecutorOptions = {}): Gateway {
  // Keyed by the parsed document: entries go when Apollo's document cache drops it.
  const compiled = new WeakMap<DocumentNode, Map<string | null, CompiledQuery | ExecutionResult>>();

  const compile = (document: DocumentNode, operationName: string | null): CompiledQuery | ExecutionResult => {
    let byName = compiled.get(document);
    if (!byName) compiled.set(document, (byName = new Map<string | null, CompiledQuery | ExecutionResult>()));
    let query = byName.get(operationName);
    if (!query) {
      query =
        getOperationAST(document, operationName)?.operation === OperationTypeNode.SUBSCRIPTION
          ? SUBSCRIPTION_OVER_HTTP
          : compileQuery(schema, document, operationName ?? undefined);
      byName.set(operationName, query);
    }
    return query;
  };

  return {
    async load() {
      return {
        executor: async ({ document, operation, operationName, request, context }) => {
          // Apollo resolved no operation (none has the name asked for, or several and none named):
          // graphql-js's own error, which Apollo answers as OPERATION_RESOLUTION_FAILURE. graphql-jit
          // would compile the document's only operation for a null or empty name.
          if (!operation) return execute({ schema, document, operationName: request.operationName }) as ExecutionResult;
          const query = compile(document, operationName);
          if (!isCompiledQuery(query)) return { errors: query.errors?.map(toGraphQLError) };
          const variables = request.variables ?? {};
          const run = () => withDeadline(query.query(undefined, context, variables), timeoutMs);
          const result = traced ? await inOperationSpan(operation.operation, operationName, run) : await run();
          if (!result.errors) return result;
          if (!("data" in result))
            return { errors: coercionErrors(schema, document, operationName, variables) ?? result.errors.map(toGraphQLError) };
          return { ...result, errors: result.errors.map(toGraphQLError) };
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    async stop() {},
  };
}

/** Subscriptions need a connection that stays open. */
const SUBSCRIPTION_OVER_HTTP: ExecutionResult = {
  errors: [
    new GraphQLError("Subscriptions are served over WebSocket (the graphql-ws protocol) on /graphql, not over HTTP requests.", {
      extensions: { code: "BAD_REQUEST", http: { status: 400 } },
    }),
  ],
};

/**
 * The operation's result, or an OPERATION_TIMEOUT answer once `timeoutMs` have passed. The
 * resolvers still running then finish on their own (each statement is bounded by the
 * database's statement_timeout); their result is dropped. A mutation answered this way may still
 * commit: retrying it with the same `messageSid` is safe.
 */
async function withDeadline<T extends ExecutionResult>(execution: Promise<T> | T, timeoutMs: number): Promise<T | ExecutionResult> {
  if (!(execution instanceof Promise)) return execution;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ExecutionResult>((resolve) => {
    timer = setTimeout(() => resolve({ errors: [operationTimeoutError(timeoutMs)] }), timeoutMs);
  });
  try {
    return await Promise.race([execution, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function operationTimeoutError(timeoutMs: number): GraphQLError {
  return new GraphQLError(`The operation did not finish within ${timeoutMs} ms. Ask for less, or retry later.`, {
    extensions: { code: "OPERATION_TIMEOUT", http: { status: 504 } },
  });
}

/** graphql-js's own errors for variables that do not coerce (its wording, as Apollo expects). */
function coercionErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
  variables: Record<string, unknown>,
): readonly GraphQLError[] | undefined {
  const operation = getOperationAST(document, operationName);
  if (!operation) return undefined;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
  return "errors" in coerced ? coerced.errors : undefined;
}

/**
 * A graphql-jit error as a graphql-js one. graphql-jit's own class inherits GraphQLError's
 * prototype without running its constructor, so `extensions` may be missing; Apollo expects it.
 */
function toGraphQLError(error: unknown): GraphQLError {
  if (error instanceof GraphQLError && error.constructor === GraphQLError) return error;
  const jit = error as GraphQLError;
  const converted = new GraphQLError(jit.message, {
    path: jit.path,
    originalError: jit.originalError ?? undefined,
    extensions: jit.extensions,
  });
  if (jit.locations) (converted as { locations?: unknown }).locations = jit.locations;
  return converted;
}
