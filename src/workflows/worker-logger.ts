import { Logger as WorkerLogger } from "graphile-worker";
import type { Logger } from "../logger";

/** graphile-worker's logger, writing to pino. */
export function createWorkerLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const method = level === "warning" ? "warn" : level === "error" ? "error" : level === "info" ? "info" : "debug";
    logger[method]({ worker: scope, ...meta }, message);
  });
}
