import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import type { AgentNumber } from "../../entities/agent-number.entity";
import { SmsConversation } from "../../entities/sms-conversation.entity";
import { SmsConversationStatus } from "../../entities/sms-conversation-status.enum";
import { SmsMessage } from "../../entities/sms-message.entity";
import { SmsMessageKind } from "../../entities/sms-message-kind.enum";
import { SmsSender } from "../../entities/sms-sender.enum";
import type { TimeoutSettings } from "../../entities/timeout-settings";
import type { Pool } from "pg";
import type { AgentNumberRef, AgentNumberService } from "../agent-numbers/agent-number.service";
import { isUniqueViolation } from "../../errors/unique-violation";
import { RECORD_MESSAGE_SQL } from "./sql/record-message.sql";
import type { RecordedMessageRow } from "./sql/recorded-message-row";
import type { EventPublisher } from "../../events/event-publisher";
import { type ParleyEvent, ParleyEventType } from "../../events/parley-event";
import type { CreateSmsConversationCommand } from "./create-sms-conversation.command";
import { NO_TIMERS, type PendingTimers, planTimers } from "./conversation-timers";
import { checkTimeoutConfig, mergeTimeoutOverrides, resolveTimeoutConfig } from "./timeout-config";
import { UserErrorCode } from "../shared/user-error-code.enum";
import { type UserInputProblem, UserInputError } from "../shared/user-input-error";
import type { EnqueuedWork, WorkflowService } from "../workflows/workflow.service";
import type { UserMessageRecorder } from "./user-message-recorder";

export type CreateSmsConversationResult =
  | {
      ok: true;
      conversationId: string;
      /** The conversation as it is after the call, when the path read it anyway (not the one-statement path). */
      conversation: SmsConversation | null;
      workflowId: string;
      /** The conversation this call replaced (`newConversation: true`), if any. */
      archivedConversation: SmsConversation | null;
      /** True when `messageSid` matched an earlier call and nothing was written. */
      replayed: boolean;
    }
  | { ok: false; problem: UserInputProblem };

/** How often a create that lost a race for a pair's ACTIVE slot is retried before giving up. */
const MAX_ATTEMPTS = 10;

/** What a transaction leaves for after its commit (and forgets if it rolls back). */
interface AfterCommit {
  events: ParleyEvent[];
  /** Outbox rows or PENDING workflows were recorded: this process's relay is nudged with them. */
  enqueued: EnqueuedWork;
}

const ONE_ACTIVE_PER_PAIR = "sms_conversation_one_active_per_pair";
const MESSAGE_SID_KEY = "sms_message_account_message_sid_key";

export class SmsConversationService {
  /**
   * @param pool The DataSource's own pg pool: the one-statement path runs a named prepared statement on it.
   * @param userMessages Records USER messages without timeOut/warningTime, in batches.
   */
  constructor(
    private readonly dataSource: DataSource,
    private readonly pool: Pool,
    private readonly agentNumbers: AgentNumberService,
    private readonly workflows: WorkflowService,
    private readonly events: EventPublisher,
    private readonly userMessages: UserMessageRecorder,
  ) {}

  /**
   * Records a message, continuing the pair's ACTIVE conversation or starting one, and triggers
   * the conversation's workflow — all in one transaction. Concurrent calls for one pair or one
   * messageSid are settled by unique indexes; the losers retry here and never see the race.
   */
  async create(accountId: string, command: CreateSmsConversationCommand): Promise<CreateSmsConversationResult> {
    const ref = await this.agentNumbers.findRef(accountId, command.agentNumber);
    if (!ref) {
      // Same answer whether another account has the number or nobody does.
      return failure({
        code: UserErrorCode.AGENT_NUMBER_NOT_FOUND,
        field: "agentNumber",
        message: `agent number ${command.agentNumber} is not registered to this account`,
      });
    }
    if (!command.newConversation) {
      const recorded = await this.recordFast(ref, command);
      if (recorded) return recorded;
      // Nothing written: the timeout rule failed on the stored values. The locked path says why.
    }

    const [agentNumber] = await this.agentNumbers.findByIds(accountId, [ref.id]);
    if (!agentNumber) throw new Error(`agent number ${ref.id} disappeared`);
    for (let attempt = 1; ; attempt++) {
      const after: AfterCommit = { events: [], enqueued: { outbox: false, setups: false } };
      try {
        const result = await this.dataSource.transaction((manager) => this.createOnce(manager, agentNumber, command, after));
        if (after.enqueued.outbox || after.enqueued.setups) this.workflows.workEnqueued(after.enqueued);
        this.events.publish(after.events);
        return result;
      } catch (error) {
        if (error instanceof UserInputError) return failure(error.problem);
        if (isUniqueViolation(error, MESSAGE_SID_KEY)) {
          // A concurrent call with the same SID committed first: answer as its repeat.
          const replay = await this.replay(this.dataSource.manager, agentNumber.accountId, command);
          if (replay) return replay;
        } else if (!isUniqueViolation(error, ONE_ACTIVE_PER_PAIR) || attempt >= MAX_ATTEMPTS) {
          throw error;
        }
      }
    }
  }

  /**
   * Every call but newConversation in one statement: RECORD_MESSAGE_SQL as a named prepared
   * statement, or — a USER message without timeOut/warningTime, the most common call — a batch
   * of them (UserMessageRecorder). A repeated messageSid fails the statement on its unique index,
   * and is answered as a replay. Null when the statement wrote nothing because
   * timeOut/warningTime break the rule.
   */
  private async recordFast(ref: AgentNumberRef, command: CreateSmsConversationCommand): Promise<CreateSmsConversationResult | null> {
    const sender = command.sender ?? SmsSender.USER;
    let row: RecordedMessageRow | undefined;
    try {
      row =
        sender === SmsSender.USER && command.timeOut == null && command.warningTime == null
          ? await this.userMessages.record({ ref, command })
          : await this.recordMessage(ref, sender, command);
    } catch (error) {
      if (isUniqueViolation(error, MESSAGE_SID_KEY)) {
        const replay = await this.replay(this.dataSource.manager, ref.accountId, command);
        if (replay) return replay;
      }
      throw error;
    }
    if (!row) return null;
    const conversationId = row.conversation_id;
    // A new workflow waits for its setup, timers for the relay: tell this process's worker.
    if (row.inserted || row.timers > 0) this.workflows.workEnqueued({ outbox: row.timers > 0, setups: row.inserted });
    // No process listed a subscriber when the statement ran: a NOTIFY would wake listeners for nothing.
    if (row.listened) {
      this.events.publish([
        { type: ParleyEventType.SMS_MESSAGE_ADDED, accountId: ref.accountId, conversationId, messageId: row.message_id },
        { type: ParleyEventType.SMS_CONVERSATION_UPDATED, accountId: ref.accountId, conversationId },
      ]);
    }
    // Continuing a conversation a concurrent transaction just created: its workflow is visible now.
    const workflowId = row.workflow_id ?? (await this.workflows.findByConversationIn(this.dataSource.manager, conversationId)).id;
    return { ok: true, conversationId, conversation: null, workflowId, archivedConversation: null, replayed: false };
  }

  private async recordMessage(ref: AgentNumberRef, sender: SmsSender, command: CreateSmsConversationCommand): Promise<RecordedMessageRow | undefined> {
    const { rows } = await this.pool.query<RecordedMessageRow>({
      name: "parley_record_message",
      text: RECORD_MESSAGE_SQL,
      values: [
        ref.accountId,
        ref.id,
        ref.number,
        command.userNumber,
        sender,
        command.message,
        command.messageSid ?? null,
        command.currPathwayId ?? null,
        command.currPathwayVersion ?? null,
        command.currentNodeId ?? null,
        command.requestData == null ? null : JSON.stringify(command.requestData),
        command.timeoutMessage ?? null,
        command.warningMessage ?? null,
        command.timeOut ?? null,
        command.warningTime ?? null,
      ],
    });
    return rows[0];
  }

  private async createOnce(
    manager: EntityManager,
    agentNumber: AgentNumber,
    command: CreateSmsConversationCommand,
    after: AfterCommit,
  ): Promise<CreateSmsConversationResult> {
    const accountId = agentNumber.accountId;
    if (command.messageSid) {
      const replay = await this.replay(manager, accountId, command);
      if (replay) return replay;
    }

    const pair = { accountId, agentNumberId: agentNumber.id, userNumber: command.userNumber };
    let archived: SmsConversation | null = null;
    let existing: SmsConversation | null = null;
    if (command.newConversation) {
      archived = await this.archiveActive(manager, pair);
      // Its pending timers are removed through the outbox.
      after.enqueued.outbox ||= archived !== null;
    } else {
      existing = await manager
        .getRepository(SmsConversation)
        .findOne({ where: { ...pair, status: SmsConversationStatus.ACTIVE }, lock: { mode: "pessimistic_write" } });
    }

    const given: TimeoutSettings = {
      timeOut: command.timeOut,
      warningTime: command.warningTime,
      timeoutMessage: command.timeoutMessage,
      warningMessage: command.warningMessage,
    };
    const overrides = mergeTimeoutOverrides(existing ?? {}, given);
    const effective = resolveTimeoutConfig(overrides, agentNumber.smsConfig);
    const problem = checkTimeoutConfig(effective, given);
    // Thrown, not returned: an archive done above must roll back too.
    if (problem) throw new UserInputError(problem);

    const sender = command.sender ?? SmsSender.USER;
    const timersBefore: PendingTimers = existing ? { warningAt: existing.warningAt, timeoutAt: existing.timeoutAt } : NO_TIMERS;
    // The database's clock, as on the one-statement path and for graphile-worker's run_at: gateways' clocks may drift.
    const [{ now }] = (await manager.query("SELECT now() AS now")) as Array<{ now: Date }>;
    const timers = planTimers(sender, effective, now);

    const changes = {
      ...definedOnly({
        currPathwayId: command.currPathwayId,
        currPathwayVersion: command.currPathwayVersion,
        currentNodeId: command.currentNodeId,
        requestData: command.requestData,
      }),
      timeOut: overrides.timeOut ?? null,
      warningTime: overrides.warningTime ?? null,
      timeoutMessage: overrides.timeoutMessage ?? null,
      warningMessage: overrides.warningMessage ?? null,
      ...timers,
    };

    let conversation: SmsConversation;
    let workflowId: string;
    if (existing) {
      conversation = manager.merge(SmsConversation, existing, changes);
      await manager.update(SmsConversation, { id: existing.id }, changes);
      const workflow = await this.workflows.findByConversationIn(manager, existing.id);
      workflowId = workflow.id;
    } else {
      conversation = manager.create(SmsConversation, {
        id: randomUUID(),
        ...pair,
        agentNumber: agentNumber.number,
        status: SmsConversationStatus.ACTIVE,
        currPathwayId: null,
        currPathwayVersion: null,
        currentNodeId: null,
        requestData: null,
        archivedAt: null,
        timedOutAt: null,
        ...changes,
      });
      await manager.insert(SmsConversation, conversation);
      workflowId = (await this.workflows.start(manager, conversation.id)).id;
      after.enqueued.setups = true;
    }
    const ids = { workflowId, conversationId: conversation.id };
    if (await this.workflows.scheduleTimers(manager, ids, timersBefore, timers)) after.enqueued.outbox = true;

    const messageId = randomUUID();
    await manager.insert(SmsMessage, {
      id: messageId,
      conversationId: conversation.id,
      accountId,
      sender,
      kind: SmsMessageKind.NORMAL,
      body: command.message,
      messageSid: command.messageSid ?? null,
    });

    after.events.push(
      { type: ParleyEventType.SMS_MESSAGE_ADDED, accountId, conversationId: conversation.id, messageId },
      { type: ParleyEventType.SMS_CONVERSATION_UPDATED, accountId, conversationId: conversation.id },
      ...(archived ? [{ type: ParleyEventType.SMS_CONVERSATION_UPDATED, accountId, conversationId: archived.id }] : []),
    );

    // Re-read so timestamps are the database's, as every later read will see them.
    const saved = await manager.getRepository(SmsConversation).findOneByOrFail({ id: conversation.id });
    return { ok: true, conversationId: saved.id, conversation: saved, workflowId, archivedConversation: archived, replayed: false };
  }

  private async archiveActive(
    manager: EntityManager,
    pair: { accountId: string; agentNumberId: string; userNumber: string },
  ): Promise<SmsConversation | null> {
    const result = await manager
      .createQueryBuilder()
      .update(SmsConversation)
      .set({ status: SmsConversationStatus.ARCHIVED, archivedAt: () => "now()", warningAt: null, timeoutAt: null })
      .where({ ...pair, status: SmsConversationStatus.ACTIVE })
      .returning("id")
      .execute();
    const id = (result.raw as Array<{ id: string }>)[0]?.id;
    if (!id) return null;
    await this.workflows.complete(manager, id);
    // Its timers are void (the timer task checks the status too); remove their pending jobs.
    const workflow = await this.workflows.findByConversationIn(manager, id);
    const pending = { warningAt: new Date(0), timeoutAt: new Date(0) };
    await this.workflows.scheduleTimers(manager, { workflowId: workflow.id, conversationId: id }, pending, NO_TIMERS);
    return manager.getRepository(SmsConversation).findOneByOrFail({ id });
  }

  /**
   * The answer to a repeat of an earlier call with the same messageSid: the original ids if it
   * is the same message, MESSAGE_SID_CONFLICT if not, null if the SID is new.
   */
  private async replay(
    manager: EntityManager,
    accountId: string,
    command: CreateSmsConversationCommand,
  ): Promise<CreateSmsConversationResult | null> {
    if (!command.messageSid) return null;
    const original = await manager.getRepository(SmsMessage).findOne({
      where: { accountId, messageSid: command.messageSid },
      relations: { conversation: true },
    });
    if (!original?.conversation) return null;
    const conversation = original.conversation;
    const same =
      conversation.userNumber === command.userNumber &&
      conversation.agentNumber === command.agentNumber &&
      original.body === command.message &&
      original.sender === (command.sender ?? SmsSender.USER);
    if (!same) {
      return failure({
        code: UserErrorCode.MESSAGE_SID_CONFLICT,
        field: "messageSid",
        message: `messageSid ${command.messageSid} was already used for a different message (numbers, sender or body differ); use a new messageSid for a new message`,
      });
    }
    const workflow = await this.workflows.findByConversationIn(manager, conversation.id);
    return { ok: true, conversationId: conversation.id, conversation, workflowId: workflow.id, archivedConversation: null, replayed: true };
  }
}

function failure(problem: UserInputProblem): CreateSmsConversationResult {
  return { ok: false, problem };
}


/** Drops undefined and null: an omitted field leaves the stored value alone. */
function definedOnly<T extends Record<string, unknown>>(values: T): Partial<{ [K in keyof T]: NonNullable<T[K]> }> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== null)) as Partial<{
    [K in keyof T]: NonNullable<T[K]>;
  }>;
}
