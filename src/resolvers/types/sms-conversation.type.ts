import { AgentNumberChannel } from "../../services/agent-numbers/agent-number-channel.enum";
import { DateTimeISOResolver, JSONObjectResolver } from "graphql-scalars";
import { Field, ID, ObjectType } from "type-graphql";
import { NodeInterface } from "./node.interface";
import type { AgentNumber } from "../../entities/agent-number.entity";
import type { SmsConversation } from "../../entities/sms-conversation.entity";
import type { SmsMessage } from "../../entities/sms-message.entity";
import type { Page } from "../../services/shared/pagination";
import { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { toPublicId } from "../../services/shared/public-id";
import "./register-enums";
import { TimeoutConfig } from "./timeout-config.type";
import { FIELD_COST } from "./field-cost";

@ObjectType("SmsConversation", {
  simpleResolvers: true,
  implements: NodeInterface,
  description: "A conversation between a user number and one of the account's agent numbers.",
})
export class SmsConversationType implements NodeInterface {
  /** The row behind this object, for field resolvers: only the properties its selection reads, when read with them. Not exposed. */
  entity!: SmsConversation;

  /** What was read with the row for its field resolvers (conversation-includes.ts), message pages by pageShapeOf. Not exposed. */
  included?: { agent?: AgentNumber; messagePages?: Map<number, Page<SmsMessage>> };

  @Field(() => ID, { description: "Opaque id (`conv_…`); the mutation's `conversationId`." })
  id!: string;

  @Field({ description: "E.164 number of the user." })
  userNumber!: string;

  @Field({ description: "E.164 number of the agent." })
  agentNumber!: string;

  @Field(() => AgentNumberChannel, {
    description: "SMS or WHATSAPP: a pair has one conversation per channel, each taking its defaults from its channel's config.",
  })
  channel!: AgentNumberChannel;

  @Field(() => SmsConversationStatus, { description: "Where the conversation is in its lifecycle." })
  status!: SmsConversationStatus;

  @Field(() => String, { nullable: true, description: "UUID of the pathway the conversation is on." })
  currPathwayId!: string | null;

  @Field(() => String, { nullable: true, description: 'Version of the pathway, e.g. "latest" or "v1.0".' })
  currPathwayVersion!: string | null;

  @Field(() => String, { nullable: true, description: "Node of the pathway where the conversation is." })
  currentNodeId!: string | null;

  @Field(() => JSONObjectResolver, {
    nullable: true,
    complexity: FIELD_COST.jsonObject,
    description: "Caller metadata for routing or analytics.",
  })
  requestData!: object | null;

  @Field(() => TimeoutConfig, { description: "Timeout overrides stored on this conversation." })
  timeoutConfig!: TimeoutConfig;

  @Field(() => DateTimeISOResolver, { description: "When the conversation started." })
  createdAt!: Date;

  @Field(() => DateTimeISOResolver, { description: "When the conversation last changed." })
  updatedAt!: Date;

  @Field(() => DateTimeISOResolver, { nullable: true, description: "When a newer conversation replaced it." })
  archivedAt!: Date | null;

  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description: "When the pending warning timer fires (the user has been silent since an agent message); null when none is pending.",
  })
  warningAt!: Date | null;

  @Field(() => DateTimeISOResolver, {
    nullable: true,
    description: "When the pending timeout fires and ends the conversation; null when none is pending.",
  })
  timeoutAt!: Date | null;

  @Field(() => DateTimeISOResolver, { nullable: true, description: "When the timeout flow ended the conversation." })
  timedOutAt!: Date | null;

  /** Every exposed field from `conversation`, assigned here so that each object has them all from the start. */
  private constructor(conversation: SmsConversation) {
    this.entity = conversation;
    this.id = toPublicId("conversation", conversation.id);
    this.userNumber = conversation.userNumber;
    this.agentNumber = conversation.agentNumber;
    this.channel = conversation.channel;
    this.status = conversation.status;
    this.currPathwayId = conversation.currPathwayId;
    this.currPathwayVersion = conversation.currPathwayVersion;
    this.currentNodeId = conversation.currentNodeId;
    this.requestData = conversation.requestData;
    // The row has the four settings TimeoutConfig reads, under their names.
    this.timeoutConfig = conversation;
    this.createdAt = conversation.createdAt;
    this.updatedAt = conversation.updatedAt;
    this.archivedAt = conversation.archivedAt;
    this.warningAt = conversation.warningAt;
    this.timeoutAt = conversation.timeoutAt;
    this.timedOutAt = conversation.timedOutAt;
  }

  static from(conversation: SmsConversation): SmsConversationType {
    return new SmsConversationType(conversation);
  }
}
