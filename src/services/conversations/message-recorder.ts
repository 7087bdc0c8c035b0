import { DatabaseError, type Pool } from "pg";
import type { SmsMessageKind } from "../../entities/sms-message-kind.enum";
import { isUniqueViolation } from "../../errors/unique-violation";
import { LATER, WriteBatcher, type WriteBatcherOptions } from "../shared/write-batcher";
import { currentTraceparent } from "../../tracing/trace-context";
import { callParameters, type RecordCall } from "./record-call";
import { recordMessagesStatement } from "./record-messages.sql";
import type { TimeoutConfigSource, TimeoutRuleViolation } from "../shared/timeout-rules.sql";

/** What RECORD_MESSAGES_SQL says of one call. */
export interface RecordedRow {
  outcome: "WRITTEN" | "REPLAYED" | "SID_CONFLICT" | "KEY_CONFLICT" | "REFUSED" | "OPTED_OUT" | "FIRED" | "RESCHEDULED" | "STALE";
  /** The conversation written (or, for a replay, the original's; for a timer, the timer's). */
  conversation_id: string | null;
  /** Its account (a written call's or a timer's). */
  account_id: string | null;
  /** Its workflow; null for a continued conversation whose workflow this statement could not see yet. */
  workflow_id: string | null;
  /** The messages recorded, in order (a keyword message's reply after it); for a replay, the original message. */
  message_ids: string[];
  /** The kinds of the messages a fired timer sent. */
  sent: SmsMessageKind[];
  /** A new conversation (and PENDING workflow) was started. */
  started: boolean;
  /** The conversation this call archived (newConversation). */
  archived_id: string | null;
  /** The pair's conversations on other channels whose timers an opt-out cancelled. */
  silenced_ids: string[];
  /** When a timer that ran early fires instead. */
  fire_at: Date | null;
  violation: TimeoutRuleViolation | null;
  effective_time_out: number | null;
  effective_time_out_source: TimeoutConfigSource | null;
  effective_warning_time: number | null;
  effective_warning_time_source: TimeoutConfigSource | null;
  /** workflow_outbox rows the statement wrote, all calls together. */
  jobs: number;
  /** Some process has subscribers (see EventListeners): the change's events are worth publishing. */
  listened: boolean;
}

type StatementRow = Omit<RecordedRow, "outcome"> & { n: number; outcome: RecordedRow["outcome"] | "RACED" };

/** The unique indexes a repeat meets when a concurrent transaction recorded its messageSid or idempotency key first. */
const REPEAT_KEYS = ["sms_message_account_message_sid_key", "sms_message_account_idempotency_key_key"];

/** The longest random wait before a call that lost a race runs again, in ms. */
const MAX_RETRY_WAIT_MS = 50;

/** How often a call is run again after losing a race (a new conversation, a messageSid, an idempotency key) to another transaction. */
const MAX_ATTEMPTS = 20;

/**
 * Records every message through RECORD_MESSAGES_SQL, with group commit: the calls that arrive
 * while earlier batches are being written go together in one statement, so one transaction
 * and one commit. A call is answered once its batch has committed, with its own row or error.
 */
export class MessageRecorder {
  private readonly batcher: WriteBatcher<RecordCall, RecordedRow>;

  constructor(
    private readonly pool: Pool,
    options: WriteBatcherOptions = {},
  ) {
    this.batcher = new WriteBatcher((calls) => this.recordBatch(calls), options);
  }

  /**
   * Records one call once its batch commits. The span it is made in (tracing on) is noted now:
   * the batch runs in whichever call's context started it, and each call's outbox rows carry
   * their own request's traceparent.
   */
  record(call: RecordCall): Promise<RecordedRow> {
    const traceparent = call.traceparent === undefined ? currentTraceparent() : null;
    return this.batcher.write(traceparent ? { ...call, traceparent } : call);
  }

  /**
   * One statement for the batch's first round of messages and one for its first round of timers
   * (see firstRounds); the calls of later rounds are left for the next batch, which they lead, so a
   * batch holding two calls of one pair costs one statement, not two one after the other. A
   * round PostgreSQL refuses is run again call by call, so that a failing call fails alone; a
   * call that lost a race runs again on its own.
   */
  private async recordBatch(calls: readonly RecordCall[]): Promise<Array<RecordedRow | Error | typeof LATER>> {
    const results = Array.from<StatementRow | Error | undefined>({ length: calls.length });
    const { messages, timers } = firstRounds(calls);
    for (const round of [messages, timers]) if (round.length > 0) await this.recordRound(calls, round, results);
    const written = new Set([...messages, ...timers]);
    const answers: Array<RecordedRow | Error | typeof LATER> = [];
    // Calls that lost a race run again one after the other, in the order they came: run together,
    // a pair's calls would race each other again.
    for (const [index, call] of calls.entries()) {
      const result = results[index];
      if (!written.has(index)) answers[index] = LATER;
      else if (result instanceof Error && !retriable(result)) answers[index] = result;
      else if (result === undefined) answers[index] = new Error("the statement returned no row for this call");
      else if (!(result instanceof Error) && result.outcome !== "RACED") answers[index] = result as RecordedRow;
      else answers[index] = await this.recordAlone(call, 2);
    }
    return answers;
  }

  private async recordRound(
    calls: readonly RecordCall[],
    round: number[],
    results: Array<StatementRow | Error | undefined>,
  ): Promise<void> {
    try {
      const values = callParameters(round.map((index) => calls[index]));
      // Built whole, not `{ ...statement, values }`: docs/decisions/0016.
      const { name, text } = recordMessagesStatement(values);
      const { rows } = await this.pool.query<StatementRow>({ name, text, values });
      for (const row of rows) results[round[row.n - 1]] = row;
    } catch (error) {
      if (round.length === 1 || !rolledBack(error)) {
        for (const index of round) results[index] = error instanceof Error ? error : new Error(String(error));
        return;
      }
      // The whole round rolled back; alone, each call meets only its own outcome.
      await Promise.all(round.map((index) => this.recordRound(calls, [index], results)));
    }
  }

  /** A call run on its own until it does not lose a race. */
  private async recordAlone(call: RecordCall, attempt: number): Promise<RecordedRow | Error> {
    const results: Array<StatementRow | Error | undefined> = [];
    await this.recordRound([call], [0], results);
    const [result] = results;
    const again = result instanceof Error ? retriable(result) : result?.outcome === "RACED";
    if (again && attempt < MAX_ATTEMPTS) {
      // Another process's calls for the pair may be racing too: a random wait, growing with each loss, parts them.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, MAX_RETRY_WAIT_MS)));
      return this.recordAlone(call, attempt + 1);
    }
    if (result === undefined || result instanceof Error) return result ?? new Error("the statement returned no row for this call");
    if (result.outcome === "RACED") return new Error(`the call lost the race for its conversation ${MAX_ATTEMPTS} times`);
    return result as RecordedRow;
  }
}

/**
 * Whether the statement surely rolled back: PostgreSQL answered it with an ERROR. A lost
 * connection or a FATAL (a backend terminated) may have hidden a commit; writing the calls again
 * could then record their messages twice, so those calls fail instead.
 */
function rolledBack(error: unknown): boolean {
  return error instanceof DatabaseError && error.severity === "ERROR";
}

/** A messageSid or idempotency key recorded by a concurrent transaction: run again, the call is that message's repeat. */
function retriable(error: Error): boolean {
  return rolledBack(error) && REPEAT_KEYS.some((key) => isUniqueViolation(error, key));
}

/**
 * The indexes of `calls` (oldest first) that one statement can write together, messages and
 * timers apart: each pair's, messageSid's and idempotency key's oldest message call (so one
 * conversation and one opt-out row, which a statement upserts at most once), and each
 * conversation's oldest timer call. A message call behind an older call holding any of its keys
 * waits for a later batch, and so does every later call of that pair, so a pair's calls are
 * written in the order they came. Timer calls, whose conversation's pair is not known here, go
 * in a statement of their own after the messages'.
 */
function firstRounds(calls: readonly RecordCall[]): { messages: number[]; timers: number[] } {
  const messages: number[] = [];
  const timers: number[] = [];
  const held = new Set<string>();
  calls.forEach((call, index) => {
    const keys =
      call.op === "TIMER"
        ? [`conversation:${call.conversationId}`]
        : [
            `pair:${call.ref.id}:${call.command.userNumber}`,
            ...(call.command.messageSid ? [`sid:${call.ref.accountId}:${call.command.messageSid}`] : []),
            ...(call.idempotencyKey ? [`key:${call.ref.accountId}:${call.idempotencyKey}`] : []),
          ];
    const free = keys.every((key) => !held.has(key));
    for (const key of keys) held.add(key);
    if (free) (call.op === "TIMER" ? timers : messages).push(index);
  });
  return { messages, timers };
}
