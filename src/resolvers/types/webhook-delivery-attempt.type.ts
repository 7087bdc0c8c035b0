import { DateTimeISOResolver } from "graphql-scalars";
import { Field, Int, ObjectType } from "type-graphql";
import type { WebhookDeliveryAttempt } from "../../entities/webhook-delivery-attempt.entity";

@ObjectType("WebhookDeliveryAttempt", {
  simpleResolvers: true,
  description: "One POST of an outbound message to the account's webhook.",
})
export class WebhookDeliveryAttemptType {
  @Field(() => Int, { description: "1 for the first attempt." })
  attempt!: number;

  @Field(() => DateTimeISOResolver, { description: "When the POST started." })
  attemptedAt!: Date;

  @Field(() => Int, { nullable: true, description: "HTTP status of the answer; null when none came." })
  statusCode!: number | null;

  @Field(() => Int, { description: "Milliseconds until the answer (or the failure)." })
  latencyMs!: number;

  @Field(() => String, { nullable: true, description: "Why it failed; null on success." })
  error!: string | null;

  static from(attempt: WebhookDeliveryAttempt): WebhookDeliveryAttemptType {
    const { attempt: n, attemptedAt, statusCode, latencyMs, error } = attempt;
    return Object.assign(new WebhookDeliveryAttemptType(), { attempt: n, attemptedAt, statusCode, latencyMs, error });
  }
}
