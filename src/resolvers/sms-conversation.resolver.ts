import { GraphQLError } from "graphql";
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { parsePublicId, toPublicId } from "../services/public-id";
import type { Services } from "../services/services";
import { resolveTimeoutConfig } from "../services/timeout-config";
import type { AuthenticatedContext } from "./context.type";
import { CreateSmsConversationInput } from "./inputs/create-sms-conversation.input";
import { MessagesArgs } from "./inputs/messages.args";
import { CreateSmsConversationPayload } from "./types/create-sms-conversation.payload";
import { EffectiveTimeoutConfig } from "./types/effective-timeout-config.type";
import { SmsConversationType } from "./types/sms-conversation.type";
import { SmsMessageConnection } from "./types/sms-message-connection.type";
import { SmsMessageType } from "./types/sms-message.type";
import { UserError } from "./types/user-error.type";
import { WorkflowType } from "./types/workflow.type";
import { validateInput } from "./validate-input";

export const CREATED_MESSAGE = "SMS conversation created successfully";

@Resolver(() => SmsConversationType)
export class SmsConversationResolver {
  constructor(private readonly services: Services) {}

  @Authorized()
  @Query(() => SmsConversationType, {
    nullable: true,
    description: "A conversation of the calling account by id; null when there is none (or it is another account's).",
  })
  async smsConversation(
    @Arg("id", () => ID, { description: "A `conversationId` (`conv_…`)." }) id: string,
    @Ctx() { accountId }: AuthenticatedContext,
  ): Promise<SmsConversationType | null> {
    const uuid = parsePublicId("conversation", id);
    const conversation = uuid ? await this.services.conversations.findById(accountId, uuid) : null;
    return conversation ? SmsConversationType.from(conversation) : null;
  }

  @Authorized()
  @Mutation(() => CreateSmsConversationPayload, {
    description:
      "Records a message between a user and an agent number: continues the pair's active conversation or starts one, and triggers its workflow. The GraphQL form of `POST /v1/sms/create`.",
  })
  async createSmsConversation(
    @Arg("input", () => CreateSmsConversationInput) input: CreateSmsConversationInput,
    @Ctx() { accountId }: AuthenticatedContext,
  ): Promise<CreateSmsConversationPayload> {
    const invalid = await validateInput(input);
    if (invalid.length > 0) return rejected(invalid);

    const result = await this.services.conversations.create(accountId, input);
    if (!result.ok) {
      const { code, field, message } = result.problem;
      return rejected([Object.assign(new UserError(), { code, field: ["input", field], message })]);
    }
    return Object.assign(new CreateSmsConversationPayload(), {
      message: CREATED_MESSAGE,
      conversationId: toPublicId("conversation", result.conversation.id),
      workflowId: toPublicId("workflow", result.workflowId),
      conversation: SmsConversationType.from(result.conversation),
      archivedConversation: result.archivedConversation ? SmsConversationType.from(result.archivedConversation) : null,
      userErrors: [],
    });
  }

  @FieldResolver(() => SmsMessageConnection, { description: "The conversation's messages, oldest first." })
  async messages(@Root() conversation: SmsConversationType, @Args(() => MessagesArgs) args: MessagesArgs): Promise<SmsMessageConnection> {
    const invalid = await validateInput(args, "messages");
    if (invalid.length > 0) {
      throw new GraphQLError(invalid.map((error) => error.message).join("; "), { extensions: { code: "BAD_USER_INPUT" } });
    }
    const page = await this.services.messages.listForConversation(conversation.entity.id, args.first, args.after);
    return {
      edges: page.edges.map(({ cursor, node }) => ({ cursor, node: SmsMessageType.from(node) })),
      pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
    };
  }

  @FieldResolver(() => WorkflowType, { description: "The workflow processing this conversation." })
  async workflow(@Root() conversation: SmsConversationType): Promise<WorkflowType> {
    const workflow = await this.services.workflows.findByConversation(conversation.entity.id);
    if (!workflow) throw new Error(`conversation ${conversation.entity.id} has no workflow`);
    return WorkflowType.from(workflow, conversation.entity);
  }

  @FieldResolver(() => EffectiveTimeoutConfig, {
    description: "The timeout settings in force, each with its source: the conversation's override, else the agent number's `smsConfig`.",
  })
  async effectiveTimeoutConfig(@Root() conversation: SmsConversationType): Promise<EffectiveTimeoutConfig> {
    const { entity } = conversation;
    const number = await this.services.accounts.findAgentNumberById(entity.accountId, entity.agentNumberId);
    return resolveTimeoutConfig(entity, number?.smsConfig ?? {});
  }
}

function rejected(userErrors: UserError[]): CreateSmsConversationPayload {
  return Object.assign(new CreateSmsConversationPayload(), {
    message: null,
    conversationId: null,
    workflowId: null,
    conversation: null,
    archivedConversation: null,
    userErrors,
  });
}
