import type { Task } from "graphile-worker";
import type { Services } from "../../services/services";
import { asDeliverWebhookPayload, WorkflowTask, webhookJobKey } from "../../services/workflows/workflow-contract";

/**
 * POSTs one outbound message to its webhook. Retries are scheduled here, with Parley's backoff,
 * rather than by throwing: every attempt is logged, and the job itself never fails.
 */
export function deliverWebhookTask(services: Services): Task {
  return async (raw, helpers) => {
    const { messageId } = asDeliverWebhookPayload(raw);
    const outcome = await services.webhooks.attempt(messageId);
    if (outcome.kind === "retry") {
      await helpers.addJob(WorkflowTask.DELIVER_WEBHOOK, { messageId }, { runAt: outcome.runAt, jobKey: webhookJobKey(messageId) });
    } else if (outcome.kind === "failed") {
      helpers.logger.error(`webhook delivery of message ${messageId} failed on every attempt`);
    }
  };
}
