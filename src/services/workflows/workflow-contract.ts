/**
 * The contract between what writes workflow jobs (services and their SQL) and what runs them
 * (the worker's tasks): task names, job keys and payloads. Jobs outlive deploys — a timer set
 * today runs after tomorrow's release — so a change here must keep reading payloads written by
 * the version before.
 */

/** graphile-worker task identifiers of the conversation workflow. */
export enum WorkflowTask {
  /** Fires a conversation's warning or timeout timer when it is due. */
  CONVERSATION_TIMER = "conversation.timer",
  /** POSTs one outbound message to its account's webhook (retried with backoff). */
  DELIVER_WEBHOOK = "delivery.webhook",
}

/** The two timers of the silence-timeout flow. */
export enum TimerKind {
  /** Sends the warning message after `warningTime` seconds of user silence. */
  WARNING = "WARNING",
  /** Sends the timeout message and ends the conversation after `timeOut` seconds. */
  TIMEOUT = "TIMEOUT",
}

/** graphile-worker job_key of a conversation's timer: a newer schedule replaces the pending job. */
export function timerJobKey(conversationId: string, kind: TimerKind): string {
  return `timer:${conversationId}:${kind.toLowerCase()}`;
}

/** timerJobKey in SQL, over a conversation id and a TimerKind (any case), both SQL expressions. */
export function timerJobKeySql(conversationId: string, kind: string): string {
  return `'timer:' || ${conversationId} || ':' || lower(${kind})`;
}

/** graphile-worker job_key of a message's webhook delivery: a retry replaces the pending attempt. */
export function webhookJobKey(messageId: string): string {
  return `webhook:${messageId}`;
}

/** webhookJobKey in SQL, over a message id (an SQL expression). */
export function webhookJobKeySql(messageId: string): string {
  return `'webhook:' || ${messageId}`;
}

/**
 * What any job's payload may carry besides its task's fields: the W3C traceparent of the span
 * that scheduled it (written with tracing on; the relay copies it from the outbox row), to which
 * the job's span links. Payloads without it are as valid.
 */
export interface JobTraceContext {
  traceparent?: string;
}

/** Payload of a conversation.timer job. */
export interface ConversationTimerPayload {
  /** Null when the writer could not see it yet; the conversation id identifies the workflow too. */
  workflowId: string | null;
  conversationId: string;
  kind: TimerKind;
}

/** Payload of a delivery.webhook job. */
export interface DeliverWebhookPayload {
  messageId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A job's payload checked against its task's shape: a job written by anything else fails loudly, not halfway. */
export function asConversationTimerPayload(payload: unknown): ConversationTimerPayload {
  const { workflowId, conversationId, kind } = (payload ?? {}) as Record<string, unknown>;
  if (
    (workflowId === null || (typeof workflowId === "string" && UUID.test(workflowId))) &&
    typeof conversationId === "string" &&
    UUID.test(conversationId) &&
    (kind === TimerKind.WARNING || kind === TimerKind.TIMEOUT)
  ) {
    return { workflowId, conversationId, kind };
  }
  throw new TypeError(
    `not a ${WorkflowTask.CONVERSATION_TIMER} payload: expected { workflowId: uuid | null, conversationId: uuid, kind: WARNING | TIMEOUT }`,
  );
}

export function asDeliverWebhookPayload(payload: unknown): DeliverWebhookPayload {
  const { messageId } = (payload ?? {}) as Record<string, unknown>;
  if (typeof messageId === "string" && UUID.test(messageId)) return { messageId };
  throw new TypeError(`not a ${WorkflowTask.DELIVER_WEBHOOK} payload: expected { messageId: uuid }`);
}
