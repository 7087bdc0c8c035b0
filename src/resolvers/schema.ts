import "reflect-metadata";
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from "graphql";
import { buildSchema, type PubSub } from "type-graphql";
import { authChecker } from "./auth-checker";
import { resolveDirectly } from "./direct-field-resolvers";
import { AgentNumberResolver } from "./agent-number.resolver";
import { CreateSmsConversationPayloadResolver } from "./create-sms-conversation-payload.resolver";
import { NodeResolver } from "./node.resolver";
import { SendSmsMessagePayloadResolver } from "./send-sms-message-payload.resolver";
import { SmsConversationResolver } from "./sms-conversation.resolver";
import { SmsMessageResolver } from "./sms-message.resolver";
import { AgentNumberType } from "./types/agent-number.type";
import { SmsConversationType } from "./types/sms-conversation.type";
import { SmsMessageType } from "./types/sms-message.type";
import { refuseUnacceptableText } from "./validate-input";
import type { Services } from "../services/services";

export const resolvers = [
  SmsConversationResolver,
  SmsMessageResolver,
  AgentNumberResolver,
  NodeResolver,
  CreateSmsConversationPayloadResolver,
  SendSmsMessagePayloadResolver,
] as const;

/**
 * type-graphql requires a PubSub once there are subscriptions, but every Parley subscription has
 * its own `subscribe` (resolvers/subscription-filter.ts), which hears events through its
 * connection's bounded queues: nothing may subscribe here.
 */
const noPubSub: PubSub = {
  publish: () => {
    throw new Error("events are published by the EventPublisher, not through the schema");
  },
  subscribe: () => {
    throw new Error("subscriptions hear events through their context (Context.events), not through the schema");
  },
};

/**
 * Builds the executable schema. Without services it still prints (for `schema.graphql`), but
 * resolvers cannot run.
 */
export async function buildParleySchema(services?: Services): Promise<GraphQLSchema> {
  // Each resolver gets the services it uses. Without services (printing), they are never called.
  const s = services ?? ({} as Services);
  const conversations = new SmsConversationResolver(s.conversations, s.conversationQueries, s.messages);
  const instances = new Map<unknown, unknown>([
    [SmsConversationResolver, conversations],
    [SmsMessageResolver, new SmsMessageResolver()],
    [AgentNumberResolver, new AgentNumberResolver(s.agentNumbers, s.optOuts)],
    [NodeResolver, new NodeResolver()],
    [CreateSmsConversationPayloadResolver, new CreateSmsConversationPayloadResolver()],
    [SendSmsMessagePayloadResolver, new SendSmsMessagePayloadResolver()],
  ]);
  // Node's concrete types are listed so that `node(id:)` can return them.
  const orphanedTypes = [SmsConversationType, SmsMessageType, AgentNumberType];
  const schema = await buildSchema({
    resolvers,
    orphanedTypes,
    authChecker,
    pubSub: noPubSub,
    // Inputs are validated by the resolvers so that failures become userErrors, not top-level errors.
    validate: false,
    // Every other argument is held to the text rule before its resolver runs.
    validateFn: refuseUnacceptableText,
    container: { get: (someClass) => instances.get(someClass) },
  });
  // Resolved once per conversation of a page: called without type-graphql's per-call wrapper.
  resolveDirectly<SmsConversationResolver, SmsConversationType>(schema, SmsConversationResolver, {
    agent: (conversation, _args, context) => conversations.agent(conversation, context),
    messages: (conversation, args, context) => conversations.messages(conversation, args, context),
  });
  return schema;
}

/** The SDL committed as `schema.graphql`, sorted so that diffs stay readable. */
export function printParleySchema(schema: GraphQLSchema): string {
  return (
    "# Generated from the code by `npm run schema:print`; do not edit. A test fails when it is stale.\n\n" +
    printSchema(lexicographicSortSchema(schema)) +
    "\n"
  );
}
