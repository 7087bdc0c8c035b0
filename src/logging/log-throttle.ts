import { databaseUnavailableReason } from "../errors/database-unavailable";
import type { Logger } from "./logger";

export type ThrottledLevel = "info" | "warn" | "error";

export interface LogThrottleOptions {
  /** Longest a kind of failure stays quiet while it repeats, in ms. (Default: 10000) */
  intervalMs?: number;
}

interface Window {
  logger: Logger;
  level: ThrottledLevel;
  message: string;
  /** What the count line says besides the count. */
  summary: Record<string, unknown>;
  suppressed: number;
  timer: NodeJS.Timeout;
}

/**
 * Logs repeating failures at most once per interval per kind: the first occurrence is written at
 * once; the ones that follow within the interval are only counted, and one line at the end of the
 * interval says how many there were (`suppressed`). A kind quiet for a whole interval starts over.
 * An outage that makes a loop fail ten times a second thus costs a line per interval, not ten.
 */
export class LogThrottle {
  private readonly intervalMs: number;
  private readonly windows = new Map<string, Window>();

  /** @param logger Where lines go, unless a call brings its own (a request's logger). */
  constructor(
    private readonly logger?: Logger,
    options: LogThrottleOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 10_000;
  }

  /**
   * Logs a failure of `error`: the kind is the message plus what failed. An unavailable database
   * is logged by its reason (`ECONNREFUSED`, `57P01` …) without a stack, as it says all there is;
   * any other error in full (`err`), once per interval.
   */
  failure(level: ThrottledLevel, message: string, error: unknown, fields: Record<string, unknown> = {}, logger?: Logger): boolean {
    const reason = databaseUnavailableReason(error);
    if (reason !== undefined) {
      const summary = { database: "unavailable", reason };
      return this.log(level, `${message}\u0000${reason}`, { ...fields, ...summary }, message, summary, logger);
    } else {
      const kind = errorKind(error);
      return this.log(level, `${message}\u0000${kind}`, { ...fields, kind, err: error }, message, { kind }, logger);
    }
  }

  /**
   * Writes `message` with `fields` now, unless `kind` was written less than an interval ago: then
   * it is counted, and the interval's count line carries `summary` (nothing of one occurrence),
   * written through the logger of the interval's first line.
   */
  log(
    level: ThrottledLevel,
    kind: string,
    fields: Record<string, unknown>,
    message: string,
    summary: Record<string, unknown> = {},
    logger: Logger | undefined = this.logger,
  ): boolean {
    const window = this.windows.get(kind);
    if (window) {
      window.suppressed++;
      return false;
    }
    if (!logger) throw new Error("LogThrottle: no logger given");
    logger[level](fields, message);
    this.open(kind, { logger, level, message, summary });
    return true;
  }

  private open(kind: string, line: Pick<Window, "logger" | "level" | "message" | "summary">): void {
    const timer = setTimeout(() => this.closeWindow(kind), this.intervalMs);
    timer.unref();
    this.windows.set(kind, { ...line, suppressed: 0, timer });
  }

  private closeWindow(kind: string): void {
    const window = this.windows.get(kind);
    if (!window) return;
    this.windows.delete(kind);
    if (window.suppressed === 0) return;
    // It kept happening: say how often, and count the next interval's in a new window.
    window.logger[window.level](
      { ...window.summary, suppressed: window.suppressed, intervalMs: this.intervalMs },
      `${window.message} (repeated)`,
    );
    this.open(kind, window);
  }
}

/**
 * A name for an error that is not about availability: its class, code and (a database error's)
 * constraint, never its message (it may hold request data).
 */
export function errorKind(error: unknown): string {
  if (typeof error !== "object" || error === null) return typeof error;
  const { name, code, constraint } = error as { name?: unknown; code?: unknown; constraint?: unknown };
  const kind = `${typeof name === "string" ? name : "Error"}:${typeof code === "string" || typeof code === "number" ? code : ""}`;
  return typeof constraint === "string" ? `${kind}:${constraint}` : kind;
}
