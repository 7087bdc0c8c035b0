import http from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { expressMiddleware } from "@as-integrations/express5";
import cors from "cors";
import express, { type ErrorRequestHandler } from "express";
import { GraphQLError } from "graphql";
import { pinoHttp } from "pino-http";
import type { DataSource } from "typeorm";
import type { Logger } from "../logger";
import type { Context } from "../resolvers/context.type";
import { createLoaders } from "../resolvers/loaders";
import { buildParleySchema } from "../schema";
import type { Services } from "../services/services";
import { parseAuthorization } from "./authorization";
import { errorLoggingPlugin, formatError, INTERNAL_ERROR_MESSAGE } from "./error-masking";
import { legacyJsonStatusPlugin } from "./legacy-json-status";
import { assignRequestId } from "./request-id";
import { serveSubscriptions } from "./subscriptions";
import type { EventPubSub } from "../events/event-bus";

export interface HttpAppOptions {
  dataSource: DataSource;
  services: Services;
  logger: Logger;
  /** Serve Apollo Sandbox at GET /graphql. (Default: true outside production) */
  landingPage: boolean;
  /** Answer introspection queries. (Default: true outside production) */
  introspection: boolean;
  /** Largest accepted request body. (Default: `256kb`) */
  bodyLimit?: string;
  /** Where subscriptions hear events (the process's EventBus). */
  pubSub: EventPubSub;
}

export interface HttpApp {
  server: http.Server;
  /** Stops taking requests, lets in-flight ones finish, then stops Apollo. */
  stop(): Promise<void>;
}

/** Express 5 + Apollo Server 5: POST /graphql, Sandbox at GET /graphql, /healthz and /readyz. */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const { dataSource, services, logger } = options;
  const app = express();
  const server = http.createServer(app);
  app.disable("x-powered-by");

  const schema = await buildParleySchema(services, options.pubSub);
  const subscriptions = serveSubscriptions({ server, schema, services, logger });
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals: it drains HTTP, then the worker, then the database.
    stopOnTerminationSignals: false,
    formatError,
    logger,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      { serverWillStart: async () => ({ drainServer: () => subscriptions.dispose() }) },
      options.landingPage ? ApolloServerPluginLandingPageLocalDefault({ includeCookies: false }) : ApolloServerPluginLandingPageDisabled(),
      errorLoggingPlugin,
      legacyJsonStatusPlugin,
    ],
  });
  await apollo.start();

  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => assignRequestId(req, res),
      // Only these fields: headers (and so API keys) are never logged.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      autoLogging: { ignore: (req) => req.url === "/healthz" || req.url === "/readyz" },
    }),
  );

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    try {
      await dataSource.query("SELECT 1");
      res.json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "database unreachable" });
    }
  });

  app.use(
    "/graphql",
    cors({ exposedHeaders: ["x-request-id"] }),
    express.json({ limit: options.bodyLimit ?? "256kb" }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<Context> => {
        const requestId = String(req.id);
        const reqLogger = req.log;
        const apiKey = parseAuthorization(req.headers.authorization);
        try {
          const accountId = apiKey ? await services.apiKeys.authenticate(apiKey) : null;
          return { requestId, accountId, logger: reqLogger, loaders: createLoaders(services, accountId) };
        } catch (error) {
          reqLogger.error({ err: error, requestId }, "authentication failed");
          throw new GraphQLError(INTERNAL_ERROR_MESSAGE, { extensions: { code: "INTERNAL_SERVER_ERROR", requestId } });
        }
      },
    }),
  );

  // Body-parser failures (malformed JSON, too large) answered as GraphQL errors, not HTML stacks.
  const bodyErrors: ErrorRequestHandler = (error: { status?: number; type?: string }, req, res, next) => {
    if (res.headersSent) return next(error);
    const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 500;
    const message =
      error.type === "entity.parse.failed"
        ? "The request body is not valid JSON."
        : error.type === "entity.too.large"
          ? `The request body is larger than ${options.bodyLimit ?? "256kb"}.`
          : status < 500
            ? "The request could not be read."
            : INTERNAL_ERROR_MESSAGE;
    if (status >= 500) req.log.error({ err: error }, "unexpected HTTP error");
    res.status(status).json({
      errors: [{ message, extensions: { code: status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR", requestId: req.id } }],
    });
  };
  app.use(bodyErrors);

  return {
    server,
    stop: async () => {
      await apollo.stop();
    },
  };
}
