import { MAX_PAGE_SIZE } from "../../services/shared/pagination";
import { parsePublicId } from "../../services/shared/public-id";
import { CONVERSATION_COST, MESSAGE_COST, presentConversation, presentMessage } from "./conversation.presenter";
import { commonResponses, envelope, ref, responseRef } from "./openapi-components";
import { RestErrorCode, RestProblem } from "./rest-errors";
import { queryParameters } from "./rest-paging";
import type { RestRoute } from "./rest-route";

/** Messages shown with a conversation, at most: its latest ones. */
export const CONVERSATION_MESSAGES = MAX_PAGE_SIZE;

const notFound = () =>
  new RestProblem(404, [{ code: RestErrorCode.NOT_FOUND, message: "no conversation of this account has this id", field: "id" }]);

/**
 * `GET /v1/sms/conversations/{id}`: one conversation of the account with its latest messages,
 * oldest first. An unknown id, a malformed one and another account's get the same 404.
 */
export const getSmsConversationRoute: RestRoute = {
  method: "GET",
  path: "/sms/conversations/:id",
  readsBody: false,
  cost: () => 1 + CONVERSATION_COST + CONVERSATION_MESSAGES * MESSAGE_COST,
  async handle({ accountId, params, query, services }) {
    queryParameters(query, []);
    const id = parsePublicId("conversation", params.id);
    const [conversation] = id ? await services.conversationQueries.findByIds(accountId, [id]) : [];
    if (!conversation) throw notFound();
    const [summaries, pages] = await Promise.all([
      services.messages.summaries([conversation.id]),
      services.messages.firstPages([conversation.id], { size: CONVERSATION_MESSAGES, forward: false, cursor: null }),
    ]);
    const messages = pages.get(conversation.id)?.edges ?? [];
    return {
      data: {
        ...presentConversation(conversation, summaries.get(conversation.id)),
        messages: messages.map(({ node }) => presentMessage(node, conversation)),
      },
    };
  },
  operation: {
    operationId: "getSmsConversation",
    summary: "Read a conversation with its messages",
    description: `One conversation of the account, as the list shows it, with its latest ${CONVERSATION_MESSAGES} messages, oldest first (\`message_count\` says how many it has; GraphQL's \`smsConversation(id) { messages }\` pages through them all). The id is GraphQL's \`SmsConversation.id\`.`,
    tags: ["Conversations"],
    parameters: [
      {
        name: "id",
        in: "path",
        required: true,
        description: "A `conversation_id` (`conv_…`).",
        schema: { type: "string" },
      },
    ],
    responses: {
      "200": {
        description: "The conversation.",
        content: {
          "application/json": {
            schema: envelope({
              ...ref("Conversation"),
              type: "object",
              required: ["messages"],
              properties: {
                messages: { type: "array", maxItems: CONVERSATION_MESSAGES, items: ref("Message") },
              },
              unevaluatedProperties: false,
            }),
          },
        },
      },
      ...commonResponses({ readsBody: false }),
      "404": responseRef("NotFound"),
    },
  },
};
