import type { GraphQLSchema } from "graphql";
import { SpanKind, inSpan, inSpanMaybeAsync } from "./spans";

/**
 * Each mutation field's resolver runs in a span, `resolve Mutation.<field>`, a child of its
 * operation's span: the step that writes. Wraps the schema's resolvers once, before any operation
 * is compiled (graphql-jit reads them when it compiles), so an untraced process pays nothing.
 */
export function traceMutationResolvers(schema: GraphQLSchema): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const field of Object.values(mutation.getFields())) {
    const resolve = field.resolve;
    if (!resolve) continue;
    const name = `resolve Mutation.${field.name}`;
    const attributes = { "graphql.field.name": field.name, "graphql.field.type": String(field.type) };
    field.resolve = (source, args, context, info) => inSpanMaybeAsync(name, { attributes }, () => resolve(source, args, context, info));
  }
}

/**
 * Runs one GraphQL operation in a span named as OpenTelemetry's conventions name it
 * (`mutation CreateConversation`), with its type and name as attributes and never its document
 * or variables (they hold personal data).
 */
export function inOperationSpan<T>(type: string, name: string | null | undefined, run: () => Promise<T>): Promise<T> {
  return inSpan(
    name ? `${type} ${name}` : type,
    {
      kind: SpanKind.INTERNAL,
      attributes: { "graphql.operation.type": type, ...(name ? { "graphql.operation.name": name } : {}) },
    },
    run,
  );
}
