import type { Task } from "graphile-worker";
import type { DeliverWebhookPayload } from "../../services/outbound/webhook-delivery.adapter";
import type { Services } from "../../services/services";
import { WorkflowTask } from "../../services/workflows/workflow-task.enum";

/**
 * POSTs one outbound message to its webhook. Retries are scheduled here, with Parley's backoff,
 * rather than by throwing: every attempt is logged, and the job itself never fails.
 */
export function deliverWebhookTask(services: Services): Task {
  return async (raw, helpers) => {
    const { messageId } = raw as DeliverWebhookPayload;
    const outcome = await services.webhooks.attempt(messageId);
    if (outcome.kind === "retry") {
      await helpers.addJob(WorkflowTask.DELIVER_WEBHOOK, { messageId }, { runAt: outcome.runAt, jobKey: `webhook:${messageId}` });
    } else if (outcome.kind === "failed") {
      helpers.logger.error(`webhook delivery of message ${messageId} failed on every attempt`);
    }
  };
}
