import { type Client, createClient } from "graphql-ws";
import WebSocket from "ws";

/** A graphql-ws client that collects what one subscription yields. */
export interface Subscriber {
  events: Array<Record<string, any>>;
  errors: unknown[];
  /** Resolves once `count` events arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<Array<Record<string, any>>>;
  close(): Promise<void>;
}

export function wsUrl(baseUrl: string): string {
  return `${baseUrl.replace(/^http/, "ws")}/graphql`;
}

export async function subscribe(
  baseUrl: string,
  apiKey: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<Subscriber> {
  let acknowledged!: () => void;
  let refused!: (reason: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    acknowledged = resolve;
    refused = reject;
  });
  const client: Client = createClient({
    url: wsUrl(baseUrl),
    webSocketImpl: WebSocket,
    connectionParams: apiKey ? { authorization: apiKey } : {},
    retryAttempts: 0,
    lazy: false,
    on: { connected: () => acknowledged(), closed: (event) => refused(event) },
    onNonLazyError: (error) => refused(error),
  });
  const events: Array<Record<string, any>> = [];
  const errors: unknown[] = [];
  const waiters: Array<() => void> = [];
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
        waiters.forEach((wake) => wake());
      },
      complete: () => undefined,
    },
  );
  await ready;
  // The server registers the subscription right after the ack; give it a moment.
  await new Promise((resolve) => setTimeout(resolve, 100));
  return {
    events,
    errors,
    waitFor: (count, timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`got ${events.length} of ${count} events: ${JSON.stringify(events)}`)), timeoutMs);
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
      await client.dispose();
    },
  };
}
