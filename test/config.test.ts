import path from "node:path";
import { ConfigError, loadConfig } from "../src/config";

describe("loadConfig", () => {
  it("defaults to the embedded database, port 4000 and development", () => {
    expect(loadConfig({})).toEqual({
      databaseUrl: undefined,
      embeddedPostgresDir: path.resolve(".data/postgres"),
      embeddedPostgresPort: 54329,
      port: 4000,
      nodeEnv: "development",
      logLevel: "info",
      introspection: true,
      runWorker: true,
      authCacheTtlMs: 5000,
      publishAllEvents: false,
      readinessTimeoutMs: 1000,
      database: { statementTimeoutMs: 5000, idleInTransactionTimeoutMs: 10000, connectTimeoutMs: 2000 },
      worker: { concurrency: 5, pollInterval: 250, heartbeatIntervalMs: 5000, staleWorkerAfterMs: 30000 },
      webhook: { retryBaseMs: 1000, maxAttempts: 8, timeoutMs: 10000 },
    });
  });

  it("turns introspection off in production unless INTROSPECTION=true", () => {
    expect(loadConfig({ NODE_ENV: "production" }).introspection).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", INTROSPECTION: "true" }).introspection).toBe(true);
  });

  it("lists every problem at once, naming the allowed values", () => {
    expect(() => loadConfig({ PORT: "http", NODE_ENV: "prod", LOG_LEVEL: "loud", RUN_WORKER: "maybe" })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: "http", NODE_ENV: "prod", LOG_LEVEL: "loud", RUN_WORKER: "maybe" });
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'NODE_ENV must be one of development, production, test (got "prod")',
        'PORT must be an integer from 0 to 65535 (got "http")',
        'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
        'RUN_WORKER must be one of true, false, 1, 0 (got "maybe")',
      ]);
    }
  });

  it("reads the database session bounds; 0 turns a server-side timeout off but never the connect timeout", () => {
    const config = loadConfig({
      DATABASE_STATEMENT_TIMEOUT_MS: "0",
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: "2500",
      DATABASE_CONNECT_TIMEOUT_MS: "750",
      READINESS_TIMEOUT_MS: "300",
    });
    expect(config.database).toEqual({ statementTimeoutMs: 0, idleInTransactionTimeoutMs: 2500, connectTimeoutMs: 750 });
    expect(config.readinessTimeoutMs).toBe(300);
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: "0", DATABASE_STATEMENT_TIMEOUT_MS: "-1", READINESS_TIMEOUT_MS: "soon" })).toThrow(
      new ConfigError([
        'READINESS_TIMEOUT_MS must be a positive integer (got "soon")',
        'DATABASE_STATEMENT_TIMEOUT_MS must be an integer of 0 or more (got "-1")',
        'DATABASE_CONNECT_TIMEOUT_MS must be a positive integer (got "0")',
      ]),
    );
  });

  it("rejects a DATABASE_URL that is not a postgres URL without echoing it", () => {
    expect(() => loadConfig({ DATABASE_URL: "mysql://u:secret@h/db" })).toThrow(/postgres:\/\//);
    expect(() => loadConfig({ DATABASE_URL: "::secret::" })).toThrow(/not a valid URL/);
    try {
      loadConfig({ DATABASE_URL: "::secret::" });
    } catch (error) {
      expect((error as Error).message).not.toContain("secret");
    }
  });
});
