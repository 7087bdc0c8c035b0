import type { DataSource } from "typeorm";
import { AgentNumber } from "../entities/agent-number.entity";
import type { TimeoutSettings } from "../entities/timeout-settings";
import { AgentNumberChannel } from "./agent-number-channel.enum";
import { UserErrorCode } from "./user-error-code.enum";
import type { UserInputProblem } from "./user-input-error";

export interface UpdateAgentNumberConfigCommand extends TimeoutSettings {
  agentNumber: string;
  channel: AgentNumberChannel;
}

export type UpdateAgentNumberConfigResult = { ok: true; agentNumber: AgentNumber } | { ok: false; problem: UserInputProblem };

const SETTINGS = ["timeOut", "timeoutMessage", "warningTime", "warningMessage"] as const;

export class AgentNumberService {
  constructor(private readonly dataSource: DataSource) {}

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

  async listForAccount(accountId: string): Promise<AgentNumber[]> {
    return this.dataSource.getRepository(AgentNumber).find({ where: { accountId }, order: { number: "ASC" } });
  }
}

function fail(code: UserErrorCode, field: string, message: string): UpdateAgentNumberConfigResult {
  return { ok: false, problem: { code, field, message } };
}
