import { DateTimeISOResolver } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { NodeInterface } from "./node.interface";
import type { SmsMessage } from "../../entities/sms-message.entity";
import { DeliveryStatus } from "../../entities/delivery-status.enum";
import { SmsMessageKind } from "../../entities/sms-message-kind.enum";
import { SmsSender } from "../../entities/sms-sender.enum";
import { toPublicId } from "../../services/shared/public-id";
import "./register-enums";
import { FIELD_COST } from "./field-cost";

@ObjectType("SmsMessage", {
  simpleResolvers: true,
  implements: NodeInterface,
  description: "One message of a conversation.",
})
export class SmsMessageType implements NodeInterface {
  /** Database ids, for field resolvers. Not exposed. */
  internalId!: string;
  conversationId!: string;

  @Field(() => ID, { description: "Opaque id (`msg_…`)." })
  id!: string;

  @Field(() => SmsSender, { description: "Who sent it." })
  sender!: SmsSender;

  @Field(() => SmsMessageKind, { description: "A normal message, or one sent by the timeout flow." })
  kind!: SmsMessageKind;

  @Field({ complexity: FIELD_COST.text, description: "The text." })
  body!: string;

  @Field(() => String, { nullable: true, description: "The provider's message SID, when given." })
  messageSid!: string | null;

  @Field(() => DeliveryStatus, {
    nullable: true,
    description:
      "For messages Parley sends itself (`sendSmsMessage`'s, the timeout flow's): where delivery stands. Null for recorded messages.",
  })
  deliveryStatus!: DeliveryStatus | null;

  @Field(() => DateTimeISOResolver, { description: "When Parley recorded it." })
  createdAt!: Date;

  /** Every exposed field from `message`, assigned here so that each object has them all from the start. */
  private constructor(message: SmsMessage) {
    this.internalId = message.id;
    this.conversationId = message.conversationId;
    this.id = toPublicId("message", message.id);
    this.sender = message.sender;
    this.kind = message.kind;
    this.body = message.body;
    this.messageSid = message.messageSid;
    this.deliveryStatus = message.deliveryStatus;
    this.createdAt = message.createdAt;
  }

  static from(message: SmsMessage): SmsMessageType {
    return new SmsMessageType(message);
  }
}
