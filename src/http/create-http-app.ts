import http from "node:http";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import express from "express";
import type { DataSource } from "typeorm";
import { databaseAnswers } from "../database/database-answers";
import type { Logger } from "../logging/logger";
import type { Context } from "../resolvers/context.type";
import { buildParleySchema } from "../resolvers/schema";
import type { Services } from "../services/services";
import { beginRequest } from "./access-log";
import { createFormatError, errorLoggingPlugin } from "./graphql/error-masking";
import { createGraphQLHandler } from "./graphql/graphql-handler";
import { compiledExecutor } from "./graphql/compiled-executor";
import { legacyJsonStatusPlugin } from "./graphql/legacy-json-status";
import { OperationGuard } from "./limits/operation-guard";
import type { OperationLimits } from "../config";
import { OperationGate } from "./limits/operation-gate";
import { RequestGate } from "./limits/request-gate";
import { createRestRouter, type RequestLocals } from "./rest/rest-router";
import { serveSubscriptions } from "./subscriptions/serve-subscriptions";
import type { Config } from "../config";
import type { EventFanOut } from "../events/event-fan-out";
import type { Metrics } from "../metrics/metrics";
import { metricsHandler } from "../metrics/metrics-endpoint";
import { traceMutationResolvers } from "../tracing/traced-graphql";
import { operationMetricsPlugin } from "./graphql/operation-metrics";

export interface HttpAppOptions {
  dataSource: DataSource;
  services: Services;
  logger: Logger;
  /** Serve Apollo Sandbox at GET /graphql. (Default: true outside production) */
  landingPage: boolean;
  /** Answer introspection queries. (Default: true outside production) */
  introspection: boolean;
  /** Leave "Did you mean …?" suggestions out of error messages. (Default: true in production) */
  hideSuggestions: boolean;
  /** Bounds on each operation, HTTP and WebSocket alike. */
  limits: OperationLimits;
  /** Take the client's address from `X-Forwarded-For` (see clientAddress). (Default: false) */
  trustProxy?: boolean;
  /** Longest a request may take to arrive, in ms. (Default: 30000) */
  requestTimeoutMs?: number;
  /** Largest accepted request body. (Default: `256kb`) */
  bodyLimit?: string;
  /** How long `/readyz` waits for the database before it answers 503, in ms. (Default: 1000) */
  readinessTimeoutMs?: number;
  /** Where subscriptions hear events (the process's EventBus). */
  events: EventFanOut;
  /** Bounds of subscriptions over WebSocket. */
  subscriptions: Config["subscriptions"];
  /** How often the keys of open WebSocket connections are checked again, in ms. */
  keyCheckIntervalMs: number;
  /** Where requests, operations, refusals and subscriptions are counted. (Default: none) */
  metrics?: Metrics;
  /** Serve `metrics` at `GET /metrics` on this server, behind `token` if given. (Default: not served) */
  metricsEndpoint?: { token: string | undefined };
  /** Spans for each GraphQL operation and mutation resolver (tracing on). (Default: false) */
  traced?: boolean;
}

export interface HttpApp {
  server: http.Server;
  /** Stops taking requests, lets in-flight ones finish, then stops Apollo. */
  stop(): Promise<void>;
}

/**
 * Apollo Server 5 on Node's HTTP server: POST /graphql, Sandbox at GET /graphql and subscriptions
 * (graphql-ws) on /graphql; Express 5 for the REST surface (/v1), /healthz, /readyz and
 * everything else.
 */
export async function createHttpApp(options: HttpAppOptions): Promise<HttpApp> {
  const { dataSource, services, logger } = options;
  const app = express();
  app.disable("x-powered-by");
  // A request trickling in holds a socket and its buffers: the whole of it must arrive in time,
  // checked every second (Node checks every 30 s by default).
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const server = http.createServer({
    requestTimeout,
    headersTimeout: Math.min(20_000, requestTimeout),
    connectionsCheckingInterval: 1_000,
  });

  const { metrics } = options;
  const schema = await buildParleySchema(services);
  // One gate (the key, its budget) for every surface; the operation limits for GraphQL's.
  if (options.traced) traceMutationResolvers(schema);
  const gate = new RequestGate({
    apiKeys: services.apiKeys,
    keyBudget: services.rateLimits.keys,
    anonymous: services.rateLimits.anonymous,
    metrics,
  });
  const operations = new OperationGate(gate, new OperationGuard(schema, options.limits), metrics);
  const subscriptions = serveSubscriptions({
    server,
    schema,
    services,
    logger,
    gate,
    operations,
    introspection: options.introspection,
    hideSuggestions: options.hideSuggestions,
    trustProxy: options.trustProxy,
    events: options.events,
    bounds: options.subscriptions,
    keyCheckIntervalMs: options.keyCheckIntervalMs,
    metrics,
  });
  const apollo = new ApolloServer<Context>({
    // The schema reaches Apollo through compiledExecutor: every operation runs as compiled code.
    gateway: compiledExecutor(schema, { timeoutMs: options.limits.timeoutMs, traced: options.traced }),
    // The RequestGate sees every operation's text: persisted queries (a hash instead) would bypass it.
    persistedQueries: false,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    // main.ts owns the signals: it drains HTTP, then the worker, then the database.
    stopOnTerminationSignals: false,
    formatError: createFormatError({ hideSuggestions: options.hideSuggestions }),
    logger,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      { serverWillStart: async () => ({ drainServer: () => subscriptions.dispose() }) },
      options.landingPage ? ApolloServerPluginLandingPageLocalDefault({ includeCookies: false }) : ApolloServerPluginLandingPageDisabled(),
      errorLoggingPlugin,
      legacyJsonStatusPlugin,
      // No cache hints are used (every answer is per account); without this plugin Apollo wraps every field's resolver.
      ApolloServerPluginCacheControlDisabled(),
      // Parley is not a federated subgraph: nothing asks for Apollo's traces (its start loads their protobuf code otherwise).
      ApolloServerPluginInlineTraceDisabled(),
      ...(metrics ? [operationMetricsPlugin(metrics)] : []),
    ],
  });
  await apollo.start();
  const graphql = createGraphQLHandler({
    apollo,
    services,
    logger,
    gate,
    operations,
    trustProxy: options.trustProxy,
    bodyLimit: options.bodyLimit,
  });
  // Every request is timed here, whichever handler answers it (GraphQL, Express's routes, REST).
  server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    metrics?.observeHttpRequest(req, res, routeLabel);
    if (isGraphQLPath(req.url)) graphql(req, res);
    else app(req, res);
  });

  app.use((req, res, next) => {
    const locals: RequestLocals = beginRequest(logger, req, res, !UNLOGGED_PATHS.has(req.url));
    Object.assign(res.locals, locals);
    next();
  });

  if (metrics && options.metricsEndpoint) {
    const serveMetrics = metricsHandler(metrics, options.metricsEndpoint.token, logger);
    app.get("/metrics", (req, res) => serveMetrics(req, res));
  }

  app.use("/v1", createRestRouter({ services, gate, trustProxy: options.trustProxy, bodyLimit: options.bodyLimit }));

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  // 503 while the database cannot be reached, 200 again as soon as it answers (nothing to reset).
  app.get("/readyz", async (_req, res) => {
    if (await databaseAnswers(dataSource, options.readinessTimeoutMs ?? 1_000)) res.json({ status: "ready" });
    else res.status(503).json({ status: "database unreachable" });
  });

  return {
    server,
    stop: async () => {
      await apollo.stop();
    },
  };
}

/** Probes and scrapes, called every few seconds: not written to the access log. */
const UNLOGGED_PATHS = new Set(["/healthz", "/readyz", "/metrics"]);

/**
 * The route that answered a request, as a metric label: an Express route's pattern under its
 * router's mount path (`/v1/sms/create`, `/healthz`), `/graphql` for the GraphQL handler, else
 * `other`. Never the path the caller asked for, which is theirs to make up.
 */
function routeLabel(req: http.IncomingMessage): string {
  const { route, baseUrl } = req as http.IncomingMessage & { route?: { path?: unknown }; baseUrl?: unknown };
  if (route && typeof route.path === "string") return (typeof baseUrl === "string" ? baseUrl : "") + route.path;
  return isGraphQLPath(req.url) ? "/graphql" : "other";
}

/**
 * The paths Express's `app.use("/graphql", …)` matched (case-insensitive, and any subpath), which
 * Apollo has always answered; the exact `/graphql` is checked first as nearly every request uses it.
 */
function isGraphQLPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  if (url === "/graphql" || url.startsWith("/graphql?")) return true;
  const end = url.search(/[?#]/);
  const path = (end === -1 ? url : url.slice(0, end)).toLowerCase();
  return path === "/graphql" || path.startsWith("/graphql/");
}
