import { databaseUnavailableReason } from "./errors/database-unavailable";
import { LogThrottle } from "./logging/log-throttle";
import type { Logger } from "./logging/logger";

/**
 * An exception nothing caught, or a promise rejected with nobody listening, is logged and the
 * process keeps serving: one failed background step (a lost connection's late error, a bug in
 * one request's path) must not drop every other request and job. The process exits only on
 * purpose: a signal (stopOnSignals) or a start-up failure (exitOnStartupFailure).
 *
 * Logged throttled (a line per kind per interval), by the error's class, code and stack frames
 * only: its message may quote a request's data.
 */
export function keepServingOnUncaughtErrors(logger: Logger): void {
  const throttle = new LogThrottle(logger);
  const report = (message: string) => (error: unknown) => {
    const fields = describe(error);
    throttle.log("error", `${message}\u0000${fields.kind}`, fields, message, { kind: fields.kind });
  };
  process.on("uncaughtException", report("uncaught exception; the process keeps serving"));
  process.on("unhandledRejection", report("unhandled rejection; the process keeps serving"));
}

/** What may be logged of an error: its class and code (or why the database is unavailable) and where it was thrown. */
function describe(error: unknown): { kind: string; reason?: string; frames?: string[] } {
  if (typeof error !== "object" || error === null) return { kind: typeof error };
  const { name, code, stack } = error as { name?: unknown; code?: unknown; stack?: unknown };
  const kind = `${typeof name === "string" ? name : "Error"}:${typeof code === "string" || typeof code === "number" ? code : ""}`;
  const reason = databaseUnavailableReason(error);
  const frames =
    typeof stack === "string"
      ? stack
          .split("\n")
          .filter((line) => /^\s+at /.test(line))
          .map((line) => line.trim())
          .slice(0, 10)
      : undefined;
  return { kind, ...(reason ? { reason } : {}), ...(frames ? { frames } : {}) };
}
