import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A conversation references its agent number and that number's account with one composite key,
 * instead of one key to each: the database now also refuses a conversation whose account is not
 * its agent number's, and each row written is checked once instead of twice. A message's
 * account_id is a copy of its conversation's; its own key to account goes (the conversation's key
 * covers it, and an account's deletion still reaches its messages through its conversations).
 * Adding the key checks the existing rows: a migration that fails here has found conversations
 * whose account and agent number disagree.
 */
export class ConversationAgentNumberKey1796100000000 implements MigrationInterface {
    name = 'ConversationAgentNumberKey1796100000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "agent_number" ADD CONSTRAINT "agent_number_id_account_id_key" UNIQUE ("id", "account_id")`);
        await queryRunner.query(`ALTER TABLE "sms_conversation" ADD CONSTRAINT "sms_conversation_agent_number_fkey" FOREIGN KEY ("agent_number_id", "account_id") REFERENCES "agent_number"("id","account_id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "sms_conversation" DROP CONSTRAINT "sms_conversation_agent_number_id_fkey"`);
        await queryRunner.query(`ALTER TABLE "sms_conversation" DROP CONSTRAINT "sms_conversation_account_id_fkey"`);
        await queryRunner.query(`ALTER TABLE "sms_message" DROP CONSTRAINT "sms_message_account_id_fkey"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "sms_message" ADD CONSTRAINT "sms_message_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "sms_conversation" ADD CONSTRAINT "sms_conversation_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "sms_conversation" ADD CONSTRAINT "sms_conversation_agent_number_id_fkey" FOREIGN KEY ("agent_number_id") REFERENCES "agent_number"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "sms_conversation" DROP CONSTRAINT "sms_conversation_agent_number_fkey"`);
        await queryRunner.query(`ALTER TABLE "agent_number" DROP CONSTRAINT "agent_number_id_account_id_key"`);
    }

}
