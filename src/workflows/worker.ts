import { Pool } from "pg";
import { GrowingTableAnalyzer } from "../database/growing-table-analyzer";
import { type DatabaseTimeouts, workerSessionOptions } from "../database/session-options";
import { LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";
import type { Services } from "../services/services";
import { OutboxRelay } from "./outbox-relay";
import { startSupervisedRunner, type SupervisedRunner } from "./supervised-runner";
import { conversationTimerTask } from "./tasks/conversation-timer.task";
import { deliverWebhookTask } from "./tasks/deliver-webhook.task";
import { recordingAttempts } from "./tasks/record-attempt";
import { WorkerHeartbeat } from "./worker-heartbeat";
import { createWorkerLogger } from "../logging/worker-logger";
import { WorkflowTask } from "../services/workflows/workflow-contract";
import type { Metrics } from "../metrics/metrics";
import { tracingOn } from "../tracing/tracing";
import { instrumentedTasks } from "./instrumented-tasks";

export interface WorkerOptions {
  connectionString: string;
  services: Services;
  logger: Logger;
  /** Bounds of the worker's sessions (see workerSessionOptions). (Default: none) */
  timeouts?: DatabaseTimeouts;
  /** Jobs run at once by this process. (Default: 5) */
  concurrency?: number;
  /**
   * How often graphile-worker polls for due jobs, in ms. New jobs are announced at once by
   * LISTEN/NOTIFY; timers (jobs with a future run_at) are found by this poll, so it bounds how
   * late a timer fires. (Default: 250)
   */
  pollInterval?: number;
  /** How often the outbox relay looks for rows, in ms. (Default: 100) */
  relayIntervalMs?: number;
  /** Heartbeat of this process's workers, in ms. (Default: 5000) */
  heartbeatIntervalMs?: number;
  /** A worker silent this long is dead and its jobs are released, in ms. (Default: 30000) */
  staleWorkerAfterMs?: number;
  /** How often the tables' sizes are compared with their statistics (see GrowingTableAnalyzer), in ms; 0 never. (Default: 1000) */
  analyzeIntervalMs?: number;
  /** Where jobs, timer lateness, webhook attempts and the worker's pool are reported. (Default: none) */
  metrics?: Metrics;
}

export interface Worker {
  relay: OutboxRelay;
  /** Stops taking jobs, lets running ones finish, then closes its connections. */
  stop(): Promise<void>;
}

/**
 * A graphile-worker runner with the workflow's tasks (started again whenever it stops by itself,
 * see startSupervisedRunner), plus the outbox relay that feeds it, the heartbeat, and the
 * analyzer that keeps the planner's statistics in step with the tables' growth.
 */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const concurrency = options.concurrency ?? 5;
  const throttle = new LogThrottle(options.logger);
  const pool = new Pool({
    connectionString: options.connectionString,
    max: concurrency + 3,
    application_name: "parley-worker",
    ...(options.timeouts ? workerSessionOptions(options.timeouts) : {}),
  });
  // Required (graphile-worker checks): a connection's error with no listener would end the process.
  pool.on("error", (error) => throttle.failure("warn", "worker pool connection lost", error));
  pool.on("connect", (client) => client.on("error", (error) => throttle.failure("warn", "worker connection lost", error)));
  options.metrics?.watchPool("worker", pool);
  const relay = new OutboxRelay({
    pool,
    logger: options.logger,
    workflows: options.services.workflows,
    pollIntervalMs: options.relayIntervalMs,
  });
  const heartbeat = new WorkerHeartbeat({
    pool,
    logger: options.logger,
    intervalMs: options.heartbeatIntervalMs,
    staleAfterMs: options.staleWorkerAfterMs,
  });
  const analyzer = new GrowingTableAnalyzer({ pool, logger: options.logger, intervalMs: options.analyzeIntervalMs });
  const { services } = options;
  const runnerOptions = {
    pgPool: pool,
    concurrency,
    pollInterval: options.pollInterval ?? 250,
    noHandleSignals: true,
    parsedCronItems: [],
    // A job's outcome is recorded through graphile-worker's batcher (after 0 ms: nothing waits).
    // When that write fails (the database went away while the job ran), the batcher stops the
    // runner, which startSupervisedRunner starts again, the job released. Unbatched, graphile-worker
    // does not wait for that write: its failure is an unhandled rejection, and the job stays
    // locked by a worker that lives and beats on, until graphile-worker's 4-hour lock expiry.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    logger: createWorkerLogger(options.logger),
    taskList: instrumentedTasks(
      {
        [WorkflowTask.CONVERSATION_TIMER]: recordingAttempts(services, conversationTimerTask(services)),
        [WorkflowTask.DELIVER_WEBHOOK]: deliverWebhookTask(services, (outcome) => options.metrics?.observeWebhookAttempt(outcome)),
      },
      { metrics: options.metrics, traced: tracingOn() },
    ),
  };

  let runner: SupervisedRunner;
  try {
    runner = await startSupervisedRunner(runnerOptions, heartbeat, options.logger);
  } catch (error) {
    await pool.end();
    throw error;
  }
  relay.start();
  heartbeat.start();
  analyzer.start();
  return {
    relay,
    stop: async () => {
      await relay.stop();
      await runner.stop();
      await heartbeat.stop();
      await analyzer.stop();
      await pool.end();
    },
  };
}
