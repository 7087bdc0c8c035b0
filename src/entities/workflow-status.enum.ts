export enum WorkflowStatus {
  /** Created with its conversation; setup not yet run. */
  PENDING = "PENDING",
  /** Set up and processing the conversation. */
  RUNNING = "RUNNING",
  /** The conversation ended (timed out or archived); nothing more to do. */
  COMPLETED = "COMPLETED",
  /** A task failed on its last attempt (its `lastError` says why); nothing will run it again. */
  FAILED = "FAILED",
}
