import { IsOptional, Max, Min } from "class-validator";
import { ArgsType, Field, Int } from "type-graphql";

export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class MessagesArgs {
  @Field(() => Int, { defaultValue: 20, description: `How many messages, 0 to ${MAX_PAGE_SIZE}.` })
  @Min(0, { message: `first must be from 0 to ${MAX_PAGE_SIZE}` })
  @Max(MAX_PAGE_SIZE, { message: `first must be from 0 to ${MAX_PAGE_SIZE}` })
  first!: number;

  @Field(() => String, { nullable: true, description: "Return the messages after this cursor (an `endCursor`)." })
  @IsOptional()
  after?: string | null;
}
