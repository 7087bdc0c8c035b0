import pino from "pino";
import type { LogLevel } from "../config";
import { traceLogFields } from "../tracing/trace-context";
import { tracingOn } from "../tracing/tracing";
import {
  REDACTED,
  safeErrorMessage,
  serializeError,
  serializeJob,
  serializePostgresLog,
  serializeRequest,
  withSafeErrorMessages,
} from "./log-serializers";

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** The `service` field of every line. (Default: `parley`) */
  service?: string;
  /** Where lines go. (Default: stdout) */
  destination?: pino.DestinationStream;
}

const serializers: Record<string, (value: unknown) => unknown> = {
  err: serializeError,
  // graphile-worker passes its errors and jobs under these names.
  error: serializeError,
  job: serializeJob,
  req: serializeRequest,
  // The embedded PostgreSQL server's output (src/database/embedded-postgres.ts).
  postgres: serializePostgresLog,
};

/**
 * Structured JSON logs that never hold phone numbers, message bodies, request data or keys, so
 * no call site has to remember (see log-serializers.ts): errors (under any name) and requests are
 * logged by allow-list, an error's raw message is replaced by its safe one wherever the line's
 * message repeats it, and values under the names below are redacted. API keys travel in the
 * `authorization` header and in CLI output only; their redaction is a second line of defence.
 * With tracing on, a line written inside a span carries its `trace_id` and `span_id`.
 */
export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: { service: options.service ?? "parley" },
      serializers,
      ...(tracingOn() ? { mixin: traceLogFields } : {}),
      formatters: {
        log: (object) => {
          let safe = object;
          for (const key in object) {
            if (object[key] instanceof Error && !(key in serializers)) {
              if (safe === object) safe = { ...object };
              safe[key] = serializeError(object[key]);
            }
          }
          return safe;
        },
      },
      hooks: {
        logMethod(args, method) {
          const [first, message, ...rest] = args as unknown[];
          if (first === null || typeof first !== "object") return method.apply(this, args);
          const object = (first instanceof Error ? { err: first } : first) as Record<string, unknown>;
          let errors: Error[] | undefined;
          for (const key in object) if (object[key] instanceof Error) (errors ??= []).push(object[key]);
          if (errors === undefined) return method.apply(this, args);
          // pino would take an error's raw message as the line's message when none is given.
          const safeMessage =
            typeof message === "string"
              ? withSafeErrorMessages(message, errors)
              : message === undefined && object.err instanceof Error
                ? safeErrorMessage(object.err)
                : message;
          return method.apply(this, [object, safeMessage, ...rest] as Parameters<typeof method>);
        },
      },
      redact: {
        paths: [
          "apiKey",
          "*.apiKey",
          "authorization",
          "*.authorization",
          "headers.authorization",
          "req.headers.authorization",
          "*.headers.authorization",
          "payload",
          "variables",
          "*.variables",
          "parameters",
          "*.parameters",
          "requestData",
          "*.requestData",
        ],
        censor: REDACTED,
      },
    },
    options.destination,
  );
}
