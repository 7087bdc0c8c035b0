import { createSmsConversationRoute } from "./create-sms-conversation.route";
import { getSmsConversationRoute } from "./get-sms-conversation.route";
import { listAgentNumbersRoute } from "./list-agent-numbers.route";
import { listSmsConversationsRoute } from "./list-sms-conversations.route";
import type { RestRoute } from "./rest-route";
import { sendSmsMessageRoute } from "./send-sms-message.route";
import { updateAgentNumberConfigRoute } from "./update-agent-number-config.route";

/**
 * Every REST operation under `/v1`, in the order the OpenAPI document lists them (after them, the
 * router serves the document itself at `GET /v1/openapi.json`). A new route is one file and one
 * line here.
 */
export const REST_ROUTES: readonly RestRoute[] = [
  createSmsConversationRoute,
  sendSmsMessageRoute,
  listSmsConversationsRoute,
  getSmsConversationRoute,
  listAgentNumbersRoute,
  updateAgentNumberConfigRoute,
];
