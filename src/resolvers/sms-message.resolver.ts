import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import type { Context } from "./context.type";
import { SmsConversationType } from "./types/sms-conversation.type";
import { SmsMessageType } from "./types/sms-message.type";
import { WebhookDeliveryAttemptType } from "./types/webhook-delivery-attempt.type";

@Resolver(() => SmsMessageType)
export class SmsMessageResolver {
  @FieldResolver(() => [WebhookDeliveryAttemptType], {
    description: "Each POST of this message to the account's webhook, oldest first; empty for messages not sent by webhook.",
  })
  async webhookAttempts(@Root() message: SmsMessageType, @Ctx() { loaders }: Context): Promise<WebhookDeliveryAttemptType[]> {
    const attempts = await loaders.webhookAttempts.load(message.internalId);
    return attempts.map(WebhookDeliveryAttemptType.from);
  }

  @FieldResolver(() => SmsConversationType, { description: "The conversation the message belongs to." })
  async conversation(@Root() message: SmsMessageType, @Ctx() { loaders }: Context): Promise<SmsConversationType> {
    const conversation = await loaders.conversation.load(message.conversationId);
    if (!conversation) throw new Error(`message ${message.internalId} has no conversation`);
    return SmsConversationType.from(conversation);
  }
}
