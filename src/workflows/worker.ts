import { EventEmitter } from "node:events";
import { run, type Runner, type WorkerEvents } from "graphile-worker";
import { Pool } from "pg";
import type { Logger } from "../logger";
import type { Services } from "../services/services";
import { OutboxRelay } from "./outbox-relay";
import { conversationTimerTask } from "./tasks/conversation-timer.task";
import { deliverWebhookTask } from "./tasks/deliver-webhook.task";
import { recordingAttempts } from "./tasks/record-attempt";
import { WorkerHeartbeat } from "./worker-heartbeat";
import { createWorkerLogger } from "./worker-logger";
import { WorkflowTask } from "./workflow-task.enum";

export interface WorkerOptions {
  connectionString: string;
  services: Services;
  logger: Logger;
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
}

export interface Worker {
  relay: OutboxRelay;
  /** Stops taking jobs, lets running ones finish, then closes its connections. */
  stop(): Promise<void>;
}

/** A graphile-worker runner with the workflow's tasks, plus the outbox relay that feeds it. */
export async function startWorker(options: WorkerOptions): Promise<Worker> {
  const concurrency = options.concurrency ?? 5;
  const pool = new Pool({ connectionString: options.connectionString, max: concurrency + 3, application_name: "parley-worker" });
  pool.on("error", (error) => options.logger.error({ err: error }, "worker pool error"));
  pool.on("connect", (client) => client.on("error", (error) => options.logger.error({ err: error }, "worker connection error")));
  const relay = new OutboxRelay({ pool, logger: options.logger, workflows: options.services.workflows, pollIntervalMs: options.relayIntervalMs });
  const heartbeat = new WorkerHeartbeat({
    pool,
    logger: options.logger,
    intervalMs: options.heartbeatIntervalMs,
    staleAfterMs: options.staleWorkerAfterMs,
  });
  const events: WorkerEvents = new EventEmitter();
  // graphile-worker 0.17 locks jobs with the pool's id (and, without a local queue, the worker's).
  events.on("pool:create", ({ workerPool }) => heartbeat.add(workerPool.id));
  events.on("worker:create", ({ worker }) => heartbeat.add(worker.workerId));
  const { services } = options;
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency,
      pollInterval: options.pollInterval ?? 250,
      noHandleSignals: true,
      parsedCronItems: [],
      events,
      logger: createWorkerLogger(options.logger),
      taskList: {
        [WorkflowTask.CONVERSATION_TIMER]: recordingAttempts(services, conversationTimerTask(services)),
        [WorkflowTask.DELIVER_WEBHOOK]: deliverWebhookTask(services),
      },
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  relay.start();
  heartbeat.start();
  return {
    relay,
    stop: async () => {
      await relay.stop();
      await runner.stop();
      await heartbeat.stop();
      await pool.end();
    },
  };
}
