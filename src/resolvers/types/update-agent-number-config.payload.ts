import { Field, ObjectType } from "type-graphql";
import { AgentNumberType } from "./agent-number.type";
import { UserError } from "./user-error.type";

@ObjectType({
  simpleResolvers: true,
  description: "Result of updateAgentNumberConfig: the number as it now is, or `userErrors` and nothing changed.",
})
export class UpdateAgentNumberConfigPayload {
  @Field(() => AgentNumberType, { nullable: true, description: "The agent number after the change." })
  agentNumber!: AgentNumberType | null;

  @Field(() => [UserError], { description: "Problems with the input; empty on success." })
  userErrors!: UserError[];
}
