import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Opt-out per (agent number, user number): one `sms_recipient` row per pair, which every message
 * of the pair upserts in the write path (so its opt-out state is read and changed under the
 * row's lock, at its latest committed version), backfilled here from the existing conversations.
 * The confirmation kinds the write path records for STOP / START / HELP, and the agent number's
 * texts for them (`opt_out_replies`, JSON; absent keys take the defaults).
 */
export class RecipientOptOut1796400000000 implements MigrationInterface {
  name = "RecipientOptOut1796400000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TYPE "public"."sms_message_kind" ADD VALUE IF NOT EXISTS 'OPT_OUT_CONFIRMATION'`);
    await queryRunner.query(`ALTER TYPE "public"."sms_message_kind" ADD VALUE IF NOT EXISTS 'OPT_IN_CONFIRMATION'`);
    await queryRunner.query(`ALTER TYPE "public"."sms_message_kind" ADD VALUE IF NOT EXISTS 'HELP_REPLY'`);
    await queryRunner.query(`ALTER TABLE "agent_number" ADD "opt_out_replies" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(
      `CREATE TABLE "sms_recipient" ("agent_number_id" uuid NOT NULL, "user_number" text NOT NULL, "account_id" uuid NOT NULL,
        "opted_out" boolean NOT NULL DEFAULT false, "opted_out_at" TIMESTAMP WITH TIME ZONE, "opt_out_keyword" text,
        "opted_in_at" TIMESTAMP WITH TIME ZONE, "opt_in_keyword" text,
        CONSTRAINT "sms_recipient_pkey" PRIMARY KEY ("agent_number_id", "user_number"),
        CONSTRAINT "sms_recipient_agent_number_fkey" FOREIGN KEY ("agent_number_id", "account_id")
          REFERENCES "agent_number"("id", "account_id") ON DELETE CASCADE)`,
    );
    await queryRunner.query(
      `CREATE INDEX "sms_recipient_opted_out_idx" ON "sms_recipient" ("agent_number_id", "opted_out_at", "user_number") WHERE "opted_out"`,
    );
    await queryRunner.query(
      `INSERT INTO "sms_recipient" ("agent_number_id", "user_number", "account_id")
       SELECT DISTINCT "agent_number_id", "user_number", "account_id" FROM "sms_conversation"
       ON CONFLICT DO NOTHING`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "sms_recipient"`);
    await queryRunner.query(`ALTER TABLE "agent_number" DROP COLUMN "opt_out_replies"`);
    // Enum values cannot be dropped; the kinds stay, unused.
  }
}
