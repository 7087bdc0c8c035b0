import type { DataSource } from "typeorm";
import { SmsMessage } from "../entities/sms-message.entity";
import { WebhookDeliveryAttempt } from "../entities/webhook-delivery-attempt.entity";
import { decodeCursor, encodeCursor } from "./cursor";
import { InvalidArgumentError } from "./user-input-error";

export interface MessagePage {
  edges: Array<{ cursor: string; node: SmsMessage }>;
  hasNextPage: boolean;
  endCursor: string | null;
}

const CURSOR_KIND = "msg";

export class SmsMessageService {
  constructor(private readonly dataSource: DataSource) {}

  /** A conversation's messages in time order, `first` after the `after` cursor (keyset, no OFFSET). */
  async listForConversation(conversationId: string, first: number, after?: string | null): Promise<MessagePage> {
    const query = this.dataSource
      .getRepository(SmsMessage)
      .createQueryBuilder("message")
      .where("message.conversation_id = :conversationId", { conversationId })
      .orderBy("message.created_at", "ASC")
      .addOrderBy("message.id", "ASC")
      .limit(first + 1);
    if (after) {
      const afterId = decodeCursor(CURSOR_KIND, after);
      const known = afterId !== null && (await this.dataSource.getRepository(SmsMessage).existsBy({ id: afterId, conversationId }));
      if (!known) throw new InvalidArgumentError("after", "after is not a cursor of this conversation's messages");
      // Compared in SQL: timestamps keep their microseconds, which a JS Date would drop.
      query.andWhere(
        "(message.created_at, message.id) > (SELECT created_at, id FROM sms_message WHERE id = :afterId)",
        { afterId },
      );
    }
    const rows = await query.getMany();
    const page = rows.slice(0, first);
    const edges = page.map((node) => ({ cursor: encodeCursor(CURSOR_KIND, node.id), node }));
    return { edges, hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null };
  }

  async webhookAttempts(messageId: string): Promise<WebhookDeliveryAttempt[]> {
    return this.dataSource.getRepository(WebhookDeliveryAttempt).find({ where: { messageId }, order: { attempt: "ASC" } });
  }
}
