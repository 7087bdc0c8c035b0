import type { EntityManager } from "typeorm";
import type { Account } from "../../entities/account.entity";
import type { SmsMessage } from "../../entities/sms-message.entity";
import type { OutboundDeliveryPort } from "./outbound-delivery.port";
import { QueuedDeliveryAdapter } from "./queued-delivery.adapter";
import { WebhookDeliveryAdapter } from "./webhook-delivery.adapter";

/** Picks the adapter per account: its webhook when it has one, else the provider queue. */
export class OutboundDelivery implements OutboundDeliveryPort {
  constructor(
    private readonly queued: OutboundDeliveryPort = new QueuedDeliveryAdapter(),
    private readonly webhook: OutboundDeliveryPort = new WebhookDeliveryAdapter(),
  ) {}

  handOff(manager: EntityManager, message: SmsMessage, account: Account, workflowId: string | null): Promise<void> {
    return (account.webhookUrl ? this.webhook : this.queued).handOff(manager, message, account, workflowId);
  }
}
