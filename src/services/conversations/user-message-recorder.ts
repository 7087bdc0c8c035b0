import { DatabaseError, type Pool } from "pg";
import type { AgentNumberRef } from "../agent-numbers/agent-number.service";
import type { CreateSmsConversationCommand } from "./create-sms-conversation.command";
import type { RecordedMessageRow } from "./sql/recorded-message-row";
import { RECORD_USER_MESSAGES_SQL } from "./sql/record-user-messages.sql";
import { WriteBatcher, type WriteBatcherOptions } from "../shared/write-batcher";

/** A USER message that sets no timeOut/warningTime, for the agent number `ref`. */
export interface UserMessageCall {
  ref: AgentNumberRef;
  command: CreateSmsConversationCommand;
}

/**
 * Records the most common call, a USER message without timeOut/warningTime, with group commit:
 * the calls that arrive while earlier batches are being written go together in one statement
 * (RECORD_USER_MESSAGES_SQL). A call is answered once its batch has committed, so an
 * acknowledged message is durable as before; each call gets its own row or its own error.
 */
export class UserMessageRecorder {
  private readonly batcher: WriteBatcher<UserMessageCall, RecordedMessageRow>;

  constructor(
    private readonly pool: Pool,
    options: WriteBatcherOptions = {},
  ) {
    this.batcher = new WriteBatcher((calls) => this.recordBatch(calls), options);
  }

  record(call: UserMessageCall): Promise<RecordedMessageRow> {
    return this.batcher.write(call);
  }

  /** One statement per round; a pair's calls keep their order (see distinctRounds). */
  private async recordBatch(calls: readonly UserMessageCall[]): Promise<Array<RecordedMessageRow | Error>> {
    const results: Array<RecordedMessageRow | Error | undefined> = new Array(calls.length);
    for (const round of distinctRounds(calls)) await this.recordRound(calls, round, results);
    // Unreachable (every call's input row yields its message): a call without a row is failed, not guessed.
    return results.map((result) => result ?? new Error("the batch returned no row for this call"));
  }

  private async recordRound(calls: readonly UserMessageCall[], round: number[], results: Array<RecordedMessageRow | Error | undefined>): Promise<void> {
    const batch = round.map((index) => calls[index]);
    const column = <T>(value: (call: UserMessageCall) => T) => batch.map(value);
    try {
      const { rows } = await this.pool.query<RecordedMessageRow & { n: number }>({
        name: "parley_record_user_messages",
        text: RECORD_USER_MESSAGES_SQL,
        values: [
          column(({ ref }) => ref.accountId),
          column(({ ref }) => ref.id),
          column(({ ref }) => ref.number),
          column(({ command }) => command.userNumber),
          column(({ command }) => command.message),
          column(({ command }) => command.messageSid ?? null),
          column(({ command }) => command.currPathwayId ?? null),
          column(({ command }) => command.currPathwayVersion ?? null),
          column(({ command }) => command.currentNodeId ?? null),
          column(({ command }) => (command.requestData == null ? null : JSON.stringify(command.requestData))),
          column(({ command }) => command.timeoutMessage ?? null),
          column(({ command }) => command.warningMessage ?? null),
        ],
      });
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
}

/**
 * Whether the statement surely rolled back: PostgreSQL answered it with an ERROR. A lost
 * connection or a FATAL (a backend terminated) may have hidden a commit; writing the calls again
 * could then record their messages twice, so those calls fail instead.
 */
function rolledBack(error: unknown): boolean {
  return error instanceof DatabaseError && error.severity === "ERROR";
}

/**
 * Indexes of `calls` in rounds: a call goes in the round after the last one holding its pair or
 * its messageSid. No round has two calls for one row of the unique indexes (ON CONFLICT may not
 * update a row twice in a statement; a SID repeat is answered as a replay once the first is
 * written), and a pair's calls are written in the order they came.
 */
function distinctRounds(calls: readonly UserMessageCall[]): number[][] {
  const rounds: number[][] = [];
  const lastRound = new Map<string, number>();
  calls.forEach(({ ref, command }, index) => {
    const keys = [`pair:${ref.id}:${command.userNumber}`];
    if (command.messageSid) keys.push(`sid:${ref.accountId}:${command.messageSid}`);
    const round = Math.max(-1, ...keys.map((key) => lastRound.get(key) ?? -1)) + 1;
    (rounds[round] ??= []).push(index);
    for (const key of keys) lastRound.set(key, round);
  });
  return rounds;
}
