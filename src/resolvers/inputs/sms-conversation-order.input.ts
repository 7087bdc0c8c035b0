import { Field, InputType } from "type-graphql";
import { OrderDirection, type SmsConversationOrder, SmsConversationOrderField } from "../../services/conversations/conversation-order";
import "../types/register-enums";

@InputType({ description: "How a conversation list is ordered. Ties are broken by id, so the order is total and stable." })
export class SmsConversationOrderInput implements SmsConversationOrder {
  @Field(() => SmsConversationOrderField, { description: "The timestamp to order by." })
  field!: SmsConversationOrderField;

  @Field(() => OrderDirection, { description: "Ascending (oldest first) or descending (newest first)." })
  direction!: OrderDirection;
}
