import type { OffsetPage } from "../shared/pagination";
import { OrderDirection } from "./conversation-order";

/**
 * A conversation list read by page number (the REST platform's `GET /v1/sms/conversations`), as
 * opposed to the keyset connection of GraphQL. Fields are named as the platform names them.
 * Only what an index serves is offered (ConversationSortField).
 */

/**
 * The orders a page-numbered list can be read in, each along an index of the account's rows:
 * `(account_id, created_at, id)`, `(account_id, updated_at, id)`, `(account_id, agent_number,
 * created_at, id)`, `(account_id, user_number, created_at)` (ties on the last two sorted as they
 * stream by). A number order is tied by created_at, then id.
 */
export enum ConversationSortField {
  CREATED_AT = "created_at",
  UPDATED_AT = "updated_at",
  AGENT_NUMBER = "agent_number",
  USER_NUMBER = "user_number",
}

export enum FilterOperator {
  EQ = "eq",
  CONTAINS = "contains",
  STARTS_WITH = "startsWith",
  ENDS_WITH = "endsWith",
  GT = "gt",
  GTE = "gte",
  LT = "lt",
  LTE = "lte",
}

/** What a filter's value must be (checked by the transport, which words the rule for its callers). */
export enum FilterValueKind {
  /** A string that PostgreSQL stores unchanged (no NUL), of at most MAX_FILTER_TEXT_LENGTH characters. */
  TEXT = "TEXT",
  /** An RFC 3339 date-time (text, so that microseconds count) within PostgreSQL's timestamptz range. */
  TIME = "TIME",
  /** A UUID in lower case. */
  UUID = "UUID",
  /** One of SmsConversationStatus. */
  STATUS = "STATUS",
  BOOLEAN = "BOOLEAN",
  /** A channel (SMS or WHATSAPP; the transport reads REST's sms / whatsapp). */
  CHANNEL = "CHANNEL",
}

/** The fields a list can be filtered on. */
export enum ConversationFilterField {
  CREATED_AT = "created_at",
  UPDATED_AT = "updated_at",
  TIMED_OUT_AT = "timed_out_at",
  USER_NUMBER = "user_number",
  AGENT_NUMBER = "agent_number",
  CURR_PATHWAY_ID = "curr_pathway_id",
  CURR_PATHWAY_VERSION = "curr_pathway_version",
  CURRENT_NODE_ID = "current_node_id",
  STATUS = "status",
  IS_ACTIVE = "is_active",
  CHANNEL = "channel",
}

const TEXT_OPERATORS = [FilterOperator.EQ, FilterOperator.CONTAINS, FilterOperator.STARTS_WITH, FilterOperator.ENDS_WITH] as const;
const TIME_OPERATORS = [FilterOperator.EQ, FilterOperator.GT, FilterOperator.GTE, FilterOperator.LT, FilterOperator.LTE] as const;

/** Each filterable field: the kind of value it takes and the operators it supports. */
export const CONVERSATION_FILTERS: Record<ConversationFilterField, { kind: FilterValueKind; operators: readonly FilterOperator[] }> = {
  [ConversationFilterField.CREATED_AT]: { kind: FilterValueKind.TIME, operators: TIME_OPERATORS },
  [ConversationFilterField.UPDATED_AT]: { kind: FilterValueKind.TIME, operators: TIME_OPERATORS },
  [ConversationFilterField.TIMED_OUT_AT]: { kind: FilterValueKind.TIME, operators: TIME_OPERATORS },
  [ConversationFilterField.USER_NUMBER]: { kind: FilterValueKind.TEXT, operators: TEXT_OPERATORS },
  [ConversationFilterField.AGENT_NUMBER]: { kind: FilterValueKind.TEXT, operators: TEXT_OPERATORS },
  [ConversationFilterField.CURR_PATHWAY_ID]: { kind: FilterValueKind.UUID, operators: [FilterOperator.EQ] },
  [ConversationFilterField.CURR_PATHWAY_VERSION]: { kind: FilterValueKind.TEXT, operators: TEXT_OPERATORS },
  [ConversationFilterField.CURRENT_NODE_ID]: { kind: FilterValueKind.TEXT, operators: TEXT_OPERATORS },
  [ConversationFilterField.STATUS]: { kind: FilterValueKind.STATUS, operators: [FilterOperator.EQ] },
  [ConversationFilterField.IS_ACTIVE]: { kind: FilterValueKind.BOOLEAN, operators: [FilterOperator.EQ] },
  [ConversationFilterField.CHANNEL]: { kind: FilterValueKind.CHANNEL, operators: [FilterOperator.EQ] },
};

/** Conditions in one list request, at most. */
export const MAX_FILTER_CONDITIONS = 10;
/** Characters in a text filter's value, at most. */
export const MAX_FILTER_TEXT_LENGTH = 256;

export type FilterValue = string | boolean;

/** One condition on a list, its value already of its field's kind; all of a request's conditions must hold. */
export interface ConversationCondition {
  field: ConversationFilterField;
  operator: FilterOperator;
  value: FilterValue;
}

export interface ConversationListQuery extends OffsetPage {
  sort: { field: ConversationSortField; direction: OrderDirection };
  conditions: readonly ConversationCondition[];
}
