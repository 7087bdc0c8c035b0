import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A conversation references its agent number and that number's account with one composite key,
 * instead of one key to each: the database now also refuses a conversation whose account is not
 * its agent number's, and each row written is checked once instead of twice (an agent number
 * with conversations can no longer move to another account). A message's account_id is a copy of
 * its conversation's, kept equal by the code that writes messages; its own key to account goes
 * (an account's deletion still reaches its messages through its agent numbers and conversations).
 *
 * Before upgrading: adding the key checks every conversation, and the migration fails (the new
 * version does not start) if one's account is not its agent number's. To look first:
 *   SELECT c.id FROM sms_conversation c JOIN agent_number n ON n.id = c.agent_number_id
 *   WHERE n.account_id <> c.account_id;
 * The check holds a lock that blocks writes to sms_conversation for as long as it scans, and the
 * migration may meet a deadlock with writes of older processes still running: upgrade in a quiet
 * window on a large table (a failed start is retried from the top; the migration is one
 * transaction).
 */
export class ConversationAgentNumberKey1796100000000 implements MigrationInterface {
  name = "ConversationAgentNumberKey1796100000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "agent_number" ADD CONSTRAINT "agent_number_id_account_id_key" UNIQUE ("id", "account_id")`);
    await queryRunner.query(
      `ALTER TABLE "sms_conversation" ADD CONSTRAINT "sms_conversation_agent_number_fkey" FOREIGN KEY ("agent_number_id", "account_id") REFERENCES "agent_number"("id","account_id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "sms_conversation" DROP CONSTRAINT "sms_conversation_agent_number_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "sms_conversation" DROP CONSTRAINT "sms_conversation_account_id_fkey"`);
    await queryRunner.query(`ALTER TABLE "sms_message" DROP CONSTRAINT "sms_message_account_id_fkey"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "sms_message" ADD CONSTRAINT "sms_message_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sms_conversation" ADD CONSTRAINT "sms_conversation_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "sms_conversation" ADD CONSTRAINT "sms_conversation_agent_number_id_fkey" FOREIGN KEY ("agent_number_id") REFERENCES "agent_number"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "sms_conversation" DROP CONSTRAINT "sms_conversation_agent_number_fkey"`);
    await queryRunner.query(`ALTER TABLE "agent_number" DROP CONSTRAINT "agent_number_id_account_id_key"`);
  }
}
