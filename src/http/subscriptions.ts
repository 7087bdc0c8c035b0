import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Config } from "../config";
import type { EventFanOut } from "../events/event-fan-out";
import type { Logger } from "../logger";
import type { Context } from "../resolvers/context.type";
import { createLoaders } from "../resolvers/loaders";
import type { Services } from "../services/services";
import { parseAuthorization } from "./authorization";
import { KeyRevocationWatch } from "./key-revocation-watch";
import { LiveConnection } from "./live-connection";
import { SubscriptionLimits } from "./subscription-limits";

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
}

/**
 * GraphQL subscriptions over the graphql-ws protocol, on the same `/graphql` path. The API key
 * goes in `connectionParams.authorization` (raw or `Bearer <key>`); a connection without a valid
 * key is closed with 4403 before any subscription starts, and one whose key is revoked later is
 * closed with 4403 within `keyCheckIntervalMs`. Bounded: messages of at most `maxPayloadBytes`
 * (else 1009), `maxPerConnection` and `maxPerKey` active subscriptions (else the subscription is
 * refused with SUBSCRIPTION_LIMIT_EXCEEDED), and a subscriber that falls more than
 * `maxQueuedEvents` behind, or whose socket holds more than `maxBufferedBytes`, is closed with 4420.
 */
export function serveSubscriptions(options: SubscriptionServerOptions): { dispose(): Promise<void> } {
  const { server, schema, services, logger, bounds } = options;
  // maxPayload is checked from each frame's header, before its payload is read.
  const wsServer = new WebSocketServer({ server, path: "/graphql", maxPayload: bounds.maxPayloadBytes });
  const limits = new SubscriptionLimits(bounds);
  const revocations = new KeyRevocationWatch({ apiKeys: services.apiKeys, logger, intervalMs: options.keyCheckIntervalMs });
  // An operation's slot is named by its Subscribe message's payload: graphql-ws hands that same
  // object to each hook of the operation (onSubscribe, onOperation, onError, onComplete), while
  // its id may be reused as soon as the client completes it.
  const cleanup = useServer<Record<string, unknown>, { connection: LiveConnection }>(
    {
      schema,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams as Record<string, unknown> | undefined;
        const header = params?.authorization;
        // The connection keeps the key's hash only.
        if (params) delete params.authorization;
        const apiKey = typeof header === "string" ? parseAuthorization(header) : null;
        const key = apiKey ? await services.apiKeys.authenticateKey(apiKey) : null;
        const { socket } = ctx.extra;
        // A socket closed meanwhile has had its onClose already: nothing may be registered for it.
        if (!key || socket.readyState !== socket.OPEN) return false;
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
      onSubscribe: (ctx, _id, payload) => {
        // Checks of the operation itself (depth, cost, …) go here, before the slot is taken, so
        // that an operation they refuse holds none. Returning nothing lets graphql-ws parse,
        // validate and run it.
        const refusal = ctx.extra.connection?.slots.take(payload);
        if (refusal) return [refusal];
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
      onNext: (ctx) => {
        ctx.extra.connection?.checkBuffered();
      },
      onError: (ctx, _id, payload, errors) => {
        ctx.extra.connection?.slots.release(payload);
        for (const error of errors) {
          if (error.extensions.code !== "SUBSCRIPTION_LIMIT_EXCEEDED") logger.warn({ err: error }, "subscription error");
        }
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
    socket.on("error", (error: Error & { code?: string }) => logger.info({ code: error.code }, "WebSocket protocol error; connection closed"));
  });
  return {
    dispose: async () => {
      revocations.stop();
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

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
