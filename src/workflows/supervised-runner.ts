import { EventEmitter } from "node:events";
import { run, type Runner, type RunnerOptions, type WorkerEvents } from "graphile-worker";
import { LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";
import type { WorkerHeartbeat } from "./worker-heartbeat";

/** First delay before a runner that stopped by itself is started again; it doubles per failed start. */
const RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 5_000;

export interface SupervisedRunner {
  /** Stops the runner (running jobs finish) and starts no other. */
  stop(): Promise<void>;
}

/**
 * A graphile-worker runner that is started again whenever it stops by itself. graphile-worker
 * stops its runner when it cannot record a job's outcome (the database went away while the job
 * ran), and this one stops it when a job lookup fails (the lookup may have locked a job); the
 * process would live on without a worker. Each runner's workers beat through
 * `heartbeat`; when a runner ends, they are retired, which releases the jobs they held at once,
 * and a new runner (new identity) is started, again and again until the database takes it.
 * Fails only if the first runner cannot start (a start-up failure).
 */
export async function startSupervisedRunner(
  options: Omit<RunnerOptions, "events">,
  heartbeat: WorkerHeartbeat,
  logger: Logger,
): Promise<SupervisedRunner> {
  const throttle = new LogThrottle(logger);
  let stopping = false;
  let current: Runner | undefined;
  let restartTimer: NodeJS.Timeout | undefined;
  let failedStarts = 0;

  const start = async (): Promise<Runner> => {
    const events: WorkerEvents = new EventEmitter();
    const workerIds: string[] = [];
    // graphile-worker 0.17 locks jobs with the pool's id (and, without a local queue, the worker's).
    const beatFor = (id: string) => {
      workerIds.push(id);
      heartbeat.add(id);
    };
    events.on("pool:create", ({ workerPool }) => beatFor(workerPool.id));
    events.on("worker:create", ({ worker }) => beatFor(worker.workerId));
    // A job lookup that failed may have locked a job all the same (PostgreSQL committed it, the
    // answer was lost with the connection). That job is locked by this runner's pool, which beats
    // on, so nothing would release it: the runner is stopped instead (its running jobs finish),
    // and ended() retires its identities, which releases the job, and starts another.
    let shuttingDown = false;
    events.on("pool:gracefulShutdown", () => (shuttingDown = true));
    events.on("worker:getJob:error", ({ worker }) => {
      if (shuttingDown) return;
      shuttingDown = true;
      // After the failing worker has scheduled its next lookup, which the shutdown then cancels
      // (stopped within its own error handling, graphile-worker would end it with an error).
      setImmediate(() => {
        void Promise.resolve(worker.workerPool.gracefulShutdown("a job lookup failed; restarting the runner")).catch(() => undefined);
      });
    });
    let runner: Runner;
    try {
      runner = await run({ ...options, events });
    } catch (error) {
      heartbeat.retire(workerIds);
      throw error;
    }
    current = runner;
    const ended = () => {
      if (current === runner) current = undefined;
      if (stopping) return;
      heartbeat.retire(workerIds);
      throttle.log("warn", "runner stopped", {}, "worker runner stopped by itself; starting another");
      restartLater();
    };
    runner.promise.then(ended, ended);
    return runner;
  };

  const restartLater = () => {
    if (stopping) return;
    const delay = Math.min(MAX_RESTART_DELAY_MS, RESTART_DELAY_MS * 2 ** failedStarts);
    restartTimer = setTimeout(() => {
      start().then(
        (runner) => {
          failedStarts = 0;
          if (stopping) void runner.stop().catch(() => undefined);
          else logger.info("worker runner started again");
        },
        (error: unknown) => {
          failedStarts++;
          throttle.failure("warn", "worker runner did not start; retrying", error);
          restartLater();
        },
      );
    }, delay);
  };

  await start();
  return {
    stop: async () => {
      stopping = true;
      clearTimeout(restartTimer);
      await current?.stop().catch(() => undefined);
    },
  };
}
