/** Which timestamp a conversation list is ordered by. */
export enum SmsConversationOrderField {
  CREATED_AT = "CREATED_AT",
  UPDATED_AT = "UPDATED_AT",
}

export enum OrderDirection {
  ASC = "ASC",
  DESC = "DESC",
}

export interface SmsConversationOrder {
  field: SmsConversationOrderField;
  direction: OrderDirection;
}

/** Newest first, by creation: new conversations never shift the pages of a walk under way. */
export const DEFAULT_CONVERSATION_ORDER: SmsConversationOrder = {
  field: SmsConversationOrderField.CREATED_AT,
  direction: OrderDirection.DESC,
};
