import { Field, ID, ObjectType } from "type-graphql";
import { UserError } from "./user-error.type";

export const CONVERSATION_DESCRIPTION = "The conversation, as it is after this call.";
export const ARCHIVED_CONVERSATION_DESCRIPTION = "The conversation this call archived (`newConversation: true`), if there was one.";

@ObjectType({
  simpleResolvers: true,
  description: "Result of createSmsConversation: the conversation, or `userErrors` and nothing written.",
})
export class CreateSmsConversationPayload {
  @Field(() => String, { nullable: true, description: 'Confirmation text: "SMS conversation created successfully".' })
  message!: string | null;

  @Field(() => ID, { nullable: true, description: "Id of the conversation the message was recorded in." })
  conversationId!: string | null;

  @Field(() => ID, { nullable: true, description: "Id of the conversation's workflow, stable for its life." })
  workflowId!: string | null;

  /**
   * Not in the schema: the conversation's row id. `conversation` is read by its field resolver
   * only when a client selects it; the write path does not read it back.
   */
  conversationRowId!: string | null;

  /** Not in the schema: the archived conversation's row id, read likewise as `archivedConversation`. */
  archivedConversationRowId!: string | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors!: UserError[];
}
