import type { Task } from "graphile-worker";
import type { Services } from "../../services/services";
import { asDeliverWebhookPayload, WorkflowTask, webhookJobKey } from "../../services/workflows/workflow-contract";
import type { WebhookAttemptOutcome } from "../../services/outbound/webhook-sender";
import { currentTraceparent } from "../../tracing/trace-context";

/**
 * POSTs one outbound message to its webhook. Retries are scheduled here, with Parley's backoff,
 * rather than by throwing: every attempt is logged, and the job itself never fails. A retry
 * carries the attempt's traceparent (tracing on), so its span links to this one. Each attempt's
 * outcome is told to `observe` (the metrics).
 */
export function deliverWebhookTask(services: Services, observe?: (outcome: WebhookAttemptOutcome["kind"]) => void): Task {
  return async (raw, helpers) => {
    const { messageId } = asDeliverWebhookPayload(raw);
    const outcome = await services.webhooks.attempt(messageId);
    observe?.(outcome.kind);
    if (outcome.kind === "retry") {
      const traceparent = currentTraceparent();
      await helpers.addJob(WorkflowTask.DELIVER_WEBHOOK, traceparent ? { messageId, traceparent } : { messageId }, {
        runAt: outcome.runAt,
        jobKey: webhookJobKey(messageId),
      });
    } else if (outcome.kind === "failed") {
      helpers.logger.error(`webhook delivery of message ${messageId} failed on every attempt`);
    }
  };
}
