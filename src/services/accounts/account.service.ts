import { randomBytes, randomUUID } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import { Account } from "../../entities/account.entity";
import { AgentNumber } from "../../entities/agent-number.entity";
import { E164 } from "../shared/phone-number";
import { isUniqueViolation } from "../../errors/unique-violation";

export class AccountService {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates an account, with its agent numbers, in one transaction: all or nothing. */
  async create(name: string, numbers: readonly string[] = [], manager?: EntityManager): Promise<Account> {
    if (name.trim() === "") throw new Error("account name must not be empty");
    if (!manager) return this.dataSource.transaction((m) => this.create(name, numbers, m));
    const account = manager.create(Account, { id: randomUUID(), name: name.trim() });
    await manager.insert(Account, account);
    for (const number of numbers) await this.addAgentNumber(account.id, number, manager);
    return account;
  }

  /**
   * Sends the account's outbound messages to `url` (POST, signed) instead of the provider queue,
   * with a new signing secret, returned once. `null` switches back to the queue.
   */
  async setWebhook(accountId: string, url: string | null): Promise<{ url: string | null; secret: string | null }> {
    if (url !== null) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new Error(`"${url}" is not a URL (expected http:// or https://…)`);
      }
      if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new Error("the webhook URL must be http:// or https://");
    }
    const secret = url === null ? null : `whsec_${randomBytes(32).toString("base64url")}`;
    const result = await this.dataSource.getRepository(Account).update({ id: accountId }, { webhookUrl: url, webhookSecret: secret });
    if (!result.affected) throw new Error("no such account");
    return { url, secret };
  }

  async exists(accountId: string): Promise<boolean> {
    return this.dataSource.getRepository(Account).existsBy({ id: accountId });
  }

  async count(): Promise<number> {
    return this.dataSource.getRepository(Account).count();
  }

  /** Registers an agent number to an account, with empty SMS and WhatsApp configs. */
  async addAgentNumber(accountId: string, number: string, manager: EntityManager = this.dataSource.manager): Promise<AgentNumber> {
    if (!E164.test(number)) throw new Error(`"${number}" is not an E.164 number (expected + and 2 to 15 digits, e.g. +14155550100)`);
    const repository = manager.getRepository(AgentNumber);
    const agentNumber = repository.create({ id: randomUUID(), accountId, number, smsConfig: {}, whatsappConfig: {} });
    try {
      await repository.insert(agentNumber);
    } catch (error) {
      if (isUniqueViolation(error, "agent_number_number_key")) {
        throw new Error(`agent number ${number} is already registered`, { cause: error });
      }
      throw error;
    }
    return agentNumber;
  }
}
