import { IsIn, IsInt, IsOptional, Matches, Max, Min } from "class-validator";
import { Field, InputType, Int } from "type-graphql";
import { AgentNumberChannel } from "../../services/agent-numbers/agent-number-channel.enum";
import type { UpdateAgentNumberConfigCommand } from "../../services/agent-numbers/agent-number.service";
import { E164 } from "../../services/shared/phone-number";
import "../types/register-enums";
import { CHARACTERS, LIMITS } from "../validation/limits";
import { TextLength } from "../validation/text-length.decorator";
import { TEXT_RULE } from "../validation/text";

const SECONDS_RULE = `an integer from ${LIMITS.minSeconds} to ${LIMITS.maxSeconds} seconds (30 days)`;

@InputType({
  description: `New timeout defaults for one channel of an agent number (the REST platform's \`POST /v1/sms/update\`). A given value replaces the stored one, \`null\` clears it, an omitted field stays. Every string must be ${TEXT_RULE}; lengths are in ${CHARACTERS}.`,
})
export class UpdateAgentNumberConfigInput implements UpdateAgentNumberConfigCommand {
  @Field({ description: "The E.164 agent number, registered to the calling account." })
  @Matches(E164, { message: "agentNumber must be an E.164 number: + then 2 to 15 digits, no spaces, e.g. +14155550123" })
  agentNumber!: string;

  @Field(() => AgentNumberChannel, {
    description: "`SMS` changes `smsConfig` (used by SMS conversations); `WHATSAPP` changes `whatsappConfig`.",
  })
  @IsIn(Object.values(AgentNumberChannel), { message: "channel must be one of SMS, WHATSAPP" })
  channel!: AgentNumberChannel;

  @Field(() => Int, { nullable: true, description: "Seconds of user silence after an agent message before the conversation ends." })
  @IsOptional()
  @IsInt({ message: `timeOut must be ${SECONDS_RULE}` })
  @Min(LIMITS.minSeconds, { message: `timeOut must be ${SECONDS_RULE}` })
  @Max(LIMITS.maxSeconds, { message: `timeOut must be ${SECONDS_RULE}` })
  timeOut?: number | null;

  @Field(() => String, { nullable: true, description: `Sent when the timeout fires; 1 to ${LIMITS.messageLength} ${CHARACTERS}.` })
  @IsOptional()
  @TextLength(1, LIMITS.messageLength, { message: `timeoutMessage must be 1 to ${LIMITS.messageLength} ${CHARACTERS}` })
  timeoutMessage?: string | null;

  @Field(() => Int, { nullable: true, description: "Seconds of user silence before the warning message; less than `timeOut`." })
  @IsOptional()
  @IsInt({ message: `warningTime must be ${SECONDS_RULE}` })
  @Min(LIMITS.minSeconds, { message: `warningTime must be ${SECONDS_RULE}` })
  @Max(LIMITS.maxSeconds, { message: `warningTime must be ${SECONDS_RULE}` })
  warningTime?: number | null;

  @Field(() => String, { nullable: true, description: `Sent at \`warningTime\`; 1 to ${LIMITS.messageLength} ${CHARACTERS}.` })
  @IsOptional()
  @TextLength(1, LIMITS.messageLength, { message: `warningMessage must be 1 to ${LIMITS.messageLength} ${CHARACTERS}` })
  warningMessage?: string | null;
}
