import { randomUUID } from "node:crypto";
import type http from "node:http";
import type { GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Logger } from "../logger";
import type { Context } from "../resolvers/context.type";
import { createLoaders } from "../resolvers/loaders";
import type { Services } from "../services/services";
import { parseAuthorization } from "./authorization";

export interface SubscriptionServerOptions {
  server: http.Server;
  schema: GraphQLSchema;
  services: Services;
  logger: Logger;
}

/**
 * GraphQL subscriptions over the graphql-ws protocol, on the same `/graphql` path. The API key
 * goes in `connectionParams.authorization` (raw or `Bearer <key>`); a connection without a valid
 * key is closed with 4403 before any subscription starts.
 */
export function serveSubscriptions({ server, schema, services, logger }: SubscriptionServerOptions): { dispose(): Promise<void> } {
  const wsServer = new WebSocketServer({ server, path: "/graphql" });
  const cleanup = useServer<Record<string, unknown>, { accountId?: string }>(
    {
      schema,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization;
        const apiKey = typeof header === "string" ? parseAuthorization(header) : null;
        const accountId = apiKey ? await services.apiKeys.authenticate(apiKey) : null;
        if (!accountId) return false;
        ctx.extra.accountId = accountId;
        return true;
      },
      context: (ctx): Context => {
        const accountId = ctx.extra.accountId ?? null;
        const requestId = randomUUID();
        return { requestId, accountId, logger: logger.child({ requestId }), loaders: createLoaders(services, accountId) };
      },
      onError: (_ctx, _id, _payload, errors) => {
        for (const error of errors) logger.warn({ err: error }, "subscription error");
      },
    },
    wsServer,
  );
  return {
    dispose: async () => {
      await cleanup.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}
