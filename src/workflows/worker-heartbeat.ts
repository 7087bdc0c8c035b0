import type { Pool } from "pg";
import { LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";

export interface WorkerHeartbeatOptions {
  pool: Pool;
  logger: Logger;
  /** How often this process records that its workers are alive. (Default: 5000 ms) */
  intervalMs?: number;
  /** After how long without a beat a worker counts as dead. (Default: 30000 ms) */
  staleAfterMs?: number;
}

/**
 * graphile-worker only unlocks a crashed worker's jobs after 4 hours. Each Parley worker process
 * beats for its workers, and releases the jobs of workers that stopped beating (a SIGKILLed or
 * lost machine), so their timers run within `staleAfterMs`, not hours later.
 */
export class WorkerHeartbeat {
  private readonly workerIds = new Set<string>();
  /** Workers of this process that ended without releasing their jobs; released at the next beat. */
  private readonly retired = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly staleAfterMs: number;
  private readonly throttle: LogThrottle;

  constructor(private readonly options: WorkerHeartbeatOptions) {
    this.intervalMs = options.intervalMs ?? 5_000;
    this.staleAfterMs = options.staleAfterMs ?? 30_000;
    this.throttle = new LogThrottle(options.logger);
  }

  add(workerId: string): void {
    this.workerIds.add(workerId);
    void this.beat();
  }

  /**
   * Workers of this process that are gone (their runner ended by itself): they beat no more, and
   * their locked jobs are released at the next beat that reaches the database — at once, as
   * nobody else can know they are dead before they go stale.
   */
  retire(workerIds: readonly string[]): void {
    for (const id of workerIds) {
      this.workerIds.delete(id);
      this.retired.add(id);
    }
    if (workerIds.length > 0) void this.beat();
  }

  start(): void {
    this.timer = setInterval(() => void this.beat(), this.intervalMs);
    void this.beat();
  }

  /** Stops beating and forgets this process's workers (their jobs were released by graphile-worker). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    if (this.workerIds.size > 0) {
      await this.options.pool.query("DELETE FROM worker_heartbeat WHERE worker_id = ANY($1)", [[...this.workerIds]]).catch(() => undefined);
    }
  }

  /** Records this process's workers as alive, then releases the jobs of dead ones. */
  beat(): Promise<void> {
    this.beating = (this.beating ?? Promise.resolve())
      .then(() => this.beatOnce())
      .catch((error: unknown) => {
        this.throttle.failure("warn", "worker heartbeat failed", error);
      });
    return this.beating;
  }

  private async beatOnce(): Promise<void> {
    const { pool } = this.options;
    if (this.retired.size > 0) {
      const ids = [...this.retired];
      // One statement: the rows go with the locks, as for dead workers below.
      await pool.query(
        `WITH gone AS (DELETE FROM worker_heartbeat WHERE worker_id = ANY($1::text[]))
         SELECT graphile_worker.force_unlock_workers($1::text[])`,
        [ids],
      );
      for (const id of ids) this.retired.delete(id);
      this.options.logger.warn({ workerIds: ids }, "released the jobs of this process's stopped workers");
    }
    if (this.workerIds.size > 0) {
      await pool.query(
        `INSERT INTO worker_heartbeat (worker_id, last_seen_at) SELECT unnest($1::text[]), now()
         ON CONFLICT (worker_id) DO UPDATE SET last_seen_at = now()`,
        [[...this.workerIds]],
      );
    }
    // One statement: forgetting a dead worker and releasing its jobs commit together, so a
    // crash between the two can never leave its jobs locked with nobody left to release them.
    const { rows } = await pool.query<{ ids: string[] | null }>(
      `WITH dead AS (
         DELETE FROM worker_heartbeat WHERE last_seen_at < now() - make_interval(secs => $1) RETURNING worker_id),
       ids AS (SELECT array_agg(worker_id) AS ids FROM dead)
       SELECT ids.ids, graphile_worker.force_unlock_workers(ids.ids) FROM ids WHERE ids.ids IS NOT NULL`,
      [this.staleAfterMs / 1000],
    );
    const ids = rows[0]?.ids;
    if (ids?.length) this.options.logger.warn({ workerIds: ids }, "released the jobs of workers that stopped beating");
  }
}
