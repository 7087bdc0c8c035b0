import type { DataSource } from "typeorm";
import { selectListOf } from "../../database/select-list";
import { type SqlReader, sqlReaderOf } from "../../database/sql-reader";
import { AgentNumber } from "../../entities/agent-number.entity";
import type { TimeoutSettings } from "../../entities/timeout-settings";
import { AgentNumberChannel } from "./agent-number-channel.enum";
import { decodeCursor, encodeCursor } from "../shared/cursor";
import { TtlCache } from "../shared/ttl-cache";
import { assertOffsetPage, type OffsetPage, type Page, type PageArgs, rowsToRead, toPage, toPageRequest } from "../shared/pagination";
import { UserErrorCode } from "../shared/user-error-code.enum";
import { InvalidArgumentError, type UserInputProblem } from "../shared/user-input-error";
import { TimeoutRuleViolation, timeoutRuleSql } from "../shared/timeout-rules.sql";

const CURSOR_KIND = "num";

/** What the hot path needs of an agent number; immutable once registered, so it is cached. */
export interface AgentNumberRef {
  id: string;
  accountId: string;
  number: string;
}

export interface UpdateAgentNumberConfigCommand extends TimeoutSettings {
  agentNumber: string;
  channel: AgentNumberChannel;
}

export type UpdateAgentNumberConfigResult = { ok: true; agentNumber: AgentNumber } | { ok: false; problem: UserInputProblem };

const SETTINGS = ["timeOut", "timeoutMessage", "warningTime", "warningMessage"] as const;

export class AgentNumberService {
  // Numbers never change account or value; configs are not cached (they are read in SQL).
  private readonly refs = new TtlCache<string, AgentNumberRef>(60_000);

  private readonly reader: SqlReader;

  constructor(private readonly dataSource: DataSource) {
    this.reader = sqlReaderOf(dataSource);
  }

  /** The account's agent number, from a short-lived cache; null when not registered to it. */
  async findRef(accountId: string, number: string): Promise<AgentNumberRef | null> {
    const key = `${accountId}|${number}`;
    const cached = this.refs.get(key);
    if (cached) return cached;
    const found = await this.findByNumber(accountId, number);
    if (!found) return null;
    const ref = { id: found.id, accountId: found.accountId, number: found.number };
    this.refs.set(key, ref);
    return ref;
  }

  /**
   * Sets a number's channel defaults (the REST platform's `POST /v1/sms/update`): a given value
   * replaces the stored one, `null` clears it, an omitted one stays. The result must keep
   * warningTime below timeOut (the timeout rule, as the write path checks it).
   */
  async updateConfig(accountId: string, command: UpdateAgentNumberConfigCommand): Promise<UpdateAgentNumberConfigResult> {
    const given = Object.fromEntries(SETTINGS.filter((key) => command[key] != null).map((key) => [key, command[key]]));
    const cleared = SETTINGS.filter((key) => command[key] === null);
    const touched = command.timeOut !== undefined || command.warningTime !== undefined;
    const rows: Array<{ id: string | null; violation: TimeoutRuleViolation | null; config: TimeoutSettings }> = await this.dataSource.query(
      `WITH number AS (
         SELECT id, CASE WHEN $3 = '${AgentNumberChannel.WHATSAPP}' THEN whatsapp_config ELSE sms_config END AS config
         FROM agent_number WHERE account_id = $1 AND number = $2 FOR UPDATE
       ),
       merged AS (
         SELECT id, (config - $4::text[]) || $5::jsonb AS config FROM number
       ),
       checked AS (
         SELECT id, config, ${timeoutRuleSql("(config->>'warningTime')::int", "(config->>'timeOut')::int", "$6")} AS violation FROM merged
       ),
       updated AS (
         UPDATE agent_number n SET
           sms_config = CASE WHEN $3 = '${AgentNumberChannel.WHATSAPP}' THEN n.sms_config ELSE c.config END,
           whatsapp_config = CASE WHEN $3 = '${AgentNumberChannel.WHATSAPP}' THEN c.config ELSE n.whatsapp_config END
         FROM checked c WHERE n.id = c.id AND c.violation IS NULL
         RETURNING n.id
       )
       SELECT c.id, c.violation, c.config FROM checked c`,
      [accountId, command.agentNumber, command.channel, cleared, JSON.stringify(given), touched],
    );
    const [row] = rows;
    if (!row) {
      return fail(UserErrorCode.AGENT_NUMBER_NOT_FOUND, "agentNumber", "the agent number is not registered to this account");
    }
    if (row.violation === TimeoutRuleViolation.WARNING_NEEDS_TIME_OUT) {
      // Blame what this call changed: a cleared timeOut, else the new warningTime.
      const field = command.timeOut === null ? "timeOut" : "warningTime";
      return fail(
        UserErrorCode.INVALID_TIMEOUT_CONFIG,
        field,
        `warningTime (${row.config.warningTime} s) needs a timeOut in the same config; set timeOut too`,
      );
    }
    if (row.violation === TimeoutRuleViolation.WARNING_NOT_BELOW_TIME_OUT) {
      const field = command.warningTime !== undefined ? "warningTime" : "timeOut";
      return fail(
        UserErrorCode.INVALID_TIMEOUT_CONFIG,
        field,
        `warningTime (${row.config.warningTime} s) must be less than timeOut (${row.config.timeOut} s)`,
      );
    }
    const [number] = await this.findByIds(accountId, [row.id!]);
    return { ok: true, agentNumber: number };
  }

  /** The account's numbers in number order, paged by keyset. */
  async list(accountId: string, args: PageArgs): Promise<Page<AgentNumber>> {
    const request = toPageRequest(args);
    const query = this.dataSource
      .getRepository(AgentNumber)
      .createQueryBuilder("n")
      .where("n.account_id = :accountId", { accountId })
      .orderBy("n.number", request.forward ? "ASC" : "DESC")
      .limit(rowsToRead(request));
    if (request.cursor !== null) {
      const argument = request.forward ? "after" : "before";
      const id = decodeCursor(CURSOR_KIND, request.cursor);
      const anchor = id ? await this.dataSource.getRepository(AgentNumber).findOneBy({ id, accountId }) : null;
      if (!anchor) throw new InvalidArgumentError(argument, `${argument} is not a cursor of this account's agent numbers`);
      query.andWhere(`n.number ${request.forward ? ">" : "<"} :number`, { number: anchor.number });
    }
    return toPage(await query.getMany(), request, (number) => encodeCursor(CURSOR_KIND, number.id));
  }

  /** A page of the account's numbers by position, in number order, with how many the account has. */
  async listPage(accountId: string, page: OffsetPage): Promise<{ numbers: AgentNumber[]; totalItems: number }> {
    assertOffsetPage(page);
    const [numbers, totalItems] = await this.dataSource
      .getRepository(AgentNumber)
      .findAndCount({ where: { accountId }, order: { number: "ASC" }, skip: page.offset, take: page.limit });
    return { numbers, totalItems };
  }

  async findByNumber(accountId: string, number: string): Promise<AgentNumber | null> {
    return this.dataSource.getRepository(AgentNumber).findOneBy({ accountId, number });
  }

  async findByIds(accountId: string, ids: readonly string[]): Promise<AgentNumber[]> {
    if (ids.length === 0) return [];
    return this.reader.rows<AgentNumber>(
      `SELECT ${selectListOf(this.dataSource, AgentNumber, "n")} FROM agent_number n WHERE n.account_id = $1 AND n.id = ANY($2::uuid[])`,
      [accountId, ids],
    );
  }

  /** How many conversations (any status) each number has. */
  async conversationCounts(ids: readonly string[]): Promise<Map<string, number>> {
    const rows: Array<{ id: string; n: number }> = ids.length
      ? await this.dataSource.query(
          "SELECT agent_number_id AS id, count(*)::int AS n FROM sms_conversation WHERE agent_number_id = ANY($1) GROUP BY agent_number_id",
          [ids],
        )
      : [];
    return new Map(rows.map((row) => [row.id, row.n]));
  }
}

function fail(code: UserErrorCode, field: string, message: string): UpdateAgentNumberConfigResult {
  return { ok: false, problem: { code, field, message } };
}
