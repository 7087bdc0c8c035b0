import { createHash } from "node:crypto";
import type { DataSource } from "typeorm";
import { In } from "typeorm";
import { SmsConversation } from "../../entities/sms-conversation.entity";
import type { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { DEFAULT_CONVERSATION_ORDER, OrderDirection, type SmsConversationOrder, SmsConversationOrderField } from "./conversation-order";
import { type Page, type PageArgs, toPage, toPageRequest } from "../shared/pagination";
import { InvalidArgumentError } from "../shared/user-input-error";
import { type EffectiveTimeoutConfig, effectiveSettingsOf, effectiveSettingsSql } from "../shared/timeout-rules.sql";

export interface SmsConversationFilter {
  status?: SmsConversationStatus | null;
  userNumber?: string | null;
  agentNumber?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  updatedAfter?: Date | null;
}

export interface ConversationPage extends Page<SmsConversation> {
  /** Conversations matching the filter, all pages together; counted only when asked. */
  totalCount: () => Promise<number>;
}

const COLUMN = { [SmsConversationOrderField.CREATED_AT]: "created_at", [SmsConversationOrderField.UPDATED_AT]: "updated_at" };

/** Exact timestamp text (microseconds, UTC): cursors compare in SQL without JS Date rounding. */
const exactTime = (column: string) => `to_char(c.${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface CursorPayload {
  /** Which account and order the cursor belongs to. */
  s: string;
  /** The sort key of the row. */
  t: string;
  /** The row's id. */
  i: string;
}

/** Reads of conversations: by id (account-scoped) and as keyset-paginated, filtered lists. */
export class SmsConversationQueryService {
  constructor(private readonly dataSource: DataSource) {}

  async findByIds(accountId: string, ids: readonly string[]): Promise<SmsConversation[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(SmsConversation).findBy({ accountId, id: In([...ids]) });
  }

  /** The timeout settings in force for each of the account's conversations (the rule: timeout-rules.sql.ts). */
  async effectiveTimeoutConfigs(accountId: string, ids: readonly string[]): Promise<Map<string, EffectiveTimeoutConfig>> {
    if (ids.length === 0) return new Map();
    const rows: Array<Record<string, unknown> & { id: string }> = await this.dataSource.query(
      `SELECT c.id, ${effectiveSettingsSql("c", "n.sms_config")}
       FROM sms_conversation c JOIN agent_number n ON n.id = c.agent_number_id
       WHERE c.account_id = $1 AND c.id = ANY($2::uuid[])`,
      [accountId, ids],
    );
    return new Map(rows.map((row) => [row.id, effectiveSettingsOf(row)]));
  }

  async list(
    accountId: string,
    args: PageArgs & { filter?: SmsConversationFilter | null; orderBy?: SmsConversationOrder | null },
  ): Promise<ConversationPage> {
    const request = toPageRequest(args);
    const order = args.orderBy ?? DEFAULT_CONVERSATION_ORDER;
    const column = COLUMN[order.field];
    const scope = scopeTag(accountId, order);

    const filtered = () => {
      const query = this.dataSource
        .getRepository(SmsConversation)
        .createQueryBuilder("c")
        .where("c.account_id = :accountId", { accountId });
      const filter = args.filter ?? {};
      if (filter.status) query.andWhere("c.status = :status", { status: filter.status });
      if (filter.userNumber) query.andWhere("c.user_number = :userNumber", { userNumber: filter.userNumber });
      if (filter.agentNumber) query.andWhere("c.agent_number = :agentNumber", { agentNumber: filter.agentNumber });
      if (filter.createdAfter) query.andWhere("c.created_at > :createdAfter", { createdAfter: filter.createdAfter });
      if (filter.createdBefore) query.andWhere("c.created_at < :createdBefore", { createdBefore: filter.createdBefore });
      if (filter.updatedAfter) query.andWhere("c.updated_at > :updatedAfter", { updatedAfter: filter.updatedAfter });
      return query;
    };

    // Walking toward larger keys for ASC+forward or DESC+backward, smaller otherwise.
    const ascending = (order.direction === OrderDirection.ASC) === request.forward;
    const query = filtered()
      .addSelect(exactTime(column), "sort_key")
      .orderBy(`c.${column}`, ascending ? "ASC" : "DESC")
      .addOrderBy("c.id", ascending ? "ASC" : "DESC")
      .limit(request.size + 1);
    if (request.cursor !== null) {
      const cursor = decodeConversationCursor(request.cursor, scope, request.forward ? "after" : "before");
      query.andWhere(`(c.${column}, c.id) ${ascending ? ">" : "<"} (:sortKey::timestamptz, :cursorId::uuid)`, {
        sortKey: cursor.t,
        cursorId: cursor.i,
      });
    }
    const { entities, raw } = await query.getRawAndEntities<{ c_id: string; sort_key: string }>();
    const keys = new Map(raw.map((row) => [row.c_id, row.sort_key]));
    const page = toPage(entities, request, (row) => encodeConversationCursor({ s: scope, t: keys.get(row.id)!, i: row.id }));
    return { ...page, totalCount: () => filtered().getCount() };
  }
}

/** Binds a cursor to its account and ordering: elsewhere it is refused, not silently misread. */
function scopeTag(accountId: string, order: SmsConversationOrder): string {
  return createHash("sha256").update(`${accountId}|${order.field}|${order.direction}`).digest("base64url").slice(0, 12);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const EXACT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** The sort-key text the server writes, naming a real instant (PostgreSQL would reject others). */
function isExactTime(value: unknown): value is string {
  if (typeof value !== "string" || !EXACT_TIME.test(value)) return false;
  const date = new Date(`${value.slice(0, 23)}Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === value.slice(0, 19);
}

function encodeConversationCursor(payload: CursorPayload): string {
  return Buffer.from(JSON.stringify(payload), "utf8").toString("base64url");
}

function decodeConversationCursor(cursor: string, scope: string, argument: string): CursorPayload {
  try {
    const payload = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as CursorPayload;
    if (payload.s === scope && isExactTime(payload.t) && UUID.test(payload.i)) return payload;
  } catch {
    // fall through
  }
  throw new InvalidArgumentError(argument, `${argument} is not a cursor of this list (cursors belong to one account and one orderBy)`);
}
