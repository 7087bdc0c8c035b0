import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import { parsePublicId } from "../../src/services/shared/public-id";
import { randomNumber } from "./harness";

const CREATE = `mutation Create($input: CreateSmsConversationInput!) {
  createSmsConversation(input: $input) { conversationId workflowId userErrors { code field message } }
}`;

/** One createSmsConversation call of a load and what came of it. */
export interface LoadCall {
  input: {
    userNumber: string;
    agentNumber: string;
    message: string;
    messageSid: string;
    sender?: "AGENT";
    timeOut?: number;
    timeoutMessage?: string;
    newConversation?: boolean;
  };
  /** performance.now() when it was sent. */
  sentAt: number;
  ms: number;
  /** The HTTP status, or why there was none (the connection failed, or no answer within the request timeout). */
  status: number | "connection failed" | "no answer";
  retryAfter: string | null;
  errors: Array<{ message: string; extensions?: Record<string, unknown> }>;
  /** Set when the call was acknowledged: 200 with the ids and no userErrors. */
  conversationId?: string;
  workflowId?: string;
}

export interface LoadOptions {
  baseUrl: string;
  apiKey: string;
  agentNumber: string;
  /** Calls in flight at once. (Default: 4) */
  concurrency?: number;
  /** Pause of each caller between its calls, in ms: keeps the load bounded. (Default: 50) */
  pauseMs?: number;
  /** Every n-th call is an AGENT message with a 2 s timeOut (a timer); 0 never. (Default: 0) */
  timerEvery?: number;
  /** Every n-th call (unless a timer) asks for a new conversation: the locked path, a TypeORM transaction; 0 never. (Default: 0) */
  newConversationEvery?: number;
  /** A call unanswered this long counts as "no answer". (Default: 10000) */
  requestTimeoutMs?: number;
}

/** Concurrent createSmsConversation calls, each with its own messageSid and user number, until stopped. */
export function startLoad(options: LoadOptions): { calls: LoadCall[]; stop(): Promise<LoadCall[]> } {
  const calls: LoadCall[] = [];
  const run = randomUUID().slice(0, 8);
  let stopped = false;
  let n = 0;

  const callOnce = async (): Promise<void> => {
    const i = n++;
    const timer = options.timerEvery ? i % options.timerEvery === 0 : false;
    const locked = !timer && (options.newConversationEvery ? i % options.newConversationEvery === 0 : false);
    const input: LoadCall["input"] = {
      userNumber: randomNumber(),
      agentNumber: options.agentNumber,
      message: `load ${run} ${i}`,
      messageSid: `SM${run}${i}`,
      ...(timer ? { sender: "AGENT" as const, timeOut: 2, timeoutMessage: "Bye" } : {}),
      ...(locked ? { newConversation: true } : {}),
    };
    const call: LoadCall = { input, sentAt: performance.now(), ms: 0, status: "no answer", retryAfter: null, errors: [] };
    calls.push(call);
    try {
      const response = await fetch(`${options.baseUrl}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: options.apiKey },
        body: JSON.stringify({ query: CREATE, variables: { input } }),
        signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000),
      });
      const body = (await response.json()) as {
        data?: { createSmsConversation: { conversationId: string; workflowId: string; userErrors: unknown[] } | null } | null;
        errors?: LoadCall["errors"];
      };
      call.status = response.status;
      call.retryAfter = response.headers.get("retry-after");
      call.errors = body.errors ?? [];
      const payload = body.data?.createSmsConversation;
      if (response.status === 200 && payload && payload.userErrors.length === 0) {
        call.conversationId = payload.conversationId;
        call.workflowId = payload.workflowId;
      }
    } catch (error) {
      call.status = (error as Error).name === "TimeoutError" ? "no answer" : "connection failed";
    }
    call.ms = performance.now() - call.sentAt;
  };

  const caller = async () => {
    while (!stopped) {
      await callOnce();
      await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 50));
    }
  };
  const callers = Array.from({ length: options.concurrency ?? 4 }, caller);
  return {
    calls,
    async stop() {
      stopped = true;
      await Promise.all(callers);
      return calls;
    },
  };
}

/** The calls acknowledged (answered 200 with ids). */
export const acknowledged = (calls: readonly LoadCall[]) => calls.filter((call) => call.conversationId !== undefined);

/**
 * Every acknowledged call is in the database: its message (by messageSid, with its body) in the
 * conversation it was answered with, and that conversation's workflow the one it was answered with.
 */
export async function expectAcknowledgedStored(db: Pool, calls: readonly LoadCall[]): Promise<void> {
  const acked = acknowledged(calls);
  const { rows } = await db.query<{ message_sid: string; body: string; conversation_id: string; workflow_id: string }>(
    `SELECT m.message_sid, m.body, m.conversation_id, w.id AS workflow_id
     FROM sms_message m JOIN workflow w ON w.conversation_id = m.conversation_id
     WHERE m.message_sid = ANY($1)`,
    [acked.map((call) => call.input.messageSid)],
  );
  const stored = new Map(rows.map((row) => [row.message_sid, row]));
  const missing = acked.filter((call) => {
    const row = stored.get(call.input.messageSid);
    return (
      row?.body !== call.input.message ||
      row.conversation_id !== parsePublicId("conversation", call.conversationId!) ||
      row.workflow_id !== parsePublicId("workflow", call.workflowId!)
    );
  });
  expect(missing.map((call) => call.input.messageSid)).toEqual([]);
}
