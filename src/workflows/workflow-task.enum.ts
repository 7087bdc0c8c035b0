/** graphile-worker task identifiers of the conversation workflow. */
export enum WorkflowTask {
  /** Runs once per conversation, right after it is created. */
  SETUP_CONVERSATION = "conversation.setup",
}
