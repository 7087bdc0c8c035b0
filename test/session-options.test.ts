import { Pool } from "pg";
import { apiSessionOptions } from "../src/database/session-options";
import { databaseUnavailableReason } from "../src/errors/database-unavailable";
import { createTestDatabase, type TestDatabase } from "./support/test-database";

/*
 * The API's pools close a connection that hears nothing from the server in time (the outage
 * tests show it with a silent proxy); this shows that a connection which keeps answering is
 * never mistaken for one.
 */

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

describe("apiSessionOptions", () => {
  it("keeps a connection that answers back-to-back statements for longer than the answer deadline", async () => {
    // Deadline: 100 ms statement timeout + 1 s. One connection, eight callers: a statement is
    // always outstanding on it for 2.5 s, and the next is sent before pg reports it idle.
    const pool = new Pool({
      connectionString: database.url,
      max: 1,
      ...apiSessionOptions({ statementTimeoutMs: 100, idleInTransactionTimeoutMs: 0, connectTimeoutMs: 5_000 }),
    });
    try {
      const pidBefore = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
      const until = Date.now() + 2_500;
      const failures: unknown[] = [];
      let statements = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          while (Date.now() < until) {
            await pool.query("SELECT pg_sleep(0.005)").then(
              () => statements++,
              (error: unknown) => failures.push(databaseUnavailableReason(error) ?? error),
            );
          }
        }),
      );
      const pidAfter = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
      expect({ failures, sameConnection: pidAfter === pidBefore }).toEqual({ failures: [], sameConnection: true });
      expect(statements).toBeGreaterThan(100);
    } finally {
      await pool.end();
    }
  });

  it("fails a statement the server does not answer in time with the reason 'no answer', and closes its connection", async () => {
    // statement_timeout would cancel the sleep; a statement that sets it off for itself is one the server keeps silent on.
    const pool = new Pool({
      connectionString: database.url,
      max: 1,
      ...apiSessionOptions({ statementTimeoutMs: 100, idleInTransactionTimeoutMs: 0, connectTimeoutMs: 5_000 }),
    });
    pool.on("error", () => undefined);
    try {
      const pidBefore = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
      const started = performance.now();
      const error = await pool.query("SET statement_timeout = 0; SELECT pg_sleep(3)").then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(databaseUnavailableReason(error)).toBe("no answer");
      expect(performance.now() - started).toBeLessThan(2_500);
      const pidAfter = (await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
      expect(pidAfter).not.toBe(pidBefore);
    } finally {
      await pool.end();
    }
  });
});
