import type { Pool } from "pg";
import { LogThrottle } from "../logging/log-throttle";
import { outsideTraces } from "../tracing/trace-context";
import type { Logger } from "../logging/logger";
import type { EnqueuedWork, WorkflowService } from "../services/workflows/workflow.service";

// Any fixed number, distinct from the migration lock.
const RELAY_LOCK = 7_246_134;

interface OutboxRow {
  id: string;
  task: string;
  payload: unknown;
  run_at: Date | null;
  job_key: string | null;
  remove_job: boolean;
  traceparent: string | null;
}

/** The job a row becomes: its payload carries the row's traceparent, if any (see JobTraceContext). */
function jobOf(row: OutboxRow): { task: string; payload: unknown; run_at: Date | null; job_key: string | null } {
  const payload = row.traceparent && isObject(row.payload) ? { ...row.payload, traceparent: row.traceparent } : row.payload;
  return { task: row.task, payload, run_at: row.run_at, job_key: row.job_key };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Within a batch only the newest row of a job_key counts: a later schedule or cancel wins. */
function latestPerJobKey(rows: OutboxRow[]): { adds: OutboxRow[]; removals: string[] } {
  const latest = new Map<string, OutboxRow>();
  const adds: OutboxRow[] = [];
  for (const row of [...rows].sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)))) {
    if (row.job_key === null) adds.push(row);
    else {
      latest.delete(row.job_key);
      latest.set(row.job_key, row);
    }
  }
  const keyed = [...latest.values()];
  return {
    adds: [...adds, ...keyed.filter((row) => !row.remove_job)],
    removals: keyed.filter((row) => row.remove_job).map((row) => row.job_key!),
  };
}

export interface OutboxRelayOptions {
  pool: Pool;
  logger: Logger;
  /** Sets up PENDING workflows, the first step of each (batched here rather than a job per workflow). */
  workflows: Pick<WorkflowService, "setUpPending">;
  /** Rows moved per transaction. (Default: 500) */
  batchSize?: number;
  /**
   * How often to look for rows written by other processes, in ms; also the longest the outbox
   * goes unread while nudges bring only setups. (Default: 100)
   */
  pollIntervalMs?: number;
  /**
   * After a nudge, wait this long before relaying, in ms, so that one pass carries the work of
   * many requests: a pass costs five statements whatever it moves. (Default: 10)
   */
  nudgeDelayMs?: number;
}

/**
 * Feeds the workflow engine from what request transactions committed: moves workflow_outbox rows
 * (timers, deliveries) into graphile-worker's queue — delete and add_jobs in one transaction, so a
 * row becomes exactly one job — and sets up new (PENDING) workflows, a batch per statement.
 * Request transactions only insert plain rows; the `pg_notify` inside add_jobs runs here, once
 * per batch, off their commit path.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;
  private readonly batchSize: number;
  private readonly pollIntervalMs: number;
  private readonly nudgeDelayMs: number;
  private nudged = false;
  /** A nudge brought outbox rows, another relay held the turn, or a read failed: the next pass reads it. */
  private outboxDue = true;
  /** When this relay last read the outbox (performance.now(): monotonic, unlike the wall clock). */
  private outboxReadAt = 0;
  private readonly throttle: LogThrottle;

  constructor(private readonly options: OutboxRelayOptions) {
    this.throttle = new LogThrottle(options.logger);
    this.batchSize = options.batchSize ?? 500;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.nudgeDelayMs = options.nudgeDelayMs ?? 10;
  }

  start(): void {
    this.schedule(0, true);
  }

  /**
   * Relay soon: called after this process committed outbox rows or PENDING workflows. A pass for
   * setups alone leaves the outbox (four statements) to the poll: most requests start a
   * conversation and write no outbox row.
   */
  nudge(work: EnqueuedWork = { outbox: true, setups: true }): void {
    if (this.stopped) return;
    if (work.outbox) this.outboxDue = true;
    if (this.running) this.again = true;
    else if (!this.nudged) {
      this.nudged = true;
      this.schedule(this.nudgeDelayMs);
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Moves one batch; returns how many rows it moved (0 also when another relay holds the turn). */
  async relayOnce(): Promise<number> {
    const client = await this.options.pool.connect();
    // Set when the connection could not even roll back: it is discarded, not pooled again.
    let broken: Error | undefined;
    try {
      await client.query("BEGIN");
      // One relay at a time across processes, so rows of one job_key reach graphile-worker in order.
      const { rows: turn } = await client.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [RELAY_LOCK]);
      if (!turn[0].ok) {
        await client.query("ROLLBACK");
        // The other relay may have read the outbox before our rows committed: look again soon.
        this.again = true;
        this.outboxDue = true;
        return 0;
      }
      const { rows } = await client.query<OutboxRow>(
        `DELETE FROM workflow_outbox WHERE id IN (
           SELECT id FROM workflow_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
         RETURNING id, task, payload, run_at, job_key, remove_job, traceparent`,
        [this.batchSize],
      );
      const { adds, removals } = latestPerJobKey(rows);
      if (adds.length > 0) {
        await client.query(
          `SELECT 1 FROM graphile_worker.add_jobs(ARRAY(
             SELECT ROW(j.task, j.payload, NULL, j.run_at, NULL, j.job_key, NULL, NULL)::graphile_worker.job_spec
             FROM json_to_recordset($1::json) AS j(task text, payload json, run_at timestamptz, job_key text)))`,
          [JSON.stringify(adds.map(jobOf))],
        );
      }
      if (removals.length > 0) {
        await client.query("SELECT graphile_worker.remove_job(key) FROM unnest($1::text[]) AS key", [removals]);
      }
      await client.query("COMMIT");
      return rows.length;
    } catch (error) {
      await client.query("ROLLBACK").catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /** A `poll` pass always reads the outbox; a nudged one only when due (see drain). */
  private schedule(delayMs: number, poll = false): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    // A nudge comes from a request: its passes must not join (and chain into) that request's trace.
    this.timer = outsideTraces(() =>
      setTimeout(() => {
        this.nudged = false;
        this.running = this.drain(poll).finally(() => {
          this.running = undefined;
          const more = this.again;
          this.again = false;
          // The next poll counts from the last read, not from this pass: a pass for setups alone
          // must not push the outbox's next read beyond pollIntervalMs.
          if (more) this.schedule(this.nudgeDelayMs);
          else this.schedule(Math.max(0, this.outboxReadAt + this.pollIntervalMs - performance.now()), true);
        });
      }, delayMs),
    );
  }

  // Separately guarded: a batch that cannot be relayed must not hold up the setups, nor the reverse.
  private async drain(poll: boolean): Promise<void> {
    // Read at least every pollIntervalMs, however often setups nudge: other processes' rows wait there too.
    if (poll || this.outboxDue || performance.now() - this.outboxReadAt >= this.pollIntervalMs) {
      this.outboxDue = false;
      this.outboxReadAt = performance.now();
      try {
        while (!this.stopped && (await this.relayOnce()) === this.batchSize) {
          // A full batch: more may be waiting.
        }
      } catch (error) {
        this.outboxDue = true;
        this.throttle.failure("error", "outbox relay failed; retrying", error);
      }
    }
    try {
      while (!this.stopped && (await this.options.workflows.setUpPending(this.batchSize)) === this.batchSize) {
        // Likewise.
      }
    } catch (error) {
      this.throttle.failure("error", "workflow setup failed; retrying", error);
    }
  }
}
