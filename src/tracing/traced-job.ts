import type { Task } from "graphile-worker";
import { SpanKind, inSpan } from "./spans";
import { linkTo } from "./trace-context";

/**
 * A worker task whose every run is a span, `<task> job`, linked (not parented: it runs minutes
 * later, in a trace of its own) to the span that scheduled it, named by the payload's
 * `traceparent` (carried from the outbox row by the relay). Its statements are its children.
 */
export function tracedTask(name: string, task: Task): Task {
  const spanName = `${name} job`;
  return (payload, helpers) =>
    inSpan(
      spanName,
      {
        kind: SpanKind.CONSUMER,
        root: true,
        links: linkTo((payload as { traceparent?: unknown } | null)?.traceparent),
        attributes: {
          "messaging.system": "graphile-worker",
          "messaging.operation.type": "process",
          "messaging.destination.name": name,
          "messaging.message.id": String(helpers.job.id),
          "parley.job.attempt": helpers.job.attempts,
        },
      },
      async () => {
        await task(payload, helpers);
      },
    );
}
