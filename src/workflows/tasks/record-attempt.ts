import type { Task } from "graphile-worker";
import type { Services } from "../../services/services";

/**
 * Wraps a workflow task so each run counts in `Workflow.attempts`, failures show as `lastError`,
 * and a failure on the job's last attempt (graphile-worker gives up after `max_attempts`) leaves
 * the workflow FAILED.
 */
export function recordingAttempts(services: Services, task: Task): Task {
  return async (payload, helpers) => {
    const ids = payload as { workflowId?: string | null; conversationId?: string | null };
    if (!ids.workflowId && !ids.conversationId) return task(payload, helpers);
    try {
      await task(payload, helpers);
    } catch (error) {
      const final = helpers.job.attempts >= helpers.job.max_attempts;
      // The task's own failure is what graphile-worker must see; one recording it is only logged.
      await services.workflows.recordAttempt(ids, error, { final }).catch((recordError: unknown) => {
        helpers.logger.error("could not record the failed attempt on its workflow", { error: recordError });
      });
      throw error;
    }
    await services.workflows.recordAttempt(ids, null);
  };
}
