import { type Link, ROOT_CONTEXT, type SpanContext, TraceFlags, context, isSpanContextValid, trace } from "@opentelemetry/api";

/** A W3C traceparent header value, version 00: trace id, parent span id, flags. */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/**
 * The W3C traceparent of the active span, or null when there is none (tracing off: the API's
 * no-op context answers at once, so this costs nothing on the hot path).
 */
export function currentTraceparent(): string | null {
  const span = trace.getActiveSpan();
  if (!span) return null;
  const { traceId, spanId, traceFlags } = span.spanContext();
  if (!isSpanContextValid({ traceId, spanId, traceFlags })) return null;
  return `00-${traceId}-${spanId}-${traceFlags & TraceFlags.SAMPLED ? "01" : "00"}`;
}

/** The span context a traceparent names, or undefined for anything else (absent, malformed, all zeros). */
export function spanContextOf(traceparent: unknown): SpanContext | undefined {
  if (typeof traceparent !== "string") return undefined;
  const match = TRACEPARENT.exec(traceparent);
  if (!match) return undefined;
  const remote: SpanContext = { traceId: match[1], spanId: match[2], traceFlags: parseInt(match[3], 16) & 0xff, isRemote: true };
  return isSpanContextValid(remote) ? remote : undefined;
}

/** A link to the span a traceparent names (the request that scheduled a job), if it names one. */
export function linkTo(traceparent: unknown): Link[] {
  const context = spanContextOf(traceparent);
  return context ? [{ context }] : [];
}

/**
 * The fields a log line written inside a span carries, `trace_id` and `span_id`, so a log line
 * leads to its trace (a pino mixin; a new object each time, as pino merges into it).
 */
export function traceLogFields(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/**
 * Runs `work` (and what it schedules) outside any trace: a background loop a request merely woke
 * (the outbox relay, the event publisher) must not become part of that request's trace, nor
 * chain every later pass into it. Without the SDK, a plain call.
 */
export function outsideTraces<T>(work: () => T): T {
  return context.with(ROOT_CONTEXT, work);
}
