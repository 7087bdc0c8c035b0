import type { JsonObject } from "../../entities/json";
import { IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsUUID, Matches, Max, Min } from "class-validator";
import { JSONObjectResolver } from "graphql-scalars";
import { Field, InputType, Int } from "type-graphql";
import { SmsSender } from "../../entities/sms-sender.enum";
import type { RecordMessageCommand } from "../../services/conversations/record-message.command";
import { E164 } from "../../services/shared/phone-number";
import "../types/register-enums";
import { DiffersFrom } from "../validation/differs-from.decorator";
import { CHARACTERS, LIMITS, MESSAGE_SID } from "../validation/limits";
import { MaxJsonBytes } from "../validation/max-json-bytes.decorator";
import { TextLength } from "../validation/text-length.decorator";
import { TEXT_RULE } from "../validation/text";

const E164_RULE = "an E.164 number: + then 2 to 15 digits, no spaces, e.g. +14155550123";
const SECONDS_RULE = `an integer from ${LIMITS.minSeconds} to ${LIMITS.maxSeconds} seconds (30 days)`;

/**
 * The one statement of createSmsConversation's input rules, for every surface: GraphQL (whose
 * types already hold the type rules below) and `POST /v1/sms/create` (whose JSON body does not:
 * hence the type rules on `newConversation`, `sender` and `requestData`), and the source of the
 * REST body's JSON Schema (src/http/rest/input-schema.ts).
 */
@InputType({
  description: `A message to record, starting or continuing a conversation. Mirrors \`POST /v1/sms/create\`. Every string, and every key and string inside \`requestData\`, must be ${TEXT_RULE}; lengths are in ${CHARACTERS}.`,
})
export class CreateSmsConversationInput implements RecordMessageCommand {
  @Field({ description: "E.164 number of the user, e.g. `+14155550123`." })
  @Matches(E164, { message: `userNumber must be ${E164_RULE}` })
  @DiffersFrom("agentNumber", { message: "userNumber must differ from agentNumber" })
  userNumber!: string;

  @Field({ description: "E.164 number of the agent; must be registered to the calling account." })
  @Matches(E164, { message: `agentNumber must be ${E164_RULE}` })
  agentNumber!: string;

  @Field({
    description: `The message to store in the conversation history: 1 to ${LIMITS.messageLength} ${CHARACTERS} (👍 is 1, ❤️ is 2).`,
  })
  @TextLength(1, LIMITS.messageLength, { message: `message must be 1 to ${LIMITS.messageLength} ${CHARACTERS}` })
  message!: string;

  @Field(() => String, {
    nullable: true,
    description: `Provider message SID (up to ${LIMITS.messageSidLength} visible ASCII characters). Makes the call idempotent: a repeat returns the original ids and writes nothing.`,
  })
  @IsOptional()
  @TextLength(1, LIMITS.messageSidLength, { message: `messageSid must be 1 to ${LIMITS.messageSidLength} characters` })
  @Matches(MESSAGE_SID, { message: "messageSid must be visible ASCII characters without spaces" })
  messageSid?: string | null;

  @Field(() => String, { nullable: true, description: "UUID of the current pathway." })
  @IsOptional()
  @IsUUID("all", { message: "currPathwayId must be a UUID, e.g. 123e4567-e89b-12d3-a456-426614174000" })
  currPathwayId?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Version of the pathway to use, e.g. "latest" or "v1.0"; at most ${LIMITS.pathwayFieldLength} ${CHARACTERS}.`,
  })
  @IsOptional()
  @TextLength(0, LIMITS.pathwayFieldLength, { message: `currPathwayVersion must be at most ${LIMITS.pathwayFieldLength} ${CHARACTERS}` })
  currPathwayVersion?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Id of the pathway node where the conversation is; at most ${LIMITS.pathwayFieldLength} ${CHARACTERS}.`,
  })
  @IsOptional()
  @TextLength(0, LIMITS.pathwayFieldLength, { message: `currentNodeId must be at most ${LIMITS.pathwayFieldLength} ${CHARACTERS}` })
  currentNodeId?: string | null;

  @Field(() => JSONObjectResolver, {
    nullable: true,
    description: `Metadata for custom routing or analytics: a JSON object of at most ${LIMITS.requestDataBytes / 1024} KiB, nested at most ${LIMITS.jsonDepth} levels deep. Replaces the stored one when given.`,
  })
  @IsOptional()
  @IsObject({ message: "requestData must be a JSON object" })
  @MaxJsonBytes(LIMITS.requestDataBytes, {
    message: `requestData must be at most ${LIMITS.requestDataBytes} bytes (16 KiB) as JSON`,
  })
  requestData?: JsonObject | null;

  @Field(() => Boolean, {
    nullable: true,
    defaultValue: false,
    description: "Archive the active conversation between these numbers, if any, and start a new one.",
  })
  @IsOptional()
  @IsBoolean({ message: "newConversation must be true or false" })
  newConversation?: boolean | null;

  @Field(() => SmsSender, { nullable: true, defaultValue: SmsSender.USER, description: "Who sent this message." })
  @IsOptional()
  @IsIn(Object.values(SmsSender), { message: `sender must be one of ${Object.values(SmsSender).join(", ")}` })
  sender?: SmsSender | null;

  @Field(() => Int, {
    nullable: true,
    description:
      "Seconds of user silence after an agent message before the timeout flow ends the conversation. Overrides the number's config and persists on the conversation.",
  })
  @IsOptional()
  @IsInt({ message: `timeOut must be ${SECONDS_RULE}` })
  @Min(LIMITS.minSeconds, { message: `timeOut must be ${SECONDS_RULE}` })
  @Max(LIMITS.maxSeconds, { message: `timeOut must be ${SECONDS_RULE}` })
  timeOut?: number | null;

  @Field(() => String, {
    nullable: true,
    description: `Sent when the timeout fires; 1 to ${LIMITS.messageLength} ${CHARACTERS}. Overrides the number's config.`,
  })
  @IsOptional()
  @TextLength(1, LIMITS.messageLength, { message: `timeoutMessage must be 1 to ${LIMITS.messageLength} ${CHARACTERS}` })
  timeoutMessage?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: "Seconds of user silence before the warning message; less than the effective `timeOut`. Overrides the number's config.",
  })
  @IsOptional()
  @IsInt({ message: `warningTime must be ${SECONDS_RULE}` })
  @Min(LIMITS.minSeconds, { message: `warningTime must be ${SECONDS_RULE}` })
  @Max(LIMITS.maxSeconds, { message: `warningTime must be ${SECONDS_RULE}` })
  warningTime?: number | null;

  @Field(() => String, {
    nullable: true,
    description: `Sent at \`warningTime\`; 1 to ${LIMITS.messageLength} ${CHARACTERS}. Overrides the number's config.`,
  })
  @IsOptional()
  @TextLength(1, LIMITS.messageLength, { message: `warningMessage must be 1 to ${LIMITS.messageLength} ${CHARACTERS}` })
  warningMessage?: string | null;
}
