import type { SmsConversation } from "../../entities/sms-conversation.entity";
import { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { DeliveryStatus } from "../../entities/delivery-status.enum";
import type { SmsMessage } from "../../entities/sms-message.entity";
import { SmsMessageKind } from "../../entities/sms-message-kind.enum";
import { SmsSender } from "../../entities/sms-sender.enum";
import { FIELD_COST } from "../../resolvers/types/field-cost";
import type { MessageSummary } from "../../services/conversations/sms-message.service";
import { toPublicId } from "../../services/shared/public-id";
import { DATE_TIME, NULLABLE_DATE_TIME } from "./openapi-components";
import type { JsonSchema } from "./openapi-types";

/** A conversation as REST lists and reads show it (the platform's fields, plus `status`). */
export function presentConversation(conversation: SmsConversation, summary: MessageSummary | undefined) {
  return {
    id: toPublicId("conversation", conversation.id),
    created_at: conversation.createdAt.toISOString(),
    updated_at: conversation.updatedAt.toISOString(),
    user_number: conversation.userNumber,
    agent_number: conversation.agentNumber,
    variables: conversation.requestData,
    current_node_id: conversation.currentNodeId,
    curr_pathway_id: conversation.currPathwayId,
    curr_pathway_version: conversation.currPathwayVersion,
    timed_out_at: conversation.timedOutAt?.toISOString() ?? null,
    is_active: conversation.status === SmsConversationStatus.ACTIVE,
    status: conversation.status,
    message_count: summary?.messageCount ?? 0,
    last_message: summary?.lastMessage?.body ?? null,
    last_message_timestamp: summary?.lastMessage?.createdAt.toISOString() ?? null,
    channel: conversation.channel.toLowerCase(),
  };
}

/** Points a conversation costs (operation-cost.ts's model): a point per field; `variables` and `last_message` as the GraphQL fields that hold as much. */
export const CONVERSATION_COST = 14 + FIELD_COST.jsonObject + FIELD_COST.text;

/** A message as `GET /v1/sms/conversations/{id}` shows it: `from` and `to` follow its sender. */
export function presentMessage(message: SmsMessage, conversation: SmsConversation) {
  const fromUser = message.sender === SmsSender.USER;
  return {
    id: toPublicId("message", message.id),
    created_at: message.createdAt.toISOString(),
    message: message.body,
    from: fromUser ? conversation.userNumber : conversation.agentNumber,
    to: fromUser ? conversation.agentNumber : conversation.userNumber,
    sender: message.sender,
    kind: message.kind,
    message_sid: message.messageSid,
    status: message.deliveryStatus?.toLowerCase() ?? null,
    error_code: null,
  };
}

/** Points a message costs: a point per field, its text as the GraphQL `body`. */
export const MESSAGE_COST = 9 + FIELD_COST.text;

const E164_TEXT: JsonSchema = { type: "string", pattern: "^\\+[1-9][0-9]{1,14}$" };

export const CONVERSATION_SCHEMA: JsonSchema = {
  type: "object",
  required: [
    "id",
    "created_at",
    "updated_at",
    "user_number",
    "agent_number",
    "variables",
    "current_node_id",
    "curr_pathway_id",
    "curr_pathway_version",
    "timed_out_at",
    "is_active",
    "status",
    "message_count",
    "last_message",
    "last_message_timestamp",
    "channel",
  ],
  properties: {
    id: { type: "string", pattern: "^conv_[0-9a-f]{32}$", description: "The conversation's id: GraphQL's `SmsConversation.id`." },
    created_at: DATE_TIME,
    updated_at: { ...DATE_TIME, description: "When the conversation last changed (its latest message, status or timers)." },
    user_number: E164_TEXT,
    agent_number: E164_TEXT,
    variables: { type: ["object", "null"], description: "The `request_data` last given." },
    current_node_id: { type: ["string", "null"] },
    curr_pathway_id: { type: ["string", "null"], format: "uuid" },
    curr_pathway_version: { type: ["string", "null"] },
    timed_out_at: { ...NULLABLE_DATE_TIME, description: "When the timeout flow ended the conversation." },
    is_active: { type: "boolean", description: "`status` is `ACTIVE`: the conversation takes new messages." },
    status: {
      type: "string",
      enum: Object.values(SmsConversationStatus),
      description: "`ACTIVE`, `ARCHIVED` (replaced by a `new_conversation`) or `TIMED_OUT`.",
    },
    message_count: { type: "integer", minimum: 0 },
    last_message: { type: ["string", "null"], description: "The latest message's text." },
    last_message_timestamp: NULLABLE_DATE_TIME,
    channel: { type: "string", enum: ["sms", "whatsapp"] },
  },
  // Closed where it is used (`unevaluatedProperties: false`): the read of one adds `messages`.
};

export const MESSAGE_SCHEMA: JsonSchema = {
  type: "object",
  required: ["id", "created_at", "message", "from", "to", "sender", "kind", "message_sid", "status", "error_code"],
  properties: {
    id: { type: "string", pattern: "^msg_[0-9a-f]{32}$" },
    created_at: DATE_TIME,
    message: { type: "string", description: "The text." },
    from: { ...E164_TEXT, description: "The user's number for a `USER` message, else the agent's." },
    to: E164_TEXT,
    sender: { type: "string", enum: Object.values(SmsSender) },
    kind: {
      type: "string",
      enum: Object.values(SmsMessageKind),
      description: "`NORMAL`, or sent by the timeout flow (`TIMEOUT_WARNING`, `TIMEOUT_END`).",
    },
    message_sid: { type: ["string", "null"] },
    status: {
      type: ["string", "null"],
      enum: [...Object.values(DeliveryStatus).map((status) => status.toLowerCase()), null],
      description: "Delivery of a message Parley sent itself (the timeout flow's); null for recorded messages.",
    },
    error_code: {
      type: "null",
      description: "The provider's error code: always null, as Parley hands messages to a provider and hears no codes back.",
    },
  },
  additionalProperties: false,
};
