import { IsOptional, Matches } from "class-validator";
import { DateTimeISOResolver } from "graphql-scalars";
import { Field, InputType } from "type-graphql";
import { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { AgentNumberChannel } from "../../services/agent-numbers/agent-number-channel.enum";
import { E164 } from "../../services/shared/phone-number";
import type { SmsConversationFilter } from "../../services/conversations/sms-conversation-query.service";
import "../types/register-enums";

@InputType({ description: "Conditions a conversation must all meet to be listed." })
export class SmsConversationFilterInput implements SmsConversationFilter {
  @Field(() => SmsConversationStatus, { nullable: true, description: "Only conversations in this status." })
  status?: SmsConversationStatus | null;

  @Field(() => String, { nullable: true, description: "Only conversations with this E.164 user number." })
  @IsOptional()
  @Matches(E164, { message: "filter.userNumber must be an E.164 number, e.g. +14155550123" })
  userNumber?: string | null;

  @Field(() => String, { nullable: true, description: "Only conversations on this E.164 agent number." })
  @IsOptional()
  @Matches(E164, { message: "filter.agentNumber must be an E.164 number, e.g. +14155550123" })
  agentNumber?: string | null;

  @Field(() => AgentNumberChannel, { nullable: true, description: "Only conversations on this channel." })
  channel?: AgentNumberChannel | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: "Only conversations created after this time." })
  createdAfter?: Date | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: "Only conversations created before this time." })
  createdBefore?: Date | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: "Only conversations updated after this time." })
  updatedAfter?: Date | null;
}
