import { Arg, Authorized, Ctx, Mutation, Resolver } from "type-graphql";
import type { Services } from "../services/services";
import type { AuthenticatedContext } from "./context.type";
import { UpdateAgentNumberConfigInput } from "./inputs/update-agent-number-config.input";
import { AgentNumberType } from "./types/agent-number.type";
import { UpdateAgentNumberConfigPayload } from "./types/update-agent-number-config.payload";
import { UserError } from "./types/user-error.type";
import { validateInput } from "./validate-input";

@Resolver(() => AgentNumberType)
export class AgentNumberResolver {
  constructor(private readonly services: Services) {}

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
    const result = await this.services.agentNumbers.updateConfig(accountId, input);
    if (!result.ok) {
      const { code, field, message } = result.problem;
      const error = Object.assign(new UserError(), { code, field: ["input", field], message });
      return Object.assign(new UpdateAgentNumberConfigPayload(), { agentNumber: null, userErrors: [error] });
    }
    return Object.assign(new UpdateAgentNumberConfigPayload(), { agentNumber: AgentNumberType.from(result.agentNumber), userErrors: [] });
  }
}
