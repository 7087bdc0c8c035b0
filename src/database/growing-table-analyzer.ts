import type { Pool } from "pg";
import { LogThrottle } from "../logging/log-throttle";
import type { Logger } from "../logging/logger";

/** A table is analyzed once it holds this many times the rows its statistics describe. */
const GROWTH_FACTOR = 2;

/**
 * Nor before it holds this many rows: reading so few whole costs about what looking one up by
 * index does, and a table never analyzed is planned as if it held about this many (the planner
 * assumes 10 pages) — so a new table's first plans are already the ones it keeps as it grows.
 */
const MIN_ROWS = 500;

/**
 * The tables of the current schema (Parley's) that this role may analyze, holding at least $2
 * live rows and $1 times the rows their statistics (`pg_class.reltuples`: -1 never analyzed, 0
 * analyzed while empty) describe, as quoted names. `n_live_tup` counts the committed rows as
 * each session reports them (within a second): rows a bulk insert had not committed when the
 * statistics were taken are counted once it commits.
 */
const GROWN_TABLES_SQL = `
SELECT format('%I.%I', s.schemaname, s.relname) AS name
FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
WHERE s.schemaname = current_schema() AND pg_has_role(c.relowner, 'USAGE')
  AND s.n_live_tup >= greatest($1 * c.reltuples, $2)
ORDER BY 1`;

export interface GrowingTableAnalyzerOptions {
  /** A connection without a statement timeout: ANALYZE of a large table may take seconds. */
  pool: Pool;
  logger: Logger;
  /** How often the tables' sizes are compared with their statistics, in ms; 0 never. (Default: 1000) */
  intervalMs?: number;
}

/**
 * Keeps the planner's statistics of Parley's tables in step with their growth, from the first
 * rows on: every table that holds twice the rows its statistics describe (and at least MIN_ROWS)
 * is analyzed. Updates and deletes do not count: only growth makes a cached plan wrong.
 *
 * A statement's plan is made from the statistics, and a cached plan — each session's plans of
 * the foreign-key checks, a prepared statement's generic plan — is remade only when they change.
 * A plan made while a table was small reads it whole ("Seq Scan") for each row it looks up, and
 * keeps doing so as the table grows. Autovacuum changes the statistics only after 50 rows plus
 * 10 % of the table changed and at its next visit of the database (`autovacuum_naptime`, one
 * minute by default): on a young table taking traffic, long after the plans were made on a
 * fraction of its present size. Analyzed at each doubling, a table is never more than twice the
 * size its cached plans were made for; ANALYZE invalidates them in every session. A grown table
 * no longer doubles between autovacuum's own visits, and this one finds nothing left to do.
 */
export class GrowingTableAnalyzer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly intervalMs: number;
  private readonly throttle: LogThrottle;

  constructor(private readonly options: GrowingTableAnalyzerOptions) {
    this.intervalMs = options.intervalMs ?? 1_000;
    this.throttle = new LogThrottle(options.logger);
  }

  /** Looks at once (a database may have grown while no worker ran), then every intervalMs. */
  start(): void {
    if (this.intervalMs > 0) this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Analyzes the tables that have grown; returns their names. */
  async analyzeGrownTables(): Promise<string[]> {
    const { rows } = await this.options.pool.query<{ name: string }>(GROWN_TABLES_SQL, [GROWTH_FACTOR, MIN_ROWS]);
    const names = rows.map((row) => row.name);
    if (names.length === 0) return names;
    // SKIP_LOCKED: a table autovacuum is analyzing right now is left to it.
    await this.options.pool.query(`ANALYZE (SKIP_LOCKED) ${names.join(", ")}`);
    this.options.logger.debug({ tables: names }, "analyzed grown tables");
    return names;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.analyzeGrownTables()
        .then(
          () => undefined,
          (error: unknown) => {
            this.throttle.failure("warn", "analyzing grown tables failed; retrying", error);
          },
        )
        .finally(() => {
          this.running = undefined;
          this.schedule(this.intervalMs);
        });
    }, delayMs);
  }
}
