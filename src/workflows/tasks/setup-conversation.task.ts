import type { Task } from "graphile-worker";
import type { Services } from "../../services/services";

/** The relay batches setups: one job sets up every conversation created since the last batch. */
export interface SetupConversationPayload {
  workflowIds: string[];
}

/** First step of every conversation's workflow. Idempotent: jobs run at least once. */
export function setupConversationTask(services: Services): Task {
  return async (payload) => {
    const { workflowIds } = payload as SetupConversationPayload;
    await services.workflows.markRunning(workflowIds);
  };
}
