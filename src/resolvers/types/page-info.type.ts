import { Field, ObjectType } from "type-graphql";

@ObjectType({
  simpleResolvers: true,
  description: "Relay page information.",
})
export class PageInfo {
  @Field({ description: "Whether items follow this page (walking forward with `first`/`after`)." })
  hasNextPage!: boolean;

  @Field({ description: "Whether items precede this page (walking backward with `last`/`before`)." })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: "Cursor of the first item of this page; pass it as `before`." })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: "Cursor of the last item of this page; pass it as `after`." })
  endCursor!: string | null;
}
