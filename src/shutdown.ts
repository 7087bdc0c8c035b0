import type { Logger } from "./logging/logger";

/**
 * On SIGTERM or SIGINT, runs `stop` once (drain: no new requests or jobs, in-flight ones finish)
 * and exits 0, or 1 if draining failed.
 */
export function stopOnSignals(stop: () => Promise<void>, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "draining");
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

/** Prints a start-up failure without a stack trace (config problems are the usual cause) and exits 1. */
export function exitOnStartupFailure(what: string) {
  return (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(error instanceof Error && error.name === "ConfigError" ? `${message}\n` : `${what} failed to start: ${message}\n`);
    process.exit(1);
  };
}
