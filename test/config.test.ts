import path from "node:path";
import { ConfigError, loadConfig } from "../src/config";

describe("loadConfig", () => {
  it("defaults to the embedded database, port 4000 and development", () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      embeddedPostgresDir: path.resolve(".data/postgres"),
      embeddedPostgresPort: 54329,
      port: 4000,
      nodeEnv: "development",
      logLevel: "info",
      introspection: true,
      runWorker: true,
      authCacheTtlMs: 5000,
      limits: { maxDepth: 10, maxAliases: 15, maxDirectives: 10, maxTokens: 2000, maxCost: 25000, timeoutMs: 10000 },
      rateLimit: { points: 60000, windowSeconds: 60, anonymousPoints: 60 },
      trustProxy: false,
      subscriptions: {
        maxPayloadBytes: 65536,
        maxPerConnection: 20,
        maxPerKey: 200,
        maxCost: 200,
        maxQueuedEvents: 1000,
        maxBufferedBytes: 4194304,
      },
      httpRequestTimeoutMs: 30000,
      readinessTimeoutMs: 1000,
      database: { statementTimeoutMs: 5000, idleInTransactionTimeoutMs: 10000, connectTimeoutMs: 2000 },
      worker: { concurrency: 5, pollInterval: 250, heartbeatIntervalMs: 5000, staleWorkerAfterMs: 30000, analyzeIntervalMs: 1000 },
      metrics: { enabled: true, port: undefined, token: undefined },
      webhook: { retryBaseMs: 1000, maxAttempts: 8, timeoutMs: 10000 },
    });
  });

  it("reads where metrics are served, and refuses a short token, a METRICS_PORT equal to PORT and an unknown trace exporter or protocol, never echoing the token", () => {
    expect(loadConfig({ METRICS: "false" }).metrics).toEqual({ enabled: false, port: undefined, token: undefined });
    expect(loadConfig({ METRICS_PORT: "9464", METRICS_TOKEN: "0123456789abcdef" }).metrics).toEqual({
      enabled: true,
      port: 9464,
      token: "0123456789abcdef",
    });
    expect(loadConfig({ OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }).metrics.enabled).toBe(true);
    expect(
      problemsOf({
        METRICS_TOKEN: "short-secret",
        METRICS_PORT: "4000",
        OTEL_TRACES_EXPORTER: "otlp,zipkin",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http",
      }),
    ).toEqual([
      "METRICS_TOKEN must be 16 to 256 visible ASCII characters",
      'OTEL_TRACES_EXPORTER must be one of otlp, console, none (got "zipkin")',
      'OTEL_EXPORTER_OTLP_PROTOCOL must be one of http/protobuf, http/json, grpc (got "http")',
      "METRICS_PORT must differ from PORT (both are 4000)",
    ]);
  });

  it("turns introspection off in production unless INTROSPECTION=true", () => {
    expect(loadConfig({ NODE_ENV: "production" }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", INTROSPECTION: "true" }).introspection).toBe(true);
  });

  it("lists every problem at once, naming the allowed values", () => {
    expect(() => loadConfig({ PORT: "http", NODE_ENV: "prod", LOG_LEVEL: "loud", RUN_WORKER: "maybe" })).toThrow(ConfigError);
    expect(problemsOf({ PORT: "http", NODE_ENV: "prod", LOG_LEVEL: "loud", RUN_WORKER: "maybe" })).toEqual([
      'NODE_ENV must be one of development, production, test (got "prod")',
      'PORT must be an integer from 0 to 65535 (got "http")',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
      'RUN_WORKER must be one of true, false, 1, 0 (got "maybe")',
    ]);
  });

  it("reads the bounds of WebSocket subscriptions, and refuses any that is not a positive integer", () => {
    expect(
      loadConfig({
        SUBSCRIPTIONS_MAX_PAYLOAD_BYTES: "1024",
        SUBSCRIPTIONS_MAX_PER_CONNECTION: "10",
        SUBSCRIPTIONS_MAX_PER_KEY: "20",
        SUBSCRIPTIONS_MAX_COST: "50",
        SUBSCRIPTIONS_MAX_QUEUED_EVENTS: "30",
        SUBSCRIPTIONS_MAX_BUFFERED_BYTES: "4096",
      }).subscriptions,
    ).toEqual({ maxPayloadBytes: 1024, maxPerConnection: 10, maxPerKey: 20, maxCost: 50, maxQueuedEvents: 30, maxBufferedBytes: 4096 });
    expect(
      problemsOf({
        SUBSCRIPTIONS_MAX_PAYLOAD_BYTES: "64kb",
        SUBSCRIPTIONS_MAX_PER_CONNECTION: "0",
        SUBSCRIPTIONS_MAX_PER_KEY: "-1",
        SUBSCRIPTIONS_MAX_QUEUED_EVENTS: "1.5",
        SUBSCRIPTIONS_MAX_BUFFERED_BYTES: "lots",
      }),
    ).toEqual([
      'SUBSCRIPTIONS_MAX_PAYLOAD_BYTES must be a positive integer (got "64kb")',
      'SUBSCRIPTIONS_MAX_PER_CONNECTION must be a positive integer (got "0")',
      'SUBSCRIPTIONS_MAX_PER_KEY must be a positive integer (got "-1")',
      'SUBSCRIPTIONS_MAX_QUEUED_EVENTS must be a positive integer (got "1.5")',
      'SUBSCRIPTIONS_MAX_BUFFERED_BYTES must be a positive integer (got "lots")',
    ]);
  });

  it("reads the database session bounds; 0 turns a server-side timeout off but never the connect timeout", () => {
    const config = loadConfig({
      DATABASE_STATEMENT_TIMEOUT_MS: "0",
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: "2500",
      DATABASE_CONNECT_TIMEOUT_MS: "750",
      READINESS_TIMEOUT_MS: "300",
    });
    expect(config.database).toEqual({ statementTimeoutMs: 0, idleInTransactionTimeoutMs: 2500, connectTimeoutMs: 750 });
    expect(config.readinessTimeoutMs).toBe(300);
    expect(() =>
      loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: "0", DATABASE_STATEMENT_TIMEOUT_MS: "-1", READINESS_TIMEOUT_MS: "soon" }),
    ).toThrow(
      new ConfigError([
        'READINESS_TIMEOUT_MS must be a positive integer (got "soon")',
        'DATABASE_STATEMENT_TIMEOUT_MS must be an integer of 0 or more (got "-1")',
        'DATABASE_CONNECT_TIMEOUT_MS must be a positive integer (got "0")',
      ]),
    );
  });

  it("rejects a DATABASE_URL that is not a postgres URL without echoing it", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://u:secret@h/db" })).toThrow(/postgres:\/\//);
    expect(() => loadConfig({ DATABASE_URL: "::secret::" })).toThrow(/not a valid URL/);
    expect(problemsOf({ DATABASE_URL: "::secret::" }).join("\n")).not.toContain("secret");
  });

  it("reads the operation limits and the rate limit, 0 turning a rate limit off", () => {
    const config = loadConfig({
      GRAPHQL_MAX_DEPTH: "6",
      GRAPHQL_MAX_ALIASES: "0",
      GRAPHQL_MAX_DIRECTIVES: "3",
      GRAPHQL_MAX_TOKENS: "500",
      GRAPHQL_MAX_COST: "1000",
      GRAPHQL_TIMEOUT_MS: "2500",
      RATE_LIMIT_POINTS: "0",
      RATE_LIMIT_WINDOW_SECONDS: "10",
      RATE_LIMIT_ANONYMOUS_POINTS: "5",
      TRUST_PROXY: "true",
    });
    expect(config.limits).toEqual({ maxDepth: 6, maxAliases: 0, maxDirectives: 3, maxTokens: 500, maxCost: 1000, timeoutMs: 2500 });
    expect(config.rateLimit).toEqual({ points: 0, windowSeconds: 10, anonymousPoints: 5 });
    expect(config.trustProxy).toBe(true);
    expect(() => loadConfig({ GRAPHQL_MAX_DEPTH: "0", RATE_LIMIT_WINDOW_SECONDS: "-1", GRAPHQL_MAX_COST: "lots" })).toThrow(
      /GRAPHQL_MAX_DEPTH must be a positive integer \(got "0"\)[\s\S]*GRAPHQL_MAX_COST must be a positive integer[\s\S]*RATE_LIMIT_WINDOW_SECONDS must be a positive integer/,
    );
  });

  it("reads how often the worker looks for grown tables to analyze, 0 turning it off", () => {
    expect(loadConfig({ WORKER_ANALYZE_INTERVAL_MS: "250" }).worker.analyzeIntervalMs).toBe(250);
    expect(loadConfig({ WORKER_ANALYZE_INTERVAL_MS: "0" }).worker.analyzeIntervalMs).toBe(0);
    expect(() => loadConfig({ WORKER_ANALYZE_INTERVAL_MS: "1s" })).toThrow(
      new ConfigError(['WORKER_ANALYZE_INTERVAL_MS must be an integer of 0 or more (got "1s")']),
    );
  });
});

/** The problems loadConfig lists for `env`; fails the test if it accepts `env`. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error("expected loadConfig to throw a ConfigError");
}
