import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { Duplex } from "node:stream";
import {
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  getVariableValues,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Config } from "../../config";
import type { EventFanOut } from "../../events/event-fan-out";
import type { Logger } from "../../logging/logger";
import type { Context } from "../../resolvers/context.type";
import { unauthenticatedError } from "../../resolvers/auth-checker";
import { createLoaders } from "../../resolvers/loaders";
import type { ApiKeyIdentity } from "../../services/accounts/api-key.service";
import type { Services } from "../../services/services";
import { clientAddress } from "../client-address";
import { isDatabaseUnavailable } from "../../errors/database-unavailable";
import { createFormatError } from "../graphql/error-masking";
import { logRequestFailure } from "../request-failure-log";
import { KeyRevocationWatch } from "./key-revocation-watch";
import { LiveConnection } from "./live-connection";
import { operationLimitError } from "../limits/operation-limit-error";
import type { OperationGate } from "../limits/operation-gate";
import type { RequestGate } from "../limits/request-gate";
import { SubscriptionLimits } from "./subscription-limits";
import type { Metrics } from "../../metrics/metrics";

export interface SubscriptionServerOptions {
  server: http.Server;
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
  /** Where subscriptions hear events (the process's EventBus). */
  events: EventFanOut;
  bounds: Config["subscriptions"];
  /** How often the keys of open connections are checked again, in ms. */
  keyCheckIntervalMs: number;
  /** Authentication: the same as over HTTP. */
  gate: RequestGate;
  /** Operation limits and the key's budget: the same as over HTTP. */
  operations: OperationGate;
  /** Answer introspection. (Default: as over HTTP) */
  introspection: boolean;
  /** Leave "Did you mean …?" suggestions out of error messages. (Default: as over HTTP) */
  hideSuggestions: boolean;
  /** Take the client's address from `X-Forwarded-For` (see clientAddress). (Default: false) */
  trustProxy?: boolean;
  /** Counts open subscriptions and refusals. (Default: none) */
  metrics?: Metrics;
}

/** Close code (WebSocket's "Try Again Later") of a connection whose key could not be looked up because the database is unavailable. */
export const TRY_AGAIN_LATER_CLOSE_CODE = 1013;

/** Close code of a connection refused because its address has spent its budget of requests without a valid key. */
export const RATE_LIMITED_CLOSE_CODE = 4429;

/**
 * GraphQL subscriptions over the graphql-ws protocol, on the same `/graphql` path, through the
 * same RequestGate as HTTP. The API key goes in `connectionParams.authorization` (raw or
 * `Bearer <key>`); a connection without a valid key is closed with 4403 before any subscription
 * starts (4429 once its address has spent its budget of such attempts), and one whose key is
 * revoked later is closed with 4403 within `keyCheckIntervalMs`. Each subscription is checked
 * against the operation limits and spends its cost from the key's budget, then is validated
 * (without introspection where it is off) before it holds a slot. Bounded: messages of at most `maxPayloadBytes`
 * (else 1009), `maxPerConnection` and `maxPerKey` active subscriptions (else the subscription is
 * refused with SUBSCRIPTION_LIMIT_EXCEEDED), and a subscriber that falls more than
 * `maxQueuedEvents` behind, or whose socket holds more than `maxBufferedBytes`, is closed with 4420.
 */
export function serveSubscriptions(options: SubscriptionServerOptions): { dispose(): Promise<void> } {
  const { server, schema, services, logger, bounds, gate, operations } = options;
  const rules = options.introspection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
  const formatError = createFormatError({ hideSuggestions: options.hideSuggestions });
  /** Errors as the client may see them: the same masking as over HTTP. */
  const forClient = (errors: readonly GraphQLError[]) =>
    errors.map((error) => {
      const { message, extensions } = formatError(error.toJSON(), error);
      return new GraphQLError(message, { nodes: error.nodes, path: error.path, extensions });
    });
  // maxPayload is checked from each frame's header, before its payload is read. The upgrades are
  // routed here rather than by ws (its `server` option), which would also take the HTTP server's
  // own errors — a port already in use — and hand them to graphql-ws to print as a stack.
  const wsServer = new WebSocketServer({ noServer: true, path: "/graphql", maxPayload: bounds.maxPayloadBytes });
  const onUpgrade = (request: http.IncomingMessage, socket: Duplex, head: Buffer) =>
    wsServer.handleUpgrade(request, socket, head, (client) => wsServer.emit("connection", client, request));
  server.on("upgrade", onUpgrade);
  const limits = new SubscriptionLimits(bounds);
  options.metrics?.watchSubscriptions(() => limits.active);
  const revocations = new KeyRevocationWatch({ apiKeys: services.apiKeys, logger, intervalMs: options.keyCheckIntervalMs });
  // An operation's slot is named by its Subscribe message's payload: graphql-ws hands that same
  // object to each hook of the operation (onSubscribe, onOperation, onError, onComplete), while
  // its id may be reused as soon as the client completes it.
  const cleanup = useServer<Record<string, unknown>, { connection?: LiveConnection; identity?: ApiKeyIdentity }>(
    {
      schema,
      onConnect: async (ctx) => {
        const params: Record<string, unknown> | undefined = ctx.connectionParams;
        const header = params?.authorization;
        // The connection keeps the key's hash only.
        if (params) delete params.authorization;
        const { socket, request } = ctx.extra;
        let authenticated;
        try {
          authenticated = await gate.authenticate(
            typeof header === "string" ? header : undefined,
            clientAddress(request, options.trustProxy ?? false),
          );
        } catch (error) {
          logRequestFailure(logger, "authentication failed", error);
          // 1013 Try Again Later: the key could not be looked up; the client may reconnect.
          const [code, reason] = isDatabaseUnavailable(error)
            ? [TRY_AGAIN_LATER_CLOSE_CODE, "Service unavailable; retry"]
            : [1011, "Internal error"];
          if (socket.readyState === socket.OPEN) socket.close(code, reason);
          return false;
        }
        if (!authenticated.ok && authenticated.status === 429 && socket.readyState === socket.OPEN)
          socket.close(RATE_LIMITED_CLOSE_CODE, "Rate limit exceeded");
        // A socket closed meanwhile has had its onClose already: nothing may be registered for it.
        if (!authenticated.ok || socket.readyState !== socket.OPEN) return false;
        const key = authenticated.identity;
        ctx.extra.identity = key;
        const connection = new LiveConnection({
          socket,
          accountId: key.accountId,
          slots: limits.connection(key.keyHash),
          fanOut: options.events,
          logger,
          maxQueuedEvents: bounds.maxQueuedEvents,
          maxBufferedBytes: bounds.maxBufferedBytes,
        });
        connection.onEnd(revocations.watch(key.keyHash, () => connection.revoked()));
        ctx.extra.connection = connection;
        return true;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const { connection, identity } = ctx.extra;
        // onConnect refused every connection without a key: graphql-ws accepts no Subscribe before it.
        if (!connection || !identity) return [unauthenticatedError()];
        // The operation's own checks come before its slot, so that an operation they refuse holds none.
        const admitted = await operations.admit(identity, payload);
        if (!admitted.ok) return admitted.errors;
        // Its selection runs again for every event: bounded far below a one-off operation.
        if (admitted.cost > bounds.maxCost) {
          options.metrics?.refused("OPERATION_LIMIT_EXCEEDED", "subscriptionCost");
          return [operationLimitError("cost", bounds.maxCost, admitted.cost)];
        }
        // The codes Apollo gives the same request errors over HTTP.
        let document;
        try {
          document = parse(payload.query);
        } catch (error) {
          return withCode(
            [error instanceof GraphQLError ? error : new GraphQLError("The subscription could not be parsed.")],
            "GRAPHQL_PARSE_FAILED",
          );
        }
        const invalid = validate(schema, document, rules);
        if (invalid.length > 0) return withCode(invalid, "GRAPHQL_VALIDATION_FAILED");
        const operation = getOperationAST(document, payload.operationName);
        if (!operation)
          return withCode(
            [new GraphQLError("Name the operation to run (operationName): the document has several, or none.")],
            "OPERATION_RESOLUTION_FAILURE",
          );
        const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], payload.variables ?? {}, { maxErrors: 10 });
        if ("errors" in coerced && coerced.errors) return withCode(coerced.errors, "BAD_USER_INPUT");
        const refusal = connection.slots.take(payload);
        if (refusal) {
          options.metrics?.refused("SUBSCRIPTION_LIMIT_EXCEEDED", String(refusal.extensions.limit));
          return [refusal];
        }
        return { schema, document, variableValues: payload.variables, operationName: payload.operationName };
      },
      context: (ctx): Context => {
        const connection = ctx.extra.connection;
        const accountId = connection?.accountId ?? null;
        const requestId = randomUUID();
        return {
          requestId,
          accountId,
          logger: logger.child({ requestId }),
          loaders: createLoaders(services, accountId),
          events: connection?.events,
        };
      },
      onOperation: (ctx, _id, payload, _args, result) => {
        const connection = ctx.extra.connection;
        if (!connection || !isAsyncIterator(result)) return;
        // A subscription the client completes frees its slot at once: graphql-ws ends its loop
        // (onComplete) only some ticks later, after a Subscribe that came in the same read.
        return onReturn(result, () => connection.slots.release(payload));
      },
      onNext: (ctx, _id, _payload, _args, result) => {
        ctx.extra.connection?.checkBuffered();
        if (result.errors) return { ...result, errors: forClient(result.errors) };
      },
      onError: (ctx, _id, payload, errors) => {
        ctx.extra.connection?.slots.release(payload);
        for (const error of errors) {
          if (!CALLER_ERROR_CODES.has(String(error.extensions.code))) logger.warn({ err: error }, "subscription error");
        }
        return forClient(errors);
      },
      onComplete: (ctx, _id, payload) => {
        ctx.extra.connection?.slots.release(payload);
      },
      onClose: (ctx) => {
        ctx.extra.connection?.ended();
      },
    },
    wsServer,
  );
  wsServer.on("connection", (socket) => {
    // ws has already closed the connection with the matching code (1009 for a message over
    // maxPayload) when it emits an error; graphql-ws would print it to the console.
    socket.removeAllListeners("error");
    socket.on("error", (error: Error & { code?: string }) =>
      logger.info({ code: error.code }, "WebSocket protocol error; connection closed"),
    );
    // Every message may be answered (a pong echoes its ping): a peer that sends but does not read
    // is cut off before what waits for it outgrows maxBufferedBytes, with a key or without.
    socket.on("message", () => {
      if (socket.bufferedAmount <= bounds.maxBufferedBytes) return;
      logger.warn({ cause: "socket", maxBufferedBytes: bounds.maxBufferedBytes }, "WebSocket peer stopped reading; connection dropped");
      socket.terminate();
    });
  });
  return {
    dispose: async () => {
      server.off("upgrade", onUpgrade);
      revocations.stop();
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

function withCode(errors: readonly GraphQLError[], code: string): GraphQLError[] {
  return errors.map(
    (error) =>
      new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        extensions: { ...error.extensions, code },
      }),
  );
}

/** Refusals the caller caused, answered without a warning in the log. */
const CALLER_ERROR_CODES = new Set([
  "SUBSCRIPTION_LIMIT_EXCEEDED",
  "OPERATION_LIMIT_EXCEEDED",
  "RATE_LIMITED",
  "UNAUTHENTICATED",
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_USER_INPUT",
]);

function isAsyncIterator<T>(value: AsyncIterable<T> | object): value is AsyncIterableIterator<T> {
  return Symbol.asyncIterator in value && "next" in value && typeof value.next === "function";
}

/** `iterator`, calling `returned` as soon as its `return()` is called. */
function onReturn<T>(iterator: AsyncIterableIterator<T>, returned: () => void): AsyncIterableIterator<T> {
  const wrapped: AsyncIterableIterator<T> = {
    next: () => iterator.next(),
    return: (value?: unknown) => {
      returned();
      return iterator.return ? iterator.return(value) : Promise.resolve({ value: undefined, done: true });
    },
    throw: (error?: unknown) => (iterator.throw ? iterator.throw(error) : Promise.reject(error)),
    [Symbol.asyncIterator]: () => wrapped,
  };
  return wrapped;
}
