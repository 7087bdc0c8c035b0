import { Field, ObjectType } from "type-graphql";
import { AgentNumberType } from "./agent-number.type";
import { PageInfo } from "./page-info.type";

@ObjectType({
  simpleResolvers: true,
  description: "An agent number and its cursor.",
})
export class AgentNumberEdge {
  @Field({ description: "Opaque cursor of this number." })
  cursor!: string;

  @Field(() => AgentNumberType, { description: "The agent number." })
  node!: AgentNumberType;
}

@ObjectType({
  simpleResolvers: true,
  description: "A page of the account's agent numbers, in number order.",
})
export class AgentNumberConnection {
  @Field(() => [AgentNumberEdge], { description: "The numbers of this page." })
  edges!: AgentNumberEdge[];

  @Field(() => PageInfo, { description: "Paging information." })
  pageInfo!: PageInfo;
}
