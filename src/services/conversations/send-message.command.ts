import type { JsonObject } from "../../entities/json";
import type { AgentNumberChannel } from "../agent-numbers/agent-number-channel.enum";

/**
 * An agent message for Parley to send to a user (sendSmsMessage; the body of `POST /v1/sms/send`,
 * field for field, and its `idempotency-key` header), already validated for shape and range.
 */
export interface SendMessageCommand {
  userNumber: string;
  agentNumber: string;
  /** SMS or WhatsApp. (Default: SMS) */
  channel?: AgentNumberChannel | null;
  /** The text to send. Required: Parley does not generate replies. */
  agentMessage: string;
  requestData?: JsonObject | null;
  newConversation?: boolean | null;
  timeOut?: number | null;
  timeoutMessage?: string | null;
  warningTime?: number | null;
  warningMessage?: string | null;
  /** Makes the send idempotent: a repeat answers the first call's ids and sends nothing. */
  idempotencyKey?: string | null;
}
