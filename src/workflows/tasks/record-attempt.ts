import type { Task } from "graphile-worker";
import type { Services } from "../../services/services";

/** Wraps a workflow task so each run counts in `Workflow.attempts` and failures show as `lastError`. */
export function recordingAttempts(services: Services, task: Task): Task {
  return async (payload, helpers) => {
    const ids = payload as { workflowId?: string | null; conversationId?: string | null };
    if (!ids.workflowId && !ids.conversationId) return task(payload, helpers);
    try {
      await task(payload, helpers);
    } catch (error) {
      await services.workflows.recordAttempt(ids, error).catch(() => undefined);
      throw error;
    }
    await services.workflows.recordAttempt(ids, null);
  };
}
