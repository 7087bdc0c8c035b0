import type { DataSource } from "typeorm";
import type { OptOutReplies } from "../../entities/opt-out-replies";
import { SmsRecipient } from "../../entities/sms-recipient.entity";
import { UserErrorCode } from "../shared/user-error-code.enum";
import type { UserInputProblem } from "../shared/user-input-error";
import { type Page, type PageArgs, rowsToRead, toPage, toPageRequest } from "../shared/pagination";
import { InvalidArgumentError } from "../shared/user-input-error";

const CURSOR_KIND = "optout";
const cursorOf = (recipient: SmsRecipient) => Buffer.from(`${CURSOR_KIND}:${recipient.userNumber}`, "utf8").toString("base64url");
/** The user number a cursor names, or null when it is not an opt-out cursor. */
function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  return text.startsWith(`${CURSOR_KIND}:`) ? text.slice(CURSOR_KIND.length + 1) : null;
}

/** New reply texts of an agent number: a given text replaces the stored one, null restores the default, undefined keeps it. */
export interface UpdateOptOutRepliesCommand extends OptOutReplies {
  agentNumber: string;
}

export type UpdateOptOutRepliesResult = { ok: true; agentNumberId: string } | { ok: false; problem: UserInputProblem };

const REPLY_KEYS = ["optOutMessage", "optInMessage", "helpMessage"] as const;

/**
 * Reads of the opt-out state the write path keeps (sms_recipient; see RECORD_MESSAGES_SQL). The
 * state is only ever changed there, by a user's keyword message.
 */
export class OptOutService {
  constructor(private readonly dataSource: DataSource) {}

  /** Whether each conversation's user is opted out of its agent number (across channels), by conversation id. */
  async optedOutByConversation(accountId: string, conversationIds: readonly string[]): Promise<Map<string, boolean>> {
    if (conversationIds.length === 0) return new Map();
    const rows: Array<{ id: string; opted_out: boolean }> = await this.dataSource.query(
      `SELECT c.id, COALESCE(r.opted_out, false) AS opted_out
       FROM sms_conversation c
       LEFT JOIN sms_recipient r ON r.agent_number_id = c.agent_number_id AND r.user_number = c.user_number
       WHERE c.account_id = $1 AND c.id = ANY($2::uuid[])`,
      [accountId, conversationIds],
    );
    return new Map(rows.map((row) => [row.id, row.opted_out]));
  }

  /** Sets an agent number's reply texts (read by the write path when it records a reply). */
  async updateReplies(accountId: string, command: UpdateOptOutRepliesCommand): Promise<UpdateOptOutRepliesResult> {
    const given = Object.fromEntries(REPLY_KEYS.filter((key) => command[key] != null).map((key) => [key, command[key]]));
    const cleared = REPLY_KEYS.filter((key) => command[key] === null);
    const rows: Array<{ id: string }> = await this.dataSource.query(
      // A SELECT on top: TypeORM answers a bare UPDATE with [rows, count].
      `WITH updated AS (
         UPDATE agent_number SET opt_out_replies = (opt_out_replies - $3::text[]) || $4::jsonb
         WHERE account_id = $1 AND number = $2 RETURNING id
       )
       SELECT id FROM updated`,
      [accountId, command.agentNumber, cleared, JSON.stringify(given)],
    );
    if (rows.length === 0) {
      return {
        ok: false,
        problem: {
          code: UserErrorCode.AGENT_NUMBER_NOT_FOUND,
          field: "agentNumber",
          message: "the agent number is not registered to this account",
        },
      };
    }
    return { ok: true, agentNumberId: rows[0].id };
  }

  /** The users opted out of an agent number, earliest opt-out first, paged Relay-style by keyset. */
  async listOptedOut(agentNumberId: string, args: PageArgs): Promise<Page<SmsRecipient>> {
    const request = toPageRequest(args);
    const query = this.dataSource
      .getRepository(SmsRecipient)
      .createQueryBuilder("r")
      .where("r.agent_number_id = :agentNumberId AND r.opted_out", { agentNumberId });
    if (request.cursor !== null) {
      const argument = request.forward ? "after" : "before";
      const userNumber = decodeCursor(request.cursor);
      const known =
        userNumber !== null && (await this.dataSource.getRepository(SmsRecipient).existsBy({ agentNumberId, userNumber, optedOut: true }));
      if (!known) throw new InvalidArgumentError(argument, `${argument} is not a cursor of this agent number's opt-outs`);
      query.andWhere(
        `(r.opted_out_at, r.user_number) ${request.forward ? ">" : "<"}
         (SELECT opted_out_at, user_number FROM sms_recipient WHERE agent_number_id = :agentNumberId AND user_number = :userNumber)`,
        { userNumber },
      );
    }
    const direction = request.forward ? "ASC" : "DESC";
    const rows = await query
      .orderBy("r.opted_out_at", direction)
      .addOrderBy("r.user_number", direction)
      .limit(rowsToRead(request))
      .getMany();
    return toPage(rows, request, cursorOf);
  }
}
