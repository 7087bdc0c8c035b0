import type { Client, ClientBase, ClientConfig, PoolConfig } from "pg";
import { databaseUnavailableReason } from "../errors/database-unavailable";

/** How long Parley's database sessions may take, in ms (see Config.database). */
export interface DatabaseTimeouts {
  /** The server cancels an API statement running longer than this; 0 never. */
  statementTimeoutMs: number;
  /** The server ends a session idle inside a transaction for longer than this (releasing its locks); 0 never. */
  idleInTransactionTimeoutMs: number;
  /** Longest wait to open a connection, or for a free one from a pool. */
  connectTimeoutMs: number;
}

/**
 * The client stops waiting for an answer this long after the server would have cancelled the
 * statement: the server, if it can be reached, always answers first (57014); no answer by then
 * means it cannot be.
 */
const ANSWER_GRACE_MS = 1_000;

/** Probes after this much idleness find a dead peer (a LISTEN connection may idle for hours). */
const KEEPALIVE_AFTER_MS = 10_000;

/**
 * Settings of the API's pool (the TypeORM DataSource's pg pool): statements and idle
 * transactions bounded by the server, connecting and waiting for a pooled connection bounded by
 * the client, and a statement that gets no answer at all — the server is unreachable — fails
 * 1 s after the server would have cancelled it, its connection dropped. So no request waits on
 * a database that cannot answer.
 */
export function apiSessionOptions(timeouts: DatabaseTimeouts): PoolConfig {
  return {
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    statement_timeout: timeouts.statementTimeoutMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
    ...(timeouts.statementTimeoutMs > 0
      ? { query_timeout: timeouts.statementTimeoutMs + ANSWER_GRACE_MS, onConnect: dropWhenUnanswered }
      : {}),
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_AFTER_MS,
  };
}

/**
 * Settings of the worker's pool (graphile-worker, the outbox relay, the heartbeat): connecting
 * and idle transactions bounded as the API's, but no statement timeout. No caller waits on these
 * statements, and their cost grows with the backlog an outage leaves behind (a relay batch,
 * graphile-worker's job queries): an API-sized bound would cut exactly the catch-up after an
 * outage, and retrying a cut statement makes no progress.
 */
export function workerSessionOptions(timeouts: DatabaseTimeouts): PoolConfig {
  return {
    connectionTimeoutMillis: timeouts.connectTimeoutMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_AFTER_MS,
  };
}

/** Settings of a connection that only LISTENs: bounded connecting, and keepalives that notice a dead peer. */
export function listenSessionOptions(timeouts: DatabaseTimeouts): ClientConfig {
  return { connectionTimeoutMillis: timeouts.connectTimeoutMs, keepAlive: true, keepAliveInitialDelayMillis: KEEPALIVE_AFTER_MS };
}

/**
 * pg's query_timeout fails the caller but keeps the connection, with the unanswered statement
 * still in flight: every later statement on it would queue behind that one. Closing the socket
 * fails them at once, and the pool (its error listener) discards the connection.
 */
function dropWhenUnanswered(client: ClientBase): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const drop = (error: unknown) => {
    if (databaseUnavailableReason(error) === "no answer") (client as Client).connection.stream.destroy();
  };
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const callback = args[args.length - 1];
    if (typeof callback === "function") {
      const done = callback as (error: unknown, result: unknown) => void;
      args[args.length - 1] = (error: unknown, result: unknown) => {
        drop(error);
        done(error, result);
      };
      return query(...args);
    }
    const result = query(...args);
    if (result instanceof Promise) result.catch(drop);
    return result;
  };
}
