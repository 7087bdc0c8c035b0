import { randomInt } from "node:crypto";
import { Pool } from "pg";
import type { Logger as QueryLogger } from "typeorm";
import { type Config, loadConfig } from "../../src/config";
import type { TimeoutSettings } from "../../src/entities/timeout-settings";
import { createLogger, type Logger } from "../../src/logging/logger";
import { type Parley, startParley, type WorkerTuning } from "../../src/parley";
import type { WebhookSenderOptions } from "../../src/services/outbound/webhook-sender";
import { toPublicId } from "../../src/services/shared/public-id";
import { rest, type RestRequestOptions, type RestResponse } from "./rest";
import { createTestDatabase, type TestDatabase } from "./test-database";

export interface TestAccount {
  /** Database id (UUID). */
  id: string;
  /** Public id (`acct_…`). */
  publicId: string;
  apiKey: string;
  keyId: string;
  agentNumbers: string[];
}

export interface GraphQLResponse<T = Record<string, any>> {
  status: number;
  headers: Headers;
  body: { data?: T | null; errors?: Array<{ message: string; path?: string[]; extensions?: Record<string, any> }> };
}

/** A running Parley on its own database, reached over real HTTP, plus a pool to check rows. */
export interface Harness {
  parley: Parley;
  database: TestDatabase;
  /** Base URL, e.g. http://127.0.0.1:12345 */
  baseUrl: string;
  /** Direct access to the test database, for asserting rows. */
  db: Pool;
  graphql<T = Record<string, any>>(
    query: string,
    variables?: Record<string, unknown>,
    options?: { apiKey?: string | null; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  /** A REST request; its answer is held to the OpenAPI document (support/rest.ts). */
  rest<T = any>(method: string, path: string, options?: RestRequestOptions): Promise<RestResponse<T>>;
  createAccount(options?: { numbers?: number; smsConfig?: TimeoutSettings }): Promise<TestAccount>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Run the graphile-worker runner and outbox relay in the server. (Default: true) */
  runWorker?: boolean;
  nodeEnv?: Config["nodeEnv"];
  introspection?: boolean;
  /** Worker tuning. (Default: poll every 100 ms, relay every 50 ms) */
  worker?: WorkerTuning;
  /** (Default: retries after 100 ms, doubling) */
  webhook?: WebhookSenderOptions;
  /** Sees every statement the API sends. */
  queryLogger?: QueryLogger;
  /** (Default: 5000, as in production) */
  authCacheTtlMs?: number;
  /** Where the server logs. (Default: silent, or LOG_LEVEL to stdout) */
  logger?: Logger;
  /** Any other setting, as the environment would give it. (Default: loadConfig's defaults) */
  config?: Partial<Config>;
  /** Bounds of WebSocket subscriptions. (Default: as in production) */
  subscriptions?: Partial<Config["subscriptions"]>;
  /** The URL the server connects to, given the test database's (a proxy in front of it). (Default: that URL) */
  connectVia?: (databaseUrl: string) => string | Promise<string>;
  /** Bounds of the server's database sessions. (Default: the production defaults) */
  databaseTimeouts?: Partial<Config["database"]>;
  /** (Default: 1000, as in production) */
  readinessTimeoutMs?: number;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const database = await createTestDatabase();
  const nodeEnv = options.nodeEnv ?? "test";
  const defaults = loadConfig({ NODE_ENV: nodeEnv, LOG_LEVEL: process.env.LOG_LEVEL ?? "silent" });
  const config: Config = {
    ...defaults,
    databaseUrl: options.connectVia ? await options.connectVia(database.url) : database.url,
    database: { ...defaults.database, ...options.databaseTimeouts },
    ...(options.readinessTimeoutMs === undefined ? {} : { readinessTimeoutMs: options.readinessTimeoutMs }),
    port: 0,
    introspection: options.introspection ?? nodeEnv !== "production",
    runWorker: options.runWorker ?? true,
    ...(options.authCacheTtlMs === undefined ? {} : { authCacheTtlMs: options.authCacheTtlMs }),
    // Tests poll and page far beyond a key's budget; the tests of the budget set their own.
    rateLimit: { ...defaults.rateLimit, points: 0 },
    ...options.config,
  };
  config.subscriptions = { ...config.subscriptions, ...options.subscriptions };
  const parley = await startParley({
    config,
    logger: options.logger ?? createLogger(config.logLevel),
    worker: { pollInterval: 100, relayIntervalMs: 50, ...options.worker },
    webhook: { retryBaseMs: 100, ...options.webhook },
    queryLogger: options.queryLogger,
  });
  const db = new Pool({ connectionString: database.url, max: 3 });
  const baseUrl = `http://127.0.0.1:${parley.port}`;

  const harness: Harness = {
    parley,
    database,
    baseUrl,
    db,
    async graphql<T>(
      query: string,
      variables?: Record<string, unknown>,
      { apiKey, headers }: { apiKey?: string | null; headers?: Record<string, string> } = {},
    ): Promise<GraphQLResponse<T>> {
      const response = await fetch(`${baseUrl}/graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          // As Apollo Client and graphql-http clients send it.
          accept: "application/graphql-response+json, application/json;q=0.9",
          ...(apiKey ? { authorization: apiKey } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse<T>["body"] };
    },
    rest(method, path, options) {
      return rest(baseUrl, method, path, options);
    },
    async createAccount({ numbers = 1, smsConfig } = {}) {
      const { accounts, apiKeys } = parley.services;
      const account = await accounts.create(`Test ${randomInt(1e9)}`);
      const agentNumbers: string[] = [];
      for (let i = 0; i < numbers; i++) {
        const number = await accounts.addAgentNumber(account.id, randomNumber());
        agentNumbers.push(number.number);
        if (smsConfig) await db.query("UPDATE agent_number SET sms_config = $1 WHERE id = $2", [smsConfig, number.id]);
      }
      const { apiKey, keyId } = await apiKeys.create(account.id);
      return { id: account.id, publicId: toPublicId("account", account.id), apiKey, keyId, agentNumbers };
    },
    async close() {
      await db.end();
      await parley.stop();
      await database.drop();
    },
  };
  return harness;
}

const issuedNumbers = new Set<string>();

/**
 * A random number in the fictional +1 555 range that this process has not given out before: a
 * suite drawing a few thousand numbers would otherwise meet a repeat now and then, and two
 * cases sharing a pair share its conversation.
 */
export function randomNumber(): string {
  for (;;) {
    const number = `+1555${String(randomInt(10_000_000)).padStart(7, "0")}`;
    if (issuedNumbers.has(number)) continue;
    issuedNumbers.add(number);
    return number;
  }
}
