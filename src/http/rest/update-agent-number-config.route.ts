import { UpdateAgentNumberConfigInput } from "../../resolvers/inputs/update-agent-number-config.input";
import { validateInput } from "../../resolvers/validate-input";
import { AgentNumberChannel } from "../../services/agent-numbers/agent-number-channel.enum";
import { UserErrorCode } from "../../services/shared/user-error-code.enum";
import { MUTATION_COST } from "../limits/operation-cost";
import { AGENT_NUMBER_COST, presentAgentNumber } from "./agent-number.presenter";
import { inputSchema } from "./input-schema";
import { commonResponses, envelope, errorResponse, ref } from "./openapi-components";
import { invalidInput } from "./rest-errors";
import { assignFields, bodyFields, problemAnswer, refuseInvalid } from "./rest-input";
import type { RestRoute } from "./rest-route";

/** The config object's fields, each the UpdateAgentNumberConfigInput property it sets. */
const CONFIG_FIELDS = {
  time_out: "timeOut",
  timeout_message: "timeoutMessage",
  warning_time: "warningTime",
  warning_message: "warningMessage",
} as const satisfies Record<string, keyof UpdateAgentNumberConfigInput>;

/** The body's config objects, each the channel it sets. */
const CHANNELS = { sms_config: AgentNumberChannel.SMS, whatsapp_config: AgentNumberChannel.WHATSAPP } as const;
type ConfigKey = keyof typeof CHANNELS;

/** REST's name of each input property, in `field` and in messages. */
function renamesFor(configKey: ConfigKey): Record<string, string> {
  return {
    agentNumber: "phone_number",
    ...Object.fromEntries(Object.entries(CONFIG_FIELDS).map(([restName, property]) => [property, `${configKey}.${restName}`])),
  };
}

/**
 * `POST /v1/sms/update`: sets one channel's timeout defaults of an agent number (GraphQL's
 * updateAgentNumberConfig, through the same input class, validation and service call). The body
 * holds `phone_number` and exactly one of `sms_config`, `whatsapp_config`, in the shape
 * `GET /v1/sms/numbers` shows them: a given setting replaces the stored one, null clears it, an
 * omitted one stays.
 */
export const updateAgentNumberConfigRoute: RestRoute = {
  method: "POST",
  path: "/sms/update",
  readsBody: true,
  cost: () => MUTATION_COST + AGENT_NUMBER_COST,
  async handle({ accountId, body, services }) {
    const fields = bodyFields(body, ["phone_number", ...Object.keys(CHANNELS)]);
    const given = (Object.keys(CHANNELS) as ConfigKey[]).filter((key) => Object.hasOwn(fields, key));
    if (given.length !== 1) throw invalidInput(null, "send exactly one of sms_config, whatsapp_config");
    const [configKey] = given;
    const config = bodyFields(fields[configKey], Object.keys(CONFIG_FIELDS), `${configKey}.`);
    const input = assignFields(new UpdateAgentNumberConfigInput(), config, CONFIG_FIELDS);
    input.channel = CHANNELS[configKey];
    assignFields(input, fields, { phone_number: "agentNumber" });
    const renames = renamesFor(configKey);
    refuseInvalid(await validateInput(input), renames);
    const result = await services.agentNumbers.updateConfig(accountId, input);
    if (!result.ok) throw problemAnswer(result.problem, renames);
    const counts = await services.agentNumbers.conversationCounts([result.agentNumber.id]);
    return { data: presentAgentNumber(result.agentNumber, counts.get(result.agentNumber.id) ?? 0) };
  },
  operation: {
    operationId: "updateAgentNumberConfig",
    summary: "Set an agent number's timeout defaults",
    description:
      "Sets the timeout defaults of one channel of an agent number: `sms_config` (used by SMS conversations) or `whatsapp_config`, exactly one. A given setting replaces the stored one, `null` clears it, an omitted one stays; the result must keep `warning_time` below `time_out`. The REST form of GraphQL's `updateAgentNumberConfig`. Answers the number as `GET /v1/sms/numbers` shows it.",
    tags: ["Numbers"],
    requestBody: {
      required: true,
      content: {
        "application/json": {
          schema: {
            type: "object",
            properties: {
              ...(inputSchema(UpdateAgentNumberConfigInput, { phone_number: "agentNumber" }).properties as object),
              sms_config: ref("ChannelConfigInput"),
              whatsapp_config: ref("ChannelConfigInput"),
            },
            required: ["phone_number"],
            oneOf: [{ required: ["sms_config"] }, { required: ["whatsapp_config"] }],
            additionalProperties: false,
          },
          example: { phone_number: "+15555550100", sms_config: { time_out: 600, warning_time: 300, warning_message: "Still there?" } },
        },
      },
    },
    responses: {
      "200": { description: "The number, updated.", content: { "application/json": { schema: envelope(ref("AgentNumber")) } } },
      ...commonResponses({ readsBody: true }),
      "400": errorResponse(
        "`INVALID_INPUT`: a field breaks a rule. `INVALID_TIMEOUT_CONFIG`: `warning_time` would not be below `time_out`. `AGENT_NUMBER_NOT_FOUND`: the number is not this account's. `BAD_REQUEST`: the body is not JSON or not UTF-8. Nothing is written.",
        [UserErrorCode.INVALID_INPUT, UserErrorCode.INVALID_TIMEOUT_CONFIG, UserErrorCode.AGENT_NUMBER_NOT_FOUND, "BAD_REQUEST"],
      ),
    },
  },
};

/** The schema of a config object in a body (components.schemas.ChannelConfigInput). */
export function channelConfigInputSchema() {
  return inputSchema(UpdateAgentNumberConfigInput, CONFIG_FIELDS);
}
