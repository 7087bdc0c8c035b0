import "reflect-metadata";
import { graphqlSync, type GraphQLSchema } from "graphql";
import { Arg, Authorized, buildSchema, Field, FieldResolver, Int, ObjectType, Query, Resolver, Root } from "type-graphql";
import { resolveDirectly } from "../src/resolvers/direct-field-resolvers";
import { TEXT_RULE } from "../src/resolvers/validation/text";

@ObjectType("Box")
class Box {
  @Field(() => Int)
  size!: number;
}

@Resolver(() => Box)
class BoxResolver {
  @Query(() => Box)
  box(): Box {
    return Object.assign(new Box(), { size: 3 });
  }

  @FieldResolver(() => String)
  label(@Root() box: Box, @Arg("prefix", () => String) prefix: string): string {
    return `${prefix}${box.size}`;
  }

  @Authorized()
  @FieldResolver(() => String)
  secret(): string {
    return "secret";
  }
}

const build = (): Promise<GraphQLSchema> => buildSchema({ resolvers: [BoxResolver], authChecker: () => false, validate: false });
const resolver = new BoxResolver();

describe("resolveDirectly", () => {
  it("answers a field with arguments without a promise, through the resolver method", async () => {
    const schema = await build();
    resolveDirectly<BoxResolver, Box>(schema, BoxResolver, { label: (box, args) => resolver.label(box, args.prefix as string) });

    const result = graphqlSync({ schema, source: '{ box { size label(prefix: "#") } }' });

    expect(result).toEqual({ data: { box: { size: 3, label: "#3" } } });
  });

  it("holds the arguments to the text rule before the call, as type-graphql's validateFn does", async () => {
    const schema = await build();
    const calls: string[] = [];
    resolveDirectly<BoxResolver, Box>(schema, BoxResolver, {
      label: (box, args) => {
        calls.push(args.prefix as string);
        return resolver.label(box, args.prefix as string);
      },
    });

    const result = graphqlSync({ schema, source: '{ box { label(prefix: "a\\u0000") } }' });

    expect(result.errors?.map((error) => [error.message, error.extensions])).toEqual([
      [`prefix must be ${TEXT_RULE}`, { code: "BAD_USER_INPUT", argument: "prefix" }],
    ]);
    expect(calls).toEqual([]);
  });

  it("refuses a field resolver behind @Authorized, whose check a direct call would skip", async () => {
    const schema = await build();

    expect(() => resolveDirectly<BoxResolver, Box>(schema, BoxResolver, { secret: () => resolver.secret() })).toThrow(
      "BoxResolver.secret uses @Authorized or middlewares, which a direct call would skip",
    );
  });

  it("refuses a method that is not a field resolver of the class", async () => {
    const schema = await build();

    expect(() => resolveDirectly<BoxResolver, Box>(schema, BoxResolver, { box: () => resolver.box() })).toThrow(
      "BoxResolver.box is not a field resolver",
    );
  });
});
