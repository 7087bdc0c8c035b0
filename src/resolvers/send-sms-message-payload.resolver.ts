import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "./context.type";
import { conversationOf } from "./create-sms-conversation-payload.resolver";
import { ARCHIVED_CONVERSATION_DESCRIPTION, CONVERSATION_DESCRIPTION } from "./types/create-sms-conversation.payload";
import { SendSmsMessagePayload } from "./types/send-sms-message.payload";
import { SmsConversationType } from "./types/sms-conversation.type";
import { SmsMessageType } from "./types/sms-message.type";

@Resolver(() => SendSmsMessagePayload)
export class SendSmsMessagePayloadResolver {
  /** Read only when selected, as the conversation is: the write path does not read rows back. */
  @FieldResolver(() => SmsMessageType, {
    nullable: true,
    description: "The message sent (for a repeat of an `idempotencyKey`, the first call's), with its `deliveryStatus`.",
  })
  async message(@Root() payload: SendSmsMessagePayload, @Ctx() { loaders }: Context): Promise<SmsMessageType | null> {
    if (!payload.messageRowId) return null;
    const message = await loaders.message.load(payload.messageRowId);
    return message ? SmsMessageType.from(message) : null;
  }

  @FieldResolver(() => SmsConversationType, { nullable: true, description: CONVERSATION_DESCRIPTION })
  async conversation(@Root() payload: SendSmsMessagePayload, @Ctx() { loaders }: Context): Promise<SmsConversationType | null> {
    return conversationOf(payload.conversationRowId, loaders);
  }

  @FieldResolver(() => SmsConversationType, { nullable: true, description: ARCHIVED_CONVERSATION_DESCRIPTION })
  async archivedConversation(@Root() payload: SendSmsMessagePayload, @Ctx() { loaders }: Context): Promise<SmsConversationType | null> {
    return conversationOf(payload.archivedConversationRowId, loaders);
  }
}
