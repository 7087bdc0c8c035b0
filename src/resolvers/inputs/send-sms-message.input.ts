import type { JsonObject } from "../../entities/json";
import { IsOptional, Matches } from "class-validator";
import { Field, InputType } from "type-graphql";
import type { AgentNumberChannel } from "../../services/agent-numbers/agent-number-channel.enum";
import type { SendMessageCommand } from "../../services/conversations/send-message.command";
import { CHARACTERS, IDEMPOTENCY_KEY, LIMITS } from "../validation/limits";
import { TextLength } from "../validation/text-length.decorator";
import { TEXT_RULE } from "../validation/text";
import {
  AgentNumberField,
  ChannelField,
  NewConversationField,
  RequestDataField,
  TimeOutField,
  TimeoutMessageField,
  UserNumberField,
  WarningMessageField,
  WarningTimeField,
} from "./message-input.fields";

@InputType({
  description: `An agent message for Parley to send to a user, starting or continuing their conversation. Mirrors \`POST /v1/sms/send\` (its \`idempotency-key\` header is \`idempotencyKey\`). Every string, and every key and string inside \`requestData\`, must be ${TEXT_RULE}; lengths are in ${CHARACTERS}.`,
})
export class SendSmsMessageInput implements SendMessageCommand {
  @UserNumberField()
  userNumber!: string;

  @AgentNumberField()
  agentNumber!: string;

  @ChannelField()
  channel?: AgentNumberChannel | null;

  /**
   * Nullable in the schema only so that a missing text is answered in `userErrors`, with the
   * reason, rather than as a top-level error: the rule below requires it.
   */
  @Field(() => String, {
    nullable: true,
    description: `The text to send, as the agent: 1 to ${LIMITS.messageLength} ${CHARACTERS}. Required: Parley does not generate replies (a missing or empty text is \`INVALID_INPUT\`).`,
  })
  @TextLength(1, LIMITS.messageLength, {
    message: `agentMessage is required, 1 to ${LIMITS.messageLength} ${CHARACTERS}: Parley does not generate replies, so the agent's text must be given`,
  })
  agentMessage!: string;

  @RequestDataField()
  requestData?: JsonObject | null;

  @NewConversationField()
  newConversation?: boolean | null;

  @TimeOutField()
  timeOut?: number | null;

  @TimeoutMessageField()
  timeoutMessage?: string | null;

  @WarningTimeField()
  warningTime?: number | null;

  @WarningMessageField()
  warningMessage?: string | null;

  @Field(() => String, {
    nullable: true,
    description: `Makes the send idempotent (up to ${LIMITS.idempotencyKeyLength} visible ASCII characters, e.g. a UUID; unique per account): a repeat with the same numbers and \`agentMessage\` answers the first call's ids and sends nothing; a repeat that differs is \`IDEMPOTENCY_KEY_CONFLICT\`.`,
  })
  @IsOptional()
  @TextLength(1, LIMITS.idempotencyKeyLength, { message: `idempotencyKey must be 1 to ${LIMITS.idempotencyKeyLength} characters` })
  @Matches(IDEMPOTENCY_KEY, { message: "idempotencyKey must be visible ASCII characters without spaces" })
  idempotencyKey?: string | null;
}
