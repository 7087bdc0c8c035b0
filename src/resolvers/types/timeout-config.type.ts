import { Field, Int, ObjectType } from "type-graphql";
import { FIELD_COST } from "./field-cost";

@ObjectType({
  simpleResolvers: true,
  description:
    "Timeout settings: a conversation's overrides (each beats the agent number's `smsConfig` and persists until replaced), or an agent number's channel defaults. Null means not set here.",
})
export class TimeoutConfig {
  @Field(() => Int, { nullable: true, description: "Seconds of user silence after an agent message before the conversation ends." })
  timeOut!: number | null;

  @Field(() => Int, { nullable: true, description: "Seconds of user silence before the warning message; less than `timeOut`." })
  warningTime!: number | null;

  @Field(() => String, { nullable: true, complexity: FIELD_COST.text, description: "Sent when the conversation times out." })
  timeoutMessage!: string | null;

  @Field(() => String, { nullable: true, complexity: FIELD_COST.text, description: "Sent at `warningTime`." })
  warningMessage!: string | null;
}
