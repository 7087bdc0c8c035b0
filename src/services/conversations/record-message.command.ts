import type { JsonObject } from "../../entities/json";
import type { SmsSender } from "../../entities/sms-sender.enum";
import type { AgentNumberChannel } from "../agent-numbers/agent-number-channel.enum";

/** A message to record (createSmsConversation), already validated for shape and range. */
export interface RecordMessageCommand {
  userNumber: string;
  agentNumber: string;
  /** SMS or WhatsApp: a pair has one conversation per channel. (Default: SMS) */
  channel?: AgentNumberChannel | null;
  message: string;
  messageSid?: string | null;
  currPathwayId?: string | null;
  currPathwayVersion?: string | null;
  currentNodeId?: string | null;
  requestData?: JsonObject | null;
  newConversation?: boolean | null;
  sender?: SmsSender | null;
  timeOut?: number | null;
  timeoutMessage?: string | null;
  warningTime?: number | null;
  warningMessage?: string | null;
}
