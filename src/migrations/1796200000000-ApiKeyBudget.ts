import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Each API key's spent rate-limit points in the current window, shared by every gateway
 * process (rate-limiter-flexible's PostgreSQL store: key, points, expiry in epoch ms). UNLOGGED:
 * it is rewritten on nearly every request, needs no WAL, and losing it in a crash only resets
 * the budgets.
 */
export class ApiKeyBudget1796200000000 implements MigrationInterface {
  name = "ApiKeyBudget1796200000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE UNLOGGED TABLE "api_key_budget" ("key" character varying(255) NOT NULL, "points" integer NOT NULL DEFAULT 0, "expire" bigint, CONSTRAINT "PK_api_key_budget" PRIMARY KEY ("key"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "api_key_budget"`);
  }
}
