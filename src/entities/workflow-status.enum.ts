export enum WorkflowStatus {
  /** Created with its conversation; setup not yet run. */
  PENDING = "PENDING",
  /** Set up and processing the conversation. */
  RUNNING = "RUNNING",
  /** The conversation ended (timed out or archived); nothing more to do. */
  COMPLETED = "COMPLETED",
  /** A task failed for good; see the worker's logs. */
  FAILED = "FAILED",
}
