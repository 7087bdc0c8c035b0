import { IsOptional, Matches } from "class-validator";
import { Field, InputType } from "type-graphql";
import type { UpdateOptOutRepliesCommand } from "../../services/opt-outs/opt-out.service";
import { E164 } from "../../services/shared/phone-number";
import { CHARACTERS, LIMITS } from "../validation/limits";
import { TextLength } from "../validation/text-length.decorator";
import { TEXT_RULE } from "../validation/text";

const textRule = (name: string) => `${name} must be 1 to ${LIMITS.messageLength} ${CHARACTERS}`;

@InputType({
  description: `New texts of an agent number's replies to opt-out keywords. A given text replaces the stored one, \`null\` restores the default, an omitted field stays. Every string must be ${TEXT_RULE}; lengths are in ${CHARACTERS}.`,
})
export class UpdateOptOutRepliesInput implements UpdateOptOutRepliesCommand {
  @Field({ description: "The E.164 agent number, registered to the calling account." })
  @Matches(E164, { message: "agentNumber must be an E.164 number: + then 2 to 15 digits, no spaces, e.g. +14155550123" })
  agentNumber!: string;

  @Field(() => String, { nullable: true, description: `Sent when a user opts out (STOP, …); 1 to ${LIMITS.messageLength} ${CHARACTERS}.` })
  @IsOptional()
  @TextLength(1, LIMITS.messageLength, { message: textRule("optOutMessage") })
  optOutMessage?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Sent when a user opts back in (START, UNSTOP, YES); 1 to ${LIMITS.messageLength} ${CHARACTERS}.`,
  })
  @IsOptional()
  @TextLength(1, LIMITS.messageLength, { message: textRule("optInMessage") })
  optInMessage?: string | null;

  @Field(() => String, { nullable: true, description: `Sent for HELP or INFO; 1 to ${LIMITS.messageLength} ${CHARACTERS}.` })
  @IsOptional()
  @TextLength(1, LIMITS.messageLength, { message: textRule("helpMessage") })
  helpMessage?: string | null;
}
