import type { SmsMessageKind } from "../../entities/sms-message-kind.enum";
import type { EventPublisher } from "../../events/event-publisher";
import { ParleyEventType } from "../../events/parley-event";
import type { ConversationTimerPayload } from "../workflows/workflow-contract";
import type { WorkflowService } from "../workflows/workflow.service";
import type { MessageRecorder } from "./message-recorder";

export type TimerOutcome =
  /** The timer fired: its messages are recorded and handed off. */
  | { kind: "fired"; sent: SmsMessageKind[] }
  /** Not due yet (an early job): put back at `fireAt`. */
  | { kind: "rescheduled"; fireAt: Date }
  /** Nothing to do: cancelled, restarted, already fired, or the conversation ended. */
  | { kind: "stale" };

/**
 * The silence-timeout flow. Jobs run at least once and several workers share them, so whether a
 * timer fires is decided by the write path (RECORD_MESSAGES_SQL) under the conversation's row
 * lock, from the conversation's own state: a timer fires only if it is still pending and due,
 * and firing clears it in the transaction that records its messages — a second run, on any
 * worker, finds nothing to do.
 */
export class TimeoutFlowService {
  constructor(
    private readonly recorder: MessageRecorder,
    private readonly workflows: WorkflowService,
    private readonly events: EventPublisher,
  ) {}

  async fireTimer({ conversationId, kind }: ConversationTimerPayload): Promise<TimerOutcome> {
    const row = await this.recorder.record({ op: "TIMER", conversationId, timer: kind });
    // Its messages' deliveries (or its new schedule) wait in the outbox: tell this process's relay.
    if (row.jobs > 0) this.workflows.workEnqueued({ outbox: true, setups: false });
    switch (row.outcome) {
      case "FIRED": {
        const accountId = row.account_id!;
        if (row.listened) {
          this.events.publish([
            ...row.message_ids.map((messageId) => ({ type: ParleyEventType.SMS_MESSAGE_ADDED, accountId, conversationId, messageId })),
            { type: ParleyEventType.SMS_CONVERSATION_UPDATED, accountId, conversationId },
          ]);
        }
        return { kind: "fired", sent: row.sent };
      }
      case "RESCHEDULED":
        return { kind: "rescheduled", fireAt: row.fire_at! };
      case "STALE":
        return { kind: "stale" };
      default:
        throw new Error(`unexpected outcome ${row.outcome} of a timer`);
    }
  }
}
