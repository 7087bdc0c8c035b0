import { run, type Runner } from "graphile-worker";
import { Pool } from "pg";
import type { Logger } from "../logger";
import type { Services } from "../services/services";
import { OutboxRelay } from "./outbox-relay";
import { setupConversationTask } from "./tasks/setup-conversation.task";
import { createWorkerLogger } from "./worker-logger";
import { WorkflowTask } from "./workflow-task.enum";

export interface WorkerOptions {
  connectionString: string;
  services: Services;
  logger: Logger;
  /** Jobs run at once by this process. (Default: 5) */
  concurrency?: number;
  /** How often graphile-worker polls for due jobs, in ms. (Default: 500) */
  pollInterval?: number;
  /** How often the outbox relay looks for rows, in ms. (Default: 100) */
  relayIntervalMs?: number;
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
  const relay = new OutboxRelay({ pool, logger: options.logger, pollIntervalMs: options.relayIntervalMs });
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      concurrency,
      pollInterval: options.pollInterval ?? 500,
      noHandleSignals: true,
      parsedCronItems: [],
      logger: createWorkerLogger(options.logger),
      taskList: {
        [WorkflowTask.SETUP_CONVERSATION]: setupConversationTask(options.services),
      },
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  relay.start();
  return {
    relay,
    stop: async () => {
      await relay.stop();
      await runner.stop();
      await pool.end();
    },
  };
}
