import type { DataSource } from "typeorm";
import { In } from "typeorm";
import { AgentNumber } from "../../entities/agent-number.entity";
import type { TimeoutSettings } from "../../entities/timeout-settings";
import { AgentNumberChannel } from "./agent-number-channel.enum";
import { decodeCursor, encodeCursor } from "../shared/cursor";
import { TtlCache } from "../shared/ttl-cache";
import { type Page, type PageArgs, toPage, toPageRequest } from "../shared/pagination";
import { UserErrorCode } from "../shared/user-error-code.enum";
import { InvalidArgumentError, type UserInputProblem } from "../shared/user-input-error";

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

  constructor(private readonly dataSource: DataSource) {}

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
   * warningTime below timeOut.
   */
  async updateConfig(accountId: string, command: UpdateAgentNumberConfigCommand): Promise<UpdateAgentNumberConfigResult> {
    return this.dataSource.transaction(async (manager) => {
      const number = await manager
        .getRepository(AgentNumber)
        .findOne({ where: { accountId, number: command.agentNumber }, lock: { mode: "pessimistic_write" } });
      if (!number) {
        return fail(UserErrorCode.AGENT_NUMBER_NOT_FOUND, "agentNumber", `agent number ${command.agentNumber} is not registered to this account`);
      }
      const column = command.channel === AgentNumberChannel.WHATSAPP ? "whatsappConfig" : "smsConfig";
      const config: TimeoutSettings = { ...number[column] };
      for (const key of SETTINGS) {
        if (command[key] === null) delete config[key];
        else if (command[key] !== undefined) (config as Record<string, unknown>)[key] = command[key];
      }
      const touched = command.timeOut !== undefined || command.warningTime !== undefined;
      if (touched && config.warningTime != null) {
        if (config.timeOut == null) {
          // Blame what this call changed: a cleared timeOut, else the new warningTime.
          return fail(UserErrorCode.INVALID_TIMEOUT_CONFIG, command.timeOut === null ? "timeOut" : "warningTime", `warningTime (${config.warningTime} s) needs a timeOut in the same config; set timeOut too`);
        }
        if (config.warningTime >= config.timeOut) {
          const field = command.warningTime !== undefined ? "warningTime" : "timeOut";
          return fail(UserErrorCode.INVALID_TIMEOUT_CONFIG, field, `warningTime (${config.warningTime} s) must be less than timeOut (${config.timeOut} s)`);
        }
      }
      number[column] = config;
      await manager.update(AgentNumber, { id: number.id }, { [column]: config });
      return { ok: true, agentNumber: number };
    });
  }

  /** The account's numbers in number order, paged by keyset. */
  async list(accountId: string, args: PageArgs): Promise<Page<AgentNumber>> {
    const request = toPageRequest(args);
    const query = this.dataSource
      .getRepository(AgentNumber)
      .createQueryBuilder("n")
      .where("n.account_id = :accountId", { accountId })
      .orderBy("n.number", request.forward ? "ASC" : "DESC")
      .limit(request.size + 1);
    if (request.cursor !== null) {
      const argument = request.forward ? "after" : "before";
      const id = decodeCursor(CURSOR_KIND, request.cursor);
      const anchor = id ? await this.dataSource.getRepository(AgentNumber).findOneBy({ id, accountId }) : null;
      if (!anchor) throw new InvalidArgumentError(argument, `${argument} is not a cursor of this account's agent numbers`);
      query.andWhere(`n.number ${request.forward ? ">" : "<"} :number`, { number: anchor.number });
    }
    return toPage(await query.getMany(), request, (number) => encodeCursor(CURSOR_KIND, number.id));
  }

  async findByNumber(accountId: string, number: string): Promise<AgentNumber | null> {
    return this.dataSource.getRepository(AgentNumber).findOneBy({ accountId, number });
  }

  async findByIds(accountId: string, ids: readonly string[]): Promise<AgentNumber[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(AgentNumber).findBy({ accountId, id: In([...ids]) });
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
