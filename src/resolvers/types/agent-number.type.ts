import { DateTimeISOResolver } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { NodeInterface } from "./node.interface";
import type { AgentNumber } from "../../entities/agent-number.entity";
import { toPublicId } from "../../services/shared/public-id";
import { OptOutRepliesType } from "./opt-out-replies.type";
import { TimeoutConfig } from "./timeout-config.type";

@ObjectType("AgentNumber", {
  simpleResolvers: true,
  implements: NodeInterface,
  description: "An E.164 number of the account's agent, with its default timeout settings per channel.",
})
export class AgentNumberType implements NodeInterface {
  /** Database id, for field resolvers. Not exposed. */
  internalId!: string;

  @Field(() => ID, { description: "Opaque id (`num_…`)." })
  id!: string;

  @Field({ description: "The E.164 number." })
  number!: string;

  @Field(() => TimeoutConfig, { description: "Timeout defaults of SMS conversations on this number." })
  smsConfig!: TimeoutConfig;

  @Field(() => TimeoutConfig, { description: "Timeout defaults of WhatsApp conversations on this number." })
  whatsappConfig!: TimeoutConfig;

  @Field(() => OptOutRepliesType, { description: "The texts of its replies to opt-out keywords (STOP, START, HELP, …)." })
  optOutReplies!: OptOutRepliesType;

  @Field(() => DateTimeISOResolver, { description: "When the number was registered." })
  createdAt!: Date;

  static from(number: AgentNumber): AgentNumberType {
    return Object.assign(new AgentNumberType(), {
      internalId: number.id,
      id: toPublicId("agentNumber", number.id),
      number: number.number,
      // A config holds the settings TimeoutConfig reads, under their names (unset ones absent: null).
      smsConfig: number.smsConfig,
      whatsappConfig: number.whatsappConfig,
      optOutReplies: OptOutRepliesType.from(number.optOutReplies ?? {}),
      createdAt: number.createdAt,
    });
  }
}
