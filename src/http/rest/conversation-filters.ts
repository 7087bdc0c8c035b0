import { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { countCodePoints, isAcceptableText } from "../../resolvers/validation/text";
import {
  CONVERSATION_FILTERS,
  type ConversationCondition,
  ConversationFilterField,
  FilterOperator,
  type FilterValue,
  FilterValueKind,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_TEXT_LENGTH,
} from "../../services/conversations/conversation-list";
import { invalidInput } from "./rest-errors";

/** Characters of the `filters` parameter, at most (ten conditions fit with room to spare). */
export const MAX_FILTERS_LENGTH = 4096;

/** How each kind of value is described to a caller who sent another. */
const VALUE_RULES: Record<FilterValueKind, string> = {
  [FilterValueKind.TEXT]: `a string of at most ${MAX_FILTER_TEXT_LENGTH} characters (Unicode text without NUL or unpaired surrogates)`,
  [FilterValueKind.TIME]: "an RFC 3339 date-time with an offset (Z or ±hh:mm) and at most 6 fractional digits, e.g. 2026-01-31T12:00:00Z",
  [FilterValueKind.UUID]: "a UUID, e.g. 123e4567-e89b-12d3-a456-426614174000",
  [FilterValueKind.STATUS]: `one of ${Object.values(SmsConversationStatus).join(", ")}`,
  [FilterValueKind.BOOLEAN]: "true or false",
  [FilterValueKind.CHANNEL]: "one of sms, whatsapp",
};

const FIELDS = Object.values(ConversationFilterField);
const RULE = `filters must be a JSON array of at most ${MAX_FILTER_CONDITIONS} objects { "field", "operator", "value" }`;

/**
 * The `filters` query parameter — a JSON array of `{ field, operator, value }` — as the list's
 * conditions. Anything else is a 400 INVALID_INPUT naming the allowed fields, operators or values,
 * never quoting what was sent. Bounded before it is parsed (MAX_FILTERS_LENGTH characters), and
 * walked no deeper than its shape: nesting or arrays inside it are refused, not explored.
 */
export function parseFilters(text: string | undefined): ConversationCondition[] {
  if (text === undefined || text === "") return [];
  if (text.length > MAX_FILTERS_LENGTH) throw invalidInput("filters", `filters must be at most ${MAX_FILTERS_LENGTH} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidInput("filters", `${RULE}; it is not JSON`);
  }
  if (!Array.isArray(parsed) || parsed.length > MAX_FILTER_CONDITIONS) throw invalidInput("filters", RULE);
  return parsed.map((item: unknown, index) => condition(item, `filters[${index}]`));
}

function condition(item: unknown, at: string): ConversationCondition {
  if (typeof item !== "object" || item === null || Array.isArray(item)) throw invalidInput("filters", `${at} must be an object; ${RULE}`);
  const { field, operator, value, ...rest } = item as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw invalidInput("filters", `${at} may hold only field, operator and value`);
  if (typeof field !== "string" || !(FIELDS as string[]).includes(field))
    throw invalidInput("filters", `${at}.field must be one of ${FIELDS.join(", ")}`);
  const { kind, operators } = CONVERSATION_FILTERS[field as ConversationFilterField];
  if (typeof operator !== "string" || !(operators as string[]).includes(operator))
    throw invalidInput("filters", `${at}.operator for ${field} must be one of ${operators.join(", ")}`);
  const parsed = filterValue(kind, value);
  if (parsed === undefined) throw invalidInput("filters", `${at}.value for ${field} must be ${VALUE_RULES[kind]}`);
  return { field: field as ConversationFilterField, operator: operator as FilterOperator, value: parsed };
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `raw` as a value of `kind`, or undefined. What it returns PostgreSQL takes as is: text without
 * NUL, a real date-time of years 0001 to 9999 (PostgreSQL's range holds them all), a UUID.
 */
function filterValue(kind: FilterValueKind, raw: unknown): FilterValue | undefined {
  switch (kind) {
    case FilterValueKind.TEXT:
      return typeof raw === "string" && isAcceptableText(raw) && countCodePoints(raw) <= MAX_FILTER_TEXT_LENGTH ? raw : undefined;
    case FilterValueKind.TIME: {
      const match = typeof raw === "string" ? RFC3339.exec(raw) : null;
      if (!match || match[1] === "0000") return undefined;
      const [, year, month, day, hour, minute, second] = match;
      // Date rolls 2026-02-31 over into March: the calendar date must be the one sent.
      const date = new Date(`${year}-${month}-${day}T00:00:00Z`);
      if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== `${year}-${month}-${day}`) return undefined;
      if (Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return undefined;
      // Passed on as text: PostgreSQL reads its microseconds, which a Date would round to milliseconds.
      return Number.isNaN(new Date(raw as string).getTime()) ? undefined : (raw as string);
    }
    case FilterValueKind.UUID:
      return typeof raw === "string" && UUID.test(raw) ? raw.toLowerCase() : undefined;
    case FilterValueKind.STATUS:
      return typeof raw === "string" && (Object.values(SmsConversationStatus) as string[]).includes(raw) ? raw : undefined;
    case FilterValueKind.BOOLEAN:
      return typeof raw === "boolean" ? raw : undefined;
    case FilterValueKind.CHANNEL:
      return raw === "sms" || raw === "whatsapp" ? raw.toUpperCase() : undefined;
  }
}

/** The `filters` parameter as the OpenAPI document describes it. */
export const FILTERS_DESCRIPTION =
  `A JSON array (URL-encoded) of at most ${MAX_FILTER_CONDITIONS} conditions \`{ "field", "operator", "value" }\`, all of which must hold. ` +
  Object.entries(CONVERSATION_FILTERS)
    .map(([field, { kind, operators }]) => `\`${field}\` (${operators.join(", ")}): ${VALUE_RULES[kind]}`)
    .join("; ") +
  ". Text operators compare exactly (`contains`, `startsWith` and `endsWith` take the value as text, not a pattern).";
