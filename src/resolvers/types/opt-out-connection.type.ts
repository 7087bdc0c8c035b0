import { DateTimeISOResolver } from "graphql-scalars";
import { Field, ObjectType } from "type-graphql";
import type { SmsRecipient } from "../../entities/sms-recipient.entity";
import { PageInfo } from "./page-info.type";

@ObjectType("OptOut", {
  simpleResolvers: true,
  description: "A user opted out of an agent number's messages (across channels).",
})
export class OptOutType {
  @Field({ description: "E.164 number of the user." })
  userNumber!: string;

  @Field(() => DateTimeISOResolver, { description: "When the user's latest opt-out keyword was recorded." })
  optedOutAt!: Date;

  @Field({ description: "The keyword the user sent, upper-cased (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, OPTOUT or REVOKE)." })
  keyword!: string;

  static from(recipient: SmsRecipient): OptOutType {
    return Object.assign(new OptOutType(), {
      userNumber: recipient.userNumber,
      optedOutAt: recipient.optedOutAt!,
      keyword: recipient.optOutKeyword!,
    });
  }
}

@ObjectType({
  simpleResolvers: true,
  description: "An opt-out and its cursor.",
})
export class OptOutEdge {
  @Field({ description: "Opaque cursor of this opt-out." })
  cursor!: string;

  @Field(() => OptOutType, { description: "The opt-out." })
  node!: OptOutType;
}

@ObjectType({
  simpleResolvers: true,
  description: "A page of an agent number's opt-outs, earliest first.",
})
export class OptOutConnection {
  @Field(() => [OptOutEdge], { description: "The opt-outs of this page." })
  edges!: OptOutEdge[];

  @Field(() => PageInfo, { description: "Paging information." })
  pageInfo!: PageInfo;
}
