import { MigrationInterface, QueryRunner } from "typeorm";

/** Processes with subscribers list themselves here, so that writers can skip events nobody hears. */
export class EventListeners1796000000000 implements MigrationInterface {
  name = "EventListeners1796000000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "event_listener" ("process_id" uuid NOT NULL, "seen_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_event_listener" PRIMARY KEY ("process_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "event_listener"`);
  }
}
