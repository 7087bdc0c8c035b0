import { Writable } from "node:stream";
import type { LogLevel } from "../../src/config";
import { createLogger, type Logger } from "../../src/logging/logger";

export interface CapturedLogger {
  logger: Logger;
  /** Every line so far, parsed. */
  lines: () => Array<Record<string, any>>;
  /** Every line so far, as written. */
  text: () => string;
  /** Forgets the lines so far. */
  clear: () => void;
}

/** The production logger (createLogger, with its serializers and redaction), writing to lines the test reads. */
export function capturedLogger(level: LogLevel = "info"): CapturedLogger {
  let text = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    logger: createLogger(level, { destination: sink }),
    lines: () =>
      text
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line)),
    text: () => text,
    clear: () => {
      text = "";
    },
  };
}
