import { SmsSender } from "../../entities/sms-sender.enum";
import { AgentNumberChannel } from "../agent-numbers/agent-number-channel.enum";
import type { EventPublisher } from "../../events/event-publisher";
import { type ParleyEvent, ParleyEventType } from "../../events/parley-event";
import type { AgentNumberService } from "../agent-numbers/agent-number.service";
import { UserErrorCode } from "../shared/user-error-code.enum";
import type { UserInputProblem } from "../shared/user-input-error";
import type { WorkflowService } from "../workflows/workflow.service";
import type { MessageRecorder, RecordedRow } from "./message-recorder";
import type { MessageCall } from "./record-call";
import type { RecordMessageCommand } from "./record-message.command";
import type { SendMessageCommand } from "./send-message.command";
import { TimeoutConfigSource, TimeoutRuleViolation } from "../shared/timeout-rules.sql";

export type RecordMessageResult =
  | {
      ok: true;
      conversationId: string;
      workflowId: string;
      /** The message recorded (for a replay, the original one). */
      messageId: string;
      /** The conversation this call archived (`newConversation: true`), if any. */
      archivedConversationId: string | null;
      /** True when `messageSid` (or a send's idempotency key) matched an earlier call and nothing was written. */
      replayed: boolean;
    }
  | { ok: false; problem: UserInputProblem };

export class SmsConversationService {
  constructor(
    private readonly agentNumbers: AgentNumberService,
    private readonly workflows: WorkflowService,
    private readonly events: EventPublisher,
    private readonly recorder: MessageRecorder,
  ) {}

  /**
   * Records a message between a user and one of the account's agent numbers: continues the
   * pair's ACTIVE conversation or starts one, and triggers its workflow, in one transaction
   * (MessageRecorder; the rules are in RECORD_MESSAGES_SQL). Races for a pair or a messageSid are
   * settled by unique indexes; callers never see them.
   */
  async recordMessage(accountId: string, command: RecordMessageCommand): Promise<RecordMessageResult> {
    return this.record(accountId, command, {});
  }

  /**
   * Sends an agent message to a user: recorded as recordMessage records an AGENT message (the
   * conversation continued or started, the silence timers started), and in the same transaction
   * marked QUEUED and handed to the outbound delivery port — the account's webhook, or the queue
   * an SMS provider reads — as the timeout flow's messages are. With an idempotency key, a repeat
   * (same numbers and text) answers the first call's ids and sends nothing; the key used for
   * another message is IDEMPOTENCY_KEY_CONFLICT.
   */
  async sendMessage(accountId: string, command: SendMessageCommand): Promise<RecordMessageResult> {
    const message: RecordMessageCommand = {
      userNumber: command.userNumber,
      agentNumber: command.agentNumber,
      channel: command.channel,
      message: command.agentMessage,
      sender: SmsSender.AGENT,
      requestData: command.requestData,
      newConversation: command.newConversation,
      timeOut: command.timeOut,
      timeoutMessage: command.timeoutMessage,
      warningTime: command.warningTime,
      warningMessage: command.warningMessage,
    };
    return this.record(accountId, message, { deliver: true, idempotencyKey: command.idempotencyKey ?? null });
  }

  private async record(
    accountId: string,
    command: RecordMessageCommand,
    send: Pick<MessageCall, "deliver" | "idempotencyKey">,
  ): Promise<RecordMessageResult> {
    // REST names channels in lower case (sms, whatsapp), GraphQL in upper case. Object.assign,
    // not `{ ...command, channel }`: docs/decisions/0016.
    command = Object.assign({}, command, {
      channel: (command.channel?.toUpperCase() as AgentNumberChannel | undefined) ?? AgentNumberChannel.SMS,
    });
    const ref = await this.agentNumbers.findRef(accountId, command.agentNumber);
    if (!ref) {
      // Same answer whether another account has the number or nobody does.
      return failure({
        code: UserErrorCode.AGENT_NUMBER_NOT_FOUND,
        field: "agentNumber",
        message: "the agent number is not registered to this account",
      });
    }
    const row = await this.recorder.record({ op: "MESSAGE", ref, command, ...send });
    switch (row.outcome) {
      case "SID_CONFLICT":
        return failure({
          code: UserErrorCode.MESSAGE_SID_CONFLICT,
          field: "messageSid",
          message:
            "this messageSid was already used for a different message (numbers, sender or body differ); use a new messageSid for a new message",
        });
      case "KEY_CONFLICT":
        return failure({
          code: UserErrorCode.IDEMPOTENCY_KEY_CONFLICT,
          field: "idempotencyKey",
          message:
            "this idempotencyKey was already used for a different message (numbers or agentMessage differ); use a new idempotencyKey for a new message",
        });
      case "REFUSED":
        return failure(timeoutRuleProblem(row, command));
      case "OPTED_OUT":
        return failure({
          code: UserErrorCode.RECIPIENT_OPTED_OUT,
          field: "userNumber",
          message:
            "the user opted out of this agent number's messages (STOP or a like keyword); an agent message is accepted again once they opt back in (START, UNSTOP or YES)",
        });
      case "REPLAYED":
        return {
          ok: true,
          conversationId: row.conversation_id!,
          workflowId: await this.workflowOf(row),
          messageId: row.message_ids[0],
          archivedConversationId: null,
          replayed: true,
        };
      case "WRITTEN":
        break;
      default:
        throw new Error(`unexpected outcome ${row.outcome} of a message`);
    }
    const conversationId = row.conversation_id!;
    // A new workflow waits for its setup, timers for the relay: tell this process's worker.
    if (row.started || row.jobs > 0) this.workflows.workEnqueued({ outbox: row.jobs > 0, setups: row.started });
    // No process listed a subscriber when the statement ran: a NOTIFY would wake listeners for nothing.
    if (row.listened) this.events.publish(messageEvents(accountId, conversationId, row));
    return {
      ok: true,
      conversationId,
      workflowId: await this.workflowOf(row),
      messageId: row.message_ids[0],
      archivedConversationId: row.archived_id,
      replayed: false,
    };
  }

  /** The call's workflow: a conversation started by a concurrent transaction has one the statement could not see yet. */
  private async workflowOf(row: RecordedRow): Promise<string> {
    return row.workflow_id ?? (await this.workflows.findByConversation(row.conversation_id!)).id;
  }
}

function messageEvents(accountId: string, conversationId: string, row: RecordedRow): ParleyEvent[] {
  return [
    ...row.message_ids.map((messageId) => ({ type: ParleyEventType.SMS_MESSAGE_ADDED, accountId, conversationId, messageId })),
    { type: ParleyEventType.SMS_CONVERSATION_UPDATED, accountId, conversationId },
    ...(row.archived_id ? [{ type: ParleyEventType.SMS_CONVERSATION_UPDATED, accountId, conversationId: row.archived_id }] : []),
    ...row.silenced_ids.map((id) => ({ type: ParleyEventType.SMS_CONVERSATION_UPDATED, accountId, conversationId: id })),
  ];
}

const configName = (channel: AgentNumberChannel | null | undefined): string =>
  channel === AgentNumberChannel.WHATSAPP ? "whatsappConfig" : "smsConfig";
const describeSource = (source: TimeoutConfigSource | null, channel: AgentNumberChannel | null | undefined): string =>
  source === TimeoutConfigSource.CONVERSATION ? "conversation override" : `agent number's ${configName(channel)}`;

/**
 * INVALID_TIMEOUT_CONFIG worded from what the statement found in force; it blames what this call
 * set: warningTime if given, else timeOut.
 */
function timeoutRuleProblem(row: RecordedRow, command: RecordMessageCommand): UserInputProblem {
  const field = command.warningTime != null ? "warningTime" : "timeOut";
  const warning = row.effective_warning_time;
  const message =
    row.violation === TimeoutRuleViolation.WARNING_NEEDS_TIME_OUT
      ? `warningTime (${warning} s) needs a timeOut, but none is set on the conversation or the agent number's ${configName(command.channel)}; send timeOut too`
      : `warningTime (${warning} s, ${describeSource(row.effective_warning_time_source, command.channel)}) must be less than timeOut ` +
        `(${row.effective_time_out} s, ${describeSource(row.effective_time_out_source, command.channel)})`;
  return { code: UserErrorCode.INVALID_TIMEOUT_CONFIG, field, message };
}

function failure(problem: UserInputProblem): RecordMessageResult {
  return { ok: false, problem };
}
