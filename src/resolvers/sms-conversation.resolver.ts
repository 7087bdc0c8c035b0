import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import { attachIncluded, conversationIncludes, conversationListIncludes, includesAnything } from "./conversation-includes";
import { type ParleyEvent, ParleyEventType } from "../events/parley-event";
import { accountEvents } from "./subscription-filter";
import { mapPage, type Page, pageShapeOf, toPageRequest } from "../services/shared/pagination";
import type { SmsMessage } from "../entities/sms-message.entity";
import { parsePublicId, toPublicId } from "../services/shared/public-id";
import type { SmsConversationQueryService } from "../services/conversations/sms-conversation-query.service";
import type { RecordMessageResult, SmsConversationService } from "../services/conversations/sms-conversation.service";
import type { SmsMessageService } from "../services/conversations/sms-message.service";
import type { AuthenticatedContext, Context } from "./context.type";
import { ConnectionArgs } from "./inputs/connection.args";
import { CreateSmsConversationInput } from "./inputs/create-sms-conversation.input";
import { SmsConversationFilterInput } from "./inputs/sms-conversation-filter.input";
import { SmsConversationOrderInput } from "./inputs/sms-conversation-order.input";
import { SendSmsMessageInput } from "./inputs/send-sms-message.input";
import { AgentNumberType } from "./types/agent-number.type";
import { CreateSmsConversationPayload } from "./types/create-sms-conversation.payload";
import { EffectiveTimeoutConfig } from "./types/effective-timeout-config.type";
import { SendSmsMessagePayload } from "./types/send-sms-message.payload";
import { SmsConversationConnection } from "./types/sms-conversation-connection.type";
import { SmsConversationType } from "./types/sms-conversation.type";
import { SmsMessageConnection } from "./types/sms-message-connection.type";
import { SmsMessageType } from "./types/sms-message.type";
import { UserError } from "./types/user-error.type";
import { WorkflowType } from "./types/workflow.type";
import { assertValidArgs, validateInput } from "./validate-input";

export const CREATED_MESSAGE = "SMS conversation created successfully";

@Resolver(() => SmsConversationType)
export class SmsConversationResolver {
  constructor(
    private readonly conversationService: SmsConversationService,
    private readonly conversationQueryService: SmsConversationQueryService,
    private readonly messageService: SmsMessageService,
  ) {}

  @Authorized()
  @Query(() => SmsConversationType, {
    nullable: true,
    description: "A conversation of the calling account by id; null when there is none (or it is another account's).",
  })
  async smsConversation(
    @Arg("id", () => ID, { description: "A `conversationId` (`conv_…`)." }) id: string,
    @Ctx() { accountId, loaders }: AuthenticatedContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<SmsConversationType | null> {
    const uuid = parsePublicId("conversation", id);
    if (!uuid) return null;
    const includes = conversationIncludes(info);
    // Without nested fields to read with it, the conversation loads with any other of the request.
    if (!includesAnything(includes)) {
      const conversation = await loaders.conversation.load(uuid);
      return conversation ? SmsConversationType.from(conversation) : null;
    }
    const found = await this.conversationQueryService.findWithIncludes(accountId, uuid, includes);
    if (!found.conversation) return null;
    const conversation = SmsConversationType.from(found.conversation);
    attachIncluded(loaders, includes, found, [conversation]);
    return conversation;
  }

  @Authorized()
  @Query(() => SmsConversationConnection, {
    description: "The account's conversations, filtered and ordered, as a Relay connection (keyset paging, opaque cursors).",
  })
  async smsConversations(
    @Args(() => ConnectionArgs) paging: ConnectionArgs,
    @Arg("filter", () => SmsConversationFilterInput, { nullable: true, description: "Conditions, all of which must hold." })
    filter: SmsConversationFilterInput | null,
    @Arg("orderBy", () => SmsConversationOrderInput, {
      nullable: true,
      description: "Order of the list. (Default: `{ field: CREATED_AT, direction: DESC }`)",
    })
    orderBy: SmsConversationOrderInput | null,
    @Ctx() { accountId, loaders }: AuthenticatedContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<SmsConversationConnection> {
    if (filter) await assertValidArgs(filter, "filter");
    const includes = conversationListIncludes(info);
    const page = await this.conversationQueryService.list(accountId, { ...paging, filter, orderBy }, includes);
    const connection = mapPage(page, (node) => SmsConversationType.from(node));
    // Their field resolvers (agent, messages) find what was read with them without another statement.
    attachIncluded(
      loaders,
      includes,
      page,
      connection.edges.map((edge) => edge.node),
    );
    return Object.assign(new SmsConversationConnection(), { ...connection, count: page.totalCount });
  }

  @Authorized()
  @Mutation(() => CreateSmsConversationPayload, {
    description:
      "Records a message between a user and an agent number: continues the pair's active conversation or starts one, and triggers its workflow. The GraphQL form of `POST /v1/sms/create`.",
  })
  async createSmsConversation(
    @Arg("input", () => CreateSmsConversationInput) input: CreateSmsConversationInput,
    @Ctx() { accountId, loaders }: AuthenticatedContext,
  ): Promise<CreateSmsConversationPayload> {
    const invalid = await validateInput(input);
    if (invalid.length > 0) return rejected(invalid);

    const result = await this.conversationService.recordMessage(accountId, input);
    // Rows read earlier in this request (an earlier mutation field) are stale now.
    loaders.clearAll();
    if (!result.ok) return rejected(problemOf(result));
    return Object.assign(new CreateSmsConversationPayload(), {
      message: CREATED_MESSAGE,
      conversationId: toPublicId("conversation", result.conversationId),
      workflowId: toPublicId("workflow", result.workflowId),
      conversationRowId: result.conversationId,
      archivedConversationRowId: result.archivedConversationId,
      userErrors: [],
    });
  }

  @Authorized()
  @Mutation(() => SendSmsMessagePayload, {
    description:
      "Sends an agent message to a user: records it in the pair's active conversation or starts one, hands it to the outbound delivery (the account's webhook, else the queue an SMS provider reads; `deliveryStatus` `QUEUED`) and starts the silence timers, in one transaction. The GraphQL form of `POST /v1/sms/send`.",
  })
  async sendSmsMessage(
    @Arg("input", () => SendSmsMessageInput) input: SendSmsMessageInput,
    @Ctx() { accountId, loaders }: AuthenticatedContext,
  ): Promise<SendSmsMessagePayload> {
    const invalid = await validateInput(input);
    if (invalid.length > 0) return notSent(invalid);

    const result = await this.conversationService.sendMessage(accountId, input);
    loaders.clearAll();
    if (!result.ok) return notSent(problemOf(result));
    return Object.assign(new SendSmsMessagePayload(), {
      conversationId: toPublicId("conversation", result.conversationId),
      workflowId: toPublicId("workflow", result.workflowId),
      messageRowId: result.messageId,
      conversationRowId: result.conversationId,
      archivedConversationRowId: result.archivedConversationId,
      userErrors: [],
    });
  }

  @Authorized()
  @Subscription(() => SmsConversationType, {
    subscribe: accountEvents(ParleyEventType.SMS_CONVERSATION_UPDATED),
    description:
      "A conversation of the account (or the given one) as it is after each change: a message, pathway state, status (archived, timed out), timers scheduled or fired.",
  })
  async smsConversationUpdated(
    @Root() event: ParleyEvent,
    @Arg("conversationId", () => ID, { nullable: true, description: "Only this conversation." }) _conversationId: string | null,
    @Ctx() { loaders }: Context,
  ): Promise<SmsConversationType> {
    loaders.clearAll();
    const conversation = await loaders.conversation.load(event.conversationId);
    if (!conversation) throw new Error(`conversation ${event.conversationId} of an event is not readable`);
    return SmsConversationType.from(conversation);
  }

  @FieldResolver(() => SmsMessageConnection, { description: "The conversation's messages, oldest first." })
  messages(
    @Root() conversation: SmsConversationType,
    @Args(() => ConnectionArgs) paging: ConnectionArgs,
    @Ctx() { loaders }: Context,
  ): SmsMessageConnection | Promise<SmsMessageConnection> {
    const request = toPageRequest(paging);
    const conversationId = conversation.entity.id;
    const connection = (page: Page<SmsMessage>) => mapPage(page, (node) => SmsMessageType.from(node));
    if (request.cursor !== null) return this.messageService.listForConversation(conversationId, paging).then(connection);
    // Read with the conversation: answered without a promise; else pages of many conversations load in one statement.
    const included = conversation.included?.messagePages?.get(pageShapeOf(request));
    return included ? connection(included) : loaders.firstMessages(request).load(conversationId).then(connection);
  }

  @FieldResolver(() => AgentNumberType, { description: "The agent number of the conversation, with its configs." })
  agent(@Root() conversation: SmsConversationType, @Ctx() { loaders }: Context): AgentNumberType | Promise<AgentNumberType> {
    // Read with the conversation: answered without a promise.
    const included = conversation.included?.agent;
    if (included) return AgentNumberType.from(included);
    return loaders.agentNumber.load(conversation.entity.agentNumberId).then((number) => {
      if (!number) throw new Error(`conversation ${conversation.entity.id} has no agent number`);
      return AgentNumberType.from(number);
    });
  }

  @FieldResolver(() => WorkflowType, { description: "The workflow processing this conversation." })
  async workflow(@Root() conversation: SmsConversationType, @Ctx() { loaders }: Context): Promise<WorkflowType> {
    const workflow = await loaders.workflow.load(conversation.entity.id);
    if (!workflow) throw new Error(`conversation ${conversation.entity.id} has no workflow`);
    return WorkflowType.from(workflow, conversation.entity);
  }

  @FieldResolver(() => Boolean, {
    description:
      "Whether the user opted out (STOP, …) of this agent number, on any channel, and has not opted back in (START, UNSTOP, YES): agent messages to them are refused with `RECIPIENT_OPTED_OUT`.",
  })
  userOptedOut(@Root() conversation: SmsConversationType, @Ctx() { loaders }: Context): Promise<boolean> {
    return loaders.userOptedOut.load(conversation.entity.id);
  }

  @FieldResolver(() => EffectiveTimeoutConfig, {
    description: "The timeout settings in force, each with its source: the conversation's override, else the agent number's `smsConfig`.",
  })
  async effectiveTimeoutConfig(@Root() conversation: SmsConversationType, @Ctx() { loaders }: Context): Promise<EffectiveTimeoutConfig> {
    const config = await loaders.effectiveTimeoutConfig.load(conversation.entity.id);
    if (!config) throw new Error(`conversation ${conversation.entity.id} has no effective config`);
    return config;
  }
}

/** A service's refusal as the payload's userErrors, its field under the `input` argument. */
function problemOf(result: Extract<RecordMessageResult, { ok: false }>): UserError[] {
  const { code, field, message } = result.problem;
  return [Object.assign(new UserError(), { code, field: ["input", field], message })];
}

function notSent(userErrors: UserError[]): SendSmsMessagePayload {
  return Object.assign(new SendSmsMessagePayload(), {
    conversationId: null,
    workflowId: null,
    messageRowId: null,
    conversationRowId: null,
    archivedConversationRowId: null,
    userErrors,
  });
}

function rejected(userErrors: UserError[]): CreateSmsConversationPayload {
  return Object.assign(new CreateSmsConversationPayload(), {
    message: null,
    conversationId: null,
    workflowId: null,
    conversationRowId: null,
    archivedConversationRowId: null,
    userErrors,
  });
}
