import type { Client, ClientBase, ClientConfig, PoolConfig } from "pg";
import { NO_ANSWER_MESSAGE } from "../errors/database-unavailable";

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
      ? { onConnect: (client: ClientBase) => dropWhenUnanswered(client, timeouts.statementTimeoutMs + ANSWER_GRACE_MS) }
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
 * A connection with statements outstanding that hears nothing from the server for
 * `answerWithinMs` is closed with NO_ANSWER_MESSAGE: its statements fail with that error at once
 * (every later one would queue behind the unanswered one), and the pool (its error listener)
 * discards the connection. A statement the server runs for long still gets its answer first:
 * the server cancels it at statement_timeout, ANSWER_GRACE_MS before the deadline.
 *
 * One watchdog per connection, fed by the socket's data and pg's `drain` (no statement left), and
 * nothing per statement: pg's `query_timeout`, like any wrapper of a statement's callback, made
 * each statement's objects outlive young-generation collections (docs/decisions/0016).
 */
function dropWhenUnanswered(client: ClientBase, answerWithinMs: number): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const stream = (client as Client).connection.stream;
  /** Since when statements have been outstanding with nothing heard from the server; undefined while none are. */
  let silentSince: number | undefined;
  let watchdog: NodeJS.Timeout | undefined;
  const watch = (afterMs: number) => {
    watchdog = setTimeout(() => {
      watchdog = undefined;
      if (silentSince === undefined) return;
      const silentMs = performance.now() - silentSince;
      if (silentMs < answerWithinMs) watch(answerWithinMs - silentMs);
      else stream.destroy(new Error(NO_ANSWER_MESSAGE));
    }, afterMs);
    watchdog.unref();
  };
  client.on("drain", () => (silentSince = undefined));
  stream.on("data", () => {
    if (silentSince !== undefined) silentSince = performance.now();
  });
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    if (silentSince === undefined) {
      silentSince = performance.now();
      if (watchdog === undefined) watch(answerWithinMs);
    }
    return query(...args);
  };
}
