import { FieldResolver, Resolver, Root } from "type-graphql";
import type { Services } from "../services/services";
import { SmsMessageType } from "./types/sms-message.type";
import { WebhookDeliveryAttemptType } from "./types/webhook-delivery-attempt.type";

@Resolver(() => SmsMessageType)
export class SmsMessageResolver {
  constructor(private readonly services: Services) {}

  @FieldResolver(() => [WebhookDeliveryAttemptType], {
    description: "Each POST of this message to the account's webhook, oldest first; empty for messages not sent by webhook.",
  })
  async webhookAttempts(@Root() message: SmsMessageType): Promise<WebhookDeliveryAttemptType[]> {
    const attempts = await this.services.messages.webhookAttempts(message.internalId);
    return attempts.map(WebhookDeliveryAttemptType.from);
  }
}
