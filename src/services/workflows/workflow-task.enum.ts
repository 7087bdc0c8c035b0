/** graphile-worker task identifiers of the conversation workflow. */
export enum WorkflowTask {
  /** Fires a conversation's warning or timeout timer when it is due. */
  CONVERSATION_TIMER = "conversation.timer",
  /** POSTs one outbound message to its account's webhook (retried with backoff). */
  DELIVER_WEBHOOK = "delivery.webhook",
}
