import type { Task } from "graphile-worker";
import type { Services } from "../../services/services";
import { asConversationTimerPayload } from "../../services/workflows/workflow-contract";

/** Fires a warning or timeout timer; one that ran early is put back by the service, under the row lock. */
export function conversationTimerTask(services: Services): Task {
  return async (raw, helpers) => {
    const payload = asConversationTimerPayload(raw);
    const outcome = await services.timeoutFlow.fireTimer(payload);
    if (outcome.kind === "fired") {
      helpers.logger.info(`timer ${payload.kind} fired for conversation ${payload.conversationId}`, { sent: outcome.sent });
    }
  };
}
