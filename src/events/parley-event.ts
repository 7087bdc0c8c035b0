/**
 * Events of an account's conversations, for subscriptions. The EventPublisher sends them with
 * NOTIFY, batched, after the change commits: they reach every gateway process, and no request's
 * commit waits on NOTIFY.
 */
export const EVENTS_CHANNEL = "parley_events";

export enum ParleyEventType {
  SMS_MESSAGE_ADDED = "event.sms_message_added",
  SMS_CONVERSATION_UPDATED = "event.sms_conversation_updated",
}

export interface ParleyEvent {
  type: ParleyEventType;
  accountId: string;
  conversationId: string;
  /** For SMS_MESSAGE_ADDED. */
  messageId?: string;
}
