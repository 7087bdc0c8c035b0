import type { DataSource } from "typeorm";
import { Account } from "../../entities/account.entity";
import { DeliveryStatus } from "../../entities/delivery-status.enum";
import { SmsConversation } from "../../entities/sms-conversation.entity";
import { SmsMessage } from "../../entities/sms-message.entity";
import { WebhookDeliveryAttempt } from "../../entities/webhook-delivery-attempt.entity";
import { RECORD_DELIVERY_ATTEMPT_SQL } from "../conversations/record-messages.sql";
import { toPublicId } from "../shared/public-id";
import { EVENT_ID_HEADER, SIGNATURE_HEADER, signWebhook } from "./webhook-signature";

export interface WebhookSenderOptions {
  /** Delay before the second attempt; doubles per attempt, capped at 5 minutes. (Default: 1000 ms) */
  retryBaseMs?: number;
  /** Attempts before the message is marked FAILED. (Default: 8) */
  maxAttempts?: number;
  /** How long one POST may take. (Default: 10000 ms) */
  timeoutMs?: number;
}

export type WebhookAttemptOutcome =
  { kind: "delivered" } | { kind: "nothing-to-do" } | { kind: "retry"; runAt: Date; attempt: number } | { kind: "failed" };

/**
 * POSTs an outbound message to its account's webhook, logs the attempt, and says what next.
 * Every retry carries the same event id, so a receiver that saw a delivery its 2xx answer never
 * reached can drop the repeat.
 */
export class WebhookSender {
  private readonly retryBaseMs: number;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly dataSource: DataSource,
    options: WebhookSenderOptions = {},
  ) {
    this.retryBaseMs = options.retryBaseMs ?? 1000;
    this.maxAttempts = options.maxAttempts ?? 8;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async attempt(messageId: string): Promise<WebhookAttemptOutcome> {
    const message = await this.dataSource.getRepository(SmsMessage).findOneBy({ id: messageId });
    if (!message || message.deliveryStatus !== DeliveryStatus.QUEUED) return { kind: "nothing-to-do" };
    const account = await this.dataSource.getRepository(Account).findOneByOrFail({ id: message.accountId });
    if (!account.webhookUrl || !account.webhookSecret) return { kind: "nothing-to-do" };
    const conversation = await this.dataSource.getRepository(SmsConversation).findOneByOrFail({ id: message.conversationId });

    const attempt = (await this.dataSource.getRepository(WebhookDeliveryAttempt).countBy({ messageId })) + 1;
    const eventId = toPublicId("message", message.id).replace(/^msg_/, "evt_");
    const body = JSON.stringify({
      id: eventId,
      type: "sms.outbound",
      createdAt: message.createdAt.toISOString(),
      data: {
        messageId: toPublicId("message", message.id),
        conversationId: toPublicId("conversation", conversation.id),
        kind: message.kind,
        from: conversation.agentNumber,
        to: conversation.userNumber,
        body: message.body,
      },
    });

    const attemptedAt = new Date();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetch(account.webhookUrl, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "user-agent": "Parley-Webhook/1",
          [EVENT_ID_HEADER]: eventId,
          [SIGNATURE_HEADER]: signWebhook(account.webhookSecret, body),
        },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      statusCode = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (statusCode < 200 || statusCode >= 300) error = `HTTP ${statusCode}`;
    } catch (caught) {
      error = describeFailure(caught);
    }
    const latencyMs = Date.now() - attemptedAt.getTime();

    const delivered = error === null;
    const exhausted = !delivered && attempt >= this.maxAttempts;
    const status = delivered ? DeliveryStatus.SENT : exhausted ? DeliveryStatus.FAILED : null;
    await this.dataSource.query(RECORD_DELIVERY_ATTEMPT_SQL, [messageId, attempt, attemptedAt, statusCode, latencyMs, error, status]);
    if (delivered) return { kind: "delivered" };
    if (exhausted) return { kind: "failed" };
    const delay = Math.min(this.retryBaseMs * 2 ** (attempt - 1), 300_000);
    return { kind: "retry", runAt: new Date(Date.now() + delay), attempt: attempt + 1 };
  }
}

/** fetch hides the reason (ECONNREFUSED, a timeout) in `cause`; operators need it. */
function describeFailure(caught: unknown): string {
  if (!(caught instanceof Error)) return String(caught);
  const cause = caught.cause as { code?: string; message?: string } | undefined;
  const reason = cause?.code ?? cause?.message;
  return reason ? `${caught.name}: ${caught.message} (${reason})` : `${caught.name}: ${caught.message}`;
}
