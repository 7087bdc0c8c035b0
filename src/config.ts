import path from "node:path";
import { TRACES_EXPORTERS } from "./tracing/tracing";

/** The OTLP transports the installed exporters speak (OTEL_EXPORTER_OTLP_PROTOCOL). */
export const OTLP_PROTOCOLS = ["http/protobuf", "http/json", "grpc"] as const;

export const NODE_ENVS = ["development", "production", "test"] as const;
export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export type NodeEnv = (typeof NODE_ENVS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * Bounds on one GraphQL operation, checked before it is validated, compiled or run, on HTTP and
 * WebSocket alike (OperationGuard).
 */
export interface OperationLimits {
  /** Deepest field nesting, fragments expanded; introspection's `__schema` does not count. (Default: 10; `GRAPHQL_MAX_DEPTH`) */
  maxDepth: number;
  /** Aliased fields, fragments expanded, `__typename` excepted. (Default: 15; `GRAPHQL_MAX_ALIASES`) */
  maxAliases: number;
  /** Directives used, fragments expanded. (Default: 10; `GRAPHQL_MAX_DIRECTIVES`) */
  maxDirectives: number;
  /** Lexical tokens in the document (names, punctuation, values). (Default: 2000; `GRAPHQL_MAX_TOKENS`) */
  maxTokens: number;
  /** Cost of the operation (see operation-cost.ts), which is also what it spends of the key's rate limit. (Default: 25000; `GRAPHQL_MAX_COST`) */
  maxCost: number;
  /** How long one operation may run before it is answered with OPERATION_TIMEOUT, in ms. (Default: 10000; `GRAPHQL_TIMEOUT_MS`) */
  timeoutMs: number;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 10,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 2_000,
  maxCost: 25_000,
  timeoutMs: 10_000,
};

/** The per-key budget and the per-address limit on unauthenticated attempts. */
export interface RateLimitOptions {
  /**
   * Cost points one API key may spend per window, across every gateway process (an operation
   * spends its cost; see src/http/limits/operation-cost.ts). 0 turns the limit off.
   * (Default: 60000; `RATE_LIMIT_POINTS`)
   */
  points: number;
  /** Length of the window, in seconds. (Default: 60; `RATE_LIMIT_WINDOW_SECONDS`) */
  windowSeconds: number;
  /**
   * Requests without a valid key one client address may make per window, in each process;
   * further ones are answered 429 without looking their key up. 0 turns it off.
   * (Default: 60; `RATE_LIMIT_ANONYMOUS_POINTS`)
   */
  anonymousPoints: number;
}

/** Where Prometheus metrics are served (see metricsExposure in src/metrics/metrics-endpoint.ts). */
export interface MetricsOptions {
  /** Collect and serve Prometheus metrics at `GET /metrics`. (Default: true; `METRICS`) */
  enabled: boolean;
  /**
   * Serve `/metrics` on this port, in its own HTTP server, instead of on PORT: a port the load
   * balancer does not expose. Also how a `npm run worker` process serves its metrics. (Default:
   * unset: on PORT, in every environment but production; `METRICS_PORT`)
   */
  port: number | undefined;
  /**
   * A bearer token `/metrics` requires (`authorization: Bearer <token>`), at least 16
   * characters; with it, production serves `/metrics` on PORT too. Never logged. (Default:
   * unset; `METRICS_TOKEN`)
   */
  token: string | undefined;
}

/** Everything Parley reads from the environment, validated once at start-up. */
export interface Config {
  /** PostgreSQL connection string; undefined means "run the embedded PostgreSQL". (Default: unset) */
  databaseUrl: string | undefined;
  /** Folder of the embedded PostgreSQL's data, kept across restarts. (Default: `.data/postgres`) */
  embeddedPostgresDir: string;
  /** Port the embedded PostgreSQL listens on, on 127.0.0.1 only. (Default: 54329) */
  embeddedPostgresPort: number;
  /** HTTP port of the GraphQL API. (Default: 4000) */
  port: number;
  /** (Default: `development`) */
  nodeEnv: NodeEnv;
  /** pino log level. (Default: `info`, `silent` under test) */
  logLevel: LogLevel;
  /** Whether introspection is served; always on outside production. (Default: false in production) */
  introspection: boolean;
  /** Whether `npm start` runs a graphile-worker runner in the API process. (Default: true) */
  runWorker: boolean;
  /**
   * How long an API key's account is cached in a process; bounds how long a key revoked elsewhere
   * still works. The keys of open WebSocket connections are checked again this often (at most
   * once a second), and the connections of a revoked key closed with 4403. (Default: 5000; `AUTH_CACHE_TTL_MS`)
   */
  authCacheTtlMs: number;
  /** Bounds on each GraphQL operation, on every surface (see OperationLimits). */
  limits: OperationLimits;
  /** The per-key budget and the per-address limit on unauthenticated requests (see RateLimitOptions). */
  rateLimit: RateLimitOptions;
  /**
   * Take the client's address from the last `X-Forwarded-For` entry (the one the proxy in front
   * of Parley appended) instead of the socket: set it behind a load balancer. (Default: false;
   * `TRUST_PROXY`)
   */
  trustProxy: boolean;
  /** Bounds of GraphQL subscriptions over WebSocket (graphql-ws on `/graphql`). */
  subscriptions: {
    /**
     * Largest WebSocket message read, in bytes, checked from the frame's header before its
     * payload is read, with or without a key: a larger one closes the connection with 1009.
     * (Default: 65536; `SUBSCRIPTIONS_MAX_PAYLOAD_BYTES`)
     */
    maxPayloadBytes: number;
    /**
     * Active subscriptions one connection may hold; one more is refused with an `error` message
     * (SUBSCRIPTION_LIMIT_EXCEEDED) and the rest keep running. (Default: 20; `SUBSCRIPTIONS_MAX_PER_CONNECTION`)
     */
    maxPerConnection: number;
    /**
     * Active subscriptions one API key may hold over all its connections to one process; one more
     * is refused as above. (Default: 200; `SUBSCRIPTIONS_MAX_PER_KEY`)
     */
    maxPerKey: number;
    /**
     * Cost of one subscription's selection (the operation cost, see operation-cost.ts), which runs
     * again for every event it receives: over it, the subscription is refused with
     * OPERATION_LIMIT_EXCEEDED. (Default: 200; `SUBSCRIPTIONS_MAX_COST`)
     */
    maxCost: number;
    /**
     * Events a subscription may fall behind its reader; one more closes its connection with 4420.
     * (Default: 1000; `SUBSCRIPTIONS_MAX_QUEUED_EVENTS`)
     */
    maxQueuedEvents: number;
    /**
     * Bytes a connection may have waiting to be sent (a client that stops reading): a message that
     * arrives, or a result sent, over this closes the connection with 4420. (Default: 4194304;
     * `SUBSCRIPTIONS_MAX_BUFFERED_BYTES`)
     */
    maxBufferedBytes: number;
  };
  /**
   * Longest an HTTP request may take to arrive, headers and body, in ms: a client that sends it
   * slower is answered 408 and cut off (headers must arrive within 20 s, or this if shorter).
   * (Default: 30000; `HTTP_REQUEST_TIMEOUT_MS`)
   */
  httpRequestTimeoutMs: number;
  /** How long `/readyz` waits for the database before it answers 503, in ms. (Default: 1000; `READINESS_TIMEOUT_MS`) */
  readinessTimeoutMs: number;
  database: {
    /**
     * The server cancels an API statement running longer than this, in ms; 0 never. The API's
     * heaviest legitimate read takes well under 100 ms. A statement that gets no answer at all
     * (the server cannot be reached) fails 1 s after this. Worker statements are not bounded
     * (see workerSessionOptions). (Default: 5000; `DATABASE_STATEMENT_TIMEOUT_MS`)
     */
    statementTimeoutMs: number;
    /**
     * The server ends a session (API or worker) idle inside a transaction for longer than this, in
     * ms, releasing its locks; 0 never. (Default: 10000; `DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS`)
     */
    idleInTransactionTimeoutMs: number;
    /**
     * Longest wait, in ms, to open a database connection (API, worker, event listener) or for a
     * free one from a pool; a request that cannot get one in time is answered 503
     * SERVICE_UNAVAILABLE. (Default: 2000; `DATABASE_CONNECT_TIMEOUT_MS`)
     */
    connectTimeoutMs: number;
  };
  worker: {
    /** Jobs one process runs at once. (Default: 5; `WORKER_CONCURRENCY`) */
    concurrency: number;
    /** Poll for due timers every this many ms; bounds timer lateness. (Default: 250; `WORKER_POLL_INTERVAL_MS`) */
    pollInterval: number;
    /** Heartbeat period of a worker process. (Default: 5000; `WORKER_HEARTBEAT_INTERVAL_MS`) */
    heartbeatIntervalMs: number;
    /** Release the jobs of a worker silent this long. (Default: 30000; `WORKER_STALE_AFTER_MS`) */
    staleWorkerAfterMs: number;
    /**
     * How often each worker process compares the size of Parley's tables with the planner's
     * statistics, in ms, and ANALYZEs a table that has doubled since (see GrowingTableAnalyzer):
     * without it, plans made on a young table read it whole until autovacuum's first visit; 0 never.
     * (Default: 1000; `WORKER_ANALYZE_INTERVAL_MS`)
     */
    analyzeIntervalMs: number;
  };
  /** Prometheus metrics (see MetricsOptions). */
  metrics: MetricsOptions;
  webhook: {
    /** Delay before the first retry, doubling after. (Default: 1000; `WEBHOOK_RETRY_BASE_MS`) */
    retryBaseMs: number;
    /** Attempts before a message is FAILED. (Default: 8; `WEBHOOK_MAX_ATTEMPTS`) */
    maxAttempts: number;
    /** Timeout of one POST. (Default: 10000; `WEBHOOK_TIMEOUT_MS`) */
    timeoutMs: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];

  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    problems.push(`${name} must be one of ${allowed.join(", ")} (got "${raw}")`);
    return fallback;
  };

  const port = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535) {
      problems.push(`${name} must be an integer from 0 to 65535 (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const bool = (name: string, fallback: boolean): boolean => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    if (raw === "true" || raw === "1") return true;
    if (raw === "false" || raw === "0") return false;
    problems.push(`${name} must be one of true, false, 1, 0 (got "${raw}")`);
    return fallback;
  };

  const positive = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0) {
      problems.push(`${name} must be a positive integer (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const nonNegative = (name: string, fallback: number): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0) {
      problems.push(`${name} must be an integer of 0 or more (got "${raw}")`);
      return fallback;
    }
    return value;
  };

  const nodeEnv = oneOf("NODE_ENV", NODE_ENVS, "development");

  const metricsToken = env.METRICS_TOKEN || undefined;
  // Never echoed: it is a secret.
  if (metricsToken !== undefined && !/^[\x21-\x7e]{16,256}$/.test(metricsToken))
    problems.push("METRICS_TOKEN must be 16 to 256 visible ASCII characters");
  const metricsPort = env.METRICS_PORT ? port("METRICS_PORT", 0) : undefined;

  // Checked here so that a typo fails the start (the SDK itself only warns); read by src/tracing/tracing.ts.
  for (const name of (env.OTEL_TRACES_EXPORTER ?? "").split(",").map((value) => value.trim())) {
    if (name !== "" && !(TRACES_EXPORTERS as readonly string[]).includes(name))
      problems.push(`OTEL_TRACES_EXPORTER must be one of ${TRACES_EXPORTERS.join(", ")} (got "${name}")`);
  }
  for (const variable of ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"]) {
    const value = env[variable];
    if (value && !(OTLP_PROTOCOLS as readonly string[]).includes(value))
      problems.push(`${variable} must be one of ${OTLP_PROTOCOLS.join(", ")} (got "${value}")`);
  }

  let databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined) {
    try {
      const url = new URL(databaseUrl);
      if (url.protocol !== "postgres:" && url.protocol !== "postgresql:") {
        problems.push(`DATABASE_URL must start with postgres:// or postgresql:// (got "${url.protocol}//…")`);
      }
    } catch {
      // Never echo the value: it usually holds a password.
      problems.push("DATABASE_URL is not a valid URL (expected postgres://user:password@host:5432/database)");
      databaseUrl = undefined;
    }
  }

  const config: Config = {
    databaseUrl,
    embeddedPostgresDir: path.resolve(env.EMBEDDED_POSTGRES_DIR || ".data/postgres"),
    embeddedPostgresPort: port("EMBEDDED_POSTGRES_PORT", 54329),
    port: port("PORT", 4000),
    nodeEnv,
    logLevel: oneOf("LOG_LEVEL", LOG_LEVELS, nodeEnv === "test" ? "silent" : "info"),
    introspection: nodeEnv !== "production" || bool("INTROSPECTION", false),
    runWorker: bool("RUN_WORKER", true),
    authCacheTtlMs: nonNegative("AUTH_CACHE_TTL_MS", 5_000),
    limits: {
      maxDepth: positive("GRAPHQL_MAX_DEPTH", DEFAULT_OPERATION_LIMITS.maxDepth),
      maxAliases: nonNegative("GRAPHQL_MAX_ALIASES", DEFAULT_OPERATION_LIMITS.maxAliases),
      maxDirectives: nonNegative("GRAPHQL_MAX_DIRECTIVES", DEFAULT_OPERATION_LIMITS.maxDirectives),
      maxTokens: positive("GRAPHQL_MAX_TOKENS", DEFAULT_OPERATION_LIMITS.maxTokens),
      maxCost: positive("GRAPHQL_MAX_COST", DEFAULT_OPERATION_LIMITS.maxCost),
      timeoutMs: positive("GRAPHQL_TIMEOUT_MS", DEFAULT_OPERATION_LIMITS.timeoutMs),
    },
    rateLimit: {
      points: nonNegative("RATE_LIMIT_POINTS", 60_000),
      windowSeconds: positive("RATE_LIMIT_WINDOW_SECONDS", 60),
      anonymousPoints: nonNegative("RATE_LIMIT_ANONYMOUS_POINTS", 60),
    },
    trustProxy: bool("TRUST_PROXY", false),
    subscriptions: {
      maxPayloadBytes: positive("SUBSCRIPTIONS_MAX_PAYLOAD_BYTES", 65_536),
      maxPerConnection: positive("SUBSCRIPTIONS_MAX_PER_CONNECTION", 20),
      maxPerKey: positive("SUBSCRIPTIONS_MAX_PER_KEY", 200),
      maxCost: positive("SUBSCRIPTIONS_MAX_COST", 200),
      maxQueuedEvents: positive("SUBSCRIPTIONS_MAX_QUEUED_EVENTS", 1_000),
      maxBufferedBytes: positive("SUBSCRIPTIONS_MAX_BUFFERED_BYTES", 4_194_304),
    },
    httpRequestTimeoutMs: positive("HTTP_REQUEST_TIMEOUT_MS", 30_000),
    readinessTimeoutMs: positive("READINESS_TIMEOUT_MS", 1_000),
    database: {
      statementTimeoutMs: nonNegative("DATABASE_STATEMENT_TIMEOUT_MS", 5_000),
      idleInTransactionTimeoutMs: nonNegative("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 10_000),
      connectTimeoutMs: positive("DATABASE_CONNECT_TIMEOUT_MS", 2_000),
    },
    worker: {
      concurrency: positive("WORKER_CONCURRENCY", 5),
      pollInterval: positive("WORKER_POLL_INTERVAL_MS", 250),
      heartbeatIntervalMs: positive("WORKER_HEARTBEAT_INTERVAL_MS", 5_000),
      staleWorkerAfterMs: positive("WORKER_STALE_AFTER_MS", 30_000),
      analyzeIntervalMs: nonNegative("WORKER_ANALYZE_INTERVAL_MS", 1_000),
    },
    metrics: {
      enabled: bool("METRICS", true),
      port: metricsPort,
      token: metricsToken,
    },
    webhook: {
      retryBaseMs: positive("WEBHOOK_RETRY_BASE_MS", 1_000),
      maxAttempts: positive("WEBHOOK_MAX_ATTEMPTS", 8),
      timeoutMs: positive("WEBHOOK_TIMEOUT_MS", 10_000),
    },
  };
  if (nodeEnv !== "production" && env.INTROSPECTION !== undefined) bool("INTROSPECTION", true);
  if (config.metrics.port !== undefined && config.metrics.port !== 0 && config.metrics.port === config.port)
    problems.push(`METRICS_PORT must differ from PORT (both are ${config.port})`);

  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
