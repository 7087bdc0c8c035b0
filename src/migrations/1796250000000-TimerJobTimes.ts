import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * When each pending timer's queued job runs (see SmsConversation.warningJobAt). Until now every
 * pending timer had a job queued at its own time, so that is what existing rows start with.
 */
export class TimerJobTimes1796250000000 implements MigrationInterface {
  name = "TimerJobTimes1796250000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sms_conversation" ADD "warning_job_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "sms_conversation" ADD "timeout_job_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE "sms_conversation" SET "warning_job_at" = "warning_at", "timeout_job_at" = "timeout_at"
       WHERE "status" = 'ACTIVE' AND ("warning_at" IS NOT NULL OR "timeout_at" IS NOT NULL)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "sms_conversation" DROP COLUMN "timeout_job_at"`);
    await queryRunner.query(`ALTER TABLE "sms_conversation" DROP COLUMN "warning_job_at"`);
  }
}
