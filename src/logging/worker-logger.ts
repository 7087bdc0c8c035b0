import { type LogLevel, Logger as WorkerLogger } from "graphile-worker";
import { databaseUnavailableReason } from "../errors/database-unavailable";
import { LogThrottle } from "./log-throttle";
import type { Logger } from "./logger";

/**
 * graphile-worker's logger, writing to pino. Its warnings and errors are throttled per kind (the
 * message's first line with numbers blanked out): every poll of every worker fails while the
 * database is down. One about an unavailable database keeps the first line only (graphile-worker
 * appends stacks to some messages) and names the reason.
 */
export function createWorkerLogger(logger: Logger): WorkerLogger {
  const throttle = new LogThrottle(logger);
  return new WorkerLogger((scope) => (logLevel, message, meta) => {
    // The enum's values as literals: its members cannot be read under isolatedModules (a const enum).
    const level: `${LogLevel}` = logLevel;
    if (level !== "error" && level !== "warning") {
      logger[level === "info" ? "info" : "debug"]({ worker: scope, ...meta }, message);
      return;
    }
    const method = level === "warning" ? "warn" : "error";
    const { error, fatalError, ...rest } = (meta ?? {}) as Record<string, unknown>;
    const firstLine = message.split("\n", 1)[0];
    const kind = `${method}:${firstLine.replace(/\d+(\.\d+)?/g, "#").slice(0, 80)}`;
    const reason = databaseUnavailableReason(error ?? fatalError);
    if (reason !== undefined) {
      const summary = { database: "unavailable", reason };
      throttle.log(method, `${kind}\u0000${reason}`, { worker: scope, ...rest, ...summary }, firstLine, summary);
    } else {
      throttle.log(method, kind, { worker: scope, ...meta }, message);
    }
  });
}
