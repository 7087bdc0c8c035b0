import { SendSmsMessageInput } from "../../resolvers/inputs/send-sms-message.input";
import { validateInput } from "../../resolvers/validate-input";
import { IDEMPOTENCY_KEY, LIMITS } from "../../resolvers/validation/limits";
import { MUTATION_COST } from "../limits/operation-cost";
import { toPublicId } from "../../services/shared/public-id";
import { UserErrorCode } from "../../services/shared/user-error-code.enum";
import { inputSchema } from "./input-schema";
import { commonResponses, errorResponse, messageRecordedResponse } from "./openapi-components";
import { invalidInput } from "./rest-errors";
import { assignFields, bodyFields, problemAnswer, refuseInvalid } from "./rest-input";
import type { RestRoute } from "./rest-route";

/** The answer's `message`, as the platform words it. */
export const SENT_MESSAGE = "SMS sent successfully";

/** The body fields Parley takes, each the SendSmsMessageInput property it sets. */
export const SEND_FIELDS = {
  user_number: "userNumber",
  agent_number: "agentNumber",
  agent_message: "agentMessage",
  channel: "channel",
  request_data: "requestData",
  new_conversation: "newConversation",
  time_out: "timeOut",
  timeout_message: "timeoutMessage",
  warning_time: "warningTime",
  warning_message: "warningMessage",
} as const satisfies Record<string, keyof SendSmsMessageInput>;

/** The header that makes a send idempotent, as SendSmsMessageInput.idempotencyKey. */
const IDEMPOTENCY_HEADER = "idempotency-key";

/**
 * `POST /v1/sms/send`: sendSmsMessage over REST. The body (and the `idempotency-key` header) is
 * mapped onto the same input class, validated by the same validateInput and sent by the same
 * service call.
 */
export const sendSmsMessageRoute: RestRoute = {
  method: "POST",
  path: "/sms/send",
  readsBody: true,
  // A write and the three fields it answers, as the same GraphQL mutation costs.
  cost: () => MUTATION_COST + 3,
  async handle({ accountId, body, headers, services }) {
    const fields = bodyFields(body, Object.keys(SEND_FIELDS));
    const input = assignFields(new SendSmsMessageInput(), fields, SEND_FIELDS);
    const key = headers[IDEMPOTENCY_HEADER];
    if (Array.isArray(key)) throw invalidInput(IDEMPOTENCY_HEADER, `${IDEMPOTENCY_HEADER} may be given once`);
    if (key !== undefined) input.idempotencyKey = key;
    const renames = { idempotencyKey: IDEMPOTENCY_HEADER };
    refuseInvalid(await validateInput(input), renames);
    const result = await services.conversations.sendMessage(accountId, input);
    if (!result.ok) throw problemAnswer(result.problem, renames);
    return {
      data: {
        message: SENT_MESSAGE,
        conversation_id: toPublicId("conversation", result.conversationId),
        workflow_id: toPublicId("workflow", result.workflowId),
      },
    };
  },
  operation: {
    operationId: "sendSmsMessage",
    summary: "Send an agent message to a user",
    description:
      "Records an agent message to a user number from one of the account's agent numbers — continuing the pair's active conversation or starting one (`new_conversation` archives it first) — `QUEUED` for delivery and handed to the account's webhook (signed) if it has one, and starts the conversation's silence timers, in one transaction. `agent_message` is required: Parley does not generate replies. The REST form of the GraphQL mutation `sendSmsMessage`: the same rules, events and workflow.",
    tags: ["Conversations"],
    parameters: [
      {
        name: IDEMPOTENCY_HEADER,
        in: "header",
        required: false,
        description: `Makes the send idempotent (unique per account): a repeat with the same key, numbers and \`agent_message\` answers the first call's ids and sends nothing; a repeat that differs is \`IDEMPOTENCY_KEY_CONFLICT\` (409).`,
        schema: { type: "string", minLength: 1, maxLength: LIMITS.idempotencyKeyLength, pattern: IDEMPOTENCY_KEY.source },
      },
    ],
    requestBody: {
      required: true,
      content: {
        "application/json": {
          schema: inputSchema(SendSmsMessageInput, SEND_FIELDS),
          example: {
            user_number: "+15555550123",
            agent_number: "+15555550100",
            agent_message: "Your table for two is booked for 7 pm. Anything else?",
            time_out: 600,
            timeout_message: "Closing this chat for now. Text us any time!",
            warning_time: 300,
            warning_message: "Are you still there?",
          },
        },
      },
    },
    responses: {
      "200": messageRecordedResponse("Sent (or, for a repeated `idempotency-key`, sent before).", SENT_MESSAGE),
      ...commonResponses({ readsBody: true }),
      "400": errorResponse(
        "`INVALID_INPUT`: a field or the `idempotency-key` header breaks a rule (`agent_message` is required). `INVALID_TIMEOUT_CONFIG`: `warning_time` is not below the effective `time_out`, or there is none. `AGENT_NUMBER_NOT_FOUND`: the agent number is not this account's. `BAD_REQUEST`: the body is not JSON or not UTF-8. Nothing is written or sent.",
        [UserErrorCode.INVALID_INPUT, UserErrorCode.INVALID_TIMEOUT_CONFIG, UserErrorCode.AGENT_NUMBER_NOT_FOUND, "BAD_REQUEST"],
      ),
      "409": errorResponse(
        "`IDEMPOTENCY_KEY_CONFLICT`: the `idempotency-key` was used before for a different message. `RECIPIENT_OPTED_OUT`: the user opted out (STOP, …) of this agent number and has not opted back in (START, UNSTOP, YES). Nothing is written or sent.",
        [UserErrorCode.IDEMPOTENCY_KEY_CONFLICT, UserErrorCode.RECIPIENT_OPTED_OUT],
      ),
    },
  },
};
