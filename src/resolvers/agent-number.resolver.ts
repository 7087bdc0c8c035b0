import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { mapPage } from "../services/shared/pagination";
import type { AgentNumberService } from "../services/agent-numbers/agent-number.service";
import type { OptOutService } from "../services/opt-outs/opt-out.service";
import type { AuthenticatedContext, Context } from "./context.type";
import { ConnectionArgs } from "./inputs/connection.args";
import { UpdateAgentNumberConfigInput } from "./inputs/update-agent-number-config.input";
import { UpdateOptOutRepliesInput } from "./inputs/update-opt-out-replies.input";
import { AgentNumberConnection } from "./types/agent-number-connection.type";
import { AgentNumberType } from "./types/agent-number.type";
import { OptOutConnection, OptOutType } from "./types/opt-out-connection.type";
import { UpdateAgentNumberConfigPayload } from "./types/update-agent-number-config.payload";
import { UpdateOptOutRepliesPayload } from "./types/update-opt-out-replies.payload";
import { UserError } from "./types/user-error.type";
import { validateInput } from "./validate-input";

@Resolver(() => AgentNumberType)
export class AgentNumberResolver {
  constructor(
    private readonly agentNumberService: AgentNumberService,
    private readonly optOutService: OptOutService,
  ) {}

  @Authorized()
  @Query(() => AgentNumberConnection, { description: "The account's agent numbers, in number order." })
  async agentNumbers(
    @Args(() => ConnectionArgs) paging: ConnectionArgs,
    @Ctx() { accountId, loaders }: AuthenticatedContext,
  ): Promise<AgentNumberConnection> {
    const page = await this.agentNumberService.list(accountId, paging);
    for (const { node } of page.edges) loaders.agentNumber.prime(node.id, node);
    return mapPage(page, (node) => AgentNumberType.from(node));
  }

  @Authorized()
  @Query(() => AgentNumberType, {
    nullable: true,
    description: "One of the account's agent numbers; null when it is not registered to this account.",
  })
  async agentNumber(
    @Arg("number", { description: "The E.164 number, e.g. `+14155550100`." }) number: string,
    @Ctx() { accountId }: AuthenticatedContext,
  ): Promise<AgentNumberType | null> {
    const found = await this.agentNumberService.findByNumber(accountId, number);
    return found ? AgentNumberType.from(found) : null;
  }

  @FieldResolver(() => OptOutConnection, {
    description: "The users opted out of this number (STOP, …, on any channel) and not opted back in, earliest opt-out first.",
  })
  async optOuts(@Root() number: AgentNumberType, @Args(() => ConnectionArgs) paging: ConnectionArgs): Promise<OptOutConnection> {
    const page = await this.optOutService.listOptedOut(number.internalId, paging);
    return mapPage(page, (node) => OptOutType.from(node));
  }

  @FieldResolver(() => Int, { description: "How many conversations (any status) this number has had." })
  conversationCount(@Root() number: AgentNumberType, @Ctx() { loaders }: Context): Promise<number> {
    return loaders.conversationCount.load(number.internalId);
  }

  @Authorized()
  @Mutation(() => UpdateAgentNumberConfigPayload, {
    description: "Sets the timeout defaults of one channel of an agent number. The GraphQL form of `POST /v1/sms/update`.",
  })
  async updateAgentNumberConfig(
    @Arg("input", () => UpdateAgentNumberConfigInput) input: UpdateAgentNumberConfigInput,
    @Ctx() { accountId }: AuthenticatedContext,
  ): Promise<UpdateAgentNumberConfigPayload> {
    const invalid = await validateInput(input);
    if (invalid.length > 0) return Object.assign(new UpdateAgentNumberConfigPayload(), { agentNumber: null, userErrors: invalid });
    const result = await this.agentNumberService.updateConfig(accountId, input);
    if (!result.ok) {
      const { code, field, message } = result.problem;
      const error = Object.assign(new UserError(), { code, field: ["input", field], message });
      return Object.assign(new UpdateAgentNumberConfigPayload(), { agentNumber: null, userErrors: [error] });
    }
    return Object.assign(new UpdateAgentNumberConfigPayload(), { agentNumber: AgentNumberType.from(result.agentNumber), userErrors: [] });
  }

  @Authorized()
  @Mutation(() => UpdateOptOutRepliesPayload, {
    description: "Sets the texts an agent number replies to opt-out keywords with (STOP, START, HELP, …); `null` restores a default.",
  })
  async updateOptOutReplies(
    @Arg("input", () => UpdateOptOutRepliesInput) input: UpdateOptOutRepliesInput,
    @Ctx() { accountId }: AuthenticatedContext,
  ): Promise<UpdateOptOutRepliesPayload> {
    const invalid = await validateInput(input);
    if (invalid.length > 0) return Object.assign(new UpdateOptOutRepliesPayload(), { agentNumber: null, userErrors: invalid });
    const result = await this.optOutService.updateReplies(accountId, input);
    if (!result.ok) {
      const { code, field, message } = result.problem;
      const error = Object.assign(new UserError(), { code, field: ["input", field], message });
      return Object.assign(new UpdateOptOutRepliesPayload(), { agentNumber: null, userErrors: [error] });
    }
    const [number] = await this.agentNumberService.findByIds(accountId, [result.agentNumberId]);
    return Object.assign(new UpdateOptOutRepliesPayload(), { agentNumber: AgentNumberType.from(number), userErrors: [] });
  }
}
