import type { AgentNumber } from "../../entities/agent-number.entity";
import type { TimeoutSettings } from "../../entities/timeout-settings";
import { FIELD_COST } from "../../resolvers/types/field-cost";
import { toPublicId } from "../../services/shared/public-id";
import { DATE_TIME, ref } from "./openapi-components";
import type { JsonSchema } from "./openapi-types";

/** A channel's timeout defaults in REST's names; a setting not set is null. */
function presentConfig(settings: TimeoutSettings) {
  return {
    time_out: settings.timeOut ?? null,
    timeout_message: settings.timeoutMessage ?? null,
    warning_time: settings.warningTime ?? null,
    warning_message: settings.warningMessage ?? null,
  };
}

/** An agent number as `GET /v1/sms/numbers` and `POST /v1/sms/update` show it. */
export function presentAgentNumber(number: AgentNumber, conversationCount: number) {
  return {
    id: toPublicId("agentNumber", number.id),
    phone_number: number.number,
    sms_config: presentConfig(number.smsConfig),
    whatsapp_config: presentConfig(number.whatsappConfig),
    conversation_count: conversationCount,
    created_at: number.createdAt.toISOString(),
  };
}

/** Points a number costs: a point per field, each config's two messages as the GraphQL fields that hold as much. */
export const AGENT_NUMBER_COST = 4 + 2 * (2 + 2 * FIELD_COST.text);

const CONFIG_SCHEMA: JsonSchema = {
  type: "object",
  description: "Timeout defaults of the channel's conversations (a conversation's own `time_out`, … override them); null where not set.",
  required: ["time_out", "timeout_message", "warning_time", "warning_message"],
  properties: {
    time_out: { type: ["integer", "null"], description: "Seconds of user silence after an agent message before the conversation ends." },
    timeout_message: { type: ["string", "null"], description: "Sent when the timeout fires." },
    warning_time: { type: ["integer", "null"], description: "Seconds of user silence before the warning message; below `time_out`." },
    warning_message: { type: ["string", "null"], description: "Sent at `warning_time`." },
  },
  additionalProperties: false,
};

export const AGENT_NUMBER_SCHEMAS: Record<string, JsonSchema> = {
  ChannelConfig: CONFIG_SCHEMA,
  AgentNumber: {
    type: "object",
    required: ["id", "phone_number", "sms_config", "whatsapp_config", "conversation_count", "created_at"],
    properties: {
      id: { type: "string", pattern: "^num_[0-9a-f]{32}$" },
      phone_number: { type: "string", pattern: "^\\+[1-9][0-9]{1,14}$", description: "The E.164 number." },
      sms_config: ref("ChannelConfig"),
      whatsapp_config: ref("ChannelConfig"),
      conversation_count: { type: "integer", minimum: 0, description: "Conversations (any status) on this number." },
      created_at: { ...DATE_TIME, description: "When the number was registered." },
    },
    additionalProperties: false,
  },
};
