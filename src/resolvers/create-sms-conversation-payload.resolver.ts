import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "./context.type";
import {
  ARCHIVED_CONVERSATION_DESCRIPTION,
  CONVERSATION_DESCRIPTION,
  CreateSmsConversationPayload,
} from "./types/create-sms-conversation.payload";
import { SmsConversationType } from "./types/sms-conversation.type";

@Resolver(() => CreateSmsConversationPayload)
export class CreateSmsConversationPayloadResolver {
  /** Read only when selected: most callers want the ids, and the write path does not read the row back. */
  @FieldResolver(() => SmsConversationType, { nullable: true, description: CONVERSATION_DESCRIPTION })
  async conversation(@Root() payload: CreateSmsConversationPayload, @Ctx() { loaders }: Context): Promise<SmsConversationType | null> {
    return conversationOf(payload.conversationRowId, loaders);
  }

  @FieldResolver(() => SmsConversationType, { nullable: true, description: ARCHIVED_CONVERSATION_DESCRIPTION })
  async archivedConversation(
    @Root() payload: CreateSmsConversationPayload,
    @Ctx() { loaders }: Context,
  ): Promise<SmsConversationType | null> {
    return conversationOf(payload.archivedConversationRowId, loaders);
  }
}

/** The conversation of a payload's row id, read through the request's loader (null when there is none). */
export async function conversationOf(rowId: string | null, loaders: Context["loaders"]): Promise<SmsConversationType | null> {
  if (!rowId) return null;
  const conversation = await loaders.conversation.load(rowId);
  return conversation ? SmsConversationType.from(conversation) : null;
}
