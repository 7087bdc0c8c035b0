import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { authChecker } from "./resolvers/auth-checker";
import { AgentNumberResolver } from "./resolvers/agent-number.resolver";
import { SmsConversationResolver } from "./resolvers/sms-conversation.resolver";
import { SmsMessageResolver } from "./resolvers/sms-message.resolver";
import type { Services } from "./services/services";

export const resolvers = [SmsConversationResolver, SmsMessageResolver, AgentNumberResolver] as const;

/**
 * Builds the executable schema. Without services it still prints (for `schema.graphql`), but
 * resolvers cannot run.
 */
export async function buildParleySchema(services?: Services): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>(resolvers.map((Resolver) => [Resolver, new Resolver(services as Services)]));
  return buildSchema({
    resolvers,
    authChecker,
    // Inputs are validated by the resolvers so that failures become userErrors, not top-level errors.
    validate: false,
    container: { get: (someClass) => instances.get(someClass) },
  });
}

/** The SDL committed as `schema.graphql`, sorted so that diffs stay readable. */
export function printParleySchema(schema: GraphQLSchema): string {
  return (
    "# Generated from the code by `npm run schema:print`; do not edit. A test fails when it is stale.\n\n" +
    printSchema(lexicographicSortSchema(schema)) +
    "\n"
  );
}
