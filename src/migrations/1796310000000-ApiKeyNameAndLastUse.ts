import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * An API key's name (given at creation, so people can tell their keys apart) and when it was
 * last used, recorded coarsely (see ApiKeyService.identify): both nullable, so existing keys stay
 * as they are.
 */
export class ApiKeyNameAndLastUse1796310000000 implements MigrationInterface {
  name = "ApiKeyNameAndLastUse1796310000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_key" ADD "name" text, ADD "last_used_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_key" DROP COLUMN "last_used_at", DROP COLUMN "name"`);
  }
}
