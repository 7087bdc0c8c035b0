import { Field, Int, ObjectType } from "type-graphql";
import { PageInfo } from "./page-info.type";
import { SmsConversationType } from "./sms-conversation.type";

@ObjectType({
  simpleResolvers: true,
  description: "A conversation and its cursor.",
})
export class SmsConversationEdge {
  @Field({ description: "Opaque cursor of this conversation (valid for this account and ordering only)." })
  cursor!: string;

  @Field(() => SmsConversationType, { description: "The conversation." })
  node!: SmsConversationType;
}

@ObjectType({
  simpleResolvers: true,
  description: "A page of conversations.",
})
export class SmsConversationConnection {
  @Field(() => [SmsConversationEdge], { description: "The conversations of this page." })
  edges!: SmsConversationEdge[];

  @Field(() => PageInfo, { description: "Paging information." })
  pageInfo!: PageInfo;

  /** Counts lazily: only a query that asks for totalCount pays for it. */
  count!: () => Promise<number>;

  @Field(() => Int, { description: "Conversations matching the filter, all pages together." })
  totalCount(): Promise<number> {
    return this.count();
  }
}
