import type { Task } from "graphile-worker";
import type { Services } from "../../services/services";

export interface SetupConversationPayload {
  workflowId: string;
}

/** First step of every conversation's workflow. Idempotent: jobs run at least once. */
export function setupConversationTask(services: Services): Task {
  return async (payload) => {
    const { workflowId } = payload as SetupConversationPayload;
    await services.workflows.markRunning(workflowId);
  };
}
