import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { Account } from "../../entities/account.entity";
import { AgentNumber } from "../../entities/agent-number.entity";
import { DeliveryStatus } from "../../entities/delivery-status.enum";
import { SmsConversation } from "../../entities/sms-conversation.entity";
import { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { SmsMessage } from "../../entities/sms-message.entity";
import { SmsMessageKind } from "../../entities/sms-message-kind.enum";
import { SmsSender } from "../../entities/sms-sender.enum";
import type { EventPublisher } from "../../events/event-publisher";
import { type ParleyEvent, ParleyEventType } from "../../events/parley-event";
import type { OutboundDeliveryPort } from "../outbound/outbound-delivery.port";
import type { PendingTimers } from "./conversation-timers";
import { resolveTimeoutConfig } from "./timeout-config";
import { type ConversationTimerPayload, TimerKind } from "../workflows/workflow-contract";
import type { WorkflowService } from "../workflows/workflow.service";

export type TimerOutcome =
  /** The timer fired: its messages are recorded and handed off. */
  | { kind: "fired"; sent: SmsMessageKind[] }
  /** Not due yet (an early job): put back at `fireAt`, through the outbox, under the row lock. */
  | { kind: "rescheduled"; fireAt: Date }
  /** Nothing to do: cancelled, restarted, already fired, or the conversation ended. */
  | { kind: "stale" };

/** A job may run this much before its time (clock steps, poll jitter) and still fire. */
const EARLY_TOLERANCE_MS = 50;

/**
 * The silence-timeout flow. Jobs run at least once and several workers share them, so firing is
 * decided under the conversation's row lock from the conversation's own state: a timer fires only
 * if it is still pending and due, and firing clears it in the same transaction that records the
 * message — a second run, on any worker, finds nothing to do.
 */
export class TimeoutFlowService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: WorkflowService,
    private readonly delivery: OutboundDeliveryPort,
    private readonly events: EventPublisher,
  ) {}

  async fireTimer(payload: ConversationTimerPayload): Promise<TimerOutcome> {
    const events: ParleyEvent[] = [];
    const outcome = await this.fireTimerOnce(payload, events);
    // Its messages' deliveries (or its new schedule) wait in the outbox: tell this process's relay.
    if (outcome.kind !== "stale") this.workflows.workEnqueued({ outbox: true, setups: false });
    this.events.publish(events);
    return outcome;
  }

  /** Fills `events` with what subscribers are told once the transaction has committed. */
  private async fireTimerOnce({ workflowId, conversationId, kind }: ConversationTimerPayload, events: ParleyEvent[]): Promise<TimerOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const conversation = await manager
        .getRepository(SmsConversation)
        .findOne({ where: { id: conversationId }, lock: { mode: "pessimistic_write" } });
      if (!conversation || conversation.status !== SmsConversationStatus.ACTIVE) return { kind: "stale" };
      const fireAt = kind === TimerKind.WARNING ? conversation.warningAt : conversation.timeoutAt;
      if (!fireAt) return { kind: "stale" };
      // The database's clock decides, as it does for graphile-worker's run_at: workers' clocks may drift.
      const [{ now }] = (await manager.query("SELECT now() AS now")) as Array<{ now: Date }>;
      if (fireAt.getTime() > now.getTime() + EARLY_TOLERANCE_MS) {
        // Ordered with any newer schedule of this timer: both go through the outbox under this lock.
        const ids = { workflowId, conversationId };
        const pending: PendingTimers = kind === TimerKind.WARNING ? { warningAt: fireAt, timeoutAt: null } : { warningAt: null, timeoutAt: fireAt };
        await this.workflows.scheduleTimers(manager, ids, pending, pending);
        return { kind: "rescheduled", fireAt };
      }

      const number = await manager.getRepository(AgentNumber).findOneByOrFail({ id: conversation.agentNumberId });
      const account = await manager.getRepository(Account).findOneByOrFail({ id: conversation.accountId });
      const config = resolveTimeoutConfig(conversation, number.smsConfig);
      const send = async (messageKind: SmsMessageKind, body: string | null) => {
        if (!body) return null;
        const message = manager.create(SmsMessage, {
          id: randomUUID(),
          conversationId,
          accountId: conversation.accountId,
          sender: SmsSender.AGENT,
          kind: messageKind,
          body,
          messageSid: null,
          deliveryStatus: DeliveryStatus.QUEUED,
        });
        await manager.insert(SmsMessage, message);
        await this.delivery.handOff(manager, message, account, workflowId);
        events.push({ type: ParleyEventType.SMS_MESSAGE_ADDED, accountId: conversation.accountId, conversationId, messageId: message.id });
        return messageKind;
      };

      const sent: Array<SmsMessageKind | null> = [];
      // A warning still pending when the end fires (a worker was down) goes out first: in order.
      const warningDue = conversation.warningAt !== null && conversation.warningAt.getTime() <= now.getTime() + EARLY_TOLERANCE_MS;
      if (kind === TimerKind.WARNING || warningDue) {
        sent.push(await send(SmsMessageKind.TIMEOUT_WARNING, config.warningMessage.value));
      }
      if (kind === TimerKind.WARNING) {
        await manager.update(SmsConversation, { id: conversationId }, { warningAt: null });
      } else {
        sent.push(await send(SmsMessageKind.TIMEOUT_END, config.timeoutMessage.value));
        await manager.update(
          SmsConversation,
          { id: conversationId },
          { status: SmsConversationStatus.TIMED_OUT, timedOutAt: () => "now()", warningAt: null, timeoutAt: null },
        );
        await this.workflows.complete(manager, conversationId);
      }
      events.push({ type: ParleyEventType.SMS_CONVERSATION_UPDATED, accountId: conversation.accountId, conversationId });
      return { kind: "fired", sent: sent.filter((k): k is SmsMessageKind => k !== null) };
    });
  }
}
