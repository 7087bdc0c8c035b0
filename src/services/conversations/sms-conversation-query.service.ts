import type { AgentNumberChannel } from "../agent-numbers/agent-number-channel.enum";
import { createHash } from "node:crypto";
import type { DataSource } from "typeorm";
import { SqlConditions } from "../../database/sql-conditions";
import { jsonRowReaderOf, jsonSelectListOf, type PropertyNames, selectListOf } from "../../database/select-list";
import { type SqlReader, sqlReaderOf } from "../../database/sql-reader";
import { AgentNumber } from "../../entities/agent-number.entity";
import { SmsConversation } from "../../entities/sms-conversation.entity";
import { SmsMessage } from "../../entities/sms-message.entity";
import { messagePage } from "./sms-message.service";
import type { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { DEFAULT_CONVERSATION_ORDER, OrderDirection, type SmsConversationOrder, SmsConversationOrderField } from "./conversation-order";
import {
  assertOffsetPage,
  type Page,
  type PageArgs,
  type PageRequest,
  rowCountLiteral,
  rowsToRead,
  toPage,
  toPageRequest,
} from "../shared/pagination";
import { InvalidArgumentError } from "../shared/user-input-error";
import { type EffectiveTimeoutConfig, effectiveSettingsOf, effectiveSettingsSql } from "../shared/timeout-rules.sql";
import {
  CONVERSATION_FILTERS,
  type ConversationCondition,
  ConversationFilterField,
  type ConversationListQuery,
  ConversationSortField,
  FilterOperator,
  FilterValueKind,
} from "./conversation-list";

export interface SmsConversationFilter {
  status?: SmsConversationStatus | null;
  userNumber?: string | null;
  agentNumber?: string | null;
  channel?: AgentNumberChannel | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  updatedAfter?: Date | null;
}

/** What a read of conversations reads with them, in the same statement. */
export interface ConversationIncludes {
  /** The conversations' properties to read (those the read needs itself are added). (Default: all) */
  conversationProperties?: PropertyNames<SmsConversation>;
  /** Each conversation's agent number. */
  agentNumbers?: boolean;
  /** The agent numbers' properties to read (their id is added). (Default: all) */
  agentNumberProperties?: PropertyNames<AgentNumber>;
  /** Each conversation's first page of messages (the last, walking backward), for each of these page shapes (no cursor). */
  messagePages?: readonly IncludedMessagePage[];
}

/**
 * A page shape of messages to read with each conversation, the messages' properties to read
 * (default: all; their keys are added), and whether the page's pageInfo is read (default: true;
 * without it, no row past the page is read, and the page does not know whether more follow).
 */
export type IncludedMessagePage = PageRequest & { properties?: PropertyNames<SmsMessage>; pageInfo?: boolean };

/** Properties a read of conversations needs whatever is asked: the key of each row and of what it includes. */
const CONVERSATION_KEYS: PropertyNames<SmsConversation> = ["id", "accountId", "agentNumberId"];
const AGENT_NUMBER_KEYS: PropertyNames<AgentNumber> = ["id", "accountId"];
/** A message page's cursors read the messages' keys. */
const MESSAGE_KEYS: PropertyNames<SmsMessage> = ["id", "conversationId", "createdAt"];

const withKeys = <T>(properties: PropertyNames<T> | undefined, keys: PropertyNames<T>): PropertyNames<T> | undefined =>
  properties && [...keys, ...properties];

/** What ConversationIncludes asked for, read with the conversations. */
export interface IncludedRows {
  /** With `agentNumbers`: the agent numbers of the conversations, by id. */
  agentNumbers?: Map<string, AgentNumber>;
  /** With `messagePages`: for each page shape, in that order, each conversation's page of messages by conversation id. */
  messagePages?: Array<Map<string, Page<SmsMessage>>>;
}

export interface ConversationPage extends Page<SmsConversation>, IncludedRows {
  /** Conversations matching the filter, all pages together; counted only when asked. */
  totalCount: () => Promise<number>;
}

/** A conversation as a read with includes has it: with what it includes and, in a list, the exact text of the key it is ordered by. */
type ListedConversation = SmsConversation & {
  sortKey?: string;
  includedAgentNumber?: Record<string, unknown>;
} & Record<`includedMessages${number}`, Array<Record<string, unknown>>>;

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
  private readonly reader: SqlReader;

  constructor(private readonly dataSource: DataSource) {
    this.reader = sqlReaderOf(dataSource);
  }

  private columns(includes: ConversationIncludes = {}): string {
    return selectListOf(this.dataSource, SmsConversation, "c", withKeys(includes.conversationProperties, CONVERSATION_KEYS));
  }

  async findByIds(accountId: string, ids: readonly string[]): Promise<SmsConversation[]> {
    if (ids.length === 0) return [];
    return this.reader.rows<SmsConversation>(
      `SELECT ${this.columns()} FROM sms_conversation c WHERE c.account_id = $1 AND c.id = ANY($2::uuid[])`,
      [accountId, ids],
    );
  }

  /** The account's conversation `id` (null when it has none such) and what `includes` asks of it, in one statement. */
  async findWithIncludes(
    accountId: string,
    id: string,
    includes: ConversationIncludes,
  ): Promise<{ conversation: SmsConversation | null } & IncludedRows> {
    const where = new SqlConditions().add((p) => `c.account_id = ${p}`, accountId).add((p) => `c.id = ${p}::uuid`, id);
    const included = this.includedColumns(includes, where);
    const rows = await this.reader.rows<ListedConversation>(
      `SELECT ${[this.columns(includes), ...included.columns].join(", ")} FROM sms_conversation c ${included.join} ${where.where}`,
      where.values,
    );
    return { conversation: rows[0] ?? null, ...this.includedRows(rows, includes) };
  }

  /**
   * The columns (and join) that read `includes` with each conversation `c`, their values bound in
   * `where`. In a list read in `order`, an agent number is read only where it differs from the
   * previous row's (a page's conversations mostly share a few).
   */
  private includedColumns(includes: ConversationIncludes, where: SqlConditions, order?: string): { columns: string[]; join: string } {
    const columns: string[] = [];
    if (includes.agentNumbers) {
      const agentNumber = `(SELECT to_json(r) FROM (SELECT ${jsonSelectListOf(this.dataSource, AgentNumber, "n", withKeys(includes.agentNumberProperties, AGENT_NUMBER_KEYS))}) r)`;
      columns.push(
        order
          ? `CASE WHEN lag(c.agent_number_id) OVER (ORDER BY ${order}) IS DISTINCT FROM c.agent_number_id THEN ${agentNumber} END AS "includedAgentNumber"`
          : `${agentNumber} AS "includedAgentNumber"`,
      );
    }
    includes.messagePages?.forEach((messages, index) => {
      const walk = messages.forward ? "ASC" : "DESC";
      // An array of a subquery's rows holds them in the order they come: the subquery's ORDER BY (nothing at this level reorders them).
      columns.push(
        `to_json(ARRAY(SELECT r FROM (
           SELECT ${jsonSelectListOf(this.dataSource, SmsMessage, "m", withKeys(messages.properties, MESSAGE_KEYS))} FROM sms_message m
           WHERE m.conversation_id = c.id ORDER BY m.created_at ${walk}, m.id ${walk} LIMIT ${rowCountLiteral(rowsToRead(messages, messages.pageInfo))}) r
         )) AS "includedMessages${index}"`,
      );
    });
    return { columns, join: includes.agentNumbers ? "JOIN agent_number n ON n.id = c.agent_number_id" : "" };
  }

  /** What `includes` asked of `rows`, as read by includedColumns. */
  private includedRows(rows: ListedConversation[], includes: ConversationIncludes): IncludedRows {
    const readAgentNumber = jsonRowReaderOf(this.dataSource, AgentNumber);
    const readMessage = jsonRowReaderOf(this.dataSource, SmsMessage);
    return {
      // A row without one shares the agent number of a row before it (see includedColumns).
      agentNumbers: includes.agentNumbers
        ? new Map(
            rows.filter((row) => row.includedAgentNumber).map((row) => [row.agentNumberId, readAgentNumber(row.includedAgentNumber!)]),
          )
        : undefined,
      messagePages: includes.messagePages?.map(
        (messages, index) =>
          new Map(rows.map((row) => [row.id, messagePage(row[`includedMessages${index}`].map(readMessage), messages, messages.pageInfo)])),
      ),
    };
  }

  /** The timeout settings in force for each of the account's conversations (the rule: timeout-rules.sql.ts). */
  async effectiveTimeoutConfigs(accountId: string, ids: readonly string[]): Promise<Map<string, EffectiveTimeoutConfig>> {
    if (ids.length === 0) return new Map();
    const rows = await this.reader.rows<Record<string, unknown> & { id: string }>(
      `SELECT c.id, ${effectiveSettingsSql("c", "CASE WHEN c.channel = 'WHATSAPP' THEN n.whatsapp_config ELSE n.sms_config END")}
       FROM sms_conversation c JOIN agent_number n ON n.id = c.agent_number_id
       WHERE c.account_id = $1 AND c.id = ANY($2::uuid[])`,
      [accountId, ids],
    );
    return new Map(rows.map((row) => [row.id, effectiveSettingsOf(row)]));
  }

  /**
   * A page of the account's conversations, filtered and ordered, by keyset. With `includes`, the
   * same statement reads each conversation's agent number and pages of messages: one statement
   * for the page and all it includes, whatever its length.
   */
  async list(
    accountId: string,
    args: PageArgs & { filter?: SmsConversationFilter | null; orderBy?: SmsConversationOrder | null },
    includes: ConversationIncludes = {},
  ): Promise<ConversationPage> {
    const request = toPageRequest(args);
    const order = args.orderBy ?? DEFAULT_CONVERSATION_ORDER;
    const column = COLUMN[order.field];
    const scope = scopeTag(accountId, order);

    const filtered = () => {
      const where = new SqlConditions().add((p) => `c.account_id = ${p}`, accountId);
      const filter = args.filter ?? {};
      if (filter.status) where.add((p) => `c.status = ${p}`, filter.status);
      if (filter.userNumber) where.add((p) => `c.user_number = ${p}`, filter.userNumber);
      if (filter.agentNumber) where.add((p) => `c.agent_number = ${p}`, filter.agentNumber);
      if (filter.channel) where.add((p) => `c.channel = ${p}`, filter.channel);
      if (filter.createdAfter) where.add((p) => `c.created_at > ${p}`, filter.createdAfter);
      if (filter.createdBefore) where.add((p) => `c.created_at < ${p}`, filter.createdBefore);
      if (filter.updatedAfter) where.add((p) => `c.updated_at > ${p}`, filter.updatedAfter);
      return where;
    };

    // Walking toward larger keys for ASC+forward or DESC+backward, smaller otherwise.
    const ascending = (order.direction === OrderDirection.ASC) === request.forward;
    const direction = ascending ? "ASC" : "DESC";
    const where = filtered();
    if (request.cursor !== null) {
      const cursor = decodeConversationCursor(request.cursor, scope, request.forward ? "after" : "before");
      where.add(`(c.${column}, c.id) ${ascending ? ">" : "<"} (${where.bind(cursor.t)}::timestamptz, ${where.bind(cursor.i)}::uuid)`);
    }
    const orderBy = `c.${column} ${direction}, c.id ${direction}`;
    const included = this.includedColumns(includes, where, orderBy);
    const rows = await this.reader.rows<ListedConversation>(
      `SELECT ${[this.columns(includes), `${exactTime(column)} AS "sortKey"`, ...included.columns].join(", ")} FROM sms_conversation c ${included.join} ${where.where}
       ORDER BY ${orderBy} LIMIT ${rowCountLiteral(rowsToRead(request))}`,
      where.values,
    );
    const page: ConversationPage = {
      ...toPage<SmsConversation>(rows, request, (row) =>
        encodeConversationCursor({ s: scope, t: (row as ListedConversation).sortKey!, i: row.id }),
      ),
      totalCount: () => this.count(filtered()),
    };
    Object.assign(
      page,
      this.includedRows(
        page.edges.map((edge) => edge.node as ListedConversation),
        includes,
      ),
    );
    return page;
  }

  /**
   * A page of the account's conversations by position (`offset`, `limit`), under conditions that
   * must all hold, with the count of all that match. Every order is read along an index (see
   * ConversationSortField; under an `eq` on `status` or `agent_number`, the timestamps along
   * `(account_id, status | agent_number, key, id)`), so a page costs the `offset + limit` rows
   * it reads along it (and the rows other conditions reject); the count costs every matching
   * row. Conditions outside CONVERSATION_FILTERS, or a page out of bounds (assertOffsetPage),
   * are an InvalidArgumentError.
   */
  async listPage(accountId: string, query: ConversationListQuery): Promise<{ conversations: SmsConversation[]; totalItems: number }> {
    assertOffsetPage(query);
    const filtered = () => {
      const where = new SqlConditions().add((p) => `c.account_id = ${p}`, accountId);
      for (const condition of query.conditions) {
        if (!CONVERSATION_FILTERS[condition.field]?.operators.includes(condition.operator))
          throw new InvalidArgumentError("filters", `${condition.field} cannot be filtered with ${condition.operator}`);
        where.add(conditionSql(condition, (value) => where.bind(value)));
      }
      return where;
    };
    const direction = query.sort.direction === OrderDirection.ASC ? "ASC" : "DESC";
    const where = filtered();
    // Every key in one direction, so that an index is read forward or backward as it is.
    const orderBy = SORT_COLUMNS[query.sort.field].map((column) => `c.${column} ${direction}`).join(", ");
    const [conversations, totalItems] = await Promise.all([
      this.reader.rows<SmsConversation>(
        `SELECT ${this.columns()} FROM sms_conversation c ${where.where} ORDER BY ${orderBy}
         OFFSET ${where.bind(query.offset)} LIMIT ${where.bind(query.limit)}`,
        where.values,
      ),
      this.count(filtered()),
    ]);
    return { conversations, totalItems };
  }

  private async count(where: SqlConditions): Promise<number> {
    const [{ count }] = await this.reader.rows<{ count: number }>(
      `SELECT count(*)::int AS count FROM sms_conversation c ${where.where}`,
      where.values,
    );
    return count;
  }
}

/** The columns each order sorts by, the last ones breaking ties: a total order. */
const SORT_COLUMNS: Record<ConversationSortField, string[]> = {
  [ConversationSortField.CREATED_AT]: ["created_at", "id"],
  [ConversationSortField.UPDATED_AT]: ["updated_at", "id"],
  [ConversationSortField.AGENT_NUMBER]: ["agent_number", "created_at", "id"],
  [ConversationSortField.USER_NUMBER]: ["user_number", "created_at", "id"],
};

/** The column each filterable field reads (`is_active` reads `status`). */
const FILTER_COLUMN: Record<ConversationFilterField, string> = {
  [ConversationFilterField.CREATED_AT]: "created_at",
  [ConversationFilterField.UPDATED_AT]: "updated_at",
  [ConversationFilterField.TIMED_OUT_AT]: "timed_out_at",
  [ConversationFilterField.USER_NUMBER]: "user_number",
  [ConversationFilterField.AGENT_NUMBER]: "agent_number",
  [ConversationFilterField.CURR_PATHWAY_ID]: "curr_pathway_id",
  [ConversationFilterField.CURR_PATHWAY_VERSION]: "curr_pathway_version",
  [ConversationFilterField.CURRENT_NODE_ID]: "current_node_id",
  [ConversationFilterField.STATUS]: "status",
  [ConversationFilterField.IS_ACTIVE]: "status",
  [ConversationFilterField.CHANNEL]: "channel",
};

/** What a bound value is cast to; a status is left for PostgreSQL to read as the column's enum. */
const CAST: Record<FilterValueKind, string> = {
  [FilterValueKind.TEXT]: "::text",
  [FilterValueKind.TIME]: "::timestamptz",
  [FilterValueKind.UUID]: "::uuid",
  [FilterValueKind.STATUS]: "",
  [FilterValueKind.BOOLEAN]: "",
  [FilterValueKind.CHANNEL]: "",
};

const COMPARISON: Partial<Record<FilterOperator, string>> = {
  [FilterOperator.EQ]: "=",
  [FilterOperator.GT]: ">",
  [FilterOperator.GTE]: ">=",
  [FilterOperator.LT]: "<",
  [FilterOperator.LTE]: "<=",
};

/**
 * One condition as SQL over the alias `c`, its value bound by `bind` (which returns its `$n`).
 * Text matches use strpos, starts_with and right rather than LIKE: the value is never a pattern.
 */
function conditionSql({ field, operator, value }: ConversationCondition, bind: (value: unknown) => string): string {
  const column = `c.${FILTER_COLUMN[field]}`;
  if (field === ConversationFilterField.IS_ACTIVE) return value === true ? `${column} = 'ACTIVE'` : `${column} <> 'ACTIVE'`;
  const placeholder = bind(value);
  const { kind } = CONVERSATION_FILTERS[field];
  const cast = CAST[kind];
  switch (operator) {
    case FilterOperator.CONTAINS:
      return `strpos(${column}, ${placeholder}::text) > 0`;
    case FilterOperator.STARTS_WITH:
      return `starts_with(${column}, ${placeholder}::text)`;
    case FilterOperator.ENDS_WITH:
      return `right(${column}, char_length(${placeholder}::text)) = ${placeholder}::text`;
    default:
      return `${column} ${COMPARISON[operator]} ${placeholder}${cast}`;
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
