import { AgentNumberChannel } from "../agent-numbers/agent-number-channel.enum";
import type { AgentNumberRef } from "../agent-numbers/agent-number.service";
import type { TimerKind } from "../workflows/workflow-contract";
import { optKeywordOf } from "./opt-out-keywords";
import type { RecordMessageCommand } from "./record-message.command";

/** A message to record between a user and an agent number (createSmsConversation, sendSmsMessage). */
export interface MessageCall {
  op: "MESSAGE";
  /** The account's agent number (checked before the call is made). */
  ref: AgentNumberRef;
  command: RecordMessageCommand;
  /**
   * Parley sends the message (sendSmsMessage): it is recorded QUEUED and handed to the outbound
   * delivery port, as the timeout flow's messages are. (Default: false, a message only recorded)
   */
  deliver?: boolean;
  /** A send's idempotency key: unique per account, as a messageSid is (a repeat is a replay). */
  idempotencyKey?: string | null;
}

/** A timer of the timeout flow that is due: it records the warning or end message it sends. */
export interface TimerCall {
  op: "TIMER";
  conversationId: string;
  timer: TimerKind;
}

/**
 * What the write path records: every message goes through it (see MessageRecorder). A call
 * carries the W3C traceparent of the span it was made in (tracing on; see MessageRecorder.record)
 * into the outbox rows it writes.
 */
export type RecordCall = (MessageCall | TimerCall) & { traceparent?: string | null };

/** One input column of the write statement: its name and type there, and its value for a call (null where it does not apply). */
export interface CallColumn {
  name: string;
  /** PostgreSQL type of one element (the statement takes one array per column). */
  type: string;
  value(call: RecordCall): unknown;
  /** A conversation column a message may set: a given value replaces the stored one, an omitted one keeps it. */
  persisted?: true;
}

const message =
  <T>(value: (call: MessageCall) => T) =>
  (call: RecordCall) =>
    call.op === "MESSAGE" ? (value(call) ?? null) : null;
const timer =
  <T>(value: (call: TimerCall) => T) =>
  (call: RecordCall) =>
    call.op === "TIMER" ? value(call) : null;

/** A USER message that is an opt-out keyword (STOP, START, HELP, …); agent messages never are. */
const userKeyword = (command: RecordMessageCommand) => ((command.sender ?? "USER") === "USER" ? optKeywordOf(command.message) : null);

/**
 * The write statement's input, one line per column: the statement's column list and the values
 * bound to it are both generated from here. A new optional persisted input field is one line with
 * `persisted: true` (plus its migration and input field).
 */
export const CALL_COLUMNS: readonly CallColumn[] = [
  { name: "op", type: "text", value: (call) => call.op },
  { name: "account_id", type: "uuid", value: message(({ ref }) => ref.accountId) },
  { name: "agent_number_id", type: "uuid", value: message(({ ref }) => ref.id) },
  { name: "agent_number", type: "text", value: message(({ ref }) => ref.number) },
  { name: "user_number", type: "text", value: message(({ command }) => command.userNumber) },
  { name: "channel", type: "text", value: message(({ command }) => command.channel ?? AgentNumberChannel.SMS) },
  { name: "sender", type: "text", value: message(({ command }) => command.sender ?? "USER") },
  { name: "body", type: "text", value: message(({ command }) => command.message) },
  { name: "message_sid", type: "text", value: message(({ command }) => command.messageSid) },
  { name: "idempotency_key", type: "text", value: message(({ idempotencyKey }) => idempotencyKey) },
  { name: "deliver", type: "boolean", value: message(({ deliver }) => deliver ?? false) },
  { name: "new_conversation", type: "boolean", value: message(({ command }) => command.newConversation ?? false) },
  { name: "opt_action", type: "text", value: message(({ command }) => userKeyword(command)?.action) },
  { name: "opt_keyword", type: "text", value: message(({ command }) => userKeyword(command)?.keyword) },
  { name: "timer_conversation_id", type: "uuid", value: timer(({ conversationId }) => conversationId) },
  { name: "timer_kind", type: "text", value: timer(({ timer }) => timer) },
  { name: "traceparent", type: "text", value: (call) => call.traceparent ?? null },
  { name: "curr_pathway_id", type: "uuid", persisted: true, value: message(({ command }) => command.currPathwayId) },
  { name: "curr_pathway_version", type: "text", persisted: true, value: message(({ command }) => command.currPathwayVersion) },
  { name: "current_node_id", type: "text", persisted: true, value: message(({ command }) => command.currentNodeId) },
  {
    name: "request_data",
    type: "jsonb",
    persisted: true,
    value: message(({ command }) => (command.requestData == null ? null : JSON.stringify(command.requestData))),
  },
  { name: "time_out", type: "int", persisted: true, value: message(({ command }) => command.timeOut) },
  { name: "warning_time", type: "int", persisted: true, value: message(({ command }) => command.warningTime) },
  { name: "timeout_message", type: "text", persisted: true, value: message(({ command }) => command.timeoutMessage) },
  { name: "warning_message", type: "text", persisted: true, value: message(({ command }) => command.warningMessage) },
];

/** The statement's parameters for `calls`: one array per column, in CALL_COLUMNS order. */
export function callParameters(calls: readonly RecordCall[]): unknown[][] {
  return CALL_COLUMNS.map((column) => calls.map((call) => column.value(call)));
}
