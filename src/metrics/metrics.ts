import type { IncomingMessage, ServerResponse } from "node:http";
import type { Pool } from "pg";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import { BoundedLabels } from "./bounded-label";
import { QueueSampler } from "./queue-sampler";

/** Seconds, for request-like durations: 1 ms to 10 s (the operation timeout's default). */
const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds a timer fired after its time: the poll interval (250 ms) is the usual floor. */
const LATENESS_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** HTTP methods kept as labels; any other is `OTHER`. */
const METHODS = new Set(["GET", "POST", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE"]);

/** Distinct GraphQL operation names labelled per process before the rest are `other`. */
export const MAX_OPERATION_NAMES = 100;

/** What a GraphQL operation ended as: `ok`, `user_error` (a mutation's userErrors), or an error code. */
export type OperationOutcome = string;

/** Process-wide metrics of Node itself (CPU, memory, event loop, GC, handles), registered once per process. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * Parley's Prometheus metrics, one set per running Parley (tests run several in one process),
 * plus the process's default metrics. Label values are bounded and never hold personal data:
 * routes and codes come from Parley's code, operation names from a bounded set (BoundedLabels),
 * never a phone number, body, id or key. Observing is one histogram or counter update; gauges
 * that need counting (the pools, the job queue, subscriptions) are read when scraped.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new BoundedLabels(MAX_OPERATION_NAMES);
  private readonly pools = new Map<string, Pool>();
  private subscriptionCounts: Array<() => number> = [];
  private queue: QueueSampler | undefined;

  private readonly operationDuration = new Histogram({
    name: "parley_graphql_operation_duration_seconds",
    help: "GraphQL operations over HTTP, from the request reaching Apollo to its answer, by operation name (bounded; `other` beyond them, `anonymous` for none, `none` when no operation was resolved), type and outcome (ok, user_error, or the error code).",
    labelNames: ["operation", "type", "outcome"] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly httpDuration = new Histogram({
    name: "parley_http_request_duration_seconds",
    help: "HTTP requests, from arrival to the end of the answer, by method, route (the route's pattern, never the path asked for; `other` for no route) and status (`aborted` when the client left first).",
    labelNames: ["method", "route", "status"] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly refusals = new Counter({
    name: "parley_refusals_total",
    help: "Requests and subscriptions refused by a limit, by code (UNAUTHENTICATED, RATE_LIMITED, OPERATION_LIMIT_EXCEEDED, SUBSCRIPTION_LIMIT_EXCEEDED) and limit (key, anonymous, depth, aliases, directives, tokens, cost, perConnection, perKey).",
    labelNames: ["code", "limit"] as const,
    registers: [this.registry],
  });

  private readonly jobDuration = new Histogram({
    name: "parley_job_duration_seconds",
    help: "Worker jobs run by this process, by task and outcome (ok, error).",
    labelNames: ["task", "outcome"] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  private readonly timerLateness = new Histogram({
    name: "parley_timer_lateness_seconds",
    help: "How long after its time a conversation timer's job started (first attempts only).",
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });

  private readonly webhookAttempts = new Counter({
    name: "parley_webhook_attempts_total",
    help: "Webhook delivery attempts, by outcome (delivered; retry: failed, another attempt scheduled; failed: the last attempt failed; nothing-to-do).",
    labelNames: ["outcome"] as const,
    registers: [this.registry],
  });

  constructor() {
    // The process's CPU counters count from their registration: registered now, not at the first
    // scrape, they hold the CPU the process spent serving before it.
    processMetrics();
    const pools = this.pools;
    const subscriptionCounts = () => this.subscriptionCounts;
    new Gauge({
      name: "parley_db_pool_in_use_connections",
      help: "Connections of a pool lent out (pool: main, the services' pool; worker, graphile-worker's).",
      labelNames: ["pool"] as const,
      registers: [this.registry],
      collect() {
        for (const [name, pool] of pools) this.set({ pool: name }, pool.totalCount - pool.idleCount);
      },
    });
    new Gauge({
      name: "parley_db_pool_idle_connections",
      help: "Connections of a pool open and idle (pool: main, the services' pool; worker, graphile-worker's).",
      labelNames: ["pool"] as const,
      registers: [this.registry],
      collect() {
        for (const [name, pool] of pools) this.set({ pool: name }, pool.idleCount);
      },
    });
    new Gauge({
      name: "parley_db_pool_waiting_clients",
      help: "Callers waiting for a connection of a full pool (pool: main, the services' pool; worker, graphile-worker's).",
      labelNames: ["pool"] as const,
      registers: [this.registry],
      collect() {
        for (const [name, pool] of pools) this.set({ pool: name }, pool.waitingCount);
      },
    });
    new Gauge({
      name: "parley_subscriptions_open",
      help: "GraphQL subscriptions active in this process.",
      registers: [this.registry],
      collect() {
        this.set(subscriptionCounts().reduce((sum, count) => sum + count(), 0));
      },
    });
  }

  /** Times one HTTP request, observed when its answer ends or its connection closes. */
  observeHttpRequest(req: IncomingMessage, res: ServerResponse, route: (req: IncomingMessage) => string): void {
    const startedAt = performance.now();
    res.once("close", () => {
      const method = req.method !== undefined && METHODS.has(req.method) ? req.method : "OTHER";
      const status = res.writableFinished ? statusLabel(res.statusCode) : "aborted";
      this.httpDuration.labels(method, route(req), status).observe((performance.now() - startedAt) / 1000);
    });
  }

  /** One GraphQL operation's duration, in seconds. `name` is the caller's: bounded here. */
  observeOperation(name: string | null | undefined, type: string, outcome: OperationOutcome, seconds: number): void {
    const operation = name === undefined ? "none" : name === null || name === "" ? "anonymous" : this.operationNames.label(name);
    this.operationDuration.labels(operation, type, outcome).observe(seconds);
  }

  /** A request or subscription refused by a limit: `code` and `limit` are Parley's own names. */
  refused(code: string, limit: string): void {
    this.refusals.labels(code, limit).inc();
  }

  observeJob(task: string, ok: boolean, seconds: number): void {
    this.jobDuration.labels(task, ok ? "ok" : "error").observe(seconds);
  }

  observeTimerLateness(seconds: number): void {
    this.timerLateness.observe(Math.max(0, seconds));
  }

  observeWebhookAttempt(outcome: string): void {
    this.webhookAttempts.labels(outcome).inc();
  }

  /** Reports a pg pool's connections (in use, idle, waiting) under `name`. */
  watchPool(name: string, pool: Pool): void {
    this.pools.set(name, pool);
  }

  /** Adds a source of open subscriptions (each API server's count). */
  watchSubscriptions(count: () => number): void {
    this.subscriptionCounts = [...this.subscriptionCounts, count];
  }

  /**
   * Reports the job queue (due jobs, the oldest due job's age, scheduled jobs, outbox rows,
   * workflows awaiting setup), read through `pool` at most once a second, when scraped. The
   * same database gives every process the same figures: aggregate them with max, not sum.
   */
  watchQueue(pool: Pool): void {
    if (this.queue) return;
    this.queue = new QueueSampler(pool, this.registry);
  }

  /** The exposition text of every metric, and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([processMetrics(), this.registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}

const STATUS_LABELS = new Map<number, string>();
function statusLabel(status: number): string {
  let label = STATUS_LABELS.get(status);
  if (label === undefined) {
    label = status >= 100 && status <= 599 ? String(status) : "other";
    STATUS_LABELS.set(status, label);
  }
  return label;
}
