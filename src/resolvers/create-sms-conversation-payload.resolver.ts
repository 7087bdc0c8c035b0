import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "./context.type";
import { CONVERSATION_DESCRIPTION, CreateSmsConversationPayload } from "./types/create-sms-conversation.payload";
import { SmsConversationType } from "./types/sms-conversation.type";

@Resolver(() => CreateSmsConversationPayload)
export class CreateSmsConversationPayloadResolver {
  /** Read only when selected: most callers want the ids, and the write path does not read the row back. */
  @FieldResolver(() => SmsConversationType, { nullable: true, description: CONVERSATION_DESCRIPTION })
  async conversation(@Root() payload: CreateSmsConversationPayload, @Ctx() { loaders }: Context): Promise<SmsConversationType | null> {
    if (payload.conversation) return payload.conversation;
    if (!payload.conversationRowId) return null;
    const conversation = await loaders.conversation.load(payload.conversationRowId);
    return conversation ? SmsConversationType.from(conversation) : null;
  }
}
