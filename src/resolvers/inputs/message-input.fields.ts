import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, Matches, Max, Min } from "class-validator";
import { JSONObjectResolver } from "graphql-scalars";
import { Field, Int } from "type-graphql";
import { AgentNumberChannel } from "../../services/agent-numbers/agent-number-channel.enum";
import { E164 } from "../../services/shared/phone-number";
import "../types/register-enums";
import { DiffersFrom } from "../validation/differs-from.decorator";
import { CHARACTERS, LIMITS } from "../validation/limits";
import { MaxJsonBytes } from "../validation/max-json-bytes.decorator";
import { TextLength } from "../validation/text-length.decorator";

/*
 * The input fields that createSmsConversation and sendSmsMessage share, each with its GraphQL
 * type, description and validation rules in one place: an input declares `@TimeOutField() timeOut`
 * and both mutations hold the field to the same rules and document it alike.
 */

const E164_RULE = "an E.164 number: + then 2 to 15 digits, no spaces, e.g. +14155550123";
const SECONDS_RULE = `an integer from ${LIMITS.minSeconds} to ${LIMITS.maxSeconds} seconds (30 days)`;

/** The decorators applied as if stacked above a property: the last one first, as TypeScript applies them. */
function stacked(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, property) => {
    for (const decorator of [...decorators].reverse()) decorator(target, property);
  };
}

export const UserNumberField = (): PropertyDecorator =>
  stacked(
    Field(() => String, { description: "E.164 number of the user, e.g. `+14155550123`." }),
    Matches(E164, { message: `userNumber must be ${E164_RULE}` }),
    DiffersFrom("agentNumber", { message: "userNumber must differ from agentNumber" }),
  );

export const AgentNumberField = (): PropertyDecorator =>
  stacked(
    Field(() => String, { description: "E.164 number of the agent; must be registered to the calling account." }),
    Matches(E164, { message: `agentNumber must be ${E164_RULE}` }),
  );

/**
 * The channel values an input accepts: GraphQL's enum (SMS, WHATSAPP) and REST's lower-case
 * names (sms, whatsapp), which JSON bodies carry as strings; the service upper-cases them.
 */
export const CHANNEL_VALUES = [
  ...Object.values(AgentNumberChannel),
  ...Object.values(AgentNumberChannel).map((value) => value.toLowerCase()),
];

export const ChannelField = (): PropertyDecorator =>
  stacked(
    Field(() => AgentNumberChannel, {
      nullable: true,
      defaultValue: AgentNumberChannel.SMS,
      description:
        "The conversation's channel: a pair has one conversation per channel (SMS and WhatsApp are separate), whose timeout defaults come from the agent number's config of that channel (`smsConfig` or `whatsappConfig`). Default SMS.",
    }),
    IsOptional(),
    IsIn(CHANNEL_VALUES, { message: "channel must be one of sms, whatsapp" }),
  );

export const RequestDataField = (): PropertyDecorator =>
  stacked(
    Field(() => JSONObjectResolver, {
      nullable: true,
      description: `Metadata for custom routing or analytics: a JSON object of at most ${LIMITS.requestDataBytes / 1024} KiB, nested at most ${LIMITS.jsonDepth} levels deep. Replaces the stored one when given.`,
    }),
    IsOptional(),
    IsObject({ message: "requestData must be a JSON object" }),
    MaxJsonBytes(LIMITS.requestDataBytes, { message: `requestData must be at most ${LIMITS.requestDataBytes} bytes (16 KiB) as JSON` }),
  );

export const NewConversationField = (): PropertyDecorator =>
  stacked(
    Field(() => Boolean, {
      nullable: true,
      defaultValue: false,
      description: "Archive the active conversation between these numbers, if any, and start a new one.",
    }),
    IsOptional(),
    IsBoolean({ message: "newConversation must be true or false" }),
  );

export const TimeOutField = (): PropertyDecorator =>
  stacked(
    Field(() => Int, {
      nullable: true,
      description:
        "Seconds of user silence after an agent message before the timeout flow ends the conversation. Overrides the number's config and persists on the conversation.",
    }),
    IsOptional(),
    IsInt({ message: `timeOut must be ${SECONDS_RULE}` }),
    Min(LIMITS.minSeconds, { message: `timeOut must be ${SECONDS_RULE}` }),
    Max(LIMITS.maxSeconds, { message: `timeOut must be ${SECONDS_RULE}` }),
  );

export const TimeoutMessageField = (): PropertyDecorator =>
  stacked(
    Field(() => String, {
      nullable: true,
      description: `Sent when the timeout fires; 1 to ${LIMITS.messageLength} ${CHARACTERS}. Overrides the number's config.`,
    }),
    IsOptional(),
    TextLength(1, LIMITS.messageLength, { message: `timeoutMessage must be 1 to ${LIMITS.messageLength} ${CHARACTERS}` }),
  );

export const WarningTimeField = (): PropertyDecorator =>
  stacked(
    Field(() => Int, {
      nullable: true,
      description: "Seconds of user silence before the warning message; less than the effective `timeOut`. Overrides the number's config.",
    }),
    IsOptional(),
    IsInt({ message: `warningTime must be ${SECONDS_RULE}` }),
    Min(LIMITS.minSeconds, { message: `warningTime must be ${SECONDS_RULE}` }),
    Max(LIMITS.maxSeconds, { message: `warningTime must be ${SECONDS_RULE}` }),
  );

export const WarningMessageField = (): PropertyDecorator =>
  stacked(
    Field(() => String, {
      nullable: true,
      description: `Sent at \`warningTime\`; 1 to ${LIMITS.messageLength} ${CHARACTERS}. Overrides the number's config.`,
    }),
    IsOptional(),
    TextLength(1, LIMITS.messageLength, { message: `warningMessage must be 1 to ${LIMITS.messageLength} ${CHARACTERS}` }),
  );
