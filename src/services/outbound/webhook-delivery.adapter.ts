import type { EntityManager } from "typeorm";
import type { Account } from "../../entities/account.entity";
import type { SmsMessage } from "../../entities/sms-message.entity";
import { WorkflowOutbox } from "../../entities/workflow-outbox.entity";
import { type DeliverWebhookPayload, WorkflowTask, webhookJobKey } from "../workflows/workflow-contract";
import type { OutboundDeliveryPort } from "./outbound-delivery.port";

/** For accounts with a webhook: records a job that POSTs the message (see WebhookSender). */
export class WebhookDeliveryAdapter implements OutboundDeliveryPort {
  async handOff(manager: EntityManager, message: SmsMessage, _account: Account, workflowId: string | null): Promise<void> {
    const payload: DeliverWebhookPayload = { messageId: message.id };
    await manager.insert(WorkflowOutbox, {
      workflowId,
      task: WorkflowTask.DELIVER_WEBHOOK,
      payload,
      runAt: null,
      jobKey: webhookJobKey(message.id),
      removeJob: false,
    });
  }
}
