import { Field, ObjectType } from "type-graphql";
import { PageInfo } from "./page-info.type";
import { SmsMessageType } from "./sms-message.type";

@ObjectType({
  simpleResolvers: true,
  description: "A message and its cursor.",
})
export class SmsMessageEdge {
  @Field({ description: "Opaque cursor of this message." })
  cursor!: string;

  @Field(() => SmsMessageType, { description: "The message." })
  node!: SmsMessageType;
}

@ObjectType({
  simpleResolvers: true,
  description: "A page of messages, oldest first.",
})
export class SmsMessageConnection {
  @Field(() => [SmsMessageEdge], { description: "The messages of this page." })
  edges!: SmsMessageEdge[];

  @Field(() => PageInfo, { description: "Paging information." })
  pageInfo!: PageInfo;
}
