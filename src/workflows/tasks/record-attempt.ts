import type { Task } from "graphile-worker";
import type { Services } from "../../services/services";

/** Wraps a workflow task so each run counts in `Workflow.attempts` and failures show as `lastError`. */
export function recordingAttempts(services: Services, task: Task): Task {
  return async (payload, helpers) => {
    const workflowId = (payload as { workflowId?: string }).workflowId;
    try {
      await task(payload, helpers);
    } catch (error) {
      if (workflowId) await services.workflows.recordAttempt(workflowId, error).catch(() => undefined);
      throw error;
    }
    if (workflowId) await services.workflows.recordAttempt(workflowId, null);
  };
}
