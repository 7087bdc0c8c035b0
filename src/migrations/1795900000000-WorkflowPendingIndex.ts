import { MigrationInterface, QueryRunner } from "typeorm";

/** The PENDING workflow row is the setup trigger (no outbox row any more): the worker finds them by this index. */
export class WorkflowPendingIndex1795900000000 implements MigrationInterface {
  name = "WorkflowPendingIndex1795900000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "workflow_pending_idx" ON "workflow" ("created_at") WHERE "status" = 'PENDING'`);
    // Setups and events no longer travel as outbox rows or jobs: their workflows are still PENDING and are set up by the index above.
    await queryRunner.query(`DELETE FROM "workflow_outbox" WHERE "task" = 'conversation.setup' OR "task" LIKE 'event.%'`);
    await queryRunner.query(`DO $$ BEGIN
            IF to_regclass('graphile_worker._private_jobs') IS NOT NULL THEN
                DELETE FROM graphile_worker._private_jobs j USING graphile_worker._private_tasks t
                WHERE t.id = j.task_id AND t.identifier = 'conversation.setup';
            END IF;
        END $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."workflow_pending_idx"`);
  }
}
