import net from "node:net";
import { GraphQLError } from "graphql";
import { Client, Pool } from "pg";
import { QueryFailedError } from "typeorm";
import { databaseUnavailableReason, isDatabaseUnavailable } from "../src/errors/database-unavailable";
import { freePort } from "./support/free-port";
import { createTestDatabase, runAdminSql, type TestDatabase } from "./support/test-database";

/*
 * The classifier is fed the errors pg, pg-pool and PostgreSQL really raise: a closed port, a
 * server that never answers, a full pool, a terminated backend, a role out of connections.
 */

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());

/** The error `action` rejects with (it must reject). */
async function errorOf(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (error) {
    return error;
  }
  throw new Error("expected a failure");
}

/** A TCP server on 127.0.0.1 that accepts connections and never says a word: a database that cannot answer. */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const urlOnPort = (port: number) => {
  const url = new URL(database.url);
  url.port = String(port);
  return url.toString();
};

describe("databaseUnavailableReason", () => {
  it("names a refused connection", async () => {
    const client = new Client({ connectionString: urlOnPort(await freePort()) });
    const error = await errorOf(() => client.connect());
    expect(databaseUnavailableReason(error)).toBe("ECONNREFUSED");
  });

  it("names a connect timeout, of a client and of a pool", async () => {
    const server = await silentServer();
    try {
      const client = new Client({ connectionString: urlOnPort(server.port), connectionTimeoutMillis: 100 });
      expect(databaseUnavailableReason(await errorOf(() => client.connect()))).toBe("connect timeout");
      const pool = new Pool({ connectionString: urlOnPort(server.port), connectionTimeoutMillis: 100 });
      expect(databaseUnavailableReason(await errorOf(() => pool.query("SELECT 1")))).toBe("connect timeout");
      await pool.end();
    } finally {
      await server.close();
    }
  });

  it("names a wait for a pooled connection that timed out", async () => {
    // The one connection is opened without a deadline (a loaded machine may take over 100 ms to
    // authenticate); only the wait for it while it is held is bounded.
    const pool = new Pool({ connectionString: database.url, max: 1 });
    const held = await pool.connect();
    pool.options.connectionTimeoutMillis = 100;
    try {
      expect(databaseUnavailableReason(await errorOf(() => pool.query("SELECT 1")))).toBe("pool wait timeout");
    } finally {
      held.release();
      await pool.end();
    }
  });

  it("names a statement the server never answered", async () => {
    const client = new Client({ connectionString: database.url, query_timeout: 100 });
    await client.connect();
    try {
      expect(databaseUnavailableReason(await errorOf(() => client.query("SELECT pg_sleep(1)")))).toBe("no answer");
    } finally {
      await client.end();
    }
  });

  it("names a backend terminated under a running statement (admin shutdown), and the connection lost after it", async () => {
    const victim = new Client({ connectionString: database.url, application_name: "parley-test-victim" });
    victim.on("error", () => undefined);
    await victim.connect();
    const running = errorOf(() => victim.query("SELECT pg_sleep(10)"));
    const admin = new Client({ connectionString: database.url });
    await admin.connect();
    try {
      for (let i = 0; i < 50; i++) {
        const { rowCount } = await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'parley-test-victim' AND state = 'active'",
        );
        if (rowCount) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await admin.end();
    }
    const error = await running;
    expect((error as { code?: string }).code).toBe("57P01");
    expect(databaseUnavailableReason(error)).toBe("57P01");
    expect(databaseUnavailableReason(await errorOf(() => victim.query("SELECT 1")))).toBe("connection lost");
  });

  it("names a server out of connections (too many connections, 53300)", async () => {
    const role = `parley_full_${process.pid}`;
    await runAdminSql(process.env.PARLEY_TEST_ADMIN_URL!, `CREATE ROLE ${role} LOGIN PASSWORD 'full' CONNECTION LIMIT 0`);
    try {
      const url = new URL(database.url);
      url.username = role;
      url.password = "full";
      const error = await errorOf(() => new Client({ connectionString: url.toString() }).connect());
      expect(databaseUnavailableReason(error)).toBe("53300");
    } finally {
      await runAdminSql(process.env.PARLEY_TEST_ADMIN_URL!, `DROP ROLE ${role}`);
    }
  });

  it("finds the cause inside TypeORM's and GraphQL's wrappers", async () => {
    const refused = await errorOf(async () => new Client({ connectionString: urlOnPort(await freePort()) }).connect());
    const typeorm = new QueryFailedError("SELECT 1", [], refused as Error);
    const graphql = new GraphQLError("wrapped", { originalError: typeorm });
    expect(databaseUnavailableReason(graphql)).toBe("ECONNREFUSED");
    expect(databaseUnavailableReason(new Error("outer", { cause: graphql }))).toBe("ECONNREFUSED");
  });

  it("leaves every other failure alone: SQL errors, a statement timeout, a bug, non-errors", async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const syntax = await errorOf(() => client.query("SELEC 1"));
      const division = await errorOf(() => client.query("SELECT 1/0"));
      await client.query("SET statement_timeout = 50");
      const cancelled = await errorOf(() => client.query("SELECT pg_sleep(1)"));
      expect((cancelled as { code?: string }).code).toBe("57014");
      for (const error of [
        syntax,
        division,
        cancelled,
        new TypeError("x is undefined"),
        "Connection terminated",
        null,
        undefined,
        { code: "ECONNREFUSED_NOT" },
      ]) {
        expect(isDatabaseUnavailable(error)).toBe(false);
      }
    } finally {
      await client.end();
    }
  });
});
