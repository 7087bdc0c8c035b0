import { type GraphQLFieldResolver, GraphQLObjectType, type GraphQLSchema } from "graphql";
import { getMetadataStorage } from "type-graphql";
import type { Context } from "./context.type";
import { assertAcceptableArguments } from "./validate-input";

/** For each field resolver method of a resolver class, how to call it with what graphql-js passes. */
export type DirectCalls<Resolver, Root> = Partial<
  Record<keyof Resolver & string, (root: Root, args: Record<string, unknown>, context: Context) => unknown>
>;

/**
 * Has graphql call the field resolvers in `calls` directly rather than through type-graphql's
 * per-call wrapper. The fields stay as type-graphql declares them (type, arguments,
 * description); only their `resolve` changes. The wrapper returns a promise for every field with
 * arguments (its argument validation is asynchronous) and builds an argument instance per call:
 * for a field resolved once per object of a list (a conversation's `agent` and `messages`), that
 * is per-object work the answer does not need. Arguments are held to the same text rule
 * (assertAcceptableArguments) before the call, as the wrapper's validateFn does.
 *
 * Nothing else of the wrapper runs, so a field named here may not use `@Authorized` or
 * middlewares (nor may the schema have global middlewares): building the schema throws if one
 * does, as it does for a name that is not a field resolver of `resolverClass`.
 */
export function resolveDirectly<Resolver, Root>(
  schema: GraphQLSchema,
  resolverClass: abstract new (...args: never[]) => Resolver,
  calls: DirectCalls<Resolver, Root>,
): void {
  for (const methodName of Object.keys(calls) as Array<keyof Resolver & string>) {
    const call = calls[methodName]!;
    const metadata = getMetadataStorage().fieldResolvers.find(
      (resolver) => resolver.target === resolverClass && resolver.methodName === methodName,
    );
    if (!metadata) throw new Error(`${resolverClass.name}.${methodName} is not a field resolver`);
    // `@Authorized()` without roles leaves an empty list of roles, not none.
    if (metadata.roles !== undefined || (metadata.middlewares?.length ?? 0) > 0)
      throw new Error(`${resolverClass.name}.${methodName} uses @Authorized or middlewares, which a direct call would skip`);
    const objectClass = metadata.getObjectType?.();
    const objectType = getMetadataStorage().objectTypes.find((candidate) => candidate.target === objectClass);
    const type = objectType && schema.getType(objectType.name);
    const field = type instanceof GraphQLObjectType ? type.getFields()[metadata.schemaName] : undefined;
    if (!field) throw new Error(`${resolverClass.name}.${methodName} resolves no field of the schema`);
    const resolve: GraphQLFieldResolver<Root, Context, Record<string, unknown>> = (root, args, context) => {
      assertAcceptableArguments(args);
      return call(root, args, context);
    };
    field.resolve = resolve;
  }
}
