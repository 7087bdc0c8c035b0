import { type Attributes, type Link, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";

/** Parley's own spans (GraphQL operations and resolvers, worker jobs); HTTP and pg spans come from the SDK's instrumentations. */
const tracer = trace.getTracer("parley");

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  links?: Link[];
  /** Start a trace of its own, whatever span is active (a job: it links to its cause instead). (Default: false) */
  root?: boolean;
}

/**
 * Runs `work` inside a new active span (so pg statements it makes are its children) and ends the
 * span when `work` settles. A failure marks the span ERROR with the error's class only: its
 * message may quote a request's data, which spans, like logs, never hold.
 */
export function inSpan<T>(name: string, { root = false, ...options }: SpanOptions, work: (span: Span) => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, options, root ? ROOT_CONTEXT : context.active(), async (span) => {
    try {
      return await work(span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** As inSpan, for work that may answer at once (a resolver): a plain value ends the span at once, a promise when it settles. */
export function inSpanMaybeAsync<T>(name: string, options: SpanOptions, work: () => T): T {
  return tracer.startActiveSpan(name, options, (span) => {
    let result: T;
    try {
      result = work();
    } catch (error) {
      markFailed(span, error);
      span.end();
      throw error;
    }
    if (!(result instanceof Promise)) {
      span.end();
      return result;
    }
    return result.then(
      (value: unknown) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        markFailed(span, error);
        span.end();
        throw error;
      },
    ) as T;
  });
}

export function markFailed(span: Span, error: unknown): void {
  const type = error instanceof Error ? error.name : typeof error;
  span.setAttribute("error.type", type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

export { SpanKind };
