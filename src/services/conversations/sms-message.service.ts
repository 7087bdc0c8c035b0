import type { DataSource } from "typeorm";
import { In } from "typeorm";
import { SmsMessage } from "../../entities/sms-message.entity";
import { WebhookDeliveryAttempt } from "../../entities/webhook-delivery-attempt.entity";
import { decodeCursor, encodeCursor } from "../shared/cursor";
import { type Page, type PageArgs, type PageRequest, toPage, toPageRequest } from "../shared/pagination";
import { fromRow } from "../shared/from-row";
import { InvalidArgumentError } from "../shared/user-input-error";

const CURSOR_KIND = "msg";
const cursorOf = (message: SmsMessage) => encodeCursor(CURSOR_KIND, message.id);

/** A conversation's message count and latest message. */
export interface MessageSummary {
  messageCount: number;
  lastMessage: { body: string; createdAt: Date } | null;
}

export class SmsMessageService {
  constructor(private readonly dataSource: DataSource) {}

  /** A conversation's messages in time order, paged Relay-style by keyset (no OFFSET). */
  async listForConversation(conversationId: string, args: PageArgs): Promise<Page<SmsMessage>> {
    const request = toPageRequest(args);
    if (request.cursor === null) return (await this.firstPages([conversationId], request)).get(conversationId)!;

    const argument = request.forward ? "after" : "before";
    const cursorId = decodeCursor(CURSOR_KIND, request.cursor);
    const known = cursorId !== null && (await this.dataSource.getRepository(SmsMessage).existsBy({ id: cursorId, conversationId }));
    if (!known) throw new InvalidArgumentError(argument, `${argument} is not a cursor of this conversation's messages`);
    const direction = request.forward ? "ASC" : "DESC";
    const rows = await this.dataSource
      .getRepository(SmsMessage)
      .createQueryBuilder("m")
      .where("m.conversation_id = :conversationId", { conversationId })
      // Compared in SQL: timestamps keep their microseconds, which a JS Date would drop.
      .andWhere(`(m.created_at, m.id) ${request.forward ? ">" : "<"} (SELECT created_at, id FROM sms_message WHERE id = :cursorId)`, {
        cursorId,
      })
      .orderBy("m.created_at", direction)
      .addOrderBy("m.id", direction)
      .limit(request.size + 1)
      .getMany();
    return toPage(rows, request, cursorOf);
  }

  /**
   * The first (or, walking backward, last) page of many conversations in one statement: what
   * a list of conversations with their latest messages needs, whatever the list's length.
   */
  async firstPages(conversationIds: readonly string[], request: PageRequest): Promise<Map<string, Page<SmsMessage>>> {
    const pages = new Map<string, Page<SmsMessage>>();
    if (conversationIds.length === 0) return pages;
    const direction = request.forward ? "ASC" : "DESC";
    const rows: Array<Record<string, unknown>> = await this.dataSource.query(
      `SELECT m.* FROM unnest($1::uuid[]) AS ids(id)
       CROSS JOIN LATERAL (
         SELECT * FROM sms_message WHERE conversation_id = ids.id
         ORDER BY created_at ${direction}, id ${direction} LIMIT $2) m`,
      [conversationIds, request.size + 1],
    );
    const metadata = this.dataSource.getMetadata(SmsMessage);
    const byConversation = new Map<string, SmsMessage[]>(conversationIds.map((id) => [id, []]));
    for (const row of rows) {
      const message = this.dataSource.manager.create(SmsMessage, fromRow<SmsMessage>(metadata.columns, row));
      byConversation.get(message.conversationId)!.push(message);
    }
    for (const [id, messages] of byConversation) pages.set(id, toPage(messages, request, cursorOf));
    return pages;
  }

  /**
   * How many messages each conversation has and its latest one, in one statement: each count
   * reads the conversation's entries of `(conversation_id, created_at, id)`, the latest one entry.
   */
  async summaries(conversationIds: readonly string[]): Promise<Map<string, MessageSummary>> {
    if (conversationIds.length === 0) return new Map();
    const rows: Array<{ id: string; count: number; body: string | null; created_at: Date | null }> = await this.dataSource.query(
      `SELECT ids.id, n.count, l.body, l.created_at FROM unnest($1::uuid[]) AS ids(id)
       CROSS JOIN LATERAL (SELECT count(*)::int AS count FROM sms_message WHERE conversation_id = ids.id) n
       LEFT JOIN LATERAL (
         SELECT body, created_at FROM sms_message WHERE conversation_id = ids.id ORDER BY created_at DESC, id DESC LIMIT 1) l ON true`,
      [conversationIds],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        { messageCount: row.count, lastMessage: row.body === null ? null : { body: row.body, createdAt: row.created_at! } },
      ]),
    );
  }

  async findByIds(accountId: string, ids: readonly string[]): Promise<SmsMessage[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(SmsMessage).findBy({ accountId, id: In([...ids]) });
  }

  async webhookAttempts(messageIds: readonly string[]): Promise<WebhookDeliveryAttempt[]> {
    if (messageIds.length === 0) return [];
    return this.dataSource
      .getRepository(WebhookDeliveryAttempt)
      .find({ where: { messageId: In([...messageIds]) }, order: { messageId: "ASC", attempt: "ASC" } });
  }
}
