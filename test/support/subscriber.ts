import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

/** What one subscription yields. */
export interface Subscriber {
  events: Array<Record<string, any>>;
  errors: unknown[];
  /** Resolves once `count` events arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Array<Record<string, any>>>;
  /** Resolves once the subscription errs (with its errors) or completes (with none). */
  ended: Promise<unknown[]>;
  /** Ends the subscription, and its connection when it has one of its own. */
  close(): Promise<void>;
}

/** A graphql-ws connection that may carry several subscriptions. */
export interface Connection {
  client: Client;
  /** The close event of the connection's socket, once it closes. */
  closed: Promise<{ code: number; reason: string }>;
  /** Starts a subscription on this connection. */
  subscribe(query: string, variables?: Record<string, unknown>): Promise<Subscriber>;
  close(): Promise<void>;
  /** Ends the connection abruptly: the TCP socket is destroyed, no close frame is sent. */
  drop(): void;
}

export function wsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, "ws")}/graphql`;
}

/** Opens a connection with `apiKey`; rejects with the close event if the server refuses it. */
export async function connect(baseUrl: string, apiKey: string | null): Promise<Connection> {
  let acknowledged!: () => void;
  let refused!: (reason: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    acknowledged = resolve;
    refused = reject;
  });
  let socket: WebSocket | undefined;
  let onClosed!: (event: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (onClosed = resolve));
  const client: Client = createClient({
    url: wsUrl(baseUrl),
    webSocketImpl: WebSocket,
    connectionParams: apiKey ? { authorization: apiKey } : {},
    retryAttempts: 0,
    lazy: false,
    on: {
      connected: (connected) => {
        socket = connected as WebSocket;
        acknowledged();
      },
      closed: (event) => {
        refused(event);
        const { code, reason } = event as { code: number; reason: string };
        onClosed({ code, reason: String(reason) });
      },
    },
    onNonLazyError: (error) => refused(error),
  });
  await ready;
  return {
    client,
    closed,
    subscribe: (query, variables = {}) => listen(client, query, variables, async () => undefined),
    close: async () => {
      await client.dispose();
    },
    drop: () => socket?.terminate(),
  };
}

/** One subscription on a connection of its own. */
export async function subscribe(
  baseUrl: string,
  apiKey: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Subscriber> {
  const connection = await connect(baseUrl, apiKey);
  return listen(connection.client, query, variables, () => connection.close());
}

async function listen(
  client: Client,
  query: string,
  variables: Record<string, unknown>,
  closeConnection: () => Promise<void>,
): Promise<Subscriber> {
  const events: Array<Record<string, any>> = [];
  const errors: unknown[] = [];
  const waiters: Array<() => void> = [];
  let onEnded!: (errors: unknown[]) => void;
  const ended = new Promise<unknown[]>((resolve) => (onEnded = resolve));
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (result.data) events.push(result.data as Record<string, any>);
        waiters.forEach((wake) => wake());
      },
      error: (error) => {
        errors.push(error);
        onEnded(errors);
        waiters.forEach((wake) => wake());
      },
      complete: () => onEnded([]),
    },
  );
  // The server registers the subscription right after the ack; give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    events,
    errors,
    ended,
    waitFor: (count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`got ${events.length} of ${count} events: ${JSON.stringify(events).slice(0, 500)}`)),
          timeoutMs,
        );
        const check = () => {
          if (events.length >= count) {
            clearTimeout(timer);
            resolve(events);
          }
        };
        waiters.push(check);
        check();
      }),
    close: async () => {
      dispose();
      await closeConnection();
    },
  };
}
