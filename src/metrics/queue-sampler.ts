import type { Pool } from "pg";
import { Gauge, type Registry } from "prom-client";

/** How long one reading of the queue is reused: scrapes in a burst cost the database one statement. */
const SAMPLE_TTL_MS = 1_000;

interface QueueSample {
  due: number;
  oldest_due_age: number;
  scheduled: number;
  outbox: number;
  pending_setup: number;
}

/**
 * Due jobs exclude those running (locked) and those that gave up (attempts spent); a job's age
 * counts from its run_at, so a timer's age is its lateness so far.
 */
const QUEUE_SQL = `
SELECT
  (SELECT count(*) FROM graphile_worker.jobs WHERE run_at <= now() AND locked_at IS NULL AND attempts < max_attempts)::int AS due,
  COALESCE((SELECT extract(epoch FROM now() - min(run_at)) FROM graphile_worker.jobs
    WHERE run_at <= now() AND locked_at IS NULL AND attempts < max_attempts), 0)::float8 AS oldest_due_age,
  (SELECT count(*) FROM graphile_worker.jobs WHERE run_at > now())::int AS scheduled,
  (SELECT count(*) FROM workflow_outbox)::int AS outbox,
  (SELECT count(*) FROM workflow WHERE status = 'PENDING')::int AS pending_setup`;

/**
 * The workflow engine's backlog as gauges, read from the database when scraped (one statement,
 * reused for a second). A reading that fails keeps the last figures rather than failing the
 * scrape: the process's other metrics still answer while the database is away (and /readyz
 * says it is).
 */
export class QueueSampler {
  private sample: { at: number; reading: Promise<QueueSample | undefined> } | undefined;

  constructor(
    private readonly pool: Pool,
    registry: Registry,
  ) {
    const read = () => this.read();
    const gauge = (name: string, help: string, pick: (sample: QueueSample) => number) =>
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          const sample = await read();
          if (sample) this.set(pick(sample));
        },
      });
    gauge("parley_jobs_due", "Worker jobs due and waiting for a worker (not running, attempts left).", (s) => s.due);
    gauge(
      "parley_jobs_oldest_due_age_seconds",
      "How long the oldest due job has waited past its time (0 when none waits).",
      (s) => s.oldest_due_age,
    );
    gauge("parley_jobs_scheduled", "Worker jobs scheduled for later (pending timers, webhook retries).", (s) => s.scheduled);
    gauge("parley_workflow_outbox_rows", "Outbox rows not yet moved into the job queue by a relay.", (s) => s.outbox);
    gauge("parley_workflows_pending_setup", "Workflows created and not yet set up by a worker.", (s) => s.pending_setup);
  }

  private read(): Promise<QueueSample | undefined> {
    const now = performance.now();
    if (!this.sample || now - this.sample.at > SAMPLE_TTL_MS) {
      this.sample = {
        at: now,
        reading: this.pool.query<QueueSample>(QUEUE_SQL).then(
          ({ rows }) => rows[0],
          () => undefined,
        ),
      };
    }
    return this.sample.reading;
  }
}
