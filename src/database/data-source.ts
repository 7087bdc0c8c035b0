import "reflect-metadata";
import type { Pool } from "pg";
import { DataSource, type Logger as QueryLogger } from "typeorm";
import type { PostgresDriver } from "typeorm/driver/postgres/PostgresDriver";
import { Account } from "../entities/account.entity";
import { AgentNumber } from "../entities/agent-number.entity";
import { ApiKey } from "../entities/api-key.entity";
import { EventListener } from "../entities/event-listener.entity";
import { SmsConversation } from "../entities/sms-conversation.entity";
import { SmsMessage } from "../entities/sms-message.entity";
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
