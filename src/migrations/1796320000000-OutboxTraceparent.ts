import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The W3C traceparent of the request (or job) that wrote an outbox row, when tracing is on: the
 * relay puts it in the job's payload, and the job's span links to it. Nullable: rows written
 * with tracing off, or before this migration, carry none.
 */
export class OutboxTraceparent1796320000000 implements MigrationInterface {
  name = "OutboxTraceparent1796320000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_outbox" ADD "traceparent" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "workflow_outbox" DROP COLUMN "traceparent"`);
  }
}
