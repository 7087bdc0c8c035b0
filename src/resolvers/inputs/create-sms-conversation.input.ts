import type { JsonObject } from "../../entities/json";
import { IsIn, IsOptional, IsUUID, Matches } from "class-validator";
import { Field, InputType } from "type-graphql";
import type { AgentNumberChannel } from "../../services/agent-numbers/agent-number-channel.enum";
import { SmsSender } from "../../entities/sms-sender.enum";
import type { RecordMessageCommand } from "../../services/conversations/record-message.command";
import "../types/register-enums";
import { CHARACTERS, LIMITS, MESSAGE_SID } from "../validation/limits";
import { TextLength } from "../validation/text-length.decorator";
import { TEXT_RULE } from "../validation/text";
import {
  AgentNumberField,
  ChannelField,
  NewConversationField,
  RequestDataField,
  TimeOutField,
  TimeoutMessageField,
  UserNumberField,
  WarningMessageField,
  WarningTimeField,
} from "./message-input.fields";

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
  @UserNumberField()
  userNumber!: string;

  @AgentNumberField()
  agentNumber!: string;

  @ChannelField()
  channel?: AgentNumberChannel | null;

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

  @RequestDataField()
  requestData?: JsonObject | null;

  @NewConversationField()
  newConversation?: boolean | null;

  @Field(() => SmsSender, { nullable: true, defaultValue: SmsSender.USER, description: "Who sent this message." })
  @IsOptional()
  @IsIn(Object.values(SmsSender), { message: `sender must be one of ${Object.values(SmsSender).join(", ")}` })
  sender?: SmsSender | null;

  @TimeOutField()
  timeOut?: number | null;

  @TimeoutMessageField()
  timeoutMessage?: string | null;

  @WarningTimeField()
  warningTime?: number | null;

  @WarningMessageField()
  warningMessage?: string | null;
}
