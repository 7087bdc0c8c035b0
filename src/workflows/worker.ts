import { EventEmitter } from "node:events";
import { run, type Runner, type RunnerOptions, type WorkerEvents } from "graphile-worker";
import { Pool } from "pg";
import { type DatabaseTimeouts, workerSessionOptions } from "../database/session-options";
import { LogThrottle } from "../log-throttle";
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
  /** First delay before a runner that stopped by itself is started again, doubling up to 5 s, in ms. (Default: 500) */
  restartDelayMs?: number;
}

export interface Worker {
  relay: OutboxRelay;
  /** Stops taking jobs, lets running ones finish, then closes its connections. */
  stop(): Promise<void>;
}

const MAX_RESTART_DELAY_MS = 5_000;

/**
 * A graphile-worker runner with the workflow's tasks, plus the outbox relay that feeds it.
 *
 * graphile-worker shuts its runner down when it cannot record a job's outcome (the database went
 * away while the job ran): the process would live on without a worker. Here such a runner is
 * started again, with a new identity, until the database takes it; the jobs the old one held
 * are released for it (see WorkerHeartbeat.retire), so no timer waits for graphile-worker's
 * 4-hour lock expiry.
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
  const relay = new OutboxRelay({ pool, logger: options.logger, workflows: options.services.workflows, pollIntervalMs: options.relayIntervalMs });
  const heartbeat = new WorkerHeartbeat({
    pool,
    logger: options.logger,
    intervalMs: options.heartbeatIntervalMs,
    staleAfterMs: options.staleWorkerAfterMs,
  });
  const { services } = options;
  const runnerOptions: RunnerOptions = {
    pgPool: pool,
    concurrency,
    pollInterval: options.pollInterval ?? 250,
    noHandleSignals: true,
    parsedCronItems: [],
    // A job's outcome is recorded through graphile-worker's batcher (after 0 ms: nothing waits).
    // When that write fails (the database went away while the job ran), the batcher stops the
    // runner, which is then started again here with the job released. Unbatched, graphile-worker
    // does not wait for that write: its failure is an unhandled rejection, and the job stays
    // locked by a worker that lives and beats on, until graphile-worker's 4-hour lock expiry.
    preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    logger: createWorkerLogger(options.logger),
    taskList: {
      [WorkflowTask.CONVERSATION_TIMER]: recordingAttempts(services, conversationTimerTask(services)),
      [WorkflowTask.DELIVER_WEBHOOK]: deliverWebhookTask(services),
    },
  };

  let stopping = false;
  let runner: Runner | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let restarts = 0;
  const restartDelayMs = options.restartDelayMs ?? 500;

  /** Starts a runner; when it ends by itself, its workers are retired and another one is started. */
  const startRunner = async (): Promise<Runner> => {
    const events: WorkerEvents = new EventEmitter();
    const workerIds: string[] = [];
    // graphile-worker 0.17 locks jobs with the pool's id (and, without a local queue, the worker's).
    const beatFor = (id: string) => {
      workerIds.push(id);
      heartbeat.add(id);
    };
    events.on("pool:create", ({ workerPool }) => beatFor(workerPool.id));
    events.on("worker:create", ({ worker }) => beatFor(worker.workerId));
    let started: Runner;
    try {
      started = await run({ ...runnerOptions, events });
    } catch (error) {
      heartbeat.retire(workerIds);
      throw error;
    }
    runner = started;
    const ended = () => {
      if (runner === started) runner = undefined;
      if (stopping) return;
      heartbeat.retire(workerIds);
      throttle.log("warn", "runner stopped", {}, "worker runner stopped by itself; starting another");
      scheduleRestart();
    };
    started.promise.then(ended, ended);
    return started;
  };

  const scheduleRestart = () => {
    if (stopping) return;
    const delay = Math.min(MAX_RESTART_DELAY_MS, restartDelayMs * 2 ** restarts++);
    restartTimer = setTimeout(() => {
      startRunner().then(
        (started) => {
          restarts = 0;
          if (stopping) void started.stop().catch(() => undefined);
          else options.logger.info("worker runner started again");
        },
        (error: unknown) => {
          throttle.failure("warn", "worker runner did not start; retrying", error);
          scheduleRestart();
        },
      );
    }, delay);
  };

  try {
    await startRunner();
  } catch (error) {
    await pool.end();
    throw error;
  }
  relay.start();
  heartbeat.start();
  return {
    relay,
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await relay.stop();
      await runner?.stop().catch(() => undefined);
      await heartbeat.stop();
      await pool.end();
    },
  };
}
