import pino from "pino";
import type { LogLevel } from "./config";

export type Logger = pino.Logger;

/**
 * Structured JSON logs. API keys travel in the `authorization` header and in CLI output only;
 * the redaction below is a second line of defence should a header or key object be logged.
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    level,
    base: { service: "parley" },
    redact: {
      paths: [
        "apiKey",
        "*.apiKey",
        "authorization",
        "*.authorization",
        "headers.authorization",
        "req.headers.authorization",
        "*.headers.authorization",
      ],
      censor: "[redacted]",
    },
  });
}
