import { Arg, Authorized, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from "type-graphql";
import { type ParleyEvent, ParleyEventType } from "../events/parley-event";
import type { Context } from "./context.type";
import { accountEvents } from "./subscription-filter";
import { SmsConversationType } from "./types/sms-conversation.type";
import { SmsMessageType } from "./types/sms-message.type";
import { WebhookDeliveryAttemptType } from "./types/webhook-delivery-attempt.type";

@Resolver(() => SmsMessageType)
export class SmsMessageResolver {
  @Authorized()
  @Subscription(() => SmsMessageType, {
    subscribe: accountEvents(ParleyEventType.SMS_MESSAGE_ADDED),
    description:
      "Each new message of the account (user, agent, timeout warning and end), or of one conversation, as it is recorded. Events cross gateway processes through PostgreSQL NOTIFY.",
  })
  async smsMessageAdded(
    @Root() event: ParleyEvent,
    @Arg("conversationId", () => ID, { nullable: true, description: "Only this conversation's messages." }) _conversationId: string | null,
    @Ctx() { loaders }: Context,
  ): Promise<SmsMessageType> {
    loaders.clearAll();
    const message = await loaders.message.load(event.messageId!);
    if (!message) throw new Error(`message ${event.messageId} of an event is not readable`);
    return SmsMessageType.from(message);
  }

  @FieldResolver(() => [WebhookDeliveryAttemptType], {
    description: "Each POST of this message to the account's webhook, oldest first; empty for messages not sent by webhook.",
  })
  async webhookAttempts(@Root() message: SmsMessageType, @Ctx() { loaders }: Context): Promise<WebhookDeliveryAttemptType[]> {
    const attempts = await loaders.webhookAttempts.load(message.internalId);
    return attempts.map((attempt) => WebhookDeliveryAttemptType.from(attempt));
  }

  @FieldResolver(() => SmsConversationType, { description: "The conversation the message belongs to." })
  async conversation(@Root() message: SmsMessageType, @Ctx() { loaders }: Context): Promise<SmsConversationType> {
    const conversation = await loaders.conversation.load(message.conversationId);
    if (!conversation) throw new Error(`message ${message.internalId} has no conversation`);
    return SmsConversationType.from(conversation);
  }
}
