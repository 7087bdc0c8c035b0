import { Field, ObjectType } from "type-graphql";
import type { OptOutReplies } from "../../entities/opt-out-replies";
import { DEFAULT_OPT_REPLIES, OptAction } from "../../services/conversations/opt-out-keywords";
import { FIELD_COST } from "./field-cost";

@ObjectType("OptOutReplies", {
  simpleResolvers: true,
  description: "The texts an agent number replies to opt-out keywords with: its own, else the defaults.",
})
export class OptOutRepliesType {
  @Field({
    description: "Sent when a user opts out (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT, REVOKE).",
    complexity: FIELD_COST.text,
  })
  optOutMessage!: string;

  @Field({ description: "Sent when a user opts back in (START, UNSTOP, YES).", complexity: FIELD_COST.text })
  optInMessage!: string;

  @Field({ description: "Sent for HELP or INFO.", complexity: FIELD_COST.text })
  helpMessage!: string;

  static from(replies: OptOutReplies): OptOutRepliesType {
    return Object.assign(new OptOutRepliesType(), {
      optOutMessage: replies.optOutMessage ?? DEFAULT_OPT_REPLIES[OptAction.OUT],
      optInMessage: replies.optInMessage ?? DEFAULT_OPT_REPLIES[OptAction.IN],
      helpMessage: replies.helpMessage ?? DEFAULT_OPT_REPLIES[OptAction.HELP],
    });
  }
}
