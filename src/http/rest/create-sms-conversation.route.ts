import { CreateSmsConversationInput } from "../../resolvers/inputs/create-sms-conversation.input";
import { CREATED_MESSAGE } from "../../resolvers/sms-conversation.resolver";
import { validateInput } from "../../resolvers/validate-input";
import { MUTATION_COST } from "../limits/operation-cost";
import { toPublicId } from "../../services/shared/public-id";
import { UserErrorCode } from "../../services/shared/user-error-code.enum";
import { inputSchema } from "./input-schema";
import { commonResponses, errorResponse, messageRecordedResponse } from "./openapi-components";
import { assignFields, bodyFields, problemAnswer, refuseInvalid } from "./rest-input";
import type { RestRoute } from "./rest-route";

/** The seed's 14 body fields and `channel`, each the CreateSmsConversationInput property it sets. */
export const CREATE_FIELDS = {
  user_number: "userNumber",
  agent_number: "agentNumber",
  channel: "channel",
  message: "message",
  message_sid: "messageSid",
  curr_pathway_id: "currPathwayId",
  curr_pathway_version: "currPathwayVersion",
  current_node_id: "currentNodeId",
  request_data: "requestData",
  new_conversation: "newConversation",
  sender: "sender",
  time_out: "timeOut",
  timeout_message: "timeoutMessage",
  warning_time: "warningTime",
  warning_message: "warningMessage",
} as const satisfies Record<string, keyof CreateSmsConversationInput>;

/**
 * `POST /v1/sms/create`: createSmsConversation over REST. The body is mapped onto the same input
 * class, validated by the same validateInput and recorded by the same service call, so the two
 * surfaces share every rule, the events and the workflow.
 */
export const createSmsConversationRoute: RestRoute = {
  method: "POST",
  path: "/sms/create",
  readsBody: true,
  // A write and the three fields it answers, as the same GraphQL mutation costs.
  cost: () => MUTATION_COST + 3,
  async handle({ accountId, body, services }) {
    const fields = bodyFields(body, Object.keys(CREATE_FIELDS));
    const input = assignFields(new CreateSmsConversationInput(), fields, CREATE_FIELDS);
    refuseInvalid(await validateInput(input));
    const result = await services.conversations.recordMessage(accountId, input);
    if (!result.ok) throw problemAnswer(result.problem);
    return {
      data: {
        message: CREATED_MESSAGE,
        conversation_id: toPublicId("conversation", result.conversationId),
        workflow_id: toPublicId("workflow", result.workflowId),
      },
    };
  },
  operation: {
    operationId: "createSmsConversation",
    summary: "Record a message in a conversation",
    description:
      "Records a message between a user number and one of the account's agent numbers: continues the pair's active conversation or starts one (`new_conversation` archives it first), and triggers the conversation's workflow (the silence-timeout flow), in one transaction. The REST form of the GraphQL mutation `createSmsConversation`: the same rules, events and workflow. A repeat with the same `message_sid` returns the original ids and writes nothing.",
    tags: ["Conversations"],
    requestBody: {
      required: true,
      content: {
        "application/json": {
          schema: inputSchema(CreateSmsConversationInput, CREATE_FIELDS),
          example: {
            user_number: "+15555550123",
            agent_number: "+15555550100",
            message: "Hi, I'd like to book a table for two.",
            message_sid: "SM0123456789abcdef0123456789abcdef",
            curr_pathway_id: "123e4567-e89b-12d3-a456-426614174000",
            curr_pathway_version: "latest",
            current_node_id: "greeting",
            request_data: { customer_id: "c-42" },
            new_conversation: false,
            sender: "USER",
            time_out: 600,
            timeout_message: "Closing this chat for now. Text us any time!",
            warning_time: 300,
            warning_message: "Are you still there?",
          },
        },
      },
    },
    responses: {
      "200": messageRecordedResponse("Recorded (or, for a repeated `message_sid`, recorded before).", CREATED_MESSAGE),
      ...commonResponses({ readsBody: true }),
      "400": errorResponse(
        "`INVALID_INPUT`: a field breaks a rule. `INVALID_TIMEOUT_CONFIG`: `warning_time` is not below the effective `time_out`, or there is none. `AGENT_NUMBER_NOT_FOUND`: the agent number is not this account's. `BAD_REQUEST`: the body is not JSON or not UTF-8. Nothing is written.",
        [UserErrorCode.INVALID_INPUT, UserErrorCode.INVALID_TIMEOUT_CONFIG, UserErrorCode.AGENT_NUMBER_NOT_FOUND, "BAD_REQUEST"],
      ),
      "409": errorResponse(
        "`MESSAGE_SID_CONFLICT`: the `message_sid` was used before for a different message. `RECIPIENT_OPTED_OUT`: an `agent` message to a user who opted out (STOP, …) of this agent number and has not opted back in (START, UNSTOP, YES). Nothing is written.",
        [UserErrorCode.MESSAGE_SID_CONFLICT, UserErrorCode.RECIPIENT_OPTED_OUT],
      ),
    },
  },
};
