/** What RECORD_MESSAGE_SQL returns, and RECORD_USER_MESSAGES_SQL per call. */
export interface RecordedMessageRow {
  conversation_id: string;
  /** Null when the conversation's workflow was not visible yet (a concurrent transaction created both). */
  workflow_id: string | null;
  message_id: string;
  inserted: boolean;
  /** Timer jobs written to the outbox (scheduled or removed). */
  timers: number;
  /** Some process has subscribers (see EventListeners): the change's events are published only then. */
  listened: boolean;
}
