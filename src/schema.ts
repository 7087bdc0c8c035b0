import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { authChecker } from "./resolvers/auth-checker";
import { AgentNumberResolver } from "./resolvers/agent-number.resolver";
import { CreateSmsConversationPayloadResolver } from "./resolvers/create-sms-conversation-payload.resolver";
import { NodeResolver } from "./resolvers/node.resolver";
import { SmsConversationResolver } from "./resolvers/sms-conversation.resolver";
import { SmsMessageResolver } from "./resolvers/sms-message.resolver";
import { AgentNumberType } from "./resolvers/types/agent-number.type";
import { SmsConversationType } from "./resolvers/types/sms-conversation.type";
import { SmsMessageType } from "./resolvers/types/sms-message.type";
import { refuseUnacceptableText } from "./resolvers/validate-input";
import type { Services } from "./services/services";
import { createEventPubSub, type SchemaPubSub } from "./events/event-bus";

export const resolvers = [
  SmsConversationResolver,
  SmsMessageResolver,
  AgentNumberResolver,
  NodeResolver,
  CreateSmsConversationPayloadResolver,
] as const;

/**
 * Builds the executable schema. Without services it still prints (for `schema.graphql`), but
 * resolvers cannot run.
 */
export async function buildParleySchema(services?: Services, pubSub: SchemaPubSub = createEventPubSub()): Promise<GraphQLSchema> {
  const instances = new Map<unknown, unknown>(resolvers.map((Resolver) => [Resolver, new Resolver(services as Services)]));
  // Node's concrete types are listed so that `node(id:)` can return them.
  const orphanedTypes = [SmsConversationType, SmsMessageType, AgentNumberType];
  return buildSchema({
    resolvers,
    orphanedTypes,
    authChecker,
    pubSub,
    // Inputs are validated by the resolvers so that failures become userErrors, not top-level errors.
    validate: false,
    // Every other argument is held to the text rule before its resolver runs.
    validateFn: refuseUnacceptableText,
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
