import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The idempotency key of a message Parley sends (sendSmsMessage, `POST /v1/sms/send`), unique per
 * account like a messageSid: concurrent repeats of a send meet this index and are replays. The
 * index is partial: only sent messages carry a key, so recording any other message maintains no
 * entry in it. Adding a nullable column without a default rewrites nothing; building the index
 * reads the table once, blocking writes to sms_message meanwhile (short: no row has a key yet).
 */
export class MessageIdempotencyKey1796304815000 implements MigrationInterface {
  name = "MessageIdempotencyKey1796304815000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sms_message" ADD "idempotency_key" text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "sms_message_account_idempotency_key_key" ON "sms_message" ("account_id", "idempotency_key") WHERE "idempotency_key" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."sms_message_account_idempotency_key_key"`);
    await queryRunner.query(`ALTER TABLE "sms_message" DROP COLUMN "idempotency_key"`);
  }
}
