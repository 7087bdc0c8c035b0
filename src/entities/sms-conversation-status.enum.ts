export enum SmsConversationStatus {
  /** Receiving messages; at most one per account, agent number and user number. */
  ACTIVE = "ACTIVE",
  /** Replaced by a newer conversation (`newConversation: true`). */
  ARCHIVED = "ARCHIVED",
  /** Ended by the silence-timeout flow. */
  TIMED_OUT = "TIMED_OUT",
}
