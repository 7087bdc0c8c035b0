import type { Task } from "graphile-worker";
import type { Services } from "../../services/services";
import { timerJobKey } from "../../services/timer-kind.enum";
import type { ConversationTimerPayload } from "../../services/workflow.service";
import { WorkflowTask } from "../workflow-task.enum";

/** Fires a warning or timeout timer; a job that ran early puts itself back at the due time. */
export function conversationTimerTask(services: Services): Task {
  return async (raw, helpers) => {
    const payload = raw as ConversationTimerPayload;
    const outcome = await services.timeoutFlow.fireTimer(payload);
    if (outcome.kind === "not-due") {
      await helpers.addJob(WorkflowTask.CONVERSATION_TIMER, payload, {
        runAt: outcome.fireAt,
        jobKey: timerJobKey(payload.conversationId, payload.kind),
      });
    } else if (outcome.kind === "fired") {
      helpers.logger.info(`timer ${payload.kind} fired for conversation ${payload.conversationId}`, { sent: outcome.sent });
    }
  };
}
