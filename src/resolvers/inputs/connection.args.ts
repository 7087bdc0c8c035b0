import { ArgsType, Field, Int } from "type-graphql";
import type { PageArgs } from "../../services/shared/pagination";

/** Relay paging. Ranges and combinations are checked by the services (BAD_USER_INPUT). */
@ArgsType()
export class ConnectionArgs implements PageArgs {
  @Field(() => Int, { nullable: true, description: "Items from the start (or after `after`): 0 to 100, default 20." })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "Return items after this cursor (an `endCursor`)." })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: "Items from the end (or before `before`): 0 to 100. Not with `first`." })
  last?: number | null;

  @Field(() => String, { nullable: true, description: "Return items before this cursor (a `startCursor`)." })
  before?: string | null;
}
