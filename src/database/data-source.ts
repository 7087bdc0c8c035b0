import "reflect-metadata";
import { Pool } from "pg";
import { DataSource, type Logger as QueryLogger } from "typeorm";
import type { PostgresDriver } from "typeorm/driver/postgres/PostgresDriver";
import { Account } from "../entities/account.entity";
import { AgentNumber } from "../entities/agent-number.entity";
import { ApiKey } from "../entities/api-key.entity";
import { EventListener } from "../entities/event-listener.entity";
import { SmsConversation } from "../entities/sms-conversation.entity";
import { SmsMessage } from "../entities/sms-message.entity";
import { SmsRecipient } from "../entities/sms-recipient.entity";
import { WebhookDeliveryAttempt } from "../entities/webhook-delivery-attempt.entity";
import { WorkerHeartbeat } from "../entities/worker-heartbeat.entity";
import { WorkflowOutbox } from "../entities/workflow-outbox.entity";
import { Workflow } from "../entities/workflow.entity";
import { migrations } from "../migrations";
import { apiSessionOptions, type DatabaseTimeouts } from "./session-options";

export const entities = [
  Account,
  ApiKey,
  AgentNumber,
  SmsConversation,
  SmsMessage,
  SmsRecipient,
  Workflow,
  WorkflowOutbox,
  WebhookDeliveryAttempt,
  WorkerHeartbeat,
  EventListener,
];

export interface DataSourceOptions {
  url: string;
  /** Pool size. (Default: 10) */
  poolSize?: number;
  /** Sees every statement TypeORM sends (tests count them). (Default: none) */
  queryLogger?: QueryLogger;
  /**
   * Bounds of the API's sessions (see apiSessionOptions). Unset for migrations and the CLI's
   * migration commands, which must not be cut. (Default: none)
   */
  timeouts?: DatabaseTimeouts;
}

/** The TypeORM DataSource of the app, the CLI, the tests and TypeORM's migration CLI. */
export function createDataSource({ url, poolSize = 10, queryLogger, timeouts }: DataSourceOptions): DataSource {
  return new DataSource({
    type: "postgres",
    url,
    entities,
    migrations,
    migrationsTableName: "typeorm_migrations",
    // Schema changes go through migrations only.
    synchronize: false,
    migrationsRun: false,
    logging: queryLogger ? ["query"] : false,
    ...(queryLogger ? { logger: queryLogger } : {}),
    poolSize,
    extra: { application_name: "parley", ...(timeouts ? apiSessionOptions(timeouts) : {}) },
  });
}

/**
 * The DataSource's own pg pool, for the statements that bypass TypeORM (the write path, event
 * batches, rate limits). TypeORM's postgres driver keeps exactly one pool, created by
 * `initialize()`; this is the one place that reaches for it.
 */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as PostgresDriver).master as Pool;
}

/** Connections of the write path: one batch in flight, one stalled batch, and the calls run alone after a lost race. */
const WRITER_POOL_SIZE = 4;

const writerPools = new WeakMap<DataSource, Pool>();

/**
 * The write path's own pool: the DataSource pool's settings (same server, same session bounds),
 * with PostgreSQL told to plan prepared statements once (`plan_cache_mode=force_generic_plan`).
 * The write statement's plan depends on no parameter value (its inputs are arrays of calls), yet
 * the planner's default keeps replanning it for every batch, which for the small batches of a
 * lightly loaded server costs more than running it (see docs/decisions/0008). Its own sessions
 * keep every other statement — reads whose best plan does depend on their parameters — on the
 * default. Created when first asked for (no connection is opened before a write); ended by
 * closeDataSource.
 */
export function writerPoolOf(dataSource: DataSource): Pool {
  let pool = writerPools.get(dataSource);
  if (!pool) {
    pool = new Pool({
      ...poolOf(dataSource).options,
      max: WRITER_POOL_SIZE,
      application_name: "parley-writer",
      options: "-c plan_cache_mode=force_generic_plan",
    });
    // A connection lost while idle is dropped by the pool; the next write opens another.
    pool.on("error", () => undefined);
    writerPools.set(dataSource, pool);
  }
  return pool;
}

/** Ends the write path's pool, if one was created, then the DataSource's own. */
export async function closeDataSource(dataSource: DataSource): Promise<void> {
  const writer = writerPools.get(dataSource);
  writerPools.delete(dataSource);
  await writer?.end();
  if (dataSource.isInitialized) await dataSource.destroy();
}
