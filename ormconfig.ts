import "reflect-metadata";
import path from "node:path";
import { DataSource, type Logger as QueryLogger } from "typeorm";
import { connectionUrl, readRunningPort } from "./src/database/embedded-postgres";
import { apiSessionOptions, type DatabaseTimeouts } from "./src/database/session-options";
import { Account } from "./src/entities/account.entity";
import { AgentNumber } from "./src/entities/agent-number.entity";
import { ApiKey } from "./src/entities/api-key.entity";
import { SmsConversation } from "./src/entities/sms-conversation.entity";
import { SmsMessage } from "./src/entities/sms-message.entity";
import { Workflow } from "./src/entities/workflow.entity";
import { WorkflowOutbox } from "./src/entities/workflow-outbox.entity";
import { WebhookDeliveryAttempt } from "./src/entities/webhook-delivery-attempt.entity";
import { WorkerHeartbeat } from "./src/entities/worker-heartbeat.entity";
import { EventListener } from "./src/entities/event-listener.entity";
import { migrations } from "./src/migrations";

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
 * For TypeORM's CLI (`npm run migration:run`): DATABASE_URL, else the embedded PostgreSQL
 * that `npm start` is running.
 */
function cliUrl(): string {
  if (process.env.DATABASE_URL) return process.env.DATABASE_URL;
  const dir = path.resolve(process.env.EMBEDDED_POSTGRES_DIR || ".data/postgres");
  const port = readRunningPort(dir);
  if (port === undefined) {
    throw new Error(`Set DATABASE_URL, or start the embedded PostgreSQL in ${dir} with \`npm start\` first.`);
  }
  return connectionUrl(port, "parley");
}

export default new Proxy(Object.create(DataSource.prototype) as DataSource, {
  // Lazy, so importing this file for createDataSource never needs a database.
  get(_target, property) {
    cached ??= createDataSource({ url: cliUrl() });
    const value = Reflect.get(cached, property, cached);
    return typeof value === "function" ? value.bind(cached) : value;
  },
});
let cached: DataSource | undefined;
