import { Field, ID, ObjectType } from "type-graphql";
import { UserError } from "./user-error.type";

@ObjectType({
  simpleResolvers: true,
  description: "Result of sendSmsMessage: the message sent and its conversation, or `userErrors` and nothing written or sent.",
})
export class SendSmsMessagePayload {
  @Field(() => ID, { nullable: true, description: "Id of the conversation the message was sent in." })
  conversationId!: string | null;

  @Field(() => ID, { nullable: true, description: "Id of the conversation's workflow, stable for its life." })
  workflowId!: string | null;

  /** Not in the schema: the message's row id; `message` is read by its field resolver only when selected. */
  messageRowId!: string | null;

  /** Not in the schema: the conversation's row id, read likewise as `conversation`. */
  conversationRowId!: string | null;

  /** Not in the schema: the archived conversation's row id, read likewise as `archivedConversation`. */
  archivedConversationRowId!: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors!: UserError[];
}
