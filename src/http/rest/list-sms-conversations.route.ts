import { ConversationSortField } from "../../services/conversations/conversation-list";
import { OrderDirection } from "../../services/conversations/conversation-order";
import { CONVERSATION_COST, presentConversation } from "./conversation.presenter";
import { FILTERS_DESCRIPTION, parseFilters } from "./conversation-filters";
import { commonResponses, envelope, ref } from "./openapi-components";
import { invalidInput } from "./rest-errors";
import { PAGE_PARAMETERS, pageParameters, pagination, queryParameters, requestedPageSize } from "./rest-paging";
import type { RestRoute } from "./rest-route";

const SORT_FIELDS = Object.values(ConversationSortField);
const DIRECTIONS = { asc: OrderDirection.ASC, desc: OrderDirection.DESC } as const;

/**
 * `GET /v1/sms/conversations`: the account's conversations by page number, sorted by a timestamp
 * (each order read along an index: see SmsConversationQueryService.listPage), filtered, with
 * `extra.pagination`. Each conversation carries its message count and latest message.
 */
export const listSmsConversationsRoute: RestRoute = {
  method: "GET",
  path: "/sms/conversations",
  readsBody: false,
  cost: (query) => 1 + requestedPageSize(query) * CONVERSATION_COST,
  async handle({ accountId, query, services }) {
    const parameters = queryParameters(query, ["page", "pageSize", "sortBy", "sortDir", "filters"]);
    const page = pageParameters(parameters);
    const sortBy = parameters.get("sortBy") ?? ConversationSortField.CREATED_AT;
    if (!(SORT_FIELDS as string[]).includes(sortBy))
      throw invalidInput("sortBy", `sortBy must be one of ${SORT_FIELDS.join(", ")} (the orders an index serves)`);
    const sortDir = parameters.get("sortDir") ?? "desc";
    if (!Object.hasOwn(DIRECTIONS, sortDir)) throw invalidInput("sortDir", "sortDir must be asc or desc");
    const conditions = parseFilters(parameters.get("filters"));

    const { conversations, totalItems } = await services.conversationQueries.listPage(accountId, {
      ...page,
      sort: { field: sortBy as ConversationSortField, direction: DIRECTIONS[sortDir as keyof typeof DIRECTIONS] },
      conditions,
    });
    const summaries = await services.messages.summaries(conversations.map((conversation) => conversation.id));
    return {
      data: conversations.map((conversation) => presentConversation(conversation, summaries.get(conversation.id))),
      extra: { pagination: pagination(page, totalItems) },
    };
  },
  operation: {
    operationId: "listSmsConversations",
    summary: "List conversations",
    description:
      "The account's conversations, a page at a time, with each one's message count and latest message. Sorted by `created_at` (the default; stable: new conversations land on one end), `updated_at` (an inbox order: conversations move as they change), `agent_number` or `user_number` (each tied by `created_at`), ties broken by id. Every order is read along an index, so a page costs the items before it plus its own: pages start at most 10,000 items in. `totalItems` counts every match. To reach further, narrow the list with filters (e.g. a `created_at` range) or use GraphQL's cursor connection `smsConversations`, whose pages cost the same however deep.",
    tags: ["Conversations"],
    parameters: [
      ...PAGE_PARAMETERS,
      {
        name: "sortBy",
        in: "query",
        description: `The order: ${SORT_FIELDS.join(", ")}. (The platform's other orders, e.g. \`message_count\`, are not offered: no index serves them.)`,
        schema: { type: "string", enum: SORT_FIELDS, default: ConversationSortField.CREATED_AT },
      },
      {
        name: "sortDir",
        in: "query",
        description: "`desc` (newest first) or `asc`.",
        schema: { type: "string", enum: Object.keys(DIRECTIONS), default: "desc" },
      },
      {
        name: "filters",
        in: "query",
        description: FILTERS_DESCRIPTION,
        schema: { type: "string" },
        example: '[{"field":"status","operator":"eq","value":"ACTIVE"}]',
      },
    ],
    responses: {
      "200": {
        description: "A page of conversations.",
        content: {
          "application/json": {
            schema: envelope(
              { type: "array", items: { ...ref("Conversation"), type: "object", unevaluatedProperties: false } },
              { type: "object", required: ["pagination"], properties: { pagination: ref("Pagination") }, additionalProperties: false },
            ),
          },
        },
      },
      ...commonResponses({ readsBody: false }),
    },
  },
};
