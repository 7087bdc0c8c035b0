import type { DataSource } from "typeorm";
import { selectListOf } from "../../database/select-list";
import { type SqlReader, sqlReaderOf } from "../../database/sql-reader";
import { Workflow } from "../../entities/workflow.entity";

/** What a committed transaction left for the worker. */
export interface EnqueuedWork {
  /** workflow_outbox rows (timers to schedule or remove, deliveries): the relay's part. */
  outbox: boolean;
  /** New PENDING workflows: the setup step's part. */
  setups: boolean;
}

export class WorkflowService {
  private readonly enqueuedListeners: Array<(work: EnqueuedWork) => void> = [];

  private readonly reader: SqlReader;

  constructor(private readonly dataSource: DataSource) {
    this.reader = sqlReaderOf(dataSource);
  }

  /** Calls `listener` after this process commits new workflow work (the relay picks it up sooner). */
  onWorkEnqueued(listener: (work: EnqueuedWork) => void): void {
    this.enqueuedListeners.push(listener);
  }

  /** To be called after the commit of a transaction that started workflows or wrote outbox rows. */
  workEnqueued(work: EnqueuedWork): void {
    for (const listener of this.enqueuedListeners) listener(work);
  }

  /**
   * Counts a task run of a workflow (by its id, else its conversation's) and keeps its error
   * (null after a success); the `final` attempt's failure makes the workflow FAILED.
   */
  async recordAttempt(
    ids: { workflowId?: string | null; conversationId?: string | null },
    error: unknown,
    { final = false } = {},
  ): Promise<void> {
    const lastError = error === null ? null : (error instanceof Error ? error.message : JSON.stringify(error)).slice(0, 500);
    // A failure on the job's last attempt leaves the workflow FAILED: nothing will run it again.
    // A later task that succeeds (a new timer) shows it RUNNING again.
    await this.dataSource.query(
      `UPDATE workflow SET attempts = attempts + 1, last_error = $3::text, updated_at = now(),
         status = CASE WHEN $4 AND status <> 'COMPLETED' THEN 'FAILED'::workflow_status
                       WHEN $3::text IS NULL AND status = 'FAILED' THEN 'RUNNING'::workflow_status
                       ELSE status END
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
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `UPDATE workflow SET status = 'RUNNING', attempts = attempts + 1, last_error = NULL, updated_at = now()
       WHERE id IN (SELECT id FROM workflow WHERE status = 'PENDING' ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED)`,
      [limit],
    );
    return count;
  }

  /** The workflow of a conversation. */
  async findByConversation(conversationId: string): Promise<Workflow> {
    return this.dataSource.getRepository(Workflow).findOneByOrFail({ conversationId });
  }

  async findByConversations(conversationIds: readonly string[]): Promise<Workflow[]> {
    if (conversationIds.length === 0) return [];
    return this.reader.rows<Workflow>(
      `SELECT ${selectListOf(this.dataSource, Workflow, "w")} FROM workflow w WHERE w.conversation_id = ANY($1::uuid[])`,
      [conversationIds],
    );
  }
}
