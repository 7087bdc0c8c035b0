import type { DataSource } from "typeorm";
import { SmsRecipient } from "../../entities/sms-recipient.entity";
import { type Page, type PageArgs, toPage, toPageRequest } from "../shared/pagination";
import { InvalidArgumentError } from "../shared/user-input-error";

const CURSOR_KIND = "optout";
const cursorOf = (recipient: SmsRecipient) => Buffer.from(`${CURSOR_KIND}:${recipient.userNumber}`, "utf8").toString("base64url");
/** The user number a cursor names, or null when it is not an opt-out cursor. */
function decodeCursor(cursor: string): string | null {
  const text = Buffer.from(cursor, "base64url").toString("utf8");
  return text.startsWith(`${CURSOR_KIND}:`) ? text.slice(CURSOR_KIND.length + 1) : null;
}

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
      .limit(request.size + 1)
      .getMany();
    return toPage(rows, request, cursorOf);
  }
}
