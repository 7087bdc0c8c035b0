import type { Task, TaskList } from "graphile-worker";
import type { Metrics } from "../metrics/metrics";
import { WorkflowTask } from "../services/workflows/workflow-contract";
import { tracedTask } from "../tracing/traced-job";

/**
 * The worker's tasks, each run timed into `parley_job_duration_seconds` (and a timer's first
 * attempt's lateness into `parley_timer_lateness_seconds`) when there are metrics, and run in a
 * span linked to the request that scheduled it when tracing is on. Without either, the tasks
 * as they are.
 */
export function instrumentedTasks(tasks: Record<string, Task>, { metrics, traced }: { metrics?: Metrics; traced: boolean }): TaskList {
  const list: TaskList = {};
  for (const [name, task] of Object.entries(tasks)) {
    let instrumented = metrics ? measured(name, task, metrics) : task;
    if (traced) instrumented = tracedTask(name, instrumented);
    list[name] = instrumented;
  }
  return list;
}

function measured(name: string, task: Task, metrics: Metrics): Task {
  const timer = name === String(WorkflowTask.CONVERSATION_TIMER);
  return async (payload, helpers) => {
    const startedAt = performance.now();
    // A retry's lateness is its backoff's, not the poll's.
    if (timer && helpers.job.attempts === 1) metrics.observeTimerLateness((Date.now() - new Date(helpers.job.run_at).getTime()) / 1000);
    let ok = false;
    try {
      await task(payload, helpers);
      ok = true;
    } finally {
      metrics.observeJob(name, ok, (performance.now() - startedAt) / 1000);
    }
  };
}
