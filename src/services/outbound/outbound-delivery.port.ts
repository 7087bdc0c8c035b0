import type { EntityManager } from "typeorm";
import type { Account } from "../../entities/account.entity";
import type { SmsMessage } from "../../entities/sms-message.entity";

/**
 * Where the messages Parley itself sends (the timeout flow's) go. `handOff` runs inside the
 * transaction that records the message, so a message is handed off if and only if it exists.
 */
export interface OutboundDeliveryPort {
  handOff(manager: EntityManager, message: SmsMessage, account: Account, workflowId: string | null): Promise<void>;
}
