import type { DataSource } from "typeorm";
import { In } from "typeorm";
import { selectListOf } from "../../database/select-list";
import { type SqlReader, sqlReaderOf } from "../../database/sql-reader";
import { SmsMessage } from "../../entities/sms-message.entity";
import { WebhookDeliveryAttempt } from "../../entities/webhook-delivery-attempt.entity";
import { decodeCursor, encodeCursor } from "../shared/cursor";
import { type Page, type PageArgs, type PageRequest, rowCountLiteral, rowsToRead, toPage, toPageRequest } from "../shared/pagination";
import { InvalidArgumentError } from "../shared/user-input-error";

const CURSOR_KIND = "msg";
const cursorOf = (message: SmsMessage) => encodeCursor(CURSOR_KIND, message.id);

/** A page of one conversation's messages from rows fetched in walking order (see toPage). */
export function messagePage(rows: SmsMessage[], request: PageRequest, pageInfo = true): Page<SmsMessage> {
  return toPage(rows, request, cursorOf, pageInfo);
}

/** A conversation's message count and latest message. */
export interface MessageSummary {
  messageCount: number;
  lastMessage: { body: string; createdAt: Date } | null;
}

export class SmsMessageService {
  private readonly reader: SqlReader;

  constructor(private readonly dataSource: DataSource) {
    this.reader = sqlReaderOf(dataSource);
  }

  private get columns(): string {
    return selectListOf(this.dataSource, SmsMessage, "m");
  }

  /** A conversation's messages in time order, paged Relay-style by keyset (no OFFSET). */
  async listForConversation(conversationId: string, args: PageArgs): Promise<Page<SmsMessage>> {
    const request = toPageRequest(args);
    if (request.cursor === null) return (await this.firstPages([conversationId], request)).get(conversationId)!;

    const argument = request.forward ? "after" : "before";
    const cursorId = decodeCursor(CURSOR_KIND, request.cursor);
    const direction = request.forward ? "ASC" : "DESC";
    // The cursor's row, looked up in this conversation: another's cursor matches none and is refused.
    // Compared in SQL: timestamps keep their microseconds, which a JS Date would drop.
    const rows =
      cursorId === null
        ? []
        : await this.reader.rows<SmsMessage>(
            `SELECT ${this.columns} FROM (SELECT created_at, id FROM sms_message WHERE id = $2 AND conversation_id = $1) a
             LEFT JOIN LATERAL (
               SELECT * FROM sms_message m WHERE m.conversation_id = $1 AND (m.created_at, m.id) ${request.forward ? ">" : "<"} (a.created_at, a.id)
               ORDER BY m.created_at ${direction}, m.id ${direction} LIMIT ${rowCountLiteral(rowsToRead(request))}) m ON true`,
            [conversationId, cursorId],
          );
    if (rows.length === 0) throw new InvalidArgumentError(argument, `${argument} is not a cursor of this conversation's messages`);
    // The cursor's row alone (no message on that side of it) comes back as one row of nulls.
    const messages = rows[0].id === null ? [] : rows;
    return toPage(messages, request, cursorOf);
  }

  /**
   * The first (or, walking backward, last) page of many conversations in one statement: what
   * a list of conversations with their latest messages needs, whatever the list's length.
   */
  async firstPages(conversationIds: readonly string[], request: PageRequest): Promise<Map<string, Page<SmsMessage>>> {
    const pages = new Map<string, Page<SmsMessage>>();
    if (conversationIds.length === 0) return pages;
    const direction = request.forward ? "ASC" : "DESC";
    const rows = await this.reader.rows<SmsMessage>(
      `SELECT ${this.columns} FROM unnest($1::uuid[]) AS ids(id)
       CROSS JOIN LATERAL (
         SELECT * FROM sms_message WHERE conversation_id = ids.id
         ORDER BY created_at ${direction}, id ${direction} LIMIT ${rowCountLiteral(rowsToRead(request))}) m`,
      [conversationIds],
    );
    const byConversation = new Map<string, SmsMessage[]>(conversationIds.map((id) => [id, []]));
    for (const message of rows) byConversation.get(message.conversationId)!.push(message);
    for (const [id, messages] of byConversation) pages.set(id, messagePage(messages, request));
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
    return this.reader.rows<SmsMessage>(`SELECT ${this.columns} FROM sms_message m WHERE m.account_id = $1 AND m.id = ANY($2::uuid[])`, [
      accountId,
      ids,
    ]);
  }

  async webhookAttempts(messageIds: readonly string[]): Promise<WebhookDeliveryAttempt[]> {
    if (messageIds.length === 0) return [];
    return this.dataSource
      .getRepository(WebhookDeliveryAttempt)
      .find({ where: { messageId: In([...messageIds]) }, order: { messageId: "ASC", attempt: "ASC" } });
  }
}
