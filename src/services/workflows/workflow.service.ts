import { randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { In } from "typeorm";
import { Workflow } from "../../entities/workflow.entity";
import { WorkflowOutbox } from "../../entities/workflow-outbox.entity";
import { WorkflowStatus } from "../../entities/workflow-status.enum";
import type { PendingTimers } from "../conversations/conversation-timers";
import { type ConversationTimerPayload, TimerKind, timerJobKey, WorkflowTask } from "./workflow-contract";

/** What a committed transaction left for the worker. */
export interface EnqueuedWork {
  /** workflow_outbox rows (timers to schedule or remove, deliveries): the relay's part. */
  outbox: boolean;
  /** New PENDING workflows: the setup step's part. */
  setups: boolean;
}

export class WorkflowService {
  private readonly enqueuedListeners: Array<(work: EnqueuedWork) => void> = [];

  constructor(private readonly dataSource: DataSource) {}

  /** Calls `listener` after this process commits new workflow work (the relay picks it up sooner). */
  onWorkEnqueued(listener: (work: EnqueuedWork) => void): void {
    this.enqueuedListeners.push(listener);
  }

  /** To be called after the commit of a transaction that called `start` or wrote outbox rows. */
  workEnqueued(work: EnqueuedWork): void {
    for (const listener of this.enqueuedListeners) listener(work);
  }

  /**
   * Creates a conversation's workflow, PENDING, in the caller's transaction: the row is the durable
   * trigger (the worker sets up every PENDING workflow), so a rolled-back conversation leaves no
   * work behind and a committed one always gets set up.
   */
  async start(manager: EntityManager, conversationId: string): Promise<Workflow> {
    const workflow = manager.create(Workflow, { id: randomUUID(), conversationId, status: WorkflowStatus.PENDING });
    await manager.insert(Workflow, { id: workflow.id, conversationId, status: workflow.status });
    return workflow;
  }

  /** Marks the workflow of an ended conversation complete: it has nothing left to do. */
  async complete(manager: EntityManager, conversationId: string): Promise<void> {
    await manager.update(Workflow, { conversationId }, { status: WorkflowStatus.COMPLETED });
  }

  /**
   * Records, in the caller's transaction, the jobs that bring graphile-worker's timers from
   * `before` to `after`: a job per pending timer (its job_key replaces an older schedule) and a
   * removal per cancelled one. Returns whether anything was recorded.
   */
  async scheduleTimers(
    manager: EntityManager,
    ids: { workflowId: string | null; conversationId: string },
    before: PendingTimers,
    after: PendingTimers,
  ): Promise<boolean> {
    const rows: Array<Partial<WorkflowOutbox>> = [];
    for (const [kind, previous, next] of [
      [TimerKind.WARNING, before.warningAt, after.warningAt],
      [TimerKind.TIMEOUT, before.timeoutAt, after.timeoutAt],
    ] as const) {
      const jobKey = timerJobKey(ids.conversationId, kind);
      if (next) {
        const payload: ConversationTimerPayload = { ...ids, kind };
        rows.push({ workflowId: ids.workflowId, task: WorkflowTask.CONVERSATION_TIMER, payload: { ...payload }, runAt: next, jobKey, removeJob: false });
      } else if (previous) {
        rows.push({ workflowId: ids.workflowId, task: WorkflowTask.CONVERSATION_TIMER, payload: {}, runAt: null, jobKey, removeJob: true });
      }
    }
    if (rows.length > 0) await manager.insert(WorkflowOutbox, rows);
    return rows.length > 0;
  }

  /**
   * Counts a task run of a workflow (by its id, else its conversation's) and keeps its error
   * (null after a success); the `final` attempt's failure makes the workflow FAILED.
   */
  async recordAttempt(ids: { workflowId?: string | null; conversationId?: string | null }, error: unknown, { final = false } = {}): Promise<void> {
    const lastError = error === null ? null : String(error instanceof Error ? error.message : error).slice(0, 500);
    // A failure on the job's last attempt leaves the workflow FAILED: nothing will run it again.
    await this.dataSource.query(
      `UPDATE workflow SET attempts = attempts + 1, last_error = $3, updated_at = now(),
         status = CASE WHEN $4 AND status <> 'COMPLETED' THEN 'FAILED'::workflow_status ELSE status END
       WHERE ($1::uuid IS NOT NULL AND id = $1) OR ($1::uuid IS NULL AND conversation_id = $2)`,
      [ids.workflowId ?? null, ids.conversationId ?? null, lastError, final && error !== null],
    );
  }
  /**
   * The setup step of up to `limit` PENDING workflows, whoever created them: they become RUNNING
   * (one run counted). Concurrent callers (every worker process) take disjoint rows. Returns how
   * many were set up.
   */
  async setUpPending(limit: number): Promise<number> {
    const [, count] = (await this.dataSource.query(
      `UPDATE workflow SET status = 'RUNNING', attempts = attempts + 1, last_error = NULL, updated_at = now()
       WHERE id IN (SELECT id FROM workflow WHERE status = 'PENDING' ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [limit],
    )) as [unknown, number];
    return count;
  }

  /** The workflow of a conversation, read in the caller's transaction. */
  async findByConversationIn(manager: EntityManager, conversationId: string): Promise<Workflow> {
    return manager.getRepository(Workflow).findOneByOrFail({ conversationId });
  }

  async findByConversations(conversationIds: readonly string[]): Promise<Workflow[]> {
    if (conversationIds.length === 0) return [];
    return this.dataSource.getRepository(Workflow).findBy({ conversationId: In([...conversationIds]) });
  }
}
