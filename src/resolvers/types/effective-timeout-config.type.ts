import { Field, Int, ObjectType } from "type-graphql";
import { TimeoutConfigSource } from "../../services/shared/timeout-rules.sql";
import "./register-enums";
import { FIELD_COST } from "./field-cost";

@ObjectType({
  simpleResolvers: true,
  description: "An effective whole-seconds setting and where it comes from.",
})
export class EffectiveIntSetting {
  @Field(() => Int, { nullable: true, description: "The value in force; null when set nowhere." })
  value!: number | null;

  @Field(() => TimeoutConfigSource, { description: "Where the value comes from." })
  source!: TimeoutConfigSource;
}

@ObjectType({
  simpleResolvers: true,
  description: "An effective text setting and where it comes from.",
})
export class EffectiveStringSetting {
  @Field(() => String, { nullable: true, complexity: FIELD_COST.text, description: "The value in force; null when set nowhere." })
  value!: string | null;

  @Field(() => TimeoutConfigSource, { description: "Where the value comes from." })
  source!: TimeoutConfigSource;
}

@ObjectType({
  simpleResolvers: true,
  description: "The timeout settings in force for a conversation: its overrides, else its agent number's `smsConfig`.",
})
export class EffectiveTimeoutConfig {
  @Field(() => EffectiveIntSetting, { description: "Seconds of user silence before the conversation ends." })
  timeOut!: EffectiveIntSetting;

  @Field(() => EffectiveIntSetting, { description: "Seconds of user silence before the warning message." })
  warningTime!: EffectiveIntSetting;

  @Field(() => EffectiveStringSetting, { description: "Sent when the conversation times out." })
  timeoutMessage!: EffectiveStringSetting;

  @Field(() => EffectiveStringSetting, { description: "Sent at `warningTime`." })
  warningMessage!: EffectiveStringSetting;
}
