import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A conversation's channel (SMS or WhatsApp): one ACTIVE conversation per account, agent number,
 * user number and channel. Existing rows were all SMS: the column's default fills them (adding a
 * column with a constant default rewrites nothing). The unique index is rebuilt with the channel
 * (blocking writes to sms_conversation while it reads the table).
 */
export class ConversationChannel1796400000001 implements MigrationInterface {
  name = "ConversationChannel1796400000001";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "public"."sms_channel" AS ENUM('SMS', 'WHATSAPP')`);
    await queryRunner.query(`ALTER TABLE "sms_conversation" ADD "channel" "public"."sms_channel" NOT NULL DEFAULT 'SMS'`);
    await queryRunner.query(`DROP INDEX "public"."sms_conversation_one_active_per_pair"`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "sms_conversation_one_active_per_pair" ON "sms_conversation" ("account_id", "agent_number_id", "user_number", "channel") WHERE "status" = 'ACTIVE'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."sms_conversation_one_active_per_pair"`);
    await queryRunner.query(`DELETE FROM "sms_conversation" WHERE "channel" <> 'SMS'`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "sms_conversation_one_active_per_pair" ON "sms_conversation" ("account_id", "agent_number_id", "user_number") WHERE "status" = 'ACTIVE'`,
    );
    await queryRunner.query(`ALTER TABLE "sms_conversation" DROP COLUMN "channel"`);
    await queryRunner.query(`DROP TYPE "public"."sms_channel"`);
  }
}
