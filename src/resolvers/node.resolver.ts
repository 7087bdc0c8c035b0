import { Arg, Authorized, Ctx, ID, Query, Resolver } from "type-graphql";
import { parsePublicId } from "../services/shared/public-id";
import type { AuthenticatedContext } from "./context.type";
import { AgentNumberType } from "./types/agent-number.type";
import { NodeInterface } from "./types/node.interface";
import { SmsConversationType } from "./types/sms-conversation.type";
import { SmsMessageType } from "./types/sms-message.type";

@Resolver(() => NodeInterface)
export class NodeResolver {
  @Authorized()
  @Query(() => NodeInterface, {
    nullable: true,
    description: "Any conversation, message or agent number of the calling account by its id; null when there is none.",
  })
  async node(
    @Arg("id", () => ID, { description: "A global id (`conv_…`, `msg_…`, `num_…`)." }) id: string,
    @Ctx() { loaders }: AuthenticatedContext,
  ): Promise<NodeInterface | null> {
    const conversationId = parsePublicId("conversation", id);
    if (conversationId) {
      const conversation = await loaders.conversation.load(conversationId);
      return conversation ? SmsConversationType.from(conversation) : null;
    }
    const messageId = parsePublicId("message", id);
    if (messageId) {
      const message = await loaders.message.load(messageId);
      return message ? SmsMessageType.from(message) : null;
    }
    const numberId = parsePublicId("agentNumber", id);
    if (numberId) {
      const number = await loaders.agentNumber.load(numberId);
      return number ? AgentNumberType.from(number) : null;
    }
    return null;
  }
}
