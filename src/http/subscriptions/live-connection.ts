import type WebSocket from "ws";
import type { EventFanOut } from "../../events/event-fan-out";
import type { Logger } from "../../logging/logger";
import type { SubscriptionEvents } from "../../resolvers/context.type";
import type { ConnectionSlots } from "./subscription-limits";

/** Close code of a connection whose subscriber fell too far behind (its queue overflowed, or its socket stopped reading). */
export const FELL_BEHIND_CLOSE_CODE = 4420;
/** Close code of a connection whose key is missing, unknown or revoked (graphql-ws's Forbidden). */
export const FORBIDDEN_CLOSE_CODE = 4403;

export interface LiveConnectionOptions {
  socket: WebSocket;
  accountId: string;
  slots: ConnectionSlots;
  fanOut: EventFanOut;
  logger: Logger;
  /** Events one subscription may fall behind before the connection is closed. */
  maxQueuedEvents: number;
  /** Unsent bytes the connection may hold before the connection is closed. */
  maxBufferedBytes: number;
}

/** An authenticated graphql-ws connection: its account, its subscription slots and how it ends. */
export class LiveConnection {
  readonly accountId: string;
  readonly slots: ConnectionSlots;
  /** Where its subscriptions hear events, each through a queue of at most `maxQueuedEvents`. */
  readonly events: SubscriptionEvents;
  private readonly cleanups: Array<() => void> = [];

  constructor(private readonly options: LiveConnectionOptions) {
    this.accountId = options.accountId;
    this.slots = options.slots;
    this.events = {
      subscribe: (type, accepts) =>
        options.fanOut.subscribe(type, { accepts, maxQueued: options.maxQueuedEvents, onOverflow: () => this.fellBehind("queue") }),
    };
  }

  /** Runs `cleanup` when the connection ends. */
  onEnd(cleanup: () => void): void {
    this.cleanups.push(cleanup);
  }

  /** Before a result is sent: a socket that stopped reading is closed before its buffer grows further. */
  checkBuffered(): void {
    if (this.options.socket.bufferedAmount > this.options.maxBufferedBytes) this.fellBehind("socket");
  }

  /** Its key was revoked. */
  revoked(): void {
    this.close(FORBIDDEN_CLOSE_CODE, "API key revoked");
  }

  /** The socket closed: its subscriptions' slots are free. */
  ended(): void {
    this.slots.close();
    for (const cleanup of this.cleanups.splice(0)) cleanup();
  }

  private fellBehind(cause: "queue" | "socket"): void {
    if (this.options.socket.readyState !== this.options.socket.OPEN) return;
    this.options.logger.warn(
      { accountId: this.accountId, cause, maxQueuedEvents: this.options.maxQueuedEvents, maxBufferedBytes: this.options.maxBufferedBytes },
      "subscriber fell too far behind; closing its connection (4420)",
    );
    this.close(FELL_BEHIND_CLOSE_CODE, "Subscriber fell too far behind");
  }

  private close(code: number, reason: string): void {
    const { socket } = this.options;
    if (socket.readyState !== socket.OPEN) return;
    try {
      socket.close(code, reason);
    } catch {
      socket.terminate();
    }
  }
}
